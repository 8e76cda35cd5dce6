"""The pinned release files of the image's elements (``elements/*/muranokit-pins/*.pins``).

Each line is ``NAME CHECKSUM URL``; ``CHECKSUM`` is a sha256 (64 hex digits, optionally
``sha256:``-prefixed), ``sha512:`` + 128 hex digits, or ``-`` when no published checksum is
recorded. ``@when VAR=VALUE`` makes the following lines apply only when that variable has
that value. A comment ``# source NAME: OWNER/REPO PATH @ COMMIT (...)`` names where the
checksum of ``NAME`` was published. ``muranokit-fetch`` enforces the pins inside the build;
this module lets ``muranokit image`` check them, and the files in the cache, up front.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from muranokit.engine.files import SourceError, read_file
from muranokit.tools.exceptions import InputError
from muranokit.tools.wording import plural

CHECKSUM = re.compile(r"^(?:sha256:)?[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$")
OVERRIDE_VARIABLE = "DIB_MURANOKIT_PINS_OVERRIDE"
SOURCE_LINE = re.compile(r"^#\s*source\s+(\S+?):\s*(.+)$")
# "owner/repo path @ commit": who published the checksum, in which file, at which commit
SOURCE_REFERENCE = re.compile(r"^[\w.-]+/[\w.-]+ \S+ @ [0-9a-f]{7,40}\b")

# Where each project publishes its release files: a pin whose NAME matches the pattern must
# have exactly this URL (``{v}``: the version captured from NAME). Calico attached standalone
# CNI plugin files to projectcalico/cni-plugin releases up to v3.20.x only; later releases
# bundle them in release-vX.tgz.
RELEASE_LAYOUTS: tuple[tuple[str, str], ...] = (
    (r"kubernetes-server-(v\d+\.\d+\.\d+)-linux-amd64\.tar\.gz",
     "https://dl.k8s.io/{v}/kubernetes-server-linux-amd64.tar.gz"),
    (r"etcd-(v3\.\d+\.\d+)-linux-amd64\.tar\.gz",
     "https://github.com/etcd-io/etcd/releases/download/{v}/etcd-{v}-linux-amd64.tar.gz"),
    (r"calico-cni-(v3\.(?:1\d|20)\.\d+)",
     "https://github.com/projectcalico/cni-plugin/releases/download/{v}/calico-amd64"),
    (r"calico-ipam-(v3\.(?:1\d|20)\.\d+)",
     "https://github.com/projectcalico/cni-plugin/releases/download/{v}/calico-ipam-amd64"),
    (r"flanneld-(v0\.\d+\.\d+)",
     "https://github.com/flannel-io/flannel/releases/download/{v}/flanneld-amd64"),
    (r"flannel-cni-(v1\.\d+\.\d+(?:-flannel\d+)?)",
     "https://github.com/flannel-io/cni-plugin/releases/download/{v}/flannel-amd64"),
    (r"confd-(0\.\d+\.\d+)",
     "https://github.com/kelseyhightower/confd/releases/download/v{v}/confd-{v}-linux-amd64"),
)


@dataclass(frozen=True)
class Pin:
    """One line of an element's ``muranokit-pins/*.pins`` file."""

    name: str
    checksum: str
    url: str
    pins_file: Path
    line: int
    when: tuple[str, str] | None = None
    source: str | None = None

    @property
    def where(self) -> str:
        """``element/muranokit-pins/file.pins:LINE``."""
        return f"{self.pins_file.parent.parent.name}/muranokit-pins/{self.pins_file.name}" \
               f":{self.line}"


def is_checksum(value: str) -> bool:
    """True for a checksum muranokit-fetch can check a file against."""
    return bool(CHECKSUM.match(value))


def checksum_parts(value: str) -> tuple[str, str]:
    """``HEX``/``sha256:HEX``/``sha512:HEX`` -> (hashlib algorithm, hex digest)."""
    algorithm, _, digest = value.rpartition(":")
    return (algorithm or "sha256"), digest


def read_pins(elements_dir: Path) -> list[Pin]:
    """Every pinned file of every element, with its ``@when`` guard and ``# source``."""
    pins = []
    for path in sorted(elements_dir.glob("*/muranokit-pins/*.pins")):
        when = None
        sources: dict[str, str] = {}
        for number, raw in enumerate(path.read_text().splitlines(), 1):
            fields = raw.split()
            if not fields:
                continue
            if fields[0].startswith("#"):
                source = SOURCE_LINE.match(raw.strip())
                if source:
                    sources[source.group(1)] = source.group(2).strip()
                continue
            if fields[0] == "@when":
                if len(fields) != 2 or "=" not in fields[1]:
                    raise InputError(f"expected '@when VARIABLE=VALUE', got {raw!r}",
                                     path=str(path), line=number)
                variable, _, value = fields[1].partition("=")
                when = (variable, value)
                continue
            if len(fields) != 3:
                raise InputError(f"expected 'NAME CHECKSUM URL', got {raw!r}",
                                 path=str(path), line=number)
            pins.append(Pin(fields[0], fields[1], fields[2], path, number, when,
                            sources.get(fields[0])))
    return pins


