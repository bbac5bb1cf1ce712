"""Pure: one person's tenures, and why their row looks the way it does on a day (the event log, in
`eventlog`, is re-exported here).

Everything here reads a `Timeline` — cut to what the store knew with `Timeline.as_known_at` when
the second clock is asked for — and derives from the chart's own fold (`chart.steps`,
`chart.chart_at`, `chart.replay`), so no rule of the organisation is written twice. No I/O.
`history` and `why` may be given that fold's steps for one person read elsewhere (`Steps`: the read
model replays only that person's days) instead of replaying the whole timeline; the answer is the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from orgsim.chart import Alumnus, Row, chart_at, replay, steps
from orgsim.errors import UnknownPersonError
from orgsim.eventlog import ORDERS, LogEntry, iso, log, log_entries, select
from orgsim.facts import Fact, Timeline

__all__ = [
    "ORDERS",
    "STATUSES",
    "History",
    "LogEntry",
    "Span",
    "Steps",
    "Why",
    "history",
    "iso",
    "log",
    "select",
    "why",
]


# --- one person, fact by fact ------------------------------------------------------------------------
#: The fold right after each fact, in effective order (`chart.steps`); a sequence given instead of
#: the replay of the whole timeline may leave out facts that do not change the person's row.
Steps = Iterable[tuple[Fact, Any, Any]]


def _changes(
    timeline: Timeline, person: str, until: date | None = None, folded: Steps | None = None
) -> Iterator[tuple[Fact, Any, Any]]:
    """(fact, before, after) for each fact that changed `person`'s row, in effective order.

    A row is (title, status, reports_to, leave_until), or None while the person is not in the organisation.
    `folded`: the fold's steps for this person read elsewhere (the read model), instead of a replay.
    """
    before = None
    for fact, rows, _alumni in steps(timeline.effective(), timeline.people) if folded is None else folded:
        if until is not None and fact.on.start > until:
            break
        state = rows.get(person)
        after = None if state is None else (state.title, state.status, state.reports_to, state.leave_until)
        if after != before:
            yield fact, before, after
            before = after


def _known(timeline: Timeline, person: str) -> None:
    if person not in timeline.people:
        raise UnknownPersonError(f"unknown person {person!r} in {timeline.organisation} (see `orgsim people`)")


@dataclass(frozen=True)
class Span:
    """A stretch of someone's record: `value` held from the event `start` until the event `end`."""

    value: Any
    start: Fact
    end: Fact | None = None

    @property
    def events(self) -> list[str]:
        return [self.start.id] + ([self.end.id] if self.end is not None else [])

    def dates(self) -> dict[str, str | None]:
        return {"from": str(self.start.on), "to": None if self.end is None else str(self.end.on)}


def _close(spans: list[Span], fact: Fact) -> None:
    if spans and spans[-1].end is None:
        spans[-1] = replace(spans[-1], end=fact)


@dataclass(frozen=True)
class History:
    """One person's tenures: each time in the organisation, each title, manager and leave."""

    organisation: str
    person: str
    name: str
    aliases: tuple[str, ...]
    stints: tuple[Span, ...]  # value: None; end is the departure
    titles: tuple[Span, ...]  # value: the title (None: not reported)
    managers: tuple[Span, ...]  # value: the manager's id
    leaves: tuple[Span, ...]  # start: on_leave; end: returned, or the departure that ended it
    entries: dict[str, LogEntry]  # every fact of the timeline by id (lines cite some of them)
    retracted: tuple[str, ...]  # ids of facts about the person that were retracted (not counted)
    names: dict[str, str]  # display names of the managers

    def cited(self) -> list[LogEntry]:
        """The facts the lines cite, in effective order."""
        ids = {i for group in (self.stints, self.titles, self.managers, self.leaves) for s in group for i in s.events}
        return sorted((self.entries[i] for i in ids), key=lambda e: e.fact.order)

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "person": self.person,
            "name": self.name,
            "aliases": list(self.aliases),
            "stints": [
                {
                    **s.dates(),
                    "rejoined": i > 0,
                    "destination": s.end.destination if s.end is not None else None,
                    "events": s.events,
                }
                for i, s in enumerate(self.stints)
            ],
            "titles": [{"title": s.value, **s.dates(), "events": s.events} for s in self.titles],
            "managers": [
                {"manager": s.value, "name": self.names.get(s.value, s.value), **s.dates(), "events": s.events}
                for s in self.managers
            ],
            "leaves": [
                {
                    "since": str(s.start.on),
                    "until": str(s.start.until) if s.start.until else None,
                    "returned": str(s.end.on) if s.end is not None and s.end.kind == "returned" else None,
                    "ended": None if s.end is None else str(s.end.on),
                    "events": s.events,
                }
                for s in self.leaves
            ],
            "events": [e.as_json() for e in self.cited()],
            "retracted": [self.entries[i].as_json() for i in self.retracted],
        }


