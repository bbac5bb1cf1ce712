"""The charts a fresh read model answers: a day's chart, who changed between two days, the parts of
two charts a diff reads, and one person's steps, history and departure."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from orgsim.chart import Alumnus, ChartState, OrgChart, Row
from orgsim.diff import fresh_events
from orgsim.facts import Fact, Timeline
from orgsim.orgchart import Post, units_on
from orgsim.readmodel.rows import facts_of, posts_of_many
from orgsim.readmodel.schema import FOREVER
from orgsim.readmodel.states import SeededStates


def cited_by_diff(early: OrgChart, late: OrgChart) -> set[str]:
    """The facts `diff.diff(early, late)` may look up (to fetch them in a few queries, not one each):
    a leaver's departure, a newcomer's events, and a changed row's events the earlier row lacks."""
    if early.at > late.at:
        early, late = late, early
    before = {r.id: r for r in early.rows}
    after = {r.id: r for r in late.rows}
    departures = {a.id: a.event for a in late.alumni}
    out: set[str] = set()
    for pid in before:
        if pid not in after and pid in departures:
            out.add(departures[pid])
    for pid, b in after.items():
        a = before.get(pid)
        if a is None:
            out.update(b.events)
        elif (a.status, a.posts, a.reports_to, a.since) != (b.status, b.posts, b.reports_to, b.since):
            out.update(fresh_events(a, b))
    return out


_ROWS = (  # a day's row versions with their names, events and partly known dates ({events}: or NULL)
    "SELECT r.person, p.name, r.title, r.posts, r.status, r.reports_to, r.since, r.leave_since, r.leave_until, "
    "r.n_events, r.n_touched, {events}, t.opens FROM orgsim_rm_rows r "
    "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure "
    "LEFT JOIN orgsim_rm_people p INDEXED BY orgsim_rm_people_name ON p.org_id = r.org_id AND p.person = r.person "
)


def _rows(found: Iterable[tuple], day: str) -> list[Row]:
    """Chart rows from `_ROWS` results on `day` (ISO), their posts decoded in one call (many calls
    cost more: 0.15 → 0.04 s for a 9,400-person chart)."""
    found = list(found)
    posts = posts_of_many([f[3] for f in found])
    return [_row(f, day, p) for f, p in zip(found, posts, strict=True)]


def _row(found: tuple, day: str, posts: tuple[Post, ...]) -> Row:
    """A chart's row from a `_ROWS` result on `day` (ISO): uncertain when a partly known date that
    touched this version is open that day."""
    person, name, title, _, status, reports_to, since, leave_since, leave_until, n_events, n_touched, ids, opens = found
    uncertain = opens is not None and any(
        o[0] < n_touched and o[1] is not None and o[1] <= day <= o[2] for o in json.loads(opens)
    )
    events = tuple(ids.split(" ", n_events)[:n_events]) if ids else ()
    return Row(
        person,
        name or person,
        title,
        status,
        reports_to,
        uncertain,
        since,
        leave_since,
        leave_until,
        events,
        posts,
    )


