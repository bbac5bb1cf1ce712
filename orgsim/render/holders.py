"""Succession as text: each holder of a post (or a vacancy) on a line, with dates and sources."""

from __future__ import annotations

from orgsim.facts import Timeline
from orgsim.render.text import source_line
from orgsim.succession import Tenure

__all__ = ["holders_json", "holders_text"]


def holders_json(organisation: str, title: str, unit: str | None, tenures: list[Tenure], timeline: Timeline) -> dict:
    """`holders --json`: the organisation, the post asked about, and each tenure with its sources."""
    facts = timeline.fact_map()
    return {"organisation": organisation, "title": title, "unit": unit, "holders": [t.as_json(facts) for t in tenures]}


def holders_text(organisation: str, title: str, tenures: list[Tenure], timeline: Timeline) -> str:
    """`OpenAI — who held CEO`, then one line per tenure (`2023-11-17 → 2023-11-20`, acting marked)
    and the source of the facts that began and ended it."""
    facts = timeline.fact_map()
    held = sum(t.person is not None for t in tenures)
    lines = [f"{organisation} — who held {title}: {held} tenure{'' if held == 1 else 's'}"]
    if not tenures:
        lines.append(f"  no one held a post titled {title!r} (titles are matched without case)")
    for t in tenures:
        start = t.start.on.shown
        if t.person is None:
            lines.append(f"  {start} → {t.end.on.shown if t.end is not None else 'still'}  vacant")
            continue
        until = t.end.on.shown if t.end is not None else "still held"
        lines.append(f"  {start} → {until}  {t.name} [{t.person}] — {t.post.text()}")
        lines.extend(f"      {source_line(facts[e])}" for e in t.events)
    return "\n".join(lines)
