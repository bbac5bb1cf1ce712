"""Pure: people's moves between the organisations of one store.

A move is a departure whose destination (`departed … --to ORG`) names another organisation the
store holds (names compare whatever their case), with the person's post there: their first
appointment in that organisation whose date does not end before the departure begins. A person
keeps their id across organisations (the id is how two registers name one person). A destination
the store does not hold is a move too, to free text, with no post at the other end (never guessed).
Each end comes from the fold of its own organisation (`chart.steps`): the post a leaver held is
their state when they left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from orgsim.chart import steps
from orgsim.facts import Fact, Timeline

__all__ = ["End", "Move", "moves"]


@dataclass(frozen=True)
class End:
    """One end of a move: the organisation (as the store names it, or the destination as written),
    the post held there (None: not reported), and the fact that dates it."""

    organisation: str
    linked: bool  # the store holds this organisation
    title: str | None
    fact: Fact | None  # the departure (from), the appointment there (to); None: not recorded

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "linked": self.linked,
            "title": self.title,
            "on": str(self.fact.on) if self.fact is not None else None,
            "event": self.fact.id if self.fact is not None else None,
        }


@dataclass(frozen=True)
class Move:
    person: str
    name: str
    origin: End
    destination: End

    def facts(self) -> list[Fact]:
        return [end.fact for end in (self.origin, self.destination) if end.fact is not None]

    def as_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "name": self.name,
            "from": self.origin.as_json(),
            "to": self.destination.as_json(),
            "events": [f.id for f in self.facts()],
        }


def _departures(timeline: Timeline) -> Iterable[tuple[Fact, str | None]]:
    """Each departure that counts, with a destination, and the title the leaver held when they left."""
    for fact, _, alumni in steps(timeline.effective(), timeline.people):
        if fact.kind == "departed" and fact.destination:
            gone = alumni.get(fact.person)
            yield fact, gone[1].title if gone is not None else None


def _arrival(timeline: Timeline, person: str, after: Fact) -> Fact | None:
    """The person's first appointment in `timeline` whose date does not end before `after` begins."""
    found = [
        f for f in timeline.effective() if f.kind == "appointed" and f.person == person and f.on.end >= after.on.start
    ]
    return found[0] if found else None


def moves(timelines: Mapping[str, Timeline], start: date | None = None, end: date | None = None) -> list[Move]:
    """Every move out of the organisations of `timelines` (name → its timeline, as known), in order of
    the departures' dates; `start`/`end`: only departures whose date may fall in that range (an open
    bound: whose day does, as `log` lists it)."""
    by_key = {name.casefold(): name for name in timelines}
    out: list[tuple[Any, Move]] = []
    for name, timeline in timelines.items():
        for left, title in _departures(timeline):
            if (start is not None and left.on.last_named < start) or (end is not None and left.on.start > end):
                continue
            assert left.destination is not None  # (`_departures` yields only those with one)
            target = by_key.get(left.destination.strip().casefold())
            if target is not None and target != name:
                arrived = _arrival(timelines[target], left.person, left)
                there = End(target, True, arrived.title if arrived else None, arrived)
            else:
                there = End(left.destination, False, None, None)
            move = Move(left.person, timeline.name_of(left.person), End(name, True, title, left), there)
            out.append(((left.on.start, name, left.seq), move))
    return [move for _, move in sorted(out, key=lambda pair: pair[0])]