class View(SeededStates):
    """One organisation's fresh read model: the charts and one person's answers."""

    def chart(
        self,
        at: date,
        alumni: bool | str = True,
        left_after: date | None = None,
        persons: Iterable[str] | None = None,
        events: bool = True,
    ) -> OrgChart:
        """The chart on day `at`: the row versions valid that day. `alumni=False`: without the alumni;
        `alumni="open"`: only those whose departure's month or year is still open that day (all the
        text tree names); `left_after`: only the alumni whose departure, or last change as alumni, came
        after that day; `persons`: only these people's rows, a part of the chart, and only these
        people's alumni; `events=False`: rows without the ids of their events (the text tree shows none)."""
        day = at.isoformat()
        only, wanted, keep = "", [], None
        if persons is not None:
            wanted = sorted(set(persons))
            if len(wanted) > 30_000:  # past SQLite's limit on parameters: the day's rows, filtered here
                keep, wanted = set(wanted), []
            else:  # a few: found by person; many: the day's rows (the unary + keeps the day's index)
                only = f" AND {'' if len(wanted) <= 2000 else '+'}r.person IN ({','.join('?' * len(wanted))})"
        found = self.conn.execute(
            _ROWS.format(events="t.events" if events else "NULL") + "WHERE r.org_id = ? AND r.valid_to > ? "
            "AND r.valid_from <= ?" + only,
            (self.org_id, day, day, *wanted),
        )
        rows = _rows((found_row for found_row in found if keep is None or found_row[0] in keep), day)
        gone = (
            self._alumni(day, left_after, alumni == "open", only.replace("r.person", "a.person"), wanted)
            if alumni
            else []
        )
        if keep is not None:
            gone = [a for a in gone if a.id in keep]
        rows.sort(key=lambda r: r.id)
        return OrgChart(self.name, at, tuple(rows), tuple(gone), units_on(rows, self.units()))

    def _alumni(
        self, day: str, left_after: date | None, open_only: bool = False, only: str = "", wanted: Iterable[str] = ()
    ) -> list[Alumnus]:
        """The alumni on `day` (ISO) by id, as `chart` takes them (`only`: its filter by person)."""
        left_day = left_after.isoformat() if left_after is not None else ""
        gone = []
        for person, name, title, departed_on, destination, event, open_from, open_to in self.conn.execute(
            "SELECT a.person, p.name, a.title, a.departed_on, a.destination, a.event, a.open_from, a.open_to "
            "FROM orgsim_rm_alumni a LEFT JOIN orgsim_rm_people p INDEXED BY orgsim_rm_people_name "
            "ON p.org_id = a.org_id AND p.person = a.person "
            "WHERE a.org_id = ? AND a.valid_to > ? AND a.valid_from <= ? AND a.valid_from > ?"
            + (" AND a.open_from <= ? AND a.open_to >= ?" if open_only else "")
            + only,
            (self.org_id, day, day, left_day, *((day, day) if open_only else ()), *wanted),
        ):
            uncertain = open_from is not None and open_from <= day <= open_to
            gone.append(Alumnus(person, name or person, title, departed_on, destination, uncertain, event))
        gone.sort(key=lambda a: a.id)
        return gone

    def units(self) -> dict[str, str]:
        """The register's units, id → name (`orgchart.unit_names` of the register, in one query)."""
        return dict(
            self.conn.execute(
                "SELECT person, name FROM orgsim_rm_people WHERE org_id = ? AND json_extract(data, '$.unit')",
                (self.org_id,),
            )
        )

    def diff_charts(self, a: date, b: date) -> tuple[OrgChart, OrgChart, dict[str, str]]:
        """The parts of the charts on days `a` and `b` that a diff reads, in one set-based query: the row
        versions valid on one day and not the other (a person's row is the same on both days exactly
        when one version spans them), the later day's alumni who left after the earlier day, the earlier
        day's alumni who came back by the later one (a comeback, "rejoined"), and the
        names of the managers those rows name who are not among them. `diff.diff` of the two gives the
        same changes as of the whole charts; with the names, `diff_text` the same text."""
        early, late = sorted((a, b))
        first, last = early.isoformat(), late.isoformat()
        found: tuple[list[tuple], list[tuple]] = ([], [])
        for side, *row in self.conn.execute(
            _ROWS.format(events="t.events").replace("SELECT ", "SELECT 0, ", 1)
            + "WHERE r.org_id = ? AND r.valid_to > ? AND r.valid_to <= ? AND r.valid_from <= ? UNION ALL "
            + _ROWS.format(events="t.events").replace("SELECT ", "SELECT 1, ", 1)
            + "WHERE r.org_id = ? AND r.valid_to > ? AND r.valid_from > ? AND r.valid_from <= ?",
            (self.org_id, first, last, first, self.org_id, last, first, last),
        ):
            found[side].append(tuple(row))
        sides = (_rows(found[0], first), _rows(found[1], last))
        for rows in sides:
            rows.sort(key=lambda r: r.id)
        charts = [OrgChart(self.name, day, tuple(rows)) for day, rows in zip((early, late), sides, strict=True)]
        charts[1] = replace(charts[1], alumni=tuple(self._alumni(last, early)))
        # the earlier day's alumni who came back by the later day (their interval as alumni ends by then)
        charts[0] = replace(
            charts[0], alumni=tuple(self._alumni(first, None, only=" AND a.valid_to <= ?", wanted=[last]))
        )
        people = {r.id for rows in sides for r in rows}
        managers = sorted({r.reports_to for rows in sides for r in rows if r.reports_to is not None} - people)
        names: dict[str, str] = {}
        for n in range(0, len(managers), 900):  # (a row's manager is in the organisation that day: named in people)
            chunk = managers[n : n + 900]
            names.update(
                self.conn.execute(
                    f"SELECT person, name FROM orgsim_rm_people WHERE org_id = ? AND person IN ({','.join('?' * len(chunk))})",
                    (self.org_id, *chunk),
                )
            )
        chart_early, chart_late = charts
        return (chart_early, chart_late, names) if a <= b else (chart_late, chart_early, names)

    def _day_steps(self, person: str, day: str) -> Iterator[tuple[Fact, ChartState]]:
        """The fold after each fact of `day` that may change `person`'s row: theirs, and every departure
        that day with the leaver's own facts of that day (so the leaver's state is there to leave)."""
        facts = self.effective_on(day)
        leaving = {f.person for f in facts if f.kind == "departed"}
        fold = self.fold_before(day, person)
        for f in facts:
            if f.person == person or f.person in leaving:
                fold.apply(f, checked=True)  # checked when it was stored; the same rules apply it
                yield f, fold

    def steps_of(self, person: str, until: date | None = None) -> Iterator[tuple[Fact, Any, Any]]:
        """`chart.steps` for one person, up to day `until`: the fold right after each fact that may
        change their row, in effective order; every fact left out leaves their row as it was. What
        `history.history` and `history.why` read instead of a replay (`history.Steps`)."""
        for day in self.days_of(person, until):
            for f, fold in self._day_steps(person, day):
                yield f, fold.rows, fold.alumni

    def about(self, person: str) -> Timeline:
        """A timeline of what the answers about `person` cite: every fact about them (retracted ones
        too, with their retractions) and the departures effective on their days, in recording order.
        Not a whole timeline: read with `steps_of`, never replayed."""
        facts = {
            f.id: f
            for day in self.days_of(person)
            for f in self.effective_on(day)
            if f.person == person or f.kind == "departed"
        }
        retractions = self.retractions()
        self.facts.fetch(r.target for r in retractions)
        mine = [self.facts[r.target] for r in retractions if self.facts[r.target].person == person]
        facts.update((f.id, f) for f in mine)
        gone = {f.id for f in mine}
        return Timeline(
            self.name,
            self.people,
            tuple(sorted(facts.values(), key=lambda f: f.seq)),
            tuple(r for r in retractions if r.target in gone),
        )

    def between(self, first: date | None, last: date | None) -> Timeline:
        """A timeline of every fact whose effective date overlaps [first, last] (None: unbounded), as
        `history.select` filters them: its last named day from `first` on, its first day up to `last`
        (a month, a year or a range of days begun before `first` included), retracted ones too, with
        their retractions. Never replayed."""
        day = first.isoformat() if first is not None else ""
        hi = last.isoformat() if last is not None else FOREVER
        rows = self.conn.execute(
            "SELECT id, seq, record FROM orgsim_rm_facts INDEXED BY orgsim_rm_facts_last "
            "WHERE org_id = ? AND last >= ? AND start <= ? ORDER BY seq",
            (self.org_id, day, hi),
        ).fetchall()
        facts = facts_of(rows) if rows else []
        ids = {f.id for f in facts}
        return Timeline(
            self.name,
            self.people,
            tuple(facts),
            tuple(r for r in self.retractions() if r.target in ids),
        )

    def rejoinings(self, person: str | None = None) -> set[tuple[str, date]]:
        """(person, day) for each day someone who had left is back at its end: where an alumni interval
        ends before for ever (`eventlog.rejoinings` of a replay gives the same days); one person's,
        or everyone's."""
        only = " AND person = ?" if person is not None else ""
        return {
            (pid, date.fromisoformat(day))
            for pid, day in self.conn.execute(
                f"SELECT person, valid_to FROM orgsim_rm_alumni WHERE org_id = ? AND valid_to < ?{only}",
                (self.org_id, FOREVER, *((person,) if person is not None else ())),
            )
        }

    def alumnus(self, person: str, at: date) -> tuple[Alumnus, list[str]] | None:
        """`person` as the chart's alumni list has them on day `at`, if they had left by then, with the
        events of their state when they left (the day of the departure replayed for them)."""
        day = at.isoformat()
        row = self.conn.execute(
            "SELECT a.valid_from, p.name, a.title, a.departed_on, a.destination, a.event, a.open_from, a.open_to "
            "FROM orgsim_rm_alumni a INDEXED BY orgsim_rm_alumni_person "
            "LEFT JOIN orgsim_rm_people p INDEXED BY orgsim_rm_people_name ON p.org_id = a.org_id AND p.person = a.person "
            "WHERE a.org_id = ? AND a.person = ? AND a.valid_from <= ? AND a.valid_to > ?",
            (self.org_id, person, day, day),
        ).fetchone()
        if row is None:
            return None
        left, name, title, departed_on, destination, event, open_from, open_to = row
        uncertain = open_from is not None and open_from <= day <= open_to
        steps = list(self._day_steps(person, left))  # (each step holds the same fold, later each time)
        fold = steps[-1][1] if steps else None
        events = list(fold.alumni[person][1].events) if fold is not None and person in fold.alumni else []
        return Alumnus(person, name or person, title, departed_on, destination, uncertain, event), events
