"""Pure: what changed between two charts, each change pointing at the events that caused it.

`diff(a, b)` compares the organisation on two days. FROM later than TO is the reverse diff: the
same changes with before/after swapped and joined↔left, on_leave↔returned, and a comeback undone
(rejoined) as left. Equal days: no changes.

Someone in the organisation on the later day and not the earlier one "rejoined" when they had been in
it before and left: they left by the earlier day (an alumnus on it), or they left and came back in
between ("left" then "rejoined"). Otherwise they "joined": a first arrival, even when between the two
days they also left and came back (on the earlier day they had never been in it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from orgsim.chart import OrgChart, Row
from orgsim.dates import PartialDate
from orgsim.facts import Fact

__all__ = ["CHANGE_KINDS", "Change", "ChartDiff", "apply_changes", "diff", "fresh_events"]

#: The kinds of change, in the order a reader groups them.
CHANGE_KINDS = ("left", "joined", "rejoined", "on_leave", "returned", "title_changed", "manager_changed")
_REVERSED = {"left": "joined", "joined": "left", "rejoined": "left", "on_leave": "returned", "returned": "on_leave"}
_CAUSES = {  # which fact kinds can cause which change
    "on_leave": {"on_leave"},
    "returned": {"returned"},
    "title_changed": {"appointed", "departed"},  # (a departure from one post changes the posts too)
    "manager_changed": {"reports_to", "appointed", "departed"},
}


@dataclass(frozen=True)
class Change:
    person: str
    name: str
    change: str
    before: Row | None
    after: Row | None
    events: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "name": self.name,
            "change": self.change,
            "before": _row_json(self.before),
            "after": _row_json(self.after),
            "events": list(self.events),
        }


def _row_json(row: Row | None) -> dict[str, Any] | None:
    return None if row is None else row.as_json()


@dataclass(frozen=True)
class ChartDiff:
    organisation: str
    from_chart: OrgChart
    to_chart: OrgChart
    changes: tuple[Change, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "from": self.from_chart.at.isoformat(),
            "to": self.to_chart.at.isoformat(),
            "changes": [c.as_json() for c in self.changes],
        }

    def by_kind(self) -> dict[str, list[Change]]:
        return {k: [c for c in self.changes if c.change == k] for k in CHANGE_KINDS}


def fresh_events(before: Row, after: Row) -> tuple[str, ...]:
    """The events behind `after` that `before` lacks. Within one tenure a row's events only grow
    (effective order), so that is usually the tail past `before`'s; otherwise compared one by one."""
    n = len(before.events)
    if after.events[:n] == before.events:
        return after.events[n:]
    seen = set(before.events)
    return tuple(e for e in after.events if e not in seen)


def _new_events(fresh: tuple[str, ...], after: Row, kind: str, facts: Mapping[str, Fact]) -> tuple[str, ...]:
    """Of the events `after` has and the earlier row lacks (`fresh`), those that can cause `kind`."""
    if not facts:
        return fresh
    causes = _CAUSES[kind]
    found = [facts[e] for e in fresh if e in facts]
    picked = [f for f in found if f.kind in causes]
    if kind == "manager_changed":  # an appointment causes it only when it named a manager
        picked = [f for f in picked if f.kind != "appointed" or f.manager is not None or f.person != after.id]
    return tuple(f.id for f in picked) if picked else fresh


def _departures_of(facts: Mapping[str, Fact]) -> Callable[[str], Iterable[Fact]]:
    """person → their departure facts. A mapping that indexes them itself (the read model's
    `FactLookup.departures_of`) answers directly; any other mapping is indexed once, when first asked."""
    own = getattr(facts, "departures_of", None)
    if own is not None:
        return own
    index: dict[str, list[Fact]] | None = None

    def of(pid: str) -> list[Fact]:
        nonlocal index
        if index is None:
            index = {}
            for f in facts.values():
                if f.kind == "departed":
                    index.setdefault(f.person, []).append(f)
        return index.get(pid, [])

    return of


def _starts_on(row: Row, day: date) -> bool:
    """Whether the row's tenure starts on `day`. One day under two timelines (a preview) says "rejoined"
    only of a comeback on that day, not of someone a moved departure leaves in the organisation."""
    return row.since is not None and PartialDate.parse(row.since).start == day


def _forward(early: OrgChart, late: OrgChart, facts: Mapping[str, Fact]) -> list[Change]:
    changes: list[Change] = []
    departures = _departures_of(facts)
    left = {a.id: a.event for a in late.alumni}
    gone_before = {a.id for a in early.alumni}
    a_rows = {r.id: r for r in early.rows}
    b_rows = {r.id: r for r in late.rows}
    for pid in sorted(a_rows.keys() | b_rows.keys()):
        a, b = a_rows.get(pid), b_rows.get(pid)
        if b is None:
            assert a is not None  # (the person is in one of the two charts)
            changes.append(Change(pid, a.name, "left", a, None, (left[pid],) if pid in left else ()))
            continue
        if a is None:
            back = pid in gone_before and (early.at < late.at or _starts_on(b, late.at))
            changes.append(Change(pid, b.name, "rejoined" if back else "joined", None, b, b.events))
            continue
        if a.since != b.since and early.at < late.at:  # left and came back in between: say both, not "no change"
            # (on one day, two timelines (a correction's preview) may date a start differently: no leaving)
            gone = tuple(
                f.id
                for f in sorted(departures(pid), key=lambda f: f.seq)
                if f.post is None and early.at < f.on.start <= late.at  # (stepping down from a post is no leaving)
            )
            changes.append(Change(pid, a.name, "left", a, None, gone))
            changes.append(Change(pid, b.name, "rejoined", None, b, b.events[:1]))
            continue
        kinds = []
        if a.status != b.status:
            kinds.append("on_leave" if b.status == "on_leave" else "returned")
        if a.title != b.title:
            kinds.append("title_changed")
        if a.reports_to != b.reports_to:
            kinds.append("manager_changed")
        if kinds:
            fresh = fresh_events(a, b)
            for kind in kinds:
                changes.append(Change(pid, b.name, kind, a, b, _new_events(fresh, b, kind, facts)))
    return changes


def diff(a: OrgChart, b: OrgChart, facts: Mapping[str, Fact] | None = None) -> ChartDiff:
    """What changed from chart `a` to chart `b`; `facts` (id → Fact) attributes each change to its causes."""
    facts = facts or {}
    if a.at <= b.at:
        changes = _forward(a, b, facts)
    else:
        changes = [
            Change(c.person, c.name, _REVERSED.get(c.change, c.change), c.after, c.before, c.events)
            for c in _forward(b, a, facts)
        ]
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    changes.sort(key=lambda c: (order[c.change], c.person))
    return ChartDiff(a.organisation, a, b, tuple(changes))


def apply_changes(chart: OrgChart, d: ChartDiff) -> dict[str, tuple]:
    """Chart `a` with a diff's changes applied, as {person: (title, status, reports_to)}."""
    rows = {r.id: (r.title, r.status, r.reports_to) for r in chart.rows}
    for c in d.changes:
        if c.after is None:
            rows.pop(c.person, None)
        else:
            title, status, manager = rows.get(c.person, (None, "", None))
            if c.change in ("joined", "rejoined"):
                title, status, manager = c.after.title, c.after.status, c.after.reports_to
            elif c.change in ("on_leave", "returned"):
                status = c.after.status
            elif c.change == "title_changed":
                title = c.after.title
            elif c.change == "manager_changed":
                manager = c.after.reports_to
            rows[c.person] = (title, status, manager)
    return rows