def history(timeline: Timeline, person: str, folded: Steps | None = None) -> History:
    """`person`'s tenures, from the facts that changed their row (the chart's own fold).

    `folded` (see `Steps`): the fold's steps read elsewhere; `timeline` then needs to hold only the
    facts they apply and the person's retracted facts (with their retractions)."""
    _known(timeline, person)
    stints: list[Span] = []
    titles: list[Span] = []
    managers: list[Span] = []
    leaves: list[Span] = []
    for fact, before, after in _changes(timeline, person, folded=folded):
        if after is None:  # left: everything open ends here
            for spans in (stints, titles, managers, leaves):
                _close(spans, fact)
            continue
        title, status, manager, _until = after
        if before is None:  # joined (or re-joined)
            stints.append(Span(None, fact))
            titles.append(Span(title, fact))
            if manager is not None:
                managers.append(Span(manager, fact))
            continue
        if title != before[0]:
            _close(titles, fact)
            titles.append(Span(title, fact))
        if manager != before[2]:
            _close(managers, fact)
            if manager is not None:
                managers.append(Span(manager, fact))
        if status != before[1]:
            if status == "on_leave":
                leaves.append(Span(None, fact))
            else:
                _close(leaves, fact)
    entries = log_entries(timeline)
    gone = tuple(
        e.id for e in sorted(entries.values(), key=lambda e: e.fact.order) if e.retracted and e.fact.person == person
    )
    p = timeline.people[person]
    return History(
        timeline.organisation,
        person,
        p["name"],
        tuple(p.get("aliases", ())),
        tuple(stints),
        tuple(titles),
        tuple(managers),
        tuple(leaves),
        entries,
        gone,
        {s.value: timeline.name_of(s.value) for s in managers},
    )


# --- why is this row here? ---------------------------------------------------------------------------
#: What a row is on a day: in the organisation (active / on leave), gone, or not there yet.
STATUSES = ("active", "on_leave", "departed", "not_joined")


@dataclass(frozen=True)
class Why:
    """The events that produced `person`'s row on day `at`, and which of them set each field."""

    organisation: str
    person: str
    name: str
    at: date
    status: str  # one of STATUSES
    row: Row | None
    alumnus: Alumnus | None
    events: tuple[LogEntry, ...]  # in effective order
    because: dict[str, str | None]  # "title" / "reports_to" / "status" → the id of the event that set it
    names: dict[str, str]  # display name of the manager, if any

    def as_json(self) -> dict[str, Any]:
        row, gone = self.row, self.alumnus
        return {
            "organisation": self.organisation,
            "person": self.person,
            "name": self.name,
            "at": self.at.isoformat(),
            "status": self.status,
            "title": row.title if row else (gone.title if gone else None),
            "reports_to": row.reports_to if row else None,
            "uncertain": row.uncertain if row else (gone.uncertain if gone else False),
            "since": row.since if row else None,
            "leave_since": row.leave_since if row else None,
            "leave_until": row.leave_until if row else None,
            "departed_on": gone.departed_on if gone else None,
            "destination": gone.destination if gone else None,
            "because": dict(self.because),
            "events": [e.as_json() for e in self.events],
        }


def why(
    timeline: Timeline,
    person: str,
    at: date,
    found: tuple[Row | None, Alumnus | None, Iterable[str]] | None = None,
    folded: Steps | None = None,
) -> Why:
    """Why `person` shows as they do on `at`: the events behind their row (Row.events), with their causes.

    `found` and `folded`, both read elsewhere (the read model) instead of replayed: the person's row
    and alumni entry on `at` with the events of their state when they left, and the fold's steps up
    to `at` (see `Steps`); `timeline` then needs to hold only the facts those events name."""
    _known(timeline, person)
    if found is None:
        chart = chart_at(timeline, at)
        row = chart.row(person)
        gone = next((a for a in chart.alumni if a.id == person), None)
        departed: Iterable[str] = ()
        if row is None and gone is not None:
            departed = replay(timeline.effective(), timeline.people, until=at)[1][person][1].events
    else:
        row, gone, departed = found
    if row is not None:
        ids: Iterable[str] = row.events
        status = row.status
    elif gone is not None:
        ids = departed
        status = "departed"
    else:
        ids, status = (), "not_joined"
    because: dict[str, str | None] = {"title": None, "reports_to": None, "status": None}
    for fact, before, after in _changes(timeline, person, until=at, folded=folded):
        if after is None:
            because = {"title": because["title"], "reports_to": None, "status": fact.id}
            continue
        old = before or (None, None, None, None)
        if before is None:
            because = {"title": None, "reports_to": None, "status": fact.id}
        if after[0] != old[0]:
            because["title"] = fact.id
        if after[2] != old[2]:
            because["reports_to"] = fact.id
        if after[1] != old[1]:
            because["status"] = fact.id
    if status == "not_joined":
        because = {"title": None, "reports_to": None, "status": None}
    entries = log_entries(timeline)
    return Why(
        timeline.organisation,
        person,
        timeline.name_of(person),
        at,
        status,
        row,
        gone,
        tuple(sorted((entries[i] for i in dict.fromkeys(ids)), key=lambda e: e.fact.order)),
        because,
        {row.reports_to: timeline.name_of(row.reports_to)} if row is not None and row.reports_to else {},
    )
