"""Build the Kubernetes VM image with diskimage-builder and the elements under ``elements/``.

The work is split in steps that can be read (and tested) on their own: prerequisite checks,
device-mapper detection, the build environment (ELEMENTS_PATH, mirrors, caches), running
``disk-image-create`` with progress by phase and a log file, and cleaning up loop devices,
mounts and the work folder whatever happens.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from muranokit.engine.files import move_into_place
from muranokit.tools import image_checks
from muranokit.tools.exceptions import InputError, OperationFailed
from muranokit.tools.image_elements import SOURCE_ELEMENTS
from muranokit.tools.image_fetch import download, missing_in_cache
from muranokit.tools.image_pins import check_pins

DEFAULT_OUTPUT = "debian8-x64-kubernetes.qcow2"
DEFAULT_RELEASE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
DEFAULT_DATASOURCES = "ConfigDrive, OpenStack"
# The elements every image is made of; muranokit-kubernetes-image pulls in the rest.
IMAGE_ELEMENTS = ("vm", "debian-minimal", "muranokit-kubernetes-image")
DMSHIM_DIR = Path(__file__).resolve().parent / "dmshim"
REPO_ELEMENTS = SOURCE_ELEMENTS  # the checkout's elements/ (installed copies: find_elements)


@dataclass(frozen=True)
class Tool:
    """A command the build needs and the Debian package that provides it."""

    command: str
    package: str
    needed_for: str


BASE_TOOLS = (
    Tool("sudo", "sudo", "diskimage-builder runs privileged steps through sudo"),
    Tool("debootstrap", "debootstrap", "creating the Debian root file system"),
    Tool("qemu-img", "qemu-utils", "writing the qcow2 image"),
    Tool("mksquashfs", "squashfs-tools", "diskimage-builder's image tooling"),
    Tool("losetup", "mount", "attaching the raw disk image"),
    Tool("partx", "util-linux", "registering the image's partitions"),
    Tool("mkfs.ext4", "e2fsprogs", "creating the image's file system"),
)
DEVICE_MAPPER_TOOLS = (
    Tool("kpartx", "kpartx", "mapping the image's partitions through device-mapper"),
    Tool("dmsetup", "dmsetup", "removing device-mapper partition maps"),
)


@dataclass
class BuildSettings:
    """What to build and where; filled from the command line."""

    output: Path
    cache: Path
    release: str = DEFAULT_RELEASE
    elements_paths: list[Path] = field(default_factory=list)
    log: Path | None = None
    elements: Path = REPO_ELEMENTS

    @property
    def log_path(self) -> Path:
        if self.log:
            return self.log
        name = self.output.name
        stem = name[: -len(".qcow2")] if name.endswith(".qcow2") else name
        return self.output.with_name(stem + ".log")


# --- prerequisites ---------------------------------------------------------------------------

def has_device_mapper(proc: Path = Path("/proc")) -> bool:
    """True when the running kernel provides device-mapper (so the real kpartx works)."""
    for name in ("misc", "devices"):
        try:
            text = (proc / name).read_text()
        except OSError:
            continue
        if re.search(r"\bdevice-mapper\b", text):
            return True
    return False


def find_command(command: str) -> str | None:
    """A command on PATH or in the sbin folders (which a non-root PATH often lacks)."""
    return shutil.which(command) or shutil.which(command,
                                                 path="/usr/local/sbin:/usr/sbin:/sbin")


def missing_tools(tools: Iterable[Tool], which: Callable[[str], str | None] = find_command
                  ) -> list[Tool]:
    """The tools that are not on PATH."""
    return [tool for tool in tools if not which(tool.command)]


def install_hint(missing: list[Tool]) -> str:
    """A message naming each missing command and the apt-get line that installs them."""
    lines = [f"  {t.command} (Debian package {t.package}): {t.needed_for}" for t in missing]
    packages = " ".join(sorted({t.package for t in missing}))
    return ("missing prerequisites for building the image:\n" + "\n".join(lines)
            + f"\ninstall them with: apt-get install {packages}")


def check_prerequisites(device_mapper: bool,
                        which: Callable[[str], str | None] = find_command) -> None:
    """Raise InputError with install hints when a command the build needs is missing."""
    tools = list(BASE_TOOLS) + (list(DEVICE_MAPPER_TOOLS) if device_mapper else [])
    missing = missing_tools(tools, which)
    if not which("disk-image-create"):
        missing.append(Tool("disk-image-create", "diskimage-builder (pip install "
                            "diskimage-builder)", "running the build"))
    if missing:
        raise InputError(install_hint(missing))
    if os.geteuid() != 0:
        probe = subprocess.run(["sudo", "-n", "true"], capture_output=True)
        if probe.returncode != 0:
            raise InputError("building the image needs root: run as root or allow "
                             "password-less sudo for this user")


def check_release(mirror: str, release: str, timeout: float = 15) -> None:
    """Fail early and clearly when the mirror does not serve the release."""
    url = f"{mirror.rstrip('/')}/dists/{release}/Release"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"),
                                    timeout=timeout):
            return
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise InputError(f"Debian release '{release}' is not on the mirror {mirror} "
                             f"({url}: 404); choose another with --release") from None
        raise InputError(f"cannot reach the Debian mirror: {url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise InputError(f"cannot reach the Debian mirror {mirror}: {exc}; set "
                         "DIB_DISTRIBUTION_MIRROR to a reachable one") from None


# --- environment -----------------------------------------------------------------------------

def security_mirror(mirror: str) -> str:
    """The debian-security archive that sits beside a Debian mirror (".../debian")."""
    base = mirror.rstrip("/")
    if base.endswith("/debian"):
        return base + "-security"
    return "http://deb.debian.org/debian-security"


def elements_path(extra: Iterable[Path], inherited: str | None,
                  ours: Path = REPO_ELEMENTS) -> str:
    """ELEMENTS_PATH: our elements first, then --elements-path folders, then the caller's."""
    parts = [str(ours)] + [str(Path(p).resolve()) for p in extra]
    if inherited:
        parts.extend(p for p in inherited.split(":") if p)
    seen: list[str] = []
    for part in parts:
        if part not in seen:
            seen.append(part)
    return ":".join(seen)


