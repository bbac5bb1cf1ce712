"""Provenance inside a picture: each box's events with their quotes, and a footer naming the data.

The footer's hash is over the event log that drew the picture (the effective facts' ids, the
retractions and the people register), so a published image names the exact data behind it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from orgsim.facts import Fact, Timeline

__all__ = ["documents", "event_lines", "fact_text", "footer_lines", "log_hash"]


def log_hash(timeline: Timeline) -> str:
    """12 hex characters of sha256 over the effective facts' ids, the retractions and the people
    (a timeline read from the read model carries the stored value: `stored_log_hash`)."""
    stored = getattr(timeline, "stored_log_hash", None)
    if stored is not None:
        return stored
    payload = json.dumps(
        {
            "organisation": timeline.organisation,
            "facts": sorted(f.id for f in timeline.effective()),
            "retractions": sorted([r.id, r.target] for r in timeline.retractions),
            "people": sorted([pid, p["name"], list(p.get("aliases", ()))] for pid, p in timeline.people.items()),
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def fact_text(fact: Fact, timeline: Timeline) -> str:
    """What a fact says, naming the manager rather than their id: `reports to Sam Altman`."""
    what = fact.describe()
    if fact.manager:
        what = what.replace(fact.manager, timeline.name_of(fact.manager))
    return what


def _fact_line(fact: Fact, timeline: Timeline) -> list[str]:
    what = fact_text(fact, timeline)
    lines = [f"• {fact.on} {what}  [event {fact.id}]"]
    src = fact.source
    if src.get("quote"):
        lines.append(f"   “{src['quote']}”")
    if src.get("document") or src.get("url"):
        lines.append(f"   — {src.get('document') or src.get('url')}")
    if src.get("note"):
        lines.append(f"   note: {src['note']}")
    return lines


def event_lines(event_ids: Iterable[str], facts: dict[str, Fact], timeline: Timeline) -> list[str]:
    """Every event behind a box: date, what it says, its quote and its document."""
    out: list[str] = []
    for fid in event_ids:
        fact = facts.get(fid)
        out.extend(_fact_line(fact, timeline) if fact else [f"• event {fid}"])
    return out


def documents(event_ids: Iterable[str], facts: dict[str, Fact]) -> list[str]:
    """The source documents (or URLs) the events cite, sorted."""
    found = set()
    for fid in event_ids:
        fact = facts.get(fid)
        if fact:
            doc = fact.source.get("document") or fact.source.get("url")
            if doc:
                found.add(doc)
    return sorted(found)


def footer_lines(docs: list[str], timeline: Timeline) -> list[str]:
    """Small print: the sources and the event log's hash (and how to see each box's quotes)."""
    return [
        "Sources: " + (", ".join(docs) if docs else "none cited"),
        f"Event log sha256 {log_hash(timeline)} · drawn by orgsim · in the SVG, hover a box for its events and quotes",
    ]
