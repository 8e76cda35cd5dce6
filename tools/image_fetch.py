"""The pinned release files in the cache folder, checked (and fetched) before a build.

Every file the build needs must be in the cache with its pinned checksum before
diskimage-builder starts: an offline build names every missing file at once, a file with
the wrong checksum stops the build, and a missing file is downloaded from its pinned URL
(through :func:`~muranokit.engine.files.atomic_write`: checked before the rename) unless
the build is offline.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from muranokit.engine.files import atomic_write
from muranokit.tools.exceptions import InputError, OperationFailed
from muranokit.tools.image_pins import (
    Pin,
    cache_problem,
    checksum_parts,
    missing_files_message,
)

DOWNLOAD_TIMEOUT = 60  # seconds without progress before a download is abandoned


def download(pin: Pin, cache: Path, echo: Callable[[str], None]) -> None:
    """Fetch ``pin.url`` into ``cache/pin.name``, checking its checksum before the rename."""
    algorithm, expected = checksum_parts(pin.checksum)
    digest = hashlib.new(algorithm)
    echo(f"downloading {pin.url}")
    try:
        # a cache file is checked again before every build: no sync needed
        with atomic_write(cache / pin.name, sync=False) as out, \
                urllib.request.urlopen(pin.url, timeout=DOWNLOAD_TIMEOUT) as response:
            for block in iter(lambda: response.read(2**20), b""):
                digest.update(block)
                out.write(block)
            if digest.hexdigest() != expected:
                raise OperationFailed(
                    f"{pin.url} does not match its pin ({pin.where}): {algorithm} is "
                    f"{digest.hexdigest()}, expected {expected}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise OperationFailed(f"cannot download {pin.name} from {pin.url}: {reason}") from None


def missing_in_cache(pins: list[Pin], cache: Path, offline: bool) -> list[Pin]:
    """The pins to download into ``cache``; InputError for a bad copy or an offline gap.

    Files already in the cache are checked against their checksums here, so that a wrong
    file stops the build before diskimage-builder starts.
    """
    missing, wrong = [], []
    for pin in pins:
        problem = cache_problem(pin, cache)
        if problem == "missing":
            missing.append(pin)
        elif problem:
            wrong.append(problem)
    if wrong:
        raise InputError("release file(s) in the cache do not match their pins:\n  "
                         + "\n  ".join(wrong) + "\nremove them to download them again")
    if missing and offline:
        raise InputError(missing_files_message(missing, cache))
    return missing
