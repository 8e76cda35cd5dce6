"""Checks of everything ``muranokit image`` is given, before anything is built or written.

Each check raises InputError (exit 2) with the argument or variable it is about: the
output file and its folder, the cache folder and the home folder it defaults to, the
Debian release and mirror, extra element folders, the work folder. None of them writes
anything.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

from muranokit.tools.exceptions import InputError

RELEASE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
MIRROR_SCHEMES = ("http", "https", "ftp", "file")


def _first_existing(path: Path) -> Path:
    """``path`` or its nearest existing ancestor."""
    current = path
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_writable_folder(folder: Path, what: str) -> None:
    """``folder`` is (or can be created as) a writable folder."""
    existing = _first_existing(folder)
    if not existing.is_dir():
        raise InputError(f"{what}: {existing} is not a folder", path=str(folder))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{what}: {existing} is not writable", path=str(folder))


def check_output(output: Path, log: Path) -> None:
    """The image file (``-o``) and its log can be written where they are asked for."""
    if output.is_dir():
        raise InputError("-o names a folder; give the image file to write, e.g. "
                         f"{output / 'debian8-x64-kubernetes.qcow2'}", path=str(output))
    if output.exists() and not output.is_file():
        raise InputError("-o names something that is not a regular file", path=str(output))
    check_writable_folder(output.parent, "folder of the image file (-o)")
    if log.is_dir():
        raise InputError("the build log would replace a folder", path=str(log))
    check_writable_folder(log.parent, "folder of the build log")


def check_release(release: str) -> None:
    """A Debian code name such as ``bookworm`` (not a path, URL or phrase)."""
    if not RELEASE_NAME.match(release):
        raise InputError(f"--release {release!r} is not a Debian release name (lower-case "
                         "letters, digits and '-', e.g. bookworm)")


def check_mirror(mirror: str, variable: str = "DIB_DISTRIBUTION_MIRROR") -> None:
    """A mirror URL diskimage-builder and apt can use."""
    parsed = urllib.parse.urlparse(mirror)
    if parsed.scheme not in MIRROR_SCHEMES or not (parsed.netloc or parsed.scheme == "file"):
        raise InputError(f"{variable}={mirror!r} is not a mirror URL (expected e.g. "
                         "http://deb.debian.org/debian)")
    if any(ch.isspace() for ch in mirror):
        raise InputError(f"{variable}={mirror!r} contains white space")


def check_elements_paths(paths: list[Path]) -> None:
    """Every ``--elements-path`` is an existing folder."""
    for path in paths:
        if not path.is_dir():
            state = "does not exist" if not path.exists() else "is not a folder"
            raise InputError(f"--elements-path {state}", path=str(path))


def check_cache(cache: Path, offline: bool) -> None:
    """The cache folder exists; it must be writable unless the build is offline."""
    if not cache.exists():
        raise InputError(f"cache folder {cache} does not exist")
    if not cache.is_dir():
        raise InputError(f"cache folder {cache} is not a folder")
    if not offline and not os.access(cache, os.W_OK | os.X_OK):
        raise InputError(f"cache folder {cache} is not writable (downloads go there); make "
                         "it writable or set DIB_MURANOKIT_OFFLINE=1")


def home_folder(env: Mapping[str, str]) -> Path:
    """``$HOME`` when it is a folder; InputError saying what to set otherwise."""
    home = env.get("HOME") or str(Path.home())
    path = Path(home)
    if not path.is_dir():
        raise InputError(f"HOME={home} is not a folder; set HOME to your home folder, or "
                         "pass --cache DIR and set DIB_IMAGE_CACHE=DIR")
    return path


def default_cache(env: Mapping[str, str]) -> Path:
    """``~/.cache/muranokit/downloads``, created when missing."""
    cache = home_folder(env) / ".cache" / "muranokit" / "downloads"
    check_writable_folder(cache, "default cache folder")
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the cache folder: {exc.strerror}",
                         path=str(cache)) from None
    return cache


def check_environment(env: Mapping[str, str]) -> None:
    """Variables the build reads: mirrors, work folder, image cache (and HOME for it)."""
    for variable in ("DIB_DISTRIBUTION_MIRROR", "DIB_DEBIAN_DISTRIBUTION_MIRROR",
                     "DIB_DEBIAN_SECURITY_MIRROR"):
        if env.get(variable):
            check_mirror(env[variable], variable)
    work = env.get("MURANOKIT_WORK_DIR")
    if work:
        if not Path(work).is_dir():
            raise InputError(f"MURANOKIT_WORK_DIR={work} is not an existing folder")
        check_writable_folder(Path(work), "MURANOKIT_WORK_DIR")
    image_cache = env.get("DIB_IMAGE_CACHE")
    if image_cache:
        check_writable_folder(Path(image_cache), "DIB_IMAGE_CACHE")
    else:
        check_writable_folder(home_folder(env) / ".cache" / "image-create",
                              "diskimage-builder's cache (~/.cache/image-create)")