DEBOOTSTRAP_CACHE_MAX_AGE = 7 * 24 * 3600  # older root file systems are bootstrapped afresh


def debootstrap_cache_fresh(image_cache: Path, release: str, now: float | None = None) -> bool:
    """True when DIB's cached debootstrap tarball for the release is recent enough to reuse."""
    tarball = image_cache / f"debootstrap-debian-{release}-amd64.tar.gz"
    try:
        age = (time.time() if now is None else now) - tarball.stat().st_mtime
    except OSError:
        return False
    return age < DEBOOTSTRAP_CACHE_MAX_AGE


def build_environment(settings: BuildSettings, workdir: Path, use_dm_shim: bool,
                      base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment disk-image-create runs with."""
    env = dict(os.environ if base is None else base)
    mirror = env.get("DIB_DISTRIBUTION_MIRROR") or env.get("DIB_DEBIAN_DISTRIBUTION_MIRROR") \
        or DEFAULT_MIRROR
    env["DIB_DISTRIBUTION_MIRROR"] = mirror
    env.setdefault("DIB_DEBIAN_SECURITY_MIRROR", security_mirror(mirror))
    env["DIB_RELEASE"] = settings.release
    env["ELEMENTS_PATH"] = elements_path(settings.elements_paths, env.get("ELEMENTS_PATH"),
                                         settings.elements)
    env.setdefault("DIB_CLOUD_INIT_DATASOURCES", DEFAULT_DATASOURCES)
    env["DIB_MURANOKIT_CACHE"] = str(settings.cache)
    env.setdefault("DIB_DEBOOTSTRAP_CACHE", "1")
    if not env.get("DIB_IMAGE_CACHE"):
        env["DIB_IMAGE_CACHE"] = str(Path(env.get("HOME") or Path.home()) / ".cache"
                                     / "image-create")
    if "DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE" not in env and debootstrap_cache_fresh(
            Path(env["DIB_IMAGE_CACHE"]), settings.release):
        env["DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE"] = "1"
    # every temporary folder, loop image and mount of the build lives under workdir
    env["TMPDIR"] = str(workdir)
    env["TMP_DIR"] = str(workdir)
    if use_dm_shim:
        env["MURANOKIT_REAL_SUDO"] = shutil.which("sudo", path=env.get("PATH")) or "/usr/bin/sudo"
        env["PATH"] = f"{DMSHIM_DIR}:{env.get('PATH', '')}"
    return env


def dib_command(output_stem: Path, extra_elements: Iterable[str] = ()) -> list[str]:
    """The disk-image-create command line; it writes a raw disk (``<stem>.raw``)."""
    return ["disk-image-create", "-a", "amd64", "-t", "raw",
            "-o", str(output_stem), *IMAGE_ELEMENTS, *extra_elements]


COMPRESSIONS = ("zlib", "zstd", "none")


def convert_command(raw: Path, qcow2: Path, compression: str = "zlib") -> list[str]:
    """qemu-img turning the raw disk into qcow2, compressing on every core (-W, -m).

    zlib images open in every QEMU; zstd ones are faster to write but need QEMU 5.1 or later
    on the cloud's compute and image hosts.
    """
    if compression not in COMPRESSIONS:
        raise InputError(f"MURANOKIT_QCOW2_COMPRESSION must be one of {', '.join(COMPRESSIONS)}"
                         f", not {compression!r}")
    cmd = ["qemu-img", "convert", "-W", "-m", "16", "-f", "raw", "-O", "qcow2"]
    if compression != "none":
        cmd.append("-c")
    if compression == "zstd":
        cmd += ["-o", "compression_type=zstd"]
    return [*cmd, str(raw), str(qcow2)]


# --- progress --------------------------------------------------------------------------------

PHASE_NAMES = {
    "root": "creating the root file system",
    "extra-data": "fetching pinned binaries",
    "pre-install": "preparing package installs",
    "install": "installing packages and binaries",
    "post-install": "configuring services",
    "block-device": "partitioning the disk",
    "pre-finalise": "finalising (bootloader, cleanup)",
    "finalise": "finalising (bootloader, cleanup)",
    "cleanup": "cleaning up",
}
_HOOK_LINE = re.compile(r"(?:Running hooks from|dib-run-parts Running) \S*/([a-z-]+)\.d\b")
_OTHER_PHASES = (
    (re.compile(r"Creating partition on|Calling \[sudo (sgdisk|sfdisk)"),
     "partitioning the disk"),
)


def phase_of(line: str) -> str | None:
    """The build phase a disk-image-create output line starts, if any."""
    match = _HOOK_LINE.search(line)
    if match:
        return PHASE_NAMES.get(match.group(1))
    for pattern, name in _OTHER_PHASES:
        if pattern.search(line):
            return name
    return None


# --- failure causes --------------------------------------------------------------------

# Lines that name why a build stopped, most specific first: our elements' own messages
# ("muranokit-<element>: ..."), then diskimage-builder's and apt's errors.
_CAUSE_PATTERNS = (
    re.compile(r"(muranokit-[a-z-]+: .*)$"),
    re.compile(r"((?:E|ERROR|FATAL)[: ].*)$"),
    re.compile(r"(\S*[Ee]rror.*)$"),
)
_TIMESTAMP = re.compile(r"^\S+ \| ")


def failure_cause(lines: Iterable[str], code: int) -> str:
    """The one line that says why disk-image-create stopped."""
    cleaned = [_TIMESTAMP.sub("", line).strip() for line in lines if line.strip()]
    for pattern in _CAUSE_PATTERNS:
        for line in reversed(cleaned):
            found = pattern.search(line)
            if found:
                return f"disk-image-create failed (exit {code}): {found.group(1)}"
    return f"disk-image-create failed (exit {code})"


# --- cleanup ---------------------------------------------------------------------------------

def _privileged(cmd: list[str]) -> list[str]:
    return cmd if os.geteuid() == 0 else ["sudo", "-n", *cmd]


def mounts_under(root: Path, mountinfo: Path = Path("/proc/self/mountinfo")) -> list[str]:
    """Mount points inside ``root``, deepest first."""
    prefix = str(root.resolve())
    points = []
    for line in mountinfo.read_text().splitlines():
        point = line.split()[4].replace("\\040", " ")
        if point == prefix or point.startswith(prefix + "/"):
            points.append(point)
    return sorted(set(points), key=lambda p: p.count("/"), reverse=True)


def _mount_devices(root: Path, mountinfo: Path = Path("/proc/self/mountinfo")) -> set[str]:
    """``major:minor`` of the file systems mounted inside ``root`` (not the one holding it)."""
    prefix = str(root.resolve())
    devices = set()
    for line in mountinfo.read_text().splitlines():
        fields = line.split()
        point = fields[4].replace("\\040", " ")
        if point.startswith(prefix + "/"):
            devices.add(fields[2])
    return devices


def loops_under(root: Path) -> list[str]:
    """Loop devices whose backing file lives inside ``root``.

    A file on a tmpfs mounted inside ``root`` (diskimage-builder's build folders) is matched
    by that file system's device number: losetup may report its path relative to the tmpfs.
    """
    out = subprocess.run(["losetup", "--list", "--json", "-O", "NAME,BACK-FILE,BACK-MAJ:MIN"],
                         capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        return []
    prefix = str(root.resolve()) + "/"
    inner = _mount_devices(root)
    found = []
    for device in json.loads(out.stdout).get("loopdevices", []):
        back_file = device.get("back-file") or ""
        back_dev = (device.get("back-maj:min") or "").strip()
        if back_file.startswith(prefix) or back_dev in inner:
            found.append(device["name"])
    return found


def release_loop(device: str) -> None:
    """Drop partition maps (real or stand-in) and detach one loop device."""
    base = os.path.basename(device)
    mapper = Path("/dev/mapper")
    if mapper.is_dir():
        for link in mapper.glob(f"{base}p*"):
            if link.is_symlink():
                subprocess.run(_privileged(["rm", "-f", str(link)]), capture_output=True)
            else:
                subprocess.run(_privileged(["dmsetup", "remove", link.name]),
                               capture_output=True)
    subprocess.run(_privileged(["partx", "-d", device]), capture_output=True)
    subprocess.run(_privileged(["losetup", "-d", device]), capture_output=True)


def _unmount_all(root: Path, lazy: bool) -> None:
    for point in mounts_under(root):
        done = subprocess.run(_privileged(["umount", point]), capture_output=True)
        if done.returncode != 0 and lazy:
            subprocess.run(_privileged(["umount", "-l", point]), capture_output=True)


def cleanup(workdir: Path, log: Callable[[str], None]) -> list[str]:
    """Unmount, detach and delete everything the build left under ``workdir``.

    Returns what could not be cleaned (empty on success). Loop devices are found while their
    file systems are still mounted; the folder is deleted only once nothing is mounted inside
    it, and never across file systems.
    """
    problems: list[str] = []
    if not workdir.exists():
        return problems
    loops = loops_under(workdir)
    mounted = mounts_under(workdir)
    _unmount_all(workdir, lazy=False)  # partitions first: they keep the loop devices busy
    for device in loops:
        release_loop(device)
        log(f"cleanup: detached {device}")
    _unmount_all(workdir, lazy=True)  # now the tmpfs folders that held the disk files
    for point in mounted:
        log(f"cleanup: unmounted {point}")
    left_mounts = mounts_under(workdir)
    problems.extend(f"still mounted: {p}" for p in left_mounts)
    attached = {line.split(":", 1)[0] for line in subprocess.run(
        ["losetup", "-a"], capture_output=True, text=True).stdout.splitlines()}
    problems.extend(f"loop device still attached: {d}" for d in loops if d in attached)
    if not left_mounts:
        subprocess.run(_privileged(["rm", "-rf", "--one-file-system", str(workdir)]),
                       capture_output=True)
        if workdir.exists():
            problems.append(f"could not remove {workdir}")
    return problems


# --- the build -------------------------------------------------------------------------------

def _stop(proc: subprocess.Popen, grace: float = 60) -> None:
    """Interrupt disk-image-create's process group and give its own cleanup time to run."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _publish(built: Path, output: Path) -> None:
    """Move the finished image to ``output`` without ever leaving a half-written file there."""
    output.parent.mkdir(parents=True, exist_ok=True)
    move_into_place(built, output)


def _echo(message: str) -> None:
    print(message, flush=True)


def check_inputs(settings: BuildSettings, env: Mapping[str, str]) -> list:
    """Every argument, variable and pinned file, before anything is written.

    Returns the pinned files still to download into the cache.
    """
    offline = env.get("DIB_MURANOKIT_OFFLINE", "0") == "1"
    image_checks.check_output(settings.output, settings.log_path)
    image_checks.check_release(settings.release)
    image_checks.check_elements_paths(settings.elements_paths)
    image_checks.check_cache(settings.cache, offline)
    image_checks.check_environment(env)
    convert_command(Path("x.raw"), Path("x.qcow2"),  # rejects a bad compression now
                    env.get("MURANOKIT_QCOW2_COMPRESSION", "zlib"))
    pins = check_pins(settings.elements, settings.cache, env)
    return missing_in_cache(pins, settings.cache, offline)


def run_build(settings: BuildSettings, echo: Callable[[str], None] = _echo,
              extra_elements: Iterable[str] = ()) -> Path:
    """Build the image; returns the output path. Raises InputError/OperationFailed."""
    to_download = check_inputs(settings, os.environ)
    compression = os.environ.get("MURANOKIT_QCOW2_COMPRESSION", "zlib")
    device_mapper = has_device_mapper()
    check_prerequisites(device_mapper)
    env_probe = build_environment(settings, Path("/nonexistent"), False)
    check_release(env_probe["DIB_DISTRIBUTION_MIRROR"], settings.release)
    for pin in to_download:
        download(pin, settings.cache, echo)

    base_tmp = os.environ.get("MURANOKIT_WORK_DIR") or tempfile.gettempdir()
    workdir = Path(tempfile.mkdtemp(prefix="muranokit-image-", dir=base_tmp))
    env = build_environment(settings, workdir, use_dm_shim=not device_mapper)
    stem = workdir / "out" / "image"
    stem.parent.mkdir()
    cmd = dib_command(stem, extra_elements)
    log_path = settings.log_path
    log_path.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()

    def say(message: str) -> None:
        elapsed = int(time.monotonic() - start)
        echo(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {message}")

    def terminated(signum, frame):  # SIGTERM (a CI timeout, kill) cleans up like Ctrl-C
        raise KeyboardInterrupt

    previous_sigterm = signal.signal(signal.SIGTERM, terminated)
    say(f"building {settings.output} (Debian {settings.release}), log: {log_path}")
    if not device_mapper:
        say("no device-mapper in this kernel: using the partx-based kpartx stand-in")
    recent: deque[str] = deque(maxlen=400)  # where the cause of a failure is looked for
    proc = None
    ok = False
    try:
        with open(log_path, "w", encoding="utf-8") as log:
            log.write("$ " + " ".join(cmd) + "\n")
            for key in sorted(env):
                if key.startswith(("DIB_", "ELEMENTS_PATH", "TMP")):
                    log.write(f"# {key}={env[key]}\n")
            log.flush()
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, text=True, errors="replace")
            assert proc.stdout is not None
            current = None
            for line in proc.stdout:
                log.write(line)
                recent.append(line.rstrip())
                phase = phase_of(line)
                if phase and phase != current:
                    current = phase
                    say(phase)
            code = proc.wait()
        if code != 0:
            print("\n".join(["disk-image-create output (last lines):", *list(recent)[-40:]]),
                  file=sys.stderr, flush=True)
            raise OperationFailed(f"{failure_cause(recent, code)} (full log: {log_path})")
        raw = stem.with_suffix(".raw")
        if not raw.is_file():
            raise OperationFailed(f"disk-image-create produced no image (full log: "
                                  f"{log_path})")
        say("writing the qcow2 image")
        built = stem.with_suffix(".qcow2")
        converted = subprocess.run(convert_command(raw, built, compression),
                                   capture_output=True, text=True)
        _append(log_path, "$ " + " ".join(converted.args) + "\n" + converted.stdout
                + converted.stderr)
        if converted.returncode != 0:
            reason = (converted.stderr.strip().splitlines() or ["no message"])[-1]
            raise OperationFailed(f"qemu-img convert failed: {reason} (full log: {log_path})")
        _publish(built, settings.output)
        ok = True
    except KeyboardInterrupt:
        if proc is not None and proc.poll() is None:
            say("interrupted: stopping disk-image-create and cleaning up")
            _stop(proc)
        raise
    finally:
        if proc is not None and proc.poll() is None:
            _stop(proc)
        previous_sigint = signal.signal(signal.SIGINT, signal.SIG_IGN)  # let cleanup finish
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            problems = cleanup(workdir, lambda m: _append(log_path, m))
        finally:
            signal.signal(signal.SIGINT, previous_sigint)
            signal.signal(signal.SIGTERM, previous_sigterm)
        if problems:
            print("muranokit: warning: cleanup incomplete:\n  " + "\n  ".join(problems),
                  file=sys.stderr)
    if ok:
        size = settings.output.stat().st_size / 2**20
        say(f"done: {settings.output} ({size:.0f} MiB)")
    return settings.output


def _append(path: Path, message: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(message + "\n")
    except OSError:
        pass
