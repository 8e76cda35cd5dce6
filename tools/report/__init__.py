"""Dry-run reports: text, JSON lines and HTML.

All three render a :class:`~muranokit.tools.report.model.Trace` (the events of a dry-run plus
its final object model and Heat templates). Rendering is pure: the same trace gives the same
bytes.
"""

from muranokit.tools.report.model import Trace
from muranokit.tools.report.render import FORMATS, render

__all__ = ["FORMATS", "Trace", "render"]
