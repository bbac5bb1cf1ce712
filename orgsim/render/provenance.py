"""Provenance inside a picture: each box's events with their quotes, and a footer naming the data.

The footer's hash is over the event log that drew the picture (the effective facts' ids, the
retractions and the people register), so a published image names the exact data behind it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from orgsim.facts import Fact, Timeline

__all__ = ["documents", "event_lines", "fact_text", "footer_lines", "log_hash", "web_sources"]


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
    lines = [f"• {fact.on.shown} {what}  [event {fact.id}]"]
    for src in fact.all_sources:  # every source, each with its quote, document, web address and note
        if src.get("quote"):
            lines.append(f"   “{src['quote']}”")
        lines += [f"   — {src[key]}" for key in ("document", "url") if src.get(key)]
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


def _cited(event_ids: Iterable[str], facts: dict[str, Fact], key: str) -> set[str]:
    """The `key` parts (`document`, `url`) of every source of the events."""
    found: set[str] = set()
    for fid in event_ids:
        fact = facts.get(fid)
        if fact:
            found.update(src[key] for src in fact.all_sources if src.get(key))
    return found


def documents(event_ids: Iterable[str], facts: dict[str, Fact]) -> list[str]:
    """The source documents the events cite, sorted."""
    return sorted(_cited(event_ids, facts, "document"))


def web_sources(event_ids: Iterable[str], facts: dict[str, Fact]) -> int:
    """How many web addresses the events cite (the footer counts them rather than list them)."""
    return len(_cited(event_ids, facts, "url"))


def footer_lines(event_ids: Iterable[str], facts: dict[str, Fact], timeline: Timeline) -> list[str]:
    """Small print about the sources the events cite: the documents, a count of web sources and of
    sources that are only a note (one readable line), and the event log's hash (and how to see each
    box's quotes)."""
    ids = list(event_ids)
    web = web_sources(ids, facts)
    notes = {
        tuple(sorted(s.items()))
        for fid in ids
        if fid in facts
        for s in facts[fid].all_sources
        if not s.get("document") and not s.get("url")
    }
    cited = documents(ids, facts) + [
        f"{n} {what}{'s' if n != 1 else ''}" for n, what in ((web, "web source"), (len(notes), "note")) if n
    ]
    return [
        "Sources: " + (", ".join(cited) if cited else "none cited"),
        f"Event log sha256 {log_hash(timeline)} · drawn by orgsim · in the SVG, hover a box for its events and quotes",
    ]
