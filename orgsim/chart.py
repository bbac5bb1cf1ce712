"""The chart at a date: a pure fold over a timeline's facts in effective order, checking every rule.

`replay()` is the one place the organisation's rules live. Applied to every fact it validates a
whole timeline (the domain does this before anything is stored); stopped at a day it gives the
chart on that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from orgsim.dates import PartialDate
from orgsim.facts import Fact, Kind, Timeline
from orgsim.orgchart import Alumnus, OrgChart, Post, Row, posts_title, unit_names, units_on
from orgsim.refusals import ambiguous, refused

__all__ = [
    "Alumnus",
    "ChartState",
    "OrgChart",
    "Post",
    "Row",
    "alumnus_of",
    "chart_at",
    "check",
    "fold",
    "replay",
    "row_of",
    "steps",
]


class Dated(Protocol):
    """What the rules read of a past fact: its effective date (a `Fact`, or what a state seeded from
    the read model keeps of one, `readmodel.rows.PastFact`)."""

    @property
    def on(self) -> PartialDate: ...


class Touching(Dated, Protocol):
    """What the rules read of a fact that touched a row: its date, id, person and kind (a state seeded
    from the read model keeps these only of the partly dated ones; the others never open again)."""

    @property
    def id(self) -> str: ...

    @property
    def person(self) -> str: ...

    @property
    def kind(self) -> str: ...


class Departure(Dated, Protocol):
    """What the rules read of a departure: its date, id and destination."""

    @property
    def id(self) -> str: ...

    @property
    def destination(self) -> str | None: ...


@dataclass
class PersonState:
    """One person's state in a tenure, as the facts so far leave it: what their row shows (their posts,
    status, manager), and the facts behind it (`events`) and those whose partly known date can make
    it uncertain (`touched_by`)."""

    posts: tuple[Post, ...]
    status: str
    reports_to: str | None
    since: str
    leave_since: str | None = None
    leave_until: str | None = None
    events: list[str] = field(default_factory=list)
    touched_by: list[Touching] = field(default_factory=list)  # facts whose open range marks the row

    @property
    def title(self) -> str | None:
        """The posts joined, as a person would write them (`orgchart.posts_title`)."""
        return posts_title(self.posts)


def _order_unknown(earlier: Any, later: Any) -> bool:
    """Two dates whose order the calendar cannot settle: they overlap and one is only a month, a year,
    a range of days or an open bound, which overlaps every day on its open side (two facts on the same
    day are ordered by when they were recorded)."""
    if earlier.precision == "day" and later.precision == "day":
        return False
    return later.earliest <= earlier.end and earlier.earliest <= later.end


#: The kinds of change that hold both before and after a departure (a new title, or a rehire): one of
#: them against a departure whose order the dates cannot tell gives two different histories.
_EITHER_SIDE_OF_A_DEPARTURE = (Kind.APPOINTED,)


def _check_manager(
    fact: Fact, manager: str, rows: dict[str, PersonState], people: Mapping[str, dict[str, Any]], reports: Any = None
) -> None:
    """The manager is someone else, in the organisation, and not below the person (`reports`: the
    fold's index of direct reports; someone nobody reports to is below no one, so no walk is needed)."""
    if manager == fact.person:
        raise refused(fact, people, "cannot report to themselves")
    if manager not in rows:
        if people.get(manager, {}).get("unit"):
            return  # a unit of the organisation (its board): always there, and below no one
        who = people.get(manager, {}).get("name", manager)
        raise refused(fact, people, f"manager {who} ({manager}) is not in the organisation on that date")
    if reports is not None and not reports.get(fact.person):
        return  # a cycle needs someone in the chain above the manager to report to the person
    # `steps` bounds the walk: an existing cycle cannot happen, but never loop forever (not len(rows):
    # on the append fast path `rows` is read from the model on demand, and its length reads them all)
    person, boss, steps = fact.person, rows[manager].reports_to, 10_000_000
    while boss is not None and steps:
        if boss == person:
            who = people.get(manager, {}).get("name", manager)
            raise refused(fact, people, f"reporting to {who} ({manager}) would make a reporting cycle")
        above = rows.get(boss)
        boss = above.reports_to if above is not None else None
        steps -= 1


def _ending(state: PersonState, fact: Fact) -> list[Post]:
    """The posts a departure from one post (`fact.post`, in `fact.unit` or, none given, any) would end:
    with no unit given and the title held both in no unit and in units, the one in no unit."""
    found = [p for p in state.posts if p.same_post(fact.post, fact.unit, any_unit=True)]
    plain = [p for p in found if p.unit is None]
    return plain if fact.unit is None and len(found) > 1 and len(plain) == 1 else found


class ChartState:
    """The state of the chart as the facts are applied in effective order, each through every rule
    (`validate`, `apply`): who is in the organisation (`rows`), who has left (`alumni`), and an
    index of each manager's reports, so that a departure touches only the leaver's reports."""

    def __init__(self, people: Mapping[str, dict[str, Any]]) -> None:
        self.people = people
        self.rows: dict[str, PersonState] = {}
        self.alumni: dict[str, tuple[Departure, PersonState]] = {}
        self.reports: dict[str, set[str]] = {}
        self.last: tuple | None = None  # effective order of the last fact applied

    def validate(self, fact: Fact) -> None:
        """Raise RuleError when `fact` is impossible on its date in this state; changes nothing."""
        person, kind, rows, people = fact.person, fact.kind, self.rows, self.people
        if person not in people:
            raise refused(fact, people, "unknown person")
        if people[person].get("unit"):
            raise refused(
                fact, people, "is a unit of the organisation, not a person: a unit holds no post and reports to no one"
            )
        state = rows.get(person)
        if state is None:
            gone = self.alumni.get(person)
            if gone is not None and _order_unknown(gone[0].on, fact.on):
                raise ambiguous(gone[0], fact, people)
            if kind == "returned" and gone is None:
                raise refused(
                    fact,
                    people,
                    "cannot return: not in the organisation before that date (a comeback needs a departure "
                    "before it; a first arrival is an appointment)",
                )
            if kind not in ("appointed", "returned"):
                when = f" (departed {gone[0].on.shown})" if gone else ""
                raise refused(fact, people, f"not in the organisation on that date{when}")
        if kind == "appointed" or state is None:  # joining (a `returned` after a departure: a comeback) or a new title
            held = (
                next((p for p in state.posts if p.same_post(fact.title, fact.unit)), None)
                if fact.also and state
                else None
            )
            if held is not None:
                raise refused(
                    fact, people, f"already holds the post {held.text()} (since {held.since}): --also adds another post"
                )
            if fact.manager is not None:
                _check_manager(fact, fact.manager, rows, people, self.reports)
            return
        assert state is not None  # (someone not in the organisation was refused above)
        # Not against the tenure's first fact (its joining came first), nor against an appointment dated
        # to the day (gap: a partly dated departure from that very day is placed after it, as the read
        # model keeps only partly dated facts of a tenure).
        if kind == "departed":
            for earlier in state.touched_by[1:]:
                if (
                    earlier.on.precision != "day"
                    and earlier.person == person
                    and earlier.kind in _EITHER_SIDE_OF_A_DEPARTURE
                    and _order_unknown(earlier.on, fact.on)
                ):
                    raise ambiguous(earlier, fact, people)
        if kind == "departed" and fact.post is not None:
            ending = _ending(state, fact)
            if len(ending) != 1:
                holds = "; ".join(p.text() for p in state.posts if p.title) or "no post with a reported title"
                unit = f" ({fact.unit})" if fact.unit else ""
                if ending:
                    raise refused(
                        fact, people, f"holds the post {fact.post} in {len(ending)} units ({holds}): give its unit"
                    )
                raise refused(fact, people, f"does not hold the post {fact.post}{unit} on that date (holds: {holds})")
        if kind == "on_leave" and state.status == "on_leave":
            raise refused(fact, people, f"already on leave since {state.leave_since}")
        if kind == "returned" and state.status != "on_leave":
            raise refused(
                fact,
                people,
                "cannot return: in the organisation and not on leave on that date (a comeback needs a departure before it)",
            )
        if kind == "returned" and (fact.title is not None or fact.manager is not None):
            raise refused(
                fact,
                people,
                "a return from leave keeps the title and manager they had: record a new title or manager as a change of its own",
            )
        if kind == "reports_to":
            if fact.manager is None:
                raise refused(fact, people, "a reporting line needs a manager")
            _check_manager(fact, fact.manager, rows, people, self.reports)
        if kind not in ("departed", "on_leave", "returned", "reports_to"):
            raise refused(fact, people, f"unknown kind of change {kind!r}")

    def touches(self, fact: Fact) -> set[str]:
        """Whose state `apply(fact)` would change in this state: the person, and a leaver's reports
        (what `apply` adds to `touched`)."""
        if fact.kind == "departed" and fact.post is None:
            return {fact.person, *self.reports.get(fact.person, ())}
        return {fact.person}

    def _line(self, person: str, old: str | None, new: str | None) -> None:
        if old is not None:
            self.reports.get(old, set()).discard(person)
        if new is not None:
            self.reports.setdefault(new, set()).add(person)

    def apply(self, fact: Fact, checked: bool = False) -> None:
        """Apply one fact (effective order), raising RuleError when it is impossible on its date
        (`checked`: the caller has just validated it against this very state)."""
        if not checked:
            self.validate(fact)
        person, kind, rows = fact.person, fact.kind, self.rows
        state = rows.get(person)
        self.last = fact.order
        if kind == "appointed" or state is None:  # (`validate` lets only a comeback `returned` through here)
            post = Post(fact.title, fact.acting, fact.unit, str(fact.on), (fact.id,))
            if state is None:  # joining, or rejoining after a departure
                state = rows[person] = PersonState((post,), "active", fact.manager, str(fact.on))
                self._line(person, None, fact.manager)
                self.alumni.pop(person, None)
            else:  # another post (`also`; a post whose title was not reported gives way), or new posts
                state.posts = tuple(p for p in state.posts if p.title is not None) + (post,) if fact.also else (post,)
                if fact.manager is not None:
                    self._line(person, state.reports_to, fact.manager)
                    state.reports_to = fact.manager
            state.events.append(fact.id)
            state.touched_by.append(fact)
            return
        if kind == "departed" and fact.post is not None:  # one post ends; they stay in the organisation
            ending = _ending(state, fact)
            state.posts = tuple(p for p in state.posts if p not in ending)
            state.events.append(fact.id)
            state.touched_by.append(fact)
            return
        if kind == "departed":
            del rows[person]
            self._line(person, state.reports_to, None)
            for other in self.reports.pop(person, set()):  # the line to a leaver ends; no new one is guessed
                st = rows[other]
                st.reports_to = None
                st.events.append(fact.id)
                st.touched_by.append(fact)
            state.events.append(fact.id)
            self.alumni[person] = (fact, state)
            return
        match kind:
            case Kind.ON_LEAVE:
                state.status, state.leave_since = "on_leave", str(fact.on)
                state.leave_until = str(fact.until) if fact.until else None
            case Kind.RETURNED:
                state.status, state.leave_since, state.leave_until = "active", None, None
            case Kind.REPORTS_TO:
                self._line(person, state.reports_to, fact.manager)
                state.reports_to = fact.manager
            case _:
                raise refused(fact, self.people, f"unknown kind of change {kind!r}")
        state.events.append(fact.id)
        state.touched_by.append(fact)


def fold(facts: Iterable[Fact], people: Mapping[str, dict[str, Any]], until: date | None = None) -> ChartState:
    """ChartState facts (already in effective order) up to and including day `until` (None: all)."""
    state = ChartState(people)
    for fact in facts:
        if until is not None and fact.on.start > until:
            break
        state.apply(fact)
    return state


def replay(
    facts: Iterable[Fact], people: Mapping[str, dict[str, Any]], until: date | None = None
) -> tuple[dict[str, PersonState], dict[str, tuple[Departure, PersonState]]]:
    """ChartState facts (already in effective order) up to and including day `until` (None: all)."""
    state = fold(facts, people, until)
    return state.rows, state.alumni


def steps(
    facts: Iterable[Fact], people: Mapping[str, dict[str, Any]]
) -> Iterator[tuple[Fact, dict[str, PersonState], dict[str, tuple[Departure, PersonState]]]]:
    """ChartState facts (already in effective order) one at a time, yielding the live state after each.

    The same fold as `replay`, one fact per step: read what you need before asking for the next.
    """
    state = ChartState(people)
    for fact in facts:
        state.apply(fact)
        yield fact, state.rows, state.alumni


def check(timeline: Timeline) -> None:
    """Raise RuleError at the first fact that is impossible on its date."""
    replay(timeline.effective(), timeline.people)


def row_of(person: str, s: PersonState, name: str, at: date) -> Row:
    """A person's row on day `at` from their state in a fold (uncertain: a touching fact's date is open)."""
    return Row(
        id=person,
        name=name,
        title=s.title,
        posts=s.posts,
        status=s.status,
        reports_to=s.reports_to,
        uncertain=any(f.on.is_open_on(at) for f in s.touched_by),
        since=s.since,
        leave_since=s.leave_since,
        leave_until=s.leave_until,
        events=tuple(s.events),
    )


def alumnus_of(person: str, f: Departure, s: PersonState, name: str, at: date) -> Alumnus:
    """Someone who had left by day `at`: their state when they left and the departure fact `f`."""
    return Alumnus(
        id=person,
        name=name,
        title=s.title,
        departed_on=str(f.on),
        destination=f.destination,
        uncertain=f.on.is_open_on(at),
        event=f.id,
    )


def chart_at(timeline: Timeline, at: date) -> OrgChart:
    """The organisation on day `at`. Rows touched by a fact whose partial date is still open are uncertain."""
    rows, alumni = replay(timeline.effective(), timeline.people, until=at)
    out = [row_of(person, s, timeline.name_of(person), at) for person, s in rows.items()]
    gone = [alumnus_of(person, f, s, timeline.name_of(person), at) for person, (f, s) in alumni.items()]
    return OrgChart(
        organisation=timeline.organisation,
        at=at,
        rows=tuple(sorted(out, key=lambda r: r.id)),
        alumni=tuple(sorted(gone, key=lambda a: a.id)),
        units=units_on(out, unit_names(timeline.people)),
    )
