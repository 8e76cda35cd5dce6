"""What a report shows: the trace of a dry-run and its outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from muranokit.engine.events import Masker


@dataclass
class Trace:
    """Events in order, the final object model, the final Heat templates, the outcome."""

    events: list[dict[str, Any]]
    model: dict[str, Any] | None = None
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    status: str = "ok"  # "ok" or "failed"
    title: str = "muranokit dry-run"

    def masked(self, masker: Masker | None = None) -> Trace:
        """A copy with every secret shown as ``***``."""
        masker = masker or Masker()
        masker.learn(self.model)
        masker.learn(self.events)
        masker.learn(self.templates)
        return Trace(masker.mask(self.events), masker.mask(self.model),
                     masker.mask(self.templates), self.status, self.title)

    def vms(self) -> list[str]:
        """VM names in order of first appearance."""
        seen: list[str] = []
        for event in self.events:
            name = event.get("vm")
            if name and name not in seen:
                seen.append(name)
        return seen

    def timeline(self, vm: str) -> list[tuple[int, dict[str, Any]]]:
        """(step number, event) pairs that concern one VM."""
        return [(index, event) for index, event in enumerate(self.events, 1)
                if event.get("vm") == vm]

    def of_kind(self, *kinds: str) -> list[tuple[int, dict[str, Any]]]:
        """(step number, event) pairs of the given kinds."""
        return [(index, event) for index, event in enumerate(self.events, 1)
                if event.get("kind") in kinds]
