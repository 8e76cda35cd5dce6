"""Rendering a trace as text, JSON lines or one self-contained HTML page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import yaml

from muranokit.engine.events import Masker
from muranokit.tools.report.model import Trace
from muranokit.tools.wording import frame_text, object_label, plural

if TYPE_CHECKING:
    import jinja2


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _yaml(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True, width=100,
                          allow_unicode=True)


def reported_object(event: dict[str, Any]) -> str:
    """The object a ``report`` event is about, as people tell it apart."""
    return object_label(event.get("object"), event.get("type"), event.get("name"))


def script_text(event: dict[str, Any]) -> list[str]:
    """The scripts of an ``agent_plan`` event with their entry points: ``run
    (etcd-master-setup.sh)``."""
    entries = event.get("entry_points") or {}
    return [f"{name} ({entries[name]})" if entries.get(name) else str(name)
            for name in event.get("scripts") or []]


def _describe(event: dict[str, Any]) -> list[str]:
    """Text lines of one event (the first is the headline)."""
    kind = event.get("kind")
    if kind == "report":
        level = " ERROR" if event.get("level") == "error" else ""
        lines = [f"report{level} [{reported_object(event)}]: {event.get('text')}"]
        if event.get("details"):
            lines += ["  " + line for line in str(event["details"]).splitlines()]
        return lines
    if kind == "log":
        return [f"log {event.get('level')} {event.get('logger')}: {event.get('message')}"]
    if kind == "heat_push":
        head = f"heat push {event.get('stack')}: {event.get('status')}"
        if event.get("added"):
            head += " +" + " +".join(event["added"])
        if event.get("removed"):
            head += " -" + " -".join(event["removed"])
        lines = [head]
        if event.get("error"):
            lines.append(f"  error: {event['error']}")
        lines += ["  " + line for line in event.get("diff") or []]
        if event.get("outputs"):
            lines.append(f"  outputs: {_json(event['outputs'])}")
        return lines
    if kind == "heat_delete":
        return [f"heat delete {event.get('stack')}"]
    if kind in ("vm_created", "vm_deleted"):
        return [f"{kind.replace('_', ' ')} {event.get('vm')} (stack {event.get('stack')})"]
    if kind == "agent_plan":
        files = ", ".join(str(f.get("name")) for f in event.get("files") or []) or "-"
        scripts = ", ".join(script_text(event)) or "-"
        name = event.get("name") or "(unnamed)"
        lines = [f"agent {event.get('mode')} {event.get('vm')}: {name} -> {event.get('status')}",
                 f"  scripts: {scripts}", f"  files: {files}",
                 f"  parameters: {_json(event.get('parameters') or {})}"]
        if event.get("error"):
            lines.append(f"  error: {event['error'].get('message')}")
        elif event.get("result") not in (None, ""):
            lines.append(f"  result: {_json(event['result'])}")
        return lines + _run_lines(event.get("run"))
    if kind == "exception":
        lines = [f"exception {event.get('type')}: {event.get('message')}"]
        lines += [f"  at {frame_text(frame)}" for frame in event.get("stack") or []]
        return lines
    if kind in ("object.destroyed", "object.destroy_failed", "object.init_failed"):
        head = f"{kind}: {object_label(event.get('id'), event.get('type'))}"
        return [head + (f": {event.get('error')}: {event.get('message')}"
                        if event.get("error") else "")]
    return [f"{kind}: {_json({k: v for k, v in event.items() if k != 'kind'})}"]


def run_summary(run: dict[str, Any]) -> str:
    """Where a plan ran on a real VM, how long it took and the scripts' exit codes."""
    where = f"ran on {run.get('vm')} ({', '.join(run.get('addresses') or []) or '-'})"
    if run.get("sent"):
        return where + ", sent without waiting"
    codes = ", ".join(f"{s.get('name')} exit {s.get('exitCode')}"
                      for s in run.get("scripts") or []) or "no script"
    took = run.get("duration")
    took = f"{took:.1f} s" if isinstance(took, (int, float)) else "?"
    text = f"{where} in {took} (answer after {run.get('waited', '?')} s): {codes}"
    if run.get("standins"):
        text += "; calls stand-ins of a test image: " + ", ".join(run["standins"])
    return text


def _run_lines(run: dict[str, Any] | None) -> list[str]:
    if not run:
        return []
    lines = [f"  {run_summary(run)}"]
    for script in run.get("scripts") or []:
        for stream in ("stdout", "stderr"):
            if script.get(stream):
                lines.append(f"  {script.get('name')} {stream} (last lines):")
                lines += ["    | " + line for line in str(script[stream]).splitlines()]
    return lines


def render_text(trace: Trace) -> str:
    """Numbered steps, one headline each with indented details, then the outcome."""
    out: list[str] = [f"# {trace.title}"]
    width = len(str(len(trace.events)))
    for index, event in enumerate(trace.events, 1):
        lines = _describe(event)
        out.append(f"[{index:>{width}}] {lines[0]}")
        out += [" " * (width + 3) + line for line in lines[1:]]
    out.append(f"# result: {trace.status} ({plural(len(trace.events), 'event')}, "
               f"{plural(len(trace.vms()), 'VM')})")
    return "\n".join(out) + "\n"


def render_json(trace: Trace) -> str:
    """One JSON object per line: the events, then a ``result`` line with model and templates."""
    lines = [_json(event) for event in trace.events]
    lines.append(_json({"kind": "result", "status": trace.status, "model": trace.model,
                        "templates": trace.templates}))
    return "\n".join(lines) + "\n"


def _environment() -> jinja2.Environment:
    import jinja2  # only the HTML report needs it (a text or JSON report starts faster)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("muranokit.tools.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.ChainableUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, sort_keys=True, indent=2,
                                                        ensure_ascii=False)
    env.filters["toyaml"] = _yaml
    env.filters["headline"] = lambda e: _describe(e)[0]
    env.filters["run_summary"] = run_summary
    env.filters["frame"] = frame_text
    env.filters["plural"] = plural
    env.globals.update(reported_object=reported_object, script_text=script_text)
    return env


def render_html(trace: Trace) -> str:
    """One self-contained page: timeline per VM, plans with their scripts, reports, templates."""
    template = _environment().get_template("report.html.j2")
    return template.render(trace=trace, vms=trace.vms(),
                           plans=trace.of_kind("agent_plan"),
                           reports=trace.of_kind("report", "exception"),
                           pushes=trace.of_kind("heat_push", "heat_delete"))


FORMATS: dict[str, Callable[[Trace], str]] = {
    "text": render_text, "json": render_json, "html": render_html}


def render(trace: Trace, fmt: str = "text", masker: Masker | None = None) -> str:
    """Render ``trace`` in ``fmt`` ("text", "json" or "html") with secrets masked."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (choose {', '.join(FORMATS)})")
    return FORMATS[fmt](trace.masked(masker))
