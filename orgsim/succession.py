"""Succession: who held a post, in order, with dates; acting holders marked, gaps shown as vacancies.

Pure: a post's spans (`spans.spans`, read at the end of each day a fact takes effect), so that a departure
and a successor's appointment on the same day leave no gap.
A post is matched by its title, without case (`Post.same_post`), in any unit unless one is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orgsim.facts import Fact, Timeline
from orgsim.orgchart import Post
from orgsim.spans import spans

__all__ = ["Tenure", "holders"]


@dataclass
class Tenure:
    """One holder's time in the post (`person` None: the post was vacant), from the fact that began it to
    the one that ended it (None: still held on the last day the timeline knows)."""

    person: str | None
    name: str | None
    post: Post  # (a vacancy's: the title asked about)
    start: Fact
    end: Fact | None = None
    events: list[str] = field(default_factory=list)

    def as_json(self, facts: dict[str, Fact]) -> dict[str, Any]:
        return {
            "person": self.person,
            "name": self.name,
            "vacant": self.person is None,
            "title": self.post.title,
            "acting": self.post.acting,
            "unit": self.post.unit,
            "post": self.post.text(),
            "from": str(self.start.on),
            "to": str(self.end.on) if self.end is not None else None,
            "events": self.events,
            "sources": [src for e in self.events for src in facts[e].all_sources],
        }


def holders(timeline: Timeline, title: str, unit: str | None = None) -> list[Tenure]:
    """Every tenure of the post `title` (in `unit`, or any), in order of their start: the post's spans
    (`spans.spans`); a vacancy between two holders is a tenure of no one. Nothing before the first
    holder is shown."""
    out = [
        Tenure(s.person, timeline.name_of(s.person), s.post, s.start, s.end, list(s.events))
        for s in spans(timeline)
        if s.post is not None and s.post.same_post(title, unit, any_unit=True)
    ]
    changes: dict[Any, tuple[list[Fact], list[Fact]]] = {}  # day: (what ended, what began)
    for tenure in out:
        changes.setdefault(tenure.start.on.start, ([], []))[1].append(tenure.start)
        if tenure.end is not None:
            changes.setdefault(tenure.end.on.start, ([], []))[0].append(tenure.end)
    held, vacancy = 0, None
    for day in sorted(changes):
        ended, began = changes[day]
        held += len(began) - len(ended)
        if vacancy is not None and held:
            vacancy.end = began[-1]
            vacancy = None
        elif vacancy is None and not held and ended:
            vacancy = Tenure(None, None, Post(title, unit=unit), ended[-1])
            out.append(vacancy)
    return sorted(out, key=lambda t: (t.start.order, t.person is not None))
