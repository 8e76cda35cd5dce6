"""One dry-run pipeline behind ``muranokit deploy`` and ``action``: settings, session, result.

1. :class:`Settings` come from the command's arguments (:func:`add_arguments` declares the
   options both commands share: ``--state``, ``--agent-rules``, ``--report``, ``-o``,
   ``--model-out``);
2. :meth:`DryRun.prepare` refuses unusable input before any work: output folders, the saved
   state, the rules file; it locks the state folder (held until the DryRun is closed: a
   ``with`` block), so two commands never work on one state at once;
3. :meth:`DryRun.session` opens a :class:`~muranokit.tools.dryrun.Session` on the packages
   with a cloud backend made by the factory :data:`CLOUDS` names (``sim``: the simulated
   cloud, continued from the saved state);
4. the command runs its work on the session (deploy, delete, action);
5. :meth:`DryRun.finish` renders the report, writes ``--model-out``, saves the state, warns
   about muted ``.destroy`` failures and gives the exit code.

Another cloud backend plugs in by adding its factory to :data:`CLOUDS` (the ``--cloud`` name
in :attr:`Settings.cloud`, its options in :attr:`Settings.extra`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from muranokit.tools import run_limits
from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_OK, InputError

# The engine, the session and the state modules are imported when a dry-run starts, not
# with the options: every muranokit command declares its options at start-up.


def add_arguments(parser: argparse.ArgumentParser, state_required: bool = False) -> None:
    """The options every dry-run command has."""
    parser.add_argument("--state", metavar="DIR", required=state_required,
                        help="state folder written by `muranokit deploy --state DIR`"
                        if state_required else
                        "continue from and save to this state folder")
    parser.add_argument("--agent-rules", metavar="FILE",
                        help="YAML rules: agent answers and injected agent/Heat failures")
    parser.add_argument("--report", choices=("text", "json", "html"), default="text",
                        help="report format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report here instead of standard output")
    parser.add_argument("--model-out", metavar="FILE",
                        help="also write the final object model here (JSON, secrets as ***)")
    parser.add_argument("--lock-wait", metavar="SECONDS", type=_seconds, default=None,
                        help="how long to wait while another command uses the same --state "
                             "folder (default 120; 0: fail at once)")
    run_limits.add_arguments(parser)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


@dataclass
class Settings:
    """What one dry-run command was asked to do."""

    command: str                    # as recorded in the state's history ("deploy", ...)
    title: str                      # the report's title
    state: str | None = None        # --state DIR
    rules: str | None = None        # --agent-rules FILE
    report: str = "text"            # --report
    output: str | None = None       # -o FILE
    model_out: str | None = None    # --model-out FILE
    cloud: str | None = None        # which of CLOUDS runs it (None: the saved state's, or sim)
    extra: dict[str, Any] = field(default_factory=dict)   # backend-specific options
    lock_wait: float | None = None  # --lock-wait SECONDS (None: the default)
    limits: dict[str, Any] = field(default_factory=dict)  # --max-* (engine Limits fields)

    @classmethod
    def from_arguments(cls, args: argparse.Namespace, command: str, title: str) -> Settings:
        extra = {key: getattr(args, key) for key in ("image", "amqp")
                 if getattr(args, key, None) is not None}
        return cls(command, title, args.state, args.agent_rules, args.report, args.output,
                   args.model_out, getattr(args, "cloud", None), extra,
                   lock_wait=getattr(args, "lock_wait", None),
                   limits=run_limits.limits_from(args))


def simulated_cloud(settings: Settings, previous: Any, rules: Any, masker: Any) -> Any:
    """The simulated cloud, continued from the saved state."""
    from muranokit.engine.corelib.cloud import Cloud, CloudError
    from muranokit.tools.state import state_file
    try:
        return Cloud(rules=rules, masker=masker, state=previous.cloud if previous else None)
    except CloudError as exc:
        where = state_file(settings.state) if settings.state else None
        raise InputError(f"saved cloud state unusable ({exc}); the state file was left as "
                         "it is", where) from None


def qemu_cloud(settings: Settings, previous: Any, rules: Any, masker: Any) -> Any:
    """Local qemu VMs with the real murano-agent (``muranokit.tools.localcloud``)."""
    from muranokit.tools.localcloud.backend import open_cloud
    from muranokit.tools.localcloud.lifecycle import LocalCloudError
    if rules is not None:
        raise InputError("--agent-rules are answers of the simulated agent; on --cloud qemu "
                         "the real murano-agent answers")
    try:
        return open_cloud(settings.state, settings.extra.get("image"),
                          settings.extra.get("amqp"), previous.cloud if previous else None,
                          masker)
    except LocalCloudError as exc:
        raise InputError(str(exc)) from None


def add_cloud_arguments(parser: argparse.ArgumentParser) -> None:
    """``--cloud`` and the options of the local qemu cloud (for ``deploy``)."""
    parser.add_argument("--cloud", choices=sorted(CLOUDS), default=None,
                        help="sim: the simulated cloud (default); qemu: local VMs booted from "
                             "the image, plans run by the real murano-agent (a saved state "
                             "keeps its cloud)")
    parser.add_argument("--image", metavar="FILE",
                        help=f"with --cloud qemu: the VM image (default: ./{QEMU_IMAGE}, "
                             "as `muranokit image` writes it)")
    parser.add_argument("--amqp", metavar="URL",
                        help="with --cloud qemu: an existing RabbitMQ broker "
                             "(amqp://USER:PASSWORD@HOST:PORT/VHOST) instead of one started "
                             "for the environment")


QEMU_IMAGE = "debian8-x64-kubernetes.qcow2"
CloudFactory = Callable[[Settings, Any, Any, Any], Any]
CLOUDS: dict[str, CloudFactory] = {"sim": simulated_cloud, "qemu": qemu_cloud}
"""Cloud backends by name: ``factory(settings, previous state, rules, masker)`` returns a
:class:`~muranokit.engine.corelib.cloud.backend.CloudBackend`."""


class DryRun:
    """One dry-run command from its settings to its exit code; a context manager (the
    state folder's lock is released when the block ends)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.previous: Any = None       # the SavedState continued, if any
        self.rules: Any = None
        self.lock: Any = None           # the state folder's StateLock, while held

    def __enter__(self) -> DryRun:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Release the state folder."""
        lock, self.lock = self.lock, None
        if lock is not None:
            lock.release()

    def prepare(self, require_state: bool = False) -> DryRun:
        """Refuse unusable input before any work; read the saved state and the rules."""
        from muranokit.tools import state as state_dir
        from muranokit.tools.dryrun import check_output_path, check_packages_exist
        settings = self.settings
        check_output_path(settings.output, "report")
        check_output_path(settings.model_out, "model")
        if settings.cloud is not None and settings.cloud not in CLOUDS:
            raise InputError(f"unknown cloud {settings.cloud!r} (choose "
                             f"{', '.join(sorted(CLOUDS))})")
        if settings.state:
            if not require_state:
                state_dir.check_usable(settings.state)
            elif not os.path.isdir(settings.state):
                state_dir.load(settings.state)  # says what is wrong; creates nothing
            wait = state_dir.LOCK_WAIT if settings.lock_wait is None else settings.lock_wait
            self.lock = state_dir.StateLock(settings.state, wait).acquire()
            if require_state or state_dir.exists(settings.state):
                self.previous = state_dir.load(settings.state)
                check_packages_exist(self.previous.packages, settings.state)
        saved = (self.previous.cloud.get("backend") or "sim") if self.previous else None
        if saved and settings.cloud and settings.cloud != saved:
            raise InputError(f"the saved environment runs on the {saved} cloud; it cannot "
                             f"continue on --cloud {settings.cloud} (deploy into a new --state "
                             "folder)", settings.state)
        settings.cloud = settings.cloud or saved or "sim"
        if settings.extra and settings.cloud != "qemu":
            raise InputError("--image and --amqp go with --cloud qemu")
        if settings.rules:
            from muranokit.engine.corelib.cloud import RulesError, load_rules
            try:
                self.rules = load_rules(settings.rules)
            except RulesError as exc:
                raise InputError(exc.message, exc.path, exc.line) from None
        return self

    def session(self, packages: list[str]) -> Any:
        """A :class:`~muranokit.tools.dryrun.Session` on ``packages`` (then the saved
        state's) with the chosen cloud."""
        from muranokit.tools.dryrun import Session
        from muranokit.tools.state import state_file
        if self.previous is not None:
            packages = packages + [p for p in self.previous.packages if p not in packages]
        factory = CLOUDS[self.settings.cloud]
        saved = state_file(self.settings.state) if self.previous is not None else None
        return Session(packages, previous=self.previous, limits=self.settings.limits,
                       cloud=lambda masker: factory(self.settings, self.previous, self.rules,
                                                    masker), state_path=saved)

    @contextmanager
    def guard(self, session: Any) -> Iterator[None]:
        """Around the work on ``session``: an interrupted command (Ctrl-C, or SIGTERM, which
        ``cli`` turns into one) leaves no running cloud behind; input refused before any
        work keeps an environment that existed before."""
        from muranokit.tools.exceptions import MuranokitError
        try:
            yield
        except MuranokitError:
            session.cloud.close(keep=self.previous is not None)
            raise
        except BaseException:
            session.cloud.close(keep=False)
            raise

    def finish(self, session: Any, outcome: Any, failed: str) -> int:
        """Report, model, state and messages of ``outcome``; the exit code. ``failed``
        names the work in the failure message (``deployment``, ``action restart``).

        A cloud that runs real VMs keeps them only when the work succeeded into a
        ``--state`` folder; otherwise it stops them, and the saved state then holds no
        environment (the next deploy starts a new one)."""
        from muranokit.tools import state as state_dir
        from muranokit.tools.dryrun import (
            describe_error,
            destroy_failures,
            emit_report,
            saved_state,
            write_model,
        )
        from muranokit.tools.report import render
        settings = self.settings
        logging.getLogger("muranokit.dryrun").debug(
            "engine budget used: %s (limits: %s)", session.runtime.usage(),
            session.runtime.limits)
        gone = session.cloud.close(keep=outcome.ok and bool(settings.state))
        try:
            report = render(outcome.trace(settings.title), settings.report, session.masker)
            if settings.model_out:
                write_model(settings.model_out, outcome, session.masker)
            emit_report(report, settings.output)
            if settings.state:
                history = self.previous.history if self.previous else []
                saved = saved_state(session, outcome, settings.command, history)
                if gone:
                    saved.model = {"Objects": None, "Attributes": []}
                    saved.cloud = session.cloud.to_state()
                state_dir.save(settings.state, saved)
        except BaseException:
            if not gone:   # nothing would remember what still runs
                session.cloud.close(keep=False)
            raise
        if gone and (not outcome.ok or not settings.state):
            print(f"muranokit: the {settings.cloud} cloud of this environment was stopped and "
                  "removed (" + ("the command failed" if not outcome.ok else
                                 "no --state folder to keep it in") + ")", file=sys.stderr)
        for failure in destroy_failures(outcome):
            print("muranokit: warning: .destroy failed (Murano carries on; its resources may "
                  "not be released): " + session.masker.mask(failure), file=sys.stderr)
        if not outcome.ok:
            print(f"muranokit: {failed} failed: "
                  + session.masker.mask(describe_error(outcome.error)), file=sys.stderr)
            return EXIT_FINDINGS
        return EXIT_OK


__all__ = ["CLOUDS", "DryRun", "Settings", "add_arguments", "add_cloud_arguments",
           "qemu_cloud", "simulated_cloud"]