def layout_problem(pin: Pin) -> str | None:
    """Why ``pin``'s URL is not where its project publishes that file (None if it is)."""
    for pattern, template in RELEASE_LAYOUTS:
        match = re.fullmatch(pattern, pin.name)
        if match:
            expected = template.format(v=match.group(1))
            if pin.url != expected:
                return f"{pin.name}: URL {pin.url} is not the project's release file " \
                       f"{expected}"
            return None
    return f"{pin.name}: no known release layout for this file name (see RELEASE_LAYOUTS)"


def source_problem(pin: Pin) -> str | None:
    """Why ``pin`` lacks a usable ``# source`` comment (None when it has one)."""
    if not pin.source:
        return f"{pin.name}: no '# source {pin.name}: OWNER/REPO PATH @ COMMIT' comment"
    if not SOURCE_REFERENCE.match(pin.source):
        return f"{pin.name}: source {pin.source!r} does not read 'OWNER/REPO PATH @ COMMIT'"
    return None


def regular_file_text(path: Path, what: str) -> str:
    """The text of ``path``; InputError (at once) for a special, binary or unreadable file."""
    try:
        data, _mode = read_file(path, what=what)
    except SourceError as exc:
        raise InputError.from_source(exc) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not a text file (expected 'NAME CHECKSUM' lines)",
                         path=str(path)) from None


def read_overrides(path: Path) -> dict[str, str]:
    """``NAME CHECKSUM`` lines of an override file (the first two fields of each line)."""
    text = regular_file_text(path, f"the file named by {OVERRIDE_VARIABLE}")
    overrides = {}
    for raw in text.splitlines():
        fields = raw.split()
        if len(fields) >= 2 and not fields[0].startswith("#"):
            overrides.setdefault(fields[0], fields[1])
    return overrides


def needed(pins: list[Pin], env: Mapping[str, str]) -> list[Pin]:
    """The pins this build uses (``@when`` applied), checksums overridden as the env says."""
    override_file = env.get(OVERRIDE_VARIABLE)
    overrides = read_overrides(Path(override_file)) if override_file else {}
    chosen = []
    for pin in pins:
        if pin.when and env.get(pin.when[0], "") != pin.when[1]:
            continue
        checksum = overrides.get(pin.name, pin.checksum)
        chosen.append(pin if checksum == pin.checksum else
                      Pin(pin.name, checksum, pin.url, pin.pins_file, pin.line, pin.when,
                          f"{OVERRIDE_VARIABLE}={override_file}"))
    return chosen


def unpinned(pins: list[Pin], env: Mapping[str, str]) -> list[Pin]:
    """The pins this build needs (``@when`` applied) that have no usable checksum."""
    return [pin for pin in needed(pins, env) if not is_checksum(pin.checksum)]


def unpinned_message(missing: list[Pin], cache: Path) -> str:
    """Which files lack a checksum and the two ways to supply one."""
    lines = [f"no published checksum is pinned for {plural(len(missing), 'release file')}:"]
    lines += [f"  {pin.name} ({pin.where}, {pin.url})" for pin in missing]
    lines += [
        f"To supply one, put the file you trust into the cache folder ({cache}, set with",
        "'muranokit image --cache DIR') under that NAME and list a line 'NAME SHA256' (or",
        f"'NAME sha512:HEX') for it in a file named by {OVERRIDE_VARIABLE}=FILE;",
        "or add the checksum the project publishes to the element's muranokit-pins file.",
    ]
    return "\n".join(lines)


def check_pins(elements_dir: Path, cache: Path, env: Mapping[str, str]) -> list[Pin]:
    """The pins this build needs; InputError naming every one without a checksum."""
    pins = needed(read_pins(elements_dir), env)
    missing = [pin for pin in pins if not is_checksum(pin.checksum)]
    if missing:
        raise InputError(unpinned_message(missing, cache))
    return pins


def file_digest(path: Path, algorithm: str) -> str:
    """Hex digest of a file, read in 1 MiB blocks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_problem(pin: Pin, cache: Path) -> str | None:
    """Why the cache does not hold a good copy of ``pin`` ('missing' or a mismatch)."""
    path = cache / pin.name
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return f"{path} is not a regular file"
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"{path} cannot be read: {exc.strerror}"
    algorithm, expected = checksum_parts(pin.checksum)
    actual = file_digest(path, algorithm)
    if actual != expected:
        return f"{path}: {algorithm} is {actual}, the pin says {expected} ({pin.where})"
    return None


def missing_files_message(missing: list[Pin], cache: Path) -> str:
    """Each file an offline build lacks: name, URL and checksum, and what to do."""
    lines = [f"offline build (DIB_MURANOKIT_OFFLINE=1): "
             f"{plural(len(missing), 'pinned release file')} "
             f"{'is' if len(missing) == 1 else 'are'} not in the cache folder {cache}:"]
    for pin in missing:
        lines.append(f"  {pin.name}  {pin.checksum}  {pin.url}")
    lines.append("Download each file from its URL into the cache folder under its NAME "
                 "(the checksum is checked), or build without DIB_MURANOKIT_OFFLINE=1.")
    return "\n".join(lines)
