"""Python-backed classes of the core library (every module here registers on import)."""
