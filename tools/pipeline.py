"""One dry-run pipeline behind ``muranokit deploy`` and ``action``: settings, session, result.

1. :class:`Settings` come from the command's arguments (:func:`add_arguments` declares the
   options both commands share: ``--state``, ``--agent-rules``, ``--report``, ``-o``,
   ``--model-out``);
2. :meth:`DryRun.prepare` refuses unusable input before any work: output folders, the saved
   state, the rules file;
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
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    cloud: str = "sim"              # which of CLOUDS runs it
    extra: dict[str, Any] = field(default_factory=dict)   # backend-specific options

    @classmethod
    def from_arguments(cls, args: argparse.Namespace, command: str, title: str) -> Settings:
        return cls(command, title, args.state, args.agent_rules, args.report, args.output,
                   args.model_out, getattr(args, "cloud", None) or "sim")


def simulated_cloud(settings: Settings, previous: Any, rules: Any, masker: Any) -> Any:
    """The simulated cloud, continued from the saved state."""
    from muranokit.engine.corelib.cloud import Cloud, CloudError
    try:
        return Cloud(rules=rules, masker=masker, state=previous.cloud if previous else None)
    except CloudError as exc:
        raise InputError(f"saved cloud state unusable: {exc}") from None


CloudFactory = Callable[[Settings, Any, Any, Any], Any]
CLOUDS: dict[str, CloudFactory] = {"sim": simulated_cloud}
"""Cloud backends by name: ``factory(settings, previous state, rules, masker)`` returns a
:class:`~muranokit.engine.corelib.cloud.backend.CloudBackend`."""


class DryRun:
    """One dry-run command from its settings to its exit code."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.previous: Any = None       # the SavedState continued, if any
        self.rules: Any = None

    def prepare(self, require_state: bool = False) -> DryRun:
        """Refuse unusable input before any work; read the saved state and the rules."""
        from muranokit.tools import state as state_dir
        from muranokit.tools.dryrun import check_output_path, check_packages_exist
        settings = self.settings
        check_output_path(settings.output, "report")
        check_output_path(settings.model_out, "model")
        if settings.cloud not in CLOUDS:
            raise InputError(f"unknown cloud {settings.cloud!r} (choose "
                             f"{', '.join(sorted(CLOUDS))})")
        if settings.state:
            if not require_state:
                state_dir.check_usable(settings.state)
            if require_state or state_dir.exists(settings.state):
                self.previous = state_dir.load(settings.state)
                check_packages_exist(self.previous.packages, settings.state)
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
        if self.previous is not None:
            packages = packages + [p for p in self.previous.packages if p not in packages]
        factory = CLOUDS[self.settings.cloud]
        return Session(packages, previous=self.previous,
                       cloud=lambda masker: factory(self.settings, self.previous, self.rules,
                                                    masker))

    def finish(self, session: Any, outcome: Any, failed: str) -> int:
        """Report, model, state and messages of ``outcome``; the exit code. ``failed``
        names the work in the failure message (``deployment``, ``action restart``)."""
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
        report = render(outcome.trace(settings.title), settings.report, session.masker)
        if settings.model_out:
            write_model(settings.model_out, outcome, session.masker)
        emit_report(report, settings.output)
        if settings.state:
            history = self.previous.history if self.previous else []
            state_dir.save(settings.state,
                           saved_state(session, outcome, settings.command, history))
        for failure in destroy_failures(outcome):
            print("muranokit: warning: .destroy failed (Murano carries on; its resources may "
                  "not be released): " + session.masker.mask(failure), file=sys.stderr)
        if not outcome.ok:
            print(f"muranokit: {failed} failed: "
                  + session.masker.mask(describe_error(outcome.error)), file=sys.stderr)
            return EXIT_FINDINGS
        return EXIT_OK


__all__ = ["CLOUDS", "DryRun", "Settings", "add_arguments", "simulated_cloud"]
