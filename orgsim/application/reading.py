"""The queries: the chart on a day, what changed between two days, the log, a person's history,
why a row is as it is, an export, the store's counts. Each reads the fresh read model when the store
has one, else a replay (and always a replay as the store knew things at an earlier time)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, TypeVar

from orgsim.application.projection import Projection
from orgsim.application.results import Compared
from orgsim.chart import OrgChart, chart_at
from orgsim.dates import PartialDate
from orgsim.diff import diff as chart_diff
from orgsim.domain import organisation_id
from orgsim.errors import UnknownPersonError
from orgsim.facts import Timeline
from orgsim.flows import Move, moves
from orgsim.history import History, LogEntry, Why, history, log, select, why
from orgsim.interchange import export_records, history_records, organisation_line
from orgsim.orgchart import unit_names
from orgsim.people import merged
from orgsim.readmodel import StoredTimeline, View, cited_by_diff
from orgsim.succession import Tenure, holders

__all__ = ["Reading"]

T = TypeVar("T")


class Reading(Projection):
    """The application's queries."""

    def chart(
        self,
        at: date,
        org: str | None = None,
        as_known_at: datetime | None = None,
        alumni: bool | str = True,
        events: bool = True,
    ) -> OrgChart:
        """The chart on day `at` (from the read model when the store has one; `alumni=False`, or "open"
        for those whose departure date is still open that day, lets it skip the alumni, and
        `events=False` the rows' event ids, which only the replay path then still computes)."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    return view.chart(at, alumni=alumni, events=events)
        return chart_at(self.timeline(org, as_known_at), at)

    def drawing(
        self, at: date, org: str | None = None, as_known_at: datetime | None = None, root: str | None = None
    ) -> tuple[OrgChart, Timeline, str | None]:
        """What a picture of the chart on day `at` draws from: the chart, a timeline holding the facts
        its boxes cite (and the log hash), and `root` resolved to a person's id (from the read model when
        the store has one, else a replay)."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    person = _person(view, root) if root is not None else None
                    chart = view.chart(at)
                    drawn = {e for r in chart.rows for e in r.events} | {a.event for a in chart.alumni}
                    stored = view.timeline(drawn)  # (read now: the picture is drawn after the view is closed)
                    timeline = StoredTimeline(
                        view.name,
                        dict(view.people.items()),
                        stored.facts,
                        (),
                        lookup=dict(view.facts.fetched()),
                        stored_log_hash=stored.stored_log_hash,
                    )
                    return chart, timeline, person
        replayed = self.replayed(org)
        known = replayed.timeline().as_known_at(as_known_at)
        return chart_at(known, at), known, _person(replayed, root) if root is not None else None

    def everyone(self, org: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        """The people of `org`'s register (or a store of one organisation: its only one), else of every
        organisation's, merged by id (a person keeps their id across organisations), sorted by id:
        the organisations read, and each person's id, name, aliases, source and organisations."""
        names = self.organisations()
        registers = [self.register(org)] if org is not None or len(names) <= 1 else [self.register(n) for n in names]
        people = merged(registers)
        return [name for name, _ in registers], [people[pid] for pid in sorted(people)]

    def compare(
        self, a: date, b: date, org: str | None = None, as_known_at: datetime | None = None, whole: bool = False
    ) -> Compared:
        """What changed between days `a` and `b`. From the read model, a set-based query reads only the
        rows that differ on the two days (`View.diff_charts`); `whole`: both whole charts, and the
        timeline a picture draws from."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    names: dict[str, str]
                    if whole:
                        chart_a, chart_b, names = view.chart(a), view.chart(b), {}
                    else:
                        chart_a, chart_b, names = view.diff_charts(a, b)
                    view.facts.fetch(cited_by_diff(chart_a, chart_b))
                    d = chart_diff(chart_a, chart_b, view.facts.fetched())
                    cited = {e for c in d.changes for e in c.events}
                    view.facts.fetch(cited)
                    if not whole:
                        return Compared(d, view.facts.fetched(), names)
                    drawn = cited | {x.event for x in (*chart_a.alumni, *chart_b.alumni)}
                    drawn |= {e for chart in (chart_a, chart_b) for r in chart.rows for e in r.events}
                    stored = view.timeline(drawn)  # (read now: the picture is drawn after the view is closed)
                    timeline: Timeline = StoredTimeline(
                        view.name,
                        dict(view.people.items()),
                        stored.facts,
                        (),
                        lookup=dict(view.facts.fetched()),
                        stored_log_hash=stored.stored_log_hash,
                    )
                    return Compared(d, view.facts.fetched(), names, timeline)
        timeline = self.timeline(org, as_known_at)
        facts = timeline.counted_map()
        return Compared(chart_diff(chart_at(timeline, a), chart_at(timeline, b), facts), facts, {}, timeline)

    # --- history and provenance (both clocks: `as_known_at` cuts by recording time) -----------------
    def log_entries(
        self,
        org: str | None = None,
        as_known_at: datetime | None = None,
        order: str = "effective",
        person: str | None = None,
        start: PartialDate | None = None,
        end: PartialDate | None = None,
        kinds: tuple[str, ...] = (),
    ) -> list[LogEntry]:
        """The event log (`Application.log` is the library's own), filtered; `person` is an id, name or alias.
        As known now, it comes from the read model when the store has one (the facts that may match —
        one person's, a range of dates', or all — then the same `select`), not a replay."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    pid = _person(view, person) if person is not None else None
                    found = (
                        view.about(pid)
                        if pid is not None
                        else view.between(
                            start.start if start is not None else None, end.end if end is not None else None
                        )
                    )
                    return select(log(found, order, view.rejoinings(pid)), pid, start, end, kinds)
        replayed = self.replayed(org)
        pid = _person(replayed, person) if person is not None else None
        return select(log(replayed.timeline().as_known_at(as_known_at), order), pid, start, end, kinds)

    def logs(
        self,
        org: str | None = None,
        as_known_at: datetime | None = None,
        order: str = "effective",
        person: str | None = None,
        start: PartialDate | None = None,
        end: PartialDate | None = None,
        kinds: tuple[str, ...] = (),
    ) -> dict[str, list[LogEntry]]:
        """`log_entries` of `org` (or of a store's only organisation), else of every organisation of the
        store, by name in the order they were added (with `person`: those whose register names them)."""
        return self._each(
            org, person, lambda name: self.log_entries(name, as_known_at, order, person, start, end, kinds)
        )

    def _each(self, org: str | None, person: str | None, answer: Callable[[str | None], T]) -> dict[str, T]:
        """`answer(org)` for `org` (or a store's only organisation), else for each organisation of the
        store, by name in the order they were added; with `person`, those whose register names them
        (the others raise `UnknownPersonError`), and an error when none does."""
        names = self.organisations()
        if org is not None or len(names) <= 1:
            return {self._org_name(org): answer(org)}
        found: dict[str, T] = {}
        for name in names:
            try:
                found[name] = answer(name)
            except UnknownPersonError:
                if person is None:
                    raise
        if not found:
            raise UnknownPersonError(f"no person {person!r} in any organisation of the store ({', '.join(names)})")
        return found

    def history(self, person: str, org: str | None = None, as_known_at: datetime | None = None) -> History:
        """A person's tenures (titles, managers, leaves, departures) as the store knew them (as known
        now: from the read model's versions of their row when the store has one, not a replay)."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    pid = _person(view, person)
                    return history(view.about(pid), pid, folded=view.steps_of(pid))
        replayed = self.replayed(org)
        return history(replayed.timeline().as_known_at(as_known_at), _person(replayed, person))

    def histories(self, person: str, org: str | None = None, as_known_at: datetime | None = None) -> list[History]:
        """A person's history in every organisation of the store whose register names them (`org`, or a
        store of one organisation: that one only), in the order of their first stint."""
        found = self._each(org, person, lambda name: self.history(person, name, as_known_at)).values()
        return sorted(found, key=lambda h: h.stints[0].start.on.start if h.stints else date.max)

    def why(self, person: str, at: date, org: str | None = None, as_known_at: datetime | None = None) -> Why:
        """The events behind a person's row on day `at`, as the store knew them (as known now: from the
        read model when the store has one, not a replay)."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    return self._why_in(view, _person(view, person), at)
        replayed = self.replayed(org)
        return why(replayed.timeline().as_known_at(as_known_at), _person(replayed, person), at)

    @staticmethod
    def _why_in(view: View, pid: str, at: date) -> Why:
        """`why` from the read model: the row (or alumni entry) on `at` as the chart reads it, the
        person's fold steps up to `at`, and only the facts the answer names."""
        row = view.chart(at, alumni=False, persons=[pid]).row(pid)
        gone = view.alumnus(pid, at) if row is None else None
        alumnus, departed = gone if gone is not None else (None, [])
        ids = list(dict.fromkeys(row.events if row is not None else departed))
        view.facts.fetch(ids)
        timeline = Timeline(view.name, view.people, tuple(view.facts[i] for i in ids))
        return why(timeline, pid, at, found=(row, alumnus, departed), folded=view.steps_of(pid, at))

    def has_tables(self) -> bool:
        """Whether a server database already holds orgsim's tables (SQLite files and memory always do)."""
        datastore = getattr(self.recorder, "datastore", None)
        if datastore is None or type(datastore).__name__ != "PostgresDatastore":
            return True
        with datastore.transaction(commit=False) as curs:
            curs.execute("SELECT to_regclass(%s) AS t", (f"{datastore.schema}.{self.name.lower()}_events",))
            return curs.fetchone()["t"] is not None

    def event_count(self) -> int:
        """How many events the store holds (every aggregate): what a failed command must not change.
        Counted, not read off the last notification id: a PostgreSQL sequence skips ids on conflicts."""
        recorder = self.recorder
        table = getattr(recorder, "events_table_name", None)
        datastore = getattr(recorder, "datastore", None)
        if table is None or datastore is None:
            return recorder.max_notification_id() or 0
        if type(datastore).__name__ == "PostgresDatastore":  # its tables live in a schema
            table = f"{datastore.schema}.{table}"
        with datastore.transaction(commit=False) as curs:
            curs.execute(f"SELECT count(*) AS n FROM {table}")
            row = curs.fetchone()
        return int(row["n"] if isinstance(row, dict) else row[0])

    def holders(
        self, title: str, org: str | None = None, unit: str | None = None, as_known_at: datetime | None = None
    ) -> tuple[str, list[Tenure], Timeline]:
        """Who held the post `title` in an organisation, in order (`succession.holders`, over a replay of
        its timeline as known at `as_known_at`): its name, the tenures and the timeline they cite."""
        timeline = self.timeline(org, as_known_at)
        return timeline.organisation, holders(timeline, title, unit), timeline

    def timelines(self, org: str | None = None) -> list[Timeline]:
        """The timeline of `org`, or (without it) of every organisation of the store in turn, as known now:
        what an export in another format (`interchange.popolo`) reads."""
        names = [self._org_name(org)] if org is not None else self.organisations()
        if not names:
            self._org_name(None)  # (raises: the store holds no organisation yet)
        return [self.timeline(name) for name in names]

    def flows(
        self, start: date | None = None, end: date | None = None, as_known_at: datetime | None = None
    ) -> tuple[list[Move], list[str]]:
        """Every move between the store's organisations (`flows.moves`), and the organisations."""
        names = self.organisations()
        return moves({name: self.timeline(name, as_known_at) for name in names}, start, end), names

    def organisation_list(self) -> list[dict[str, Any]]:
        """The organisations the store holds, in the order they were added: name, id, how many events
        it has stored (its version, read from its snapshot: no replay) and its units (id → name)."""
        return [
            {
                "name": name,
                "id": organisation_id(name).hex,
                "events": self.organisation(name).version,
                "units": self.units(name),
            }
            for name in self.organisations()
        ]

    def units(self, org: str | None = None) -> dict[str, str]:
        """An organisation's units, id → name (from the read model when the store has one)."""
        view = self.view(org)
        if view is not None:
            with view:
                return view.units()
        return unit_names(self.replayed(org).people)

    def export(self, org: str | None = None) -> Iterator[dict[str, Any]]:
        """A backup: `org`'s history (or, without it, every organisation's in turn), each opened by its
        organisation line, as import records (`interchange.export_records`), so that `import` makes
        them again in an empty store."""
        names = [self._org_name(org)] if org is not None else self.organisations()
        if not names:
            self._org_name(None)  # (raises: the store holds no organisation yet)
        for name in names:
            yield organisation_line(name)
            yield from self._history_records(name)

    def _history_records(self, org: str) -> Iterator[dict[str, Any]]:
        """The organisation's history as import records: streamed from the read model where the store
        has one (no replay), else from the replayed timeline."""
        view = self.view(org)
        if view is None:
            yield from export_records(self.timeline(org))
            return
        with view:
            yield from history_records(view.people_in_order(), view.every_fact(), view.retractions(), view.citations())


def _person(where: Any, text: str) -> str:
    """The id of the person `text` names in an organisation's view or replay (a unit is no person: a
    reading command about someone refuses it in one line)."""
    pid: str = where.resolve(text)
    entry = where.people.get(pid) or {}
    if entry.get("unit"):
        raise UnknownPersonError(
            f"{entry['name']} ({pid}) is a unit of {where.name}, not a person: `orgsim show` draws it with "
            "the posts held in it"
        )
    return pid
