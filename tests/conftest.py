"""Gates shared by every suite: what a test needs from the machine, and what an env requires.

``@pytest.mark.needs("root", "debootstrap", ...)``: the test needs these capabilities. A
missing one skips the test with the reason -- unless the run *requires* it: the tox envs that
exist to run such tests (``elements``, ``image``) set ``MURANOKIT_REQUIRE=all`` (or a list of
capability names), and there a missing capability fails the test instead of skipping it.
A test that finds out during its run that something is missing (a mirror that does not
answer) calls the ``missing_capability`` fixture, which skips or fails by the same rule.

``@pytest.mark.unprivileged``: the test needs the file-permission checks an ordinary user
meets. Run as root, its body runs in a forked child that has dropped every capability (and
cannot regain them through exec), so it still runs -- and checks -- in CI, where everything
runs as root.

Every run ends by naming, loudly, the tests that did not run: a test skipped because this
machine lacks something leaves a hole in what the run proves, and pytest's ``N skipped``
hides it. Skips whose reason leaves the test to another tox environment ("run in tox -e
image") are only counted there, unless the run is that environment itself.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import re
import shutil
import sys
import traceback
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

REQUIRE_ENV = "MURANOKIT_REQUIRE"

# capability -> (present?, what is missing); any other name is a command looked up on PATH
_PROBES: dict[str, tuple[Callable[[], bool], str]] = {
    "root": (lambda: os.geteuid() == 0, "needs root"),
    "loop": (lambda: Path("/dev/loop-control").exists(), "needs loop devices (/dev/loop-control)"),
}
# commands -> the Debian package that provides them
_DEBIAN_PACKAGE = {"debootstrap": "debootstrap", "sfdisk": "fdisk", "qemu-img": "qemu-utils",
                   "qemu-system-x86_64": "qemu-system-x86", "shellcheck": "shellcheck",
                   "mksquashfs": "squashfs-tools", "losetup": "mount", "partx": "util-linux",
                   "rabbitmq-server": "rabbitmq-server", "socat": "socat", "mcopy": "mtools",
                   "mkfs.vfat": "dosfstools", "ssh-keygen": "openssh-client", "ss": "iproute2"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(*capabilities): skip (or, when the env requires "
                            "them via MURANOKIT_REQUIRE, fail) without these capabilities")
    config.addinivalue_line("markers", "unprivileged: run the body without root's powers")


def required(capability: str) -> bool:
    """True if this run fails, instead of skipping, the tests that lack ``capability``."""
    wanted = os.environ.get(REQUIRE_ENV, "").replace(",", " ").split()
    return "all" in wanted or capability in wanted


def missing_reason(capability: str) -> str | None:
    """Why ``capability`` is missing on this machine, or None if it is there."""
    if capability in _PROBES:
        present, reason = _PROBES[capability]
        return None if present() else reason
    if shutil.which(capability):
        return None
    package = _DEBIAN_PACKAGE.get(capability)
    return f"needs {capability}" + (f" (Debian package {package})" if package else "")


def skip_or_fail(capability: str, reason: str) -> None:
    """Skip the running test, or fail it when this run requires ``capability``."""
    if required(capability):
        pytest.fail(f"{reason}; this env requires it ({REQUIRE_ENV}="
                    f"{os.environ.get(REQUIRE_ENV)})", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def missing_capability() -> Callable[[str, str], None]:
    """``missing_capability(name, reason)``: skip, or fail where the env requires ``name``."""
    return skip_or_fail


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs"):
        for capability in mark.args:
            reason = missing_reason(capability)
            if reason is not None:
                skip_or_fail(capability, reason)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if pyfuncitem.get_closest_marker("unprivileged") is None or os.geteuid() != 0:
        return None  # pytest calls the test as usual
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    run_without_capabilities(pyfuncitem.obj, args)
    return True


# --- dropping root's powers in a forked child -------------------------------------------

_CAP_VERSION_3 = 0x20080522
_PR_CAPBSET_DROP = 24


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_all_capabilities() -> None:
    """Leave this process (and whatever it execs) without any capability, uid unchanged.

    Root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH meets file modes as their owner
    does; clearing the bounding set first keeps an exec'd program from regaining them.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for cap in range(last + 1):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), f"prctl(PR_CAPBSET_DROP, {cap})")
    header, data = _CapHeader(_CAP_VERSION_3, 0), (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def run_without_capabilities(test: Callable[..., object], args: dict) -> None:
    """Run ``test(**args)`` in a forked child without capabilities; re-raise its failure here."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        outcome: tuple[str, str] = ("passed", "")
        try:
            drop_all_capabilities()
            test(**args)
        except pytest.skip.Exception as exc:
            outcome = ("skipped", str(exc))
        except BaseException:  # noqa: BLE001 - every failure goes back to the parent
            outcome = ("failed", traceback.format_exc())
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps(outcome))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        pytest.fail(f"the unprivileged child died (wait status {status})", pytrace=False)
    kind, text = pickle.loads(data)
    if kind == "skipped":
        pytest.skip(text)
    if kind == "failed":
        pytest.fail(f"in the child without root's capabilities:\n{text}", pytrace=False)


# --- the tests that did not run ----------------------------------------------------------

_TOX_ENV = re.compile(r"\btox -e ([\w-]+)")
_SHOWN_PER_REASON = 5


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    text = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(
        longrepr)
    return text.removeprefix("Skipped: ")


def _runs_elsewhere(reason: str) -> str | None:
    """The tox environment a skip reason leaves the test to, unless it is this one."""
    match = _TOX_ENV.search(reason)
    if match and match.group(1) != os.environ.get("TOX_ENV_NAME"):
        return match.group(1)
    return None


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After pytest's own summary, just above its final counts."""
    yield
    _did_not_run_banner(terminalreporter)


def _did_not_run_banner(terminalreporter) -> None:
    by_reason: dict[str, list[str]] = defaultdict(list)
    for report in terminalreporter.stats.get("skipped", []):
        by_reason[_skip_reason(report)].append(report.nodeid)
    elsewhere: dict[str, int] = defaultdict(int)
    missing: dict[str, list[str]] = {}
    for reason, nodeids in by_reason.items():
        env = _runs_elsewhere(reason)
        if env:
            elsewhere[env] += len(nodeids)
        else:
            missing[reason] = nodeids
    if missing:
        count = sum(len(ids) for ids in missing.values())
        terminalreporter.write_sep(
            "!", f"{count} test{'s' if count > 1 else ''} did NOT run on this machine",
            red=True, bold=True)
        for reason, nodeids in sorted(missing.items()):
            terminalreporter.write_line(f"{len(nodeids)} skipped: {reason}", red=True, bold=True)
            for nodeid in nodeids[:_SHOWN_PER_REASON]:
                terminalreporter.write_line(f"    {nodeid}")
            if len(nodeids) > _SHOWN_PER_REASON:
                terminalreporter.write_line(
                    f"    ... and {len(nodeids) - _SHOWN_PER_REASON} more")
    if elsewhere:
        terminalreporter.write_line(
            "left to their own tox environments: " + ", ".join(
                f"{count} to {env}" for env, count in sorted(elsewhere.items())))
