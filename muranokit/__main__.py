"""``python -m muranokit`` runs the command line."""

from muranokit.tools.cli import main

raise SystemExit(main())
