"""Succession: who held a post, in order, with dates; acting holders marked, gaps shown as vacancies.

Pure: a fold of a timeline's facts (`chart.ChartState`, the one rule set), read at the end of each day a
fact takes effect, so that a departure and a successor's appointment on the same day leave no gap.
A post is matched by its title, without case (`Post.same_post`), in any unit unless one is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from orgsim.chart import ChartState
from orgsim.facts import Fact, Timeline
from orgsim.orgchart import Post

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


def _held(rows: Any, title: str, unit: str | None) -> dict[tuple[str, bool], Post]:
    """{(person, acting): post} of everyone holding the post in a fold's rows."""
    return {(pid, p.acting): p for pid, s in rows.items() for p in s.posts if p.same_post(title, unit, any_unit=True)}


def _ending(facts: list[Fact], person: str) -> Fact:
    """The fact of the day that ended someone's tenure: their departure (from the post or the
    organisation), else their appointment to other posts, else any fact of theirs that day."""
    mine = [f for f in facts if f.person == person] or facts
    return next((f for f in mine if f.kind == "departed"), next((f for f in mine if f.kind == "appointed"), mine[0]))


def holders(timeline: Timeline, title: str, unit: str | None = None) -> list[Tenure]:
    """Every tenure of the post `title` (in `unit`, or any), in order of their start; a vacancy between
    two holders is a tenure of no one. Nothing before the first holder is shown."""
    out: list[Tenure] = []
    open_: dict[tuple[str, bool], Tenure] = {}
    vacancy: Tenure | None = None
    fold = ChartState(timeline.people)
    for _day, group in groupby(timeline.effective(), key=lambda f: f.on.start):
        facts = list(group)
        for fact in facts:
            fold.apply(fact)
        held = _held(fold.rows, title, unit)  # at the end of the day
        ended = None
        for key in [k for k in open_ if k not in held]:
            tenure = open_.pop(key)
            tenure.end = ended = _ending(facts, key[0])
            tenure.events.append(ended.id)
        began = None
        for key, post in held.items():
            if key not in open_:  # began that day, by the appointment that gave the post
                began = next((f for f in facts if f.id in post.events), facts[0])
                open_[key] = Tenure(key[0], timeline.name_of(key[0]), post, began, events=[began.id])
                out.append(open_[key])
        if vacancy is not None and held:
            vacancy.end = began
            vacancy = None
        elif vacancy is None and not held and ended is not None:
            vacancy = Tenure(None, None, Post(title, unit=unit), ended)
            out.append(vacancy)
    return sorted(out, key=lambda t: (t.start.order, t.person is not None))
