"""muranokit.engine: a MuranoPL interpreter built on yaql 3 (see DESIGN.md, "Engine Python API")."""
