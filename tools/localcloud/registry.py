"""Where this machine's local clouds are written down, so that leftovers can be found.

One JSON file per cloud (mode 0600, it names the broker's credentials) under
``$XDG_STATE_HOME/muranokit/clouds`` (``~/.local/state`` by default), written whenever the
cloud starts or stops something and removed when it is torn down. ``muranokit clouds``
lists these entries and what of them still runs, and removes them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from muranokit.engine.files import write_file


def folder() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"),
                                                             ".local", "state")
    return Path(base) / "muranokit" / "clouds"


def record(entry: dict[str, Any]) -> None:
    """Write (or rewrite) the entry of one cloud, atomically."""
    where = folder()
    where.mkdir(parents=True, exist_ok=True)
    os.chmod(where, 0o700)
    write_file(where / f"{entry['id']}.json", json.dumps(entry, indent=1, sort_keys=True),
               mode=0o600)


def forget(cloud_id: str) -> None:
    (folder() / f"{cloud_id}.json").unlink(missing_ok=True)


def entries() -> list[dict[str, Any]]:
    """Every recorded cloud (unreadable entries are skipped)."""
    found = []
    where = folder()
    if not where.is_dir():
        return found
    for path in sorted(where.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("id"):
            found.append(data)
    return found
