"""The read model: each organisation's chart as dated row intervals, in tables of the SAME SQLite file.

Built from a `Timeline` by one pass of `chart.Fold` (the rules live there only): facts are grouped by
first effective day, and after each group every person the group touched gets a new row version valid
from that day (`valid_from <= D < valid_to`; an open interval ends on `9999-12-31`). A departure closes
the row and opens an alumnus interval. What a row's `events` and `uncertain` need is kept per tenure
(one `_State` of the fold): the tenure's event ids and the partial-dated facts that touched it, and a
row version holds how many of each it had then, so `uncertain` is computed for the queried day.

Tables (prefix `orgsim_rm_`): `meta` (the aggregate version it reflects, the organisation's name,
people, retractions (with their reasons and recording times), log hash and tip order), `rows`,
`tenures`, `facts` (every stored fact, retracted ones too, by id and by first effective day).

One person's answers (`history`, `why`, `log --person`) replay only the days that person was touched
(`View.steps_of`): each with the real fold, seeded from the row versions valid the day before, applying
that day's facts about them and its departures; `history.py` reads those steps instead of a replay.

Changes are written in place, never by a replay, when the model is fresh: a fact that lands after
every effective one ends and starts the touched persons' intervals on its day (`ReadModel.append`);
one dated earlier, a retraction or a correction goes through the fold again from the state at the end
of a day (`Refold`: from the model's versions valid that day, then every later fact that counts), and
the versions after that day are written anew (`ReadModel.refold`), as a whole build would write them.

The model is used only when FRESH: `meta.version` equals the organisation's stored version, read in
the same transaction as the rows (a PostgreSQL store's local copy, kept apart from its log: the
version and a content tag of the log's last event). Otherwise the caller catches up or rebuilds it
(replay, then one write transaction), so a stale or half-written model is never read. `:memory:`
stores keep replaying the aggregate.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from orgsim.chart import Alumnus, Fold, OrgChart, Row, _State, alumnus_of, row_of
from orgsim.dates import PartialDate
from orgsim.diff import fresh_events
from orgsim.facts import Fact, Retraction, Timeline
from orgsim.names import people_keys, resolve_in
from orgsim.record import find_fact, short_ref

__all__ = [
    "EventLog",
    "LogUnavailable",
    "ModelRecord",
    "ReadModel",
    "Refold",
    "StoredTimeline",
    "TenureOf",
    "View",
    "build",
    "chart_after",
    "cited_by_diff",
    "fact_row",
    "facts_of",
    "log_hash_of",
]

FOREVER = "9999-12-31"
FORMAT = 3  # the layout of the tables' contents: a model of another format is stale (rebuilt)

SCHEMA = """
CREATE TABLE IF NOT EXISTS orgsim_rm_meta (org_id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orgsim_rm_rows (
    org_id TEXT NOT NULL, person TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL,
    tenure INTEGER NOT NULL, title TEXT, status TEXT NOT NULL, reports_to TEXT, since TEXT,
    leave_since TEXT, leave_until TEXT, n_events INTEGER NOT NULL, n_touched INTEGER NOT NULL);
DROP INDEX IF EXISTS orgsim_rm_rows_when;
CREATE INDEX IF NOT EXISTS orgsim_rm_rows_day ON orgsim_rm_rows (
    org_id, valid_to, valid_from, person, tenure, title, status, reports_to, since, leave_since, leave_until,
    n_events, n_touched);
CREATE INDEX IF NOT EXISTS orgsim_rm_rows_person ON orgsim_rm_rows (org_id, person);
CREATE INDEX IF NOT EXISTS orgsim_rm_rows_reports ON orgsim_rm_rows (org_id, reports_to) WHERE valid_to = '9999-12-31';
CREATE TABLE IF NOT EXISTS orgsim_rm_alumni (
    org_id TEXT NOT NULL, person TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL,
    title TEXT, departed_on TEXT NOT NULL, destination TEXT, event TEXT NOT NULL, open_from TEXT, open_to TEXT);
DROP INDEX IF EXISTS orgsim_rm_alumni_when;
CREATE INDEX IF NOT EXISTS orgsim_rm_alumni_day ON orgsim_rm_alumni (
    org_id, valid_to, valid_from, person, title, departed_on, destination, event, open_from, open_to);
CREATE INDEX IF NOT EXISTS orgsim_rm_alumni_person ON orgsim_rm_alumni (org_id, person);
CREATE TABLE IF NOT EXISTS orgsim_rm_tenures (
    org_id TEXT NOT NULL, tenure INTEGER NOT NULL, events TEXT NOT NULL, opens TEXT,
    PRIMARY KEY (org_id, tenure)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS orgsim_rm_people (
    org_id TEXT NOT NULL, person TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (org_id, person));
CREATE INDEX IF NOT EXISTS orgsim_rm_people_name ON orgsim_rm_people (org_id, person, name);
CREATE TABLE IF NOT EXISTS orgsim_rm_names (org_id TEXT NOT NULL, key TEXT NOT NULL, person TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orgsim_rm_names_key ON orgsim_rm_names (org_id, key);
CREATE TABLE IF NOT EXISTS orgsim_rm_facts (
    org_id TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, start TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (org_id, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS orgsim_rm_facts_start ON orgsim_rm_facts (org_id, start);
"""
_TABLES = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA)
_INDEXES = re.findall(r"(CREATE INDEX IF NOT EXISTS (\w+) .*?;)", SCHEMA, re.S)
_INDEXES = [(name, ddl) for ddl, name in _INDEXES]  # (name, its CREATE statement)
_LAYOUT_QUERY = "SELECT name, sql FROM sqlite_master WHERE name LIKE 'orgsim^_rm^_%' ESCAPE '^'"


@functools.lru_cache(maxsize=1)
def _layout() -> dict[str, str]:
    """Each model table's and index's CREATE statement as this SQLite records it (`sqlite_master.sql`)."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    layout = dict(conn.execute(_LAYOUT_QUERY).fetchall())
    conn.close()
    return layout


_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)  # json.dumps(…, ensure_ascii=False), built once


# --- facts as table rows ------------------------------------------------------------------------
def fact_row(org_id: str, f: Fact) -> tuple:
    record = [
        f.kind,
        f.person,
        str(f.on),
        f.source,
        f.title,
        f.manager,
        f.destination,
        str(f.until) if f.until else None,
        f.recorded_at.isoformat() if f.recorded_at else None,
    ]
    return (org_id, f.id, f.seq, f.on.start.isoformat(), _ENCODER.encode(record))


def retraction_record(r: Retraction) -> list:
    """A retraction as the model's meta keeps it (the log shows its reason and recording time)."""
    return [r.id, r.target, r.reason, r.seq, r.recorded_at.isoformat() if r.recorded_at else None, r.replaced_by]


_parse_date = functools.lru_cache(maxsize=65536)(PartialDate.parse)  # dates repeat: parse each once
_parse_moment = functools.lru_cache(maxsize=4096)(datetime.fromisoformat)  # an import records thousands at one moment


def facts_of(rows: list[tuple[str, int, str]]) -> list[Fact]:
    """Facts from (id, seq, record) rows; the records decoded in one call (many calls cost more)."""
    records = json.loads("[" + ",".join([record for _, _, record in rows]) + "]")
    make, day, moment = Fact, _parse_date, _parse_moment
    return [
        make(
            fid,
            kind,
            person,
            day(on),
            source,
            title,
            manager,
            destination,
            day(until) if until else None,
            seq,
            moment(recorded) if recorded else None,
        )
        for (fid, seq, _), (kind, person, on, source, title, manager, destination, until, recorded) in zip(
            rows, records
        )
    ]


def cited_by_diff(early: OrgChart, late: OrgChart) -> set[str]:
    """The facts `diff.diff(early, late)` may look up (to fetch them in a few queries, not one each):
    a leaver's departure, a newcomer's events, and a changed row's events the earlier row lacks."""
    if early.at > late.at:
        early, late = late, early
    before = {r.id: r for r in early.rows}
    after = {r.id: r for r in late.rows}
    departures = {a.id: a.event for a in late.alumni}
    out: set[str] = set()
    for pid, a in before.items():
        if pid not in after and pid in departures:
            out.add(departures[pid])
    for pid, b in after.items():
        a = before.get(pid)
        if a is None:
            out.update(b.events)
        elif (a.status, a.title, a.reports_to, a.since) != (b.status, b.title, b.reports_to, b.since):
            out.update(fresh_events(a, b))
    return out


def log_hash_of(
    organisation: str, effective_ids: Iterable[str], retractions: Iterable[Iterable[str]], people: Mapping[str, dict]
) -> str:
    """The same hash as `render.provenance.log_hash`, from the parts the read model keeps."""
    payload = json.dumps(
        {
            "organisation": organisation,
            "facts": sorted(effective_ids),
            "retractions": sorted([list(r) for r in retractions]),
            "people": sorted([pid, p["name"], list(p.get("aliases", ()))] for pid, p in people.items()),
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


# --- building -------------------------------------------------------------------------------------
def _opens(state: _State) -> str | None:
    """The partial-dated facts that touched a tenure: [[index in touched_by, first day, last day]]."""
    opens = [
        [i, f.on.start.isoformat(), f.on.end.isoformat(), str(f.on)]
        for i, f in enumerate(state.touched_by)
        if f.on.precision != "day"
    ]
    return json.dumps(opens) if opens else None


def _events(state: _State) -> str:
    return " ".join(state.events)  # fact ids are hex: no spaces


def _row(person: str, day: str, tenure: int, s: _State) -> list:
    return [
        person,
        day,
        FOREVER,
        tenure,
        s.title,
        s.status,
        s.reports_to,
        s.since,
        s.leave_since,
        s.leave_until,
        len(s.events),
        len(s.touched_by),
    ]


def _alumnus(person: str, day: str, f: Fact, s: _State) -> list:
    partial = f.on.precision != "day"
    return [
        person,
        day,
        FOREVER,
        s.title,
        str(f.on),
        f.destination,
        f.id,
        f.on.start.isoformat() if partial else None,
        f.on.end.isoformat() if partial else None,
    ]


@dataclass
class Built:
    """Everything the tables hold for one organisation (see `build`)."""

    meta: dict[str, Any]
    rows: list[list]  # the columns of orgsim_rm_rows after org_id
    alumni: list[list]  # the columns of orgsim_rm_alumni after org_id
    tenures: dict[int, _State]
    people: dict[str, dict[str, Any]]
    facts: tuple[Fact, ...]
    fold: Fold = field(repr=False)


class _Versions:
    """Row versions in the making: who has an open interval, and each tenure's number."""

    def __init__(self, fold: Fold, tenures: dict[int, _State] | None = None, first_tenure: int = 0) -> None:
        self.fold = fold
        self.rows: list[list] = []
        self.alumni: list[list] = []
        self.open: dict[str, list] = {}
        self.tenure_no: dict[int, int] = {}  # id(_State) → tenure number
        self.tenures: dict[int, _State] = tenures if tenures is not None else {}
        self.next = first_tenure
        #: Rebuilding from a day on (`Refold`): each person's first new version's day, and every tenure
        #: a new version was written for (its events and opens are written again). None in a whole build.
        self.first: dict[str, str] | None = None
        self.written: dict[int, _State] | None = None

    def number(self, state: _State) -> int:
        key = id(state)
        if key not in self.tenure_no:
            self.tenure_no[key] = self.next
            self.tenures[self.next] = state
            self.next += 1
        return self.tenure_no[key]

    def emit(self, day: str, people: Iterable[str]) -> None:
        fold = self.fold
        for person in sorted(people):
            prev = self.open.pop(person, None)
            if prev is not None:
                prev[2] = day
            elif self.first is not None:
                self.first[person] = day
            if person in fold.rows:
                s = fold.rows[person]
                row = _row(person, day, self.number(s), s)
                self.rows.append(row)
                if self.written is not None:
                    self.written[row[3]] = s
            elif person in fold.alumni:
                f, s = fold.alumni[person]
                row = _alumnus(person, day, f, s)
                self.alumni.append(row)
                if self.written is not None and id(s) in self.tenure_no:  # the departure joins its events
                    self.written[self.tenure_no[id(s)]] = s
            else:  # pragma: no cover  (a touched person is always in one of them)
                continue
            self.open[person] = row


class Builder:
    """The read model in the making while facts go through a fold (`apply`, in effective order): after
    each effective day, the row versions of everyone that day touched."""

    def __init__(self, fold: Fold, out: _Versions | None = None) -> None:
        self.fold = fold
        self.out = out if out is not None else _Versions(fold)
        self.touched: set[str] = set()  # whom the current day's facts touched

    def apply(self, fact: Fact, checked: bool = False) -> None:
        """Apply one fact through the rules (`checked`: already checked against this very state)."""
        fold = self.fold
        if fold.last is not None and fact.on.start != fold.last[0]:
            self._day_ended(fold.last[0])
        self.touched |= fold.touches(fact)
        fold.apply(fact, checked=checked)

    def _day_ended(self, day: date) -> None:
        self.out.emit(day.isoformat(), self.touched)
        self.touched = set()

    def finish_days(self) -> None:
        """The last day's versions, once every fact has gone through the fold."""
        if self.fold.last is not None:
            self._day_ended(self.fold.last[0])

    def finish(self, timeline: Timeline, version: int) -> Built:
        """The model once `timeline`'s effective facts have all gone through the fold, in effective order."""
        fold, out = self.fold, self.out
        self.finish_days()
        retractions = [[r.id, r.target] for r in timeline.retractions]
        gone = timeline.retracted_ids()
        meta = {
            "format": FORMAT,
            "name": timeline.organisation,
            "retractions": retractions,
            "log_hash": log_hash_of(
                timeline.organisation, (f.id for f in timeline.facts if f.id not in gone), retractions, timeline.people
            ),
            "last": [fold.last[0].isoformat(), fold.last[1]] if fold.last else None,
            "tenures": out.next,
            "retraction_records": [retraction_record(r) for r in timeline.retractions],
        }
        return Built(meta, out.rows, out.alumni, out.tenures, timeline.people, timeline.facts, fold)


def build(timeline: Timeline, version: int, checked: bool = False) -> Built:
    """The read model of a whole timeline, tagged with the aggregate `version` it reflects
    (`checked`: the timeline was validated by the caller, e.g. an aggregate just saved)."""
    builder = Builder(Fold(timeline.people))
    for fact in timeline.effective():
        builder.apply(fact, checked=checked)
    return builder.finish(timeline, version)


# --- reading --------------------------------------------------------------------------------------
class Lazy(Mapping):
    """A mapping read from a table on demand: `one(key)` fetches one value (None: absent), `every()`
    all of them (for iteration). Writes stay in memory (a command's own additions)."""

    def __init__(self, one: Any, every: Any) -> None:
        self.one, self.every = one, every
        self.cache: dict[Any, Any] = {}
        self.complete = False

    def get(self, key: Any, default: Any = None) -> Any:
        cache = self.cache
        if key not in cache:
            if self.complete:
                return default
            cache[key] = self.one(key)
        value = cache[key]
        return default if value is None else value

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __setitem__(self, key: Any, value: Any) -> None:
        self.cache[key] = value

    def pop(self, key: Any, default: Any = None) -> Any:
        value = self.get(key)
        self.cache[key] = None
        return default if value is None else value

    def __delitem__(self, key: Any) -> None:
        if self.pop(key) is None:
            raise KeyError(key)

    def setdefault(self, key: Any, default: Any) -> Any:
        value = self.get(key)
        if value is None:
            self.cache[key] = value = default
        return value

    def _all(self) -> dict[Any, Any]:
        if not self.complete:
            for key, value in self.every().items():
                self.cache.setdefault(key, value)
            self.complete = True
        return {k: v for k, v in self.cache.items() if v is not None}

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class TenureOf(dict):
    """id(fold state) → its tenure number, keeping each state alive: an id is unique only while its
    object lives, and a catch-up of many steps frees states (a rehire drops the old tenure's), so
    a new state could take a dead one's id and its tenure (found by a review)."""

    def __init__(self) -> None:
        super().__init__()
        self._alive: list[Any] = []

    def note(self, state: Any, tenure: int) -> None:
        self[id(state)] = tenure
        self._alive.append(state)


class _Mark:
    """What the fold keeps of a past fact in a state seeded from the read model: its date (for
    `uncertain` and messages), and for a departure its id and destination."""

    __slots__ = ("destination", "id", "on")

    def __init__(self, on: Any, id: str | None = None, destination: str | None = None) -> None:
        self.on, self.id, self.destination = on, id, destination


_CLOSED = _Mark(PartialDate(1, 1, 1))  # a past fact dated to the day: never open again


class Fetched(dict):
    """The facts a `FactLookup` has fetched, by id: a plain dict (a diff reads it tens of thousands of
    times) that the lookup keeps growing as it fetches (`FactLookup.fetched()` is this same dict), and
    that still answers `departures_of` through the lookup, keeping what that finds."""

    def __init__(self, lookup: FactLookup) -> None:
        super().__init__()
        self.lookup = lookup

    def departures_of(self, person: str) -> list[Fact]:
        found = self.lookup.departures_of(person)
        self.lookup.remember(found)  # (into this dict too)
        return found


class FactLookup(Mapping):
    """Stored facts by id, fetched from the facts table on demand (and kept)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        org_id: str,
        extra: Mapping[str, Fact] | None = None,
        departures_of: Callable[[str], list[Fact]] | None = None,
    ) -> None:
        self.conn, self.org_id = conn, org_id
        self.cache: dict[str, Fact | None] = dict(extra or {})
        self.known = Fetched(self)  # the facts of `cache` (not the ids found missing), kept in step
        self.known.update(self.cache)
        self._len: int | None = None
        #: person → their departures that count (`diff` asks it for someone who left and came back)
        self.departures_of = departures_of or (lambda person: [])

    def fetch(self, ids: Iterable[str]) -> None:
        wanted = sorted(i for i in set(ids) if i not in self.cache)  # in key order: a third faster to look up
        found: list[tuple[str, int, str]] = []
        for n in range(0, len(wanted), 500):
            chunk = wanted[n : n + 500]
            marks = ",".join("?" * len(chunk))
            found += self.conn.execute(
                f"SELECT id, seq, record FROM orgsim_rm_facts WHERE org_id = ? AND id IN ({marks})",
                [self.org_id, *chunk],
            )
        self.cache.update(dict.fromkeys(wanted))
        self.remember(facts_of(found))

    def remember(self, facts: Iterable[Fact]) -> None:
        """Keep facts read elsewhere (e.g. a day's facts) for lookups by id."""
        pairs = [(f.id, f) for f in facts]
        self.cache.update(pairs)
        self.known.update(pairs)

    def fetched(self) -> Fetched:
        """The facts looked up so far, as a plain dict (cheaper to read many times than this mapping);
        it grows with later fetches."""
        return self.known

    def __getitem__(self, fid: str) -> Fact:
        if fid not in self.cache:
            self.fetch([fid])
        fact = self.cache[fid]
        if fact is None:
            raise KeyError(fid)
        return fact

    def __setitem__(self, fid: str, fact: Fact) -> None:  # a fact recorded by this command (not stored yet)
        self.cache[fid] = self.known[fid] = fact

    def __contains__(self, fid: object) -> bool:
        try:
            self[fid]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        for (fid,) in self.conn.execute("SELECT id FROM orgsim_rm_facts WHERE org_id = ? ORDER BY seq", (self.org_id,)):
            yield fid

    def __len__(self) -> int:
        if self._len is None:
            self._len = self.conn.execute(
                "SELECT count(*) FROM orgsim_rm_facts WHERE org_id = ?", (self.org_id,)
            ).fetchone()[0]
        return self._len


@dataclass(frozen=True)
class StoredTimeline(Timeline):
    """A `Timeline` for renderers answered from the read model: `fact_map()` looks facts up by id,
    and the footer's log hash is the stored one. `facts` holds only what was looked up."""

    lookup: Any = None
    stored_log_hash: str | None = None

    def fact_map(self) -> Mapping[str, Fact]:  # type: ignore[override]
        return self.lookup


class View:
    """One organisation's fresh read model, read inside one SQLite read transaction."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        org_id: str,
        version: int,
        meta: dict[str, Any],
        connect: Callable[[], sqlite3.Connection] | None = None,
        meta_text: str | None = None,
    ) -> None:
        self.conn, self.org_id, self.version, self.meta = conn, org_id, version, meta
        self.connect = connect  # a new connection to the same model
        self.meta_text = meta_text  # the meta as stored when read
        self.name: str = meta["name"]
        self.people = Lazy(self._person, self._everyone)
        self.keys = Lazy(self._named, self._names)  # name_key → person ids, as `Organisation._keys`
        self.facts = FactLookup(conn, org_id, departures_of=self.departures_of)

    def _person(self, pid: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT data FROM orgsim_rm_people WHERE org_id = ? AND person = ?", (self.org_id, pid)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def _everyone(self) -> dict[str, dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT person, data FROM orgsim_rm_people WHERE org_id = ? ORDER BY rowid", (self.org_id,)
        )
        return {pid: json.loads(data) for pid, data in rows}

    def _named(self, key: str) -> set[str] | None:
        rows = self.conn.execute("SELECT person FROM orgsim_rm_names WHERE org_id = ? AND key = ?", (self.org_id, key))
        return {pid for (pid,) in rows} or None

    def _names(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for key, pid in self.conn.execute(
            "SELECT key, person FROM orgsim_rm_names WHERE org_id = ? ORDER BY rowid", (self.org_id,)
        ):
            out.setdefault(key, set()).add(pid)
        return out

    def close(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.conn.close()

    def __enter__(self) -> View:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def name_of(self, person: str) -> str:
        entry = self.people.get(person)
        return entry["name"] if entry else person

    def resolve(self, text: str) -> str:
        """A person's id from an id, name or alias, exactly as `Organisation.resolve` answers."""
        return resolve_in(text, self.people, self.keys, self.name)

    def log_hash(self) -> str:
        value = self.meta.get("log_hash")
        if value is None:
            gone = {t for _, t in self.meta["retractions"]}
            ids = [
                fid
                for (fid,) in self.conn.execute("SELECT id FROM orgsim_rm_facts WHERE org_id = ?", (self.org_id,))
                if fid not in gone
            ]
            value = self.meta["log_hash"] = log_hash_of(
                self.name, ids, self.meta["retractions"], dict(self.people.items())
            )
        return value

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
        after that day (all a diff from that day needs); `persons`: only these people's rows, a part of
        the chart, and only these people's alumni; `events=False`: rows without the ids of their events
        (the text tree shows none)."""
        day = at.isoformat()
        left_day = left_after.isoformat() if left_after is not None else ""
        only, wanted, keep = "", [], None
        if persons is not None:
            wanted = sorted(set(persons))
            if len(wanted) > 30_000:  # past SQLite's limit on parameters: the day's rows, filtered here
                keep, wanted = set(wanted), []
            else:  # a few: found by person; many: the day's rows (the unary + keeps the day's index)
                only = f" AND {'' if len(wanted) <= 2000 else '+'}r.person IN ({','.join('?' * len(wanted))})"
        rows, gone, make_row = [], [], Row
        for (
            person,
            name,
            title,
            status,
            reports_to,
            since,
            leave_since,
            leave_until,
            n_events,
            n_touched,
            events,
            opens,
        ) in self.conn.execute(
            "SELECT r.person, p.name, r.title, r.status, r.reports_to, r.since, r.leave_since, r.leave_until, "
            f"r.n_events, r.n_touched, {'t.events' if events else 'NULL'}, t.opens FROM orgsim_rm_rows r "
            "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure "
            "LEFT JOIN orgsim_rm_people p INDEXED BY orgsim_rm_people_name ON p.org_id = r.org_id AND p.person = r.person "
            "WHERE r.org_id = ? AND r.valid_to > ? AND r.valid_from <= ?" + only,
            (self.org_id, day, day, *wanted),
        ):
            if keep is not None and person not in keep:
                continue
            uncertain = opens is not None and any(o[0] < n_touched and o[1] <= day <= o[2] for o in json.loads(opens))
            rows.append(
                make_row(
                    person,
                    name or person,
                    title,
                    status,
                    reports_to,
                    uncertain,
                    since,
                    leave_since,
                    leave_until,
                    tuple(events.split(" ", n_events)[:n_events]) if events else (),
                )
            )
        if alumni:
            for person, name, title, departed_on, destination, event, open_from, open_to in self.conn.execute(
                "SELECT a.person, p.name, a.title, a.departed_on, a.destination, a.event, a.open_from, a.open_to "
                "FROM orgsim_rm_alumni a LEFT JOIN orgsim_rm_people p INDEXED BY orgsim_rm_people_name ON p.org_id = a.org_id AND p.person = a.person "
                "WHERE a.org_id = ? AND a.valid_to > ? AND a.valid_from <= ? AND a.valid_from > ?"
                + (" AND a.open_from <= ? AND a.open_to >= ?" if alumni == "open" else "")
                + only.replace("r.person", "a.person"),
                (self.org_id, day, day, left_day, *((day, day) if alumni == "open" else ()), *wanted),
            ):
                if keep is not None and person not in keep:
                    continue
                uncertain = open_from is not None and open_from <= day <= open_to
                gone.append(Alumnus(person, name or person, title, departed_on, destination, uncertain, event))
        rows.sort(key=lambda r: r.id)
        gone.sort(key=lambda a: a.id)
        return OrgChart(organisation=self.name, at=at, rows=tuple(rows), alumni=tuple(gone))

    def changed(self, a: date, b: date) -> set[str]:
        """Who has a different row version on day `a` than on day `b` (joined, left, or any change in
        between): everyone else's row is the same on both days."""
        early, late = sorted((a.isoformat(), b.isoformat()))
        return {
            person
            for (person,) in self.conn.execute(
                "SELECT person FROM orgsim_rm_rows WHERE org_id = ? AND valid_to > ? AND valid_to <= ? AND valid_from <= ? "
                "UNION ALL SELECT person FROM orgsim_rm_rows WHERE org_id = ? AND valid_to > ? AND valid_from > ? AND valid_from <= ?",
                (self.org_id, early, late, early, self.org_id, late, early, late),
            )
        }

    def diff_charts(
        self, a: date, b: date, persons: Iterable[str] | None = None
    ) -> tuple[OrgChart, OrgChart, dict[str, str]]:
        """The parts of the charts on days `a` and `b` that a diff reads: the rows of the people whose
        row differs (`changed`), or of `persons` among them (a share of the work), the alumni among
        them who left after the earlier day, and the names of the managers those rows name that are
        not among them. `diff.diff` of the two gives the same changes, for those people, as of the
        whole charts; with the names, `diff_text` the same text."""
        early = min(a, b)
        people = self.changed(a, b) if persons is None else set(persons)
        chart_a = self.chart(a, alumni=a > b, left_after=early, persons=people)
        chart_b = self.chart(b, alumni=b >= a, left_after=early, persons=people)
        managers = sorted({r.reports_to for c in (chart_a, chart_b) for r in c.rows} - {None} - people)
        names: dict[str, str] = {}
        for n in range(0, len(managers), 900):  # (a row's manager is in the organisation that day: named in people)
            chunk = managers[n : n + 900]
            names.update(
                self.conn.execute(
                    f"SELECT person, name FROM orgsim_rm_people WHERE org_id = ? AND person IN ({','.join('?' * len(chunk))})",
                    (self.org_id, *chunk),
                )
            )
        return chart_a, chart_b, names

    def tip(self) -> tuple[Fold, dict[int, int]]:
        """The fold's state after every effective fact (the open intervals), read person by person as
        the rules ask (`Lazy`), to check and apply a fact that lands after all of them; and each
        loaded state's tenure number (by `id()`)."""
        fold = Fold(self.people)
        tenure_of = TenureOf()
        conn, oid = self.conn, self.org_id

        def state(row: tuple) -> _State:
            s = _seeded_state(*row)
            tenure_of.note(s, row[0])
            return s

        select = (
            "SELECT r.person, r.tenure, r.title, r.status, r.reports_to, r.since, r.leave_since, r.leave_until, "
            "r.n_events, r.n_touched, t.events, t.opens FROM orgsim_rm_rows r "
            "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure "
            f"WHERE r.org_id = ? AND r.valid_to = '{FOREVER}'"
        )

        def one_row(person: str) -> _State | None:
            row = conn.execute(select + " AND r.person = ?", (oid, person)).fetchone()
            return state(row[1:]) if row else None

        def every_row() -> dict[str, _State]:
            return {row[0]: state(row[1:]) for row in conn.execute(select, (oid,))}

        def reports_of(manager: str) -> set[str] | None:
            rows = conn.execute(
                f"SELECT person FROM orgsim_rm_rows WHERE org_id = ? AND reports_to = ? AND valid_to = '{FOREVER}'",
                (oid, manager),
            )
            return {p for (p,) in rows} or None

        def every_report() -> dict[str, set[str]]:
            out: dict[str, set[str]] = {}
            for p, m in conn.execute(
                f"SELECT person, reports_to FROM orgsim_rm_rows WHERE org_id = ? AND valid_to = '{FOREVER}' "
                "AND reports_to IS NOT NULL",
                (oid,),
            ):
                out.setdefault(m, set()).add(p)
            return out

        alumni_select = (
            f"SELECT person, title, departed_on, destination, event FROM orgsim_rm_alumni "
            f"WHERE org_id = ? AND valid_to = '{FOREVER}'"
        )
        gone = _seeded_alumnus

        def one_alumnus(person: str) -> tuple | None:
            row = conn.execute(alumni_select + " AND person = ?", (oid, person)).fetchone()
            return gone(row) if row else None

        fold.rows = Lazy(one_row, every_row)  # type: ignore[assignment]
        fold.reports = Lazy(reports_of, every_report)  # type: ignore[assignment]
        fold.alumni = Lazy(one_alumnus, lambda: {r[0]: gone(r) for r in conn.execute(alumni_select, (oid,))})  # type: ignore[assignment]
        last = self.meta.get("last")
        fold.last = (date.fromisoformat(last[0]), last[1]) if last else None
        return fold, tenure_of

    def fold_on(self, day: date | None) -> tuple[Fold, TenureOf, dict[int, _State]]:
        """The fold's whole state at the end of `day` (after every effective fact starting on or before
        it) from the row and alumni versions valid that day, and each state's tenure number; its `last`
        is the order of the last of those facts. Also the states whose tenure holds events after that
        day (`tenures` keeps a tenure's events to its end): a change from that day on rewrites them.
        None: before every day (the day before `date.min`), an empty fold."""
        d, conn, oid = _iso(day), self.conn, self.org_id
        fold, tenure_of, later = Fold(self.people), TenureOf(), {}
        rows, reports = fold.rows, fold.reports
        for person, *row in conn.execute(
            "SELECT r.person, r.tenure, r.title, r.status, r.reports_to, r.since, r.leave_since, r.leave_until, "
            "r.n_events, r.n_touched, t.events, t.opens FROM orgsim_rm_rows r "
            "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure "
            "WHERE r.org_id = ? AND r.valid_to > ? AND r.valid_from <= ?",
            (oid, d, d),
        ):
            s = rows[person] = _seeded_state(*row)
            tenure_of.note(s, row[0])
            if row[9] and row[9].count(" ") + 1 > row[7]:  # (events, n_events)
                later[row[0]] = s
            if s.reports_to is not None:
                reports.setdefault(s.reports_to, set()).add(person)
        for row in conn.execute(
            "SELECT person, title, departed_on, destination, event FROM orgsim_rm_alumni "
            "WHERE org_id = ? AND valid_to > ? AND valid_from <= ?",
            (oid, d, d),
        ):
            fold.alumni[row[0]] = _seeded_alumnus(row)
        gone = {t for _, t in self.meta["retractions"]}
        for start, seq, fid in conn.execute(
            "SELECT start, seq, id FROM orgsim_rm_facts INDEXED BY orgsim_rm_facts_start "
            "WHERE org_id = ? AND start <= ? ORDER BY start DESC, seq DESC",
            (oid, d),
        ):
            if fid not in gone:  # the order of the last fact that counts, up to that day
                fold.last = (date.fromisoformat(start), seq)
                break
        return fold, tenure_of, later

    def names(self) -> dict[str, str]:
        """Every stored person's display name, by id."""
        return dict(
            self.conn.execute(
                "SELECT person, name FROM orgsim_rm_people INDEXED BY orgsim_rm_people_name WHERE org_id = ?",
                (self.org_id,),
            )
        )

    def facts_after(self, day: date | None) -> Iterator[Fact]:
        """The facts that count whose effective date starts after `day` (None: all), in effective order,
        decoded a chunk at a time."""
        gone = {t for _, t in self.meta["retractions"]}
        cursor = self.conn.execute(
            "SELECT id, seq, record FROM orgsim_rm_facts INDEXED BY orgsim_rm_facts_start "
            "WHERE org_id = ? AND start > ? ORDER BY start, seq",
            (self.org_id, _iso(day)),
        )
        while rows := cursor.fetchmany(5000):
            yield from (f for f in facts_of(rows) if f.id not in gone)

    def timeline(self, cited: Iterable[str] = ()) -> StoredTimeline:
        """A timeline for the renderers: the people, the cited facts (others looked up on demand),
        the retractions' ids, and the stored log hash."""
        self.facts.fetch(cited)
        facts = tuple(sorted(self.facts.known.values(), key=lambda f: f.seq))
        return StoredTimeline(self.name, self.people, facts, (), lookup=self.facts, stored_log_hash=self.log_hash())

    # --- one person: history, why, log --person (the rules stay in chart.Fold, the answers in history.py)
    # (`INDEXED BY` the person indexes: without statistics SQLite takes the covering day index, ~100×
    # slower on 10,000 people)
    def people_in_order(self) -> list[tuple[str, dict[str, Any]]]:
        """Every person (id, entry), in registration order."""
        return list(self._everyone().items())

    def every_fact(self, chunk: int = 5000) -> Iterator[Fact]:
        """Every stored fact, retracted ones too, in recording order (`seq`), decoded a chunk at a time."""
        cursor = self.conn.execute(
            "SELECT id, seq, record FROM orgsim_rm_facts WHERE org_id = ? ORDER BY seq", (self.org_id,)
        )
        while rows := cursor.fetchmany(chunk):
            yield from facts_of(rows)

    def retractions(self) -> list[Retraction]:
        """Every retraction, in recording order (from the meta)."""
        return [
            Retraction(rid, target, reason, seq, datetime.fromisoformat(at) if at else None, replaced)
            for rid, target, reason, seq, at, replaced in self.meta["retraction_records"]
        ]

    def days_of(self, person: str, until: date | None = None) -> list[str]:
        """The days (ISO) a fact touched `person`, up to `until`: the first days of their row and alumni
        versions. Every fact about them, and every departure that changed their row, starts on one."""
        last = until.isoformat() if until is not None else FOREVER
        return [
            d
            for (d,) in self.conn.execute(
                "SELECT valid_from FROM orgsim_rm_rows INDEXED BY orgsim_rm_rows_person WHERE org_id = ? AND person = ? "
                "AND valid_from <= ? UNION SELECT valid_from FROM orgsim_rm_alumni INDEXED BY orgsim_rm_alumni_person "
                "WHERE org_id = ? AND person = ? AND valid_from <= ? "
                "ORDER BY 1",
                (self.org_id, person, last, self.org_id, person, last),
            )
        ]

    def departures_of(self, person: str) -> list[Fact]:
        """The person's departures that count, found on their days of change (a departure and a return
        on one day leave no alumni interval, but the day is one of theirs)."""
        return [
            f
            for day in self.days_of(person)
            for f in self.effective_on(day)
            if f.person == person and f.kind == "departed"
        ]

    def effective_on(self, day: str) -> list[Fact]:
        """The facts that count whose effective date starts on `day`, in effective order (kept for the
        lookup by id too)."""
        cache = self.__dict__.setdefault("_days", {})
        if day not in cache:
            rows = self.conn.execute(
                "SELECT id, seq, record FROM orgsim_rm_facts INDEXED BY orgsim_rm_facts_start WHERE org_id = ? AND start = ? ORDER BY seq",
                (self.org_id, day),
            ).fetchall()
            gone = {t for _, t in self.meta["retractions"]}
            facts = facts_of(rows) if rows else []
            self.facts.remember(facts)
            cache[day] = [f for f in facts if f.id not in gone]
        return cache[day]

    def fold_before(self, day: str, watched: str) -> Fold:
        """The fold as it stood at the end of the day before `day`, as far as the facts about `watched`
        and that day's departures read it: each person's state read on demand from their row version
        valid then (`Lazy`), no alumni (applying a fact never reads them), and a reports index that
        holds only `watched` (so a departure that day changes `watched`'s row exactly as the replay
        does, and nobody else's row is read or exact)."""
        conn, oid = self.conn, self.org_id
        select = (
            "SELECT r.tenure, r.title, r.status, r.reports_to, r.since, r.leave_since, r.leave_until, r.n_events, "
            "r.n_touched, t.events, t.opens FROM orgsim_rm_rows r INDEXED BY orgsim_rm_rows_person "
            "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure "
            "WHERE r.org_id = ? AND r.person = ? AND r.valid_from < ? AND r.valid_to >= ?"
        )

        def one_row(person: str) -> _State | None:
            row = conn.execute(select, (oid, person, day, day)).fetchone()
            return _seeded_state(*row) if row else None

        def every_row() -> dict[str, _State]:  # never read by `Fold.apply`; here for completeness
            return {p: s for p in dict(self.people) if (s := one_row(p)) is not None}

        fold = Fold(self.people)
        fold.rows = Lazy(one_row, every_row)  # type: ignore[assignment]
        mine = fold.rows.get(watched)
        manager = mine.reports_to if mine is not None else None
        fold.reports = Lazy(
            lambda m: {watched} if m == manager else None,  # type: ignore[assignment]
            lambda: {manager: {watched}} if manager is not None else {},
        )
        return fold

    def _day_steps(self, person: str, day: str) -> Iterator[tuple[Fact, Fold]]:
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
            tuple(sorted(facts.values(), key=lambda f: f.seq)),  # type: ignore[arg-type]
            tuple(r for r in retractions if r.target in gone),
        )

    def between(self, first: date | None, last: date | None) -> Timeline:
        """A timeline of every fact whose effective date may overlap [first, last] (None: unbounded), for
        `history.select` to filter exactly: those starting from `first` to `last`, and those starting on
        the 1st of a month in the year before `first` (a month or a year starts on a 1st and spans at
        most a year), retracted ones too, with their retractions. Never replayed."""
        day = first.isoformat() if first is not None else ""
        lo = date.fromordinal(max(1, first.toordinal() - 366)).isoformat() if first is not None else ""  # (year 1 too)
        hi = last.isoformat() if last is not None else FOREVER
        rows = self.conn.execute(
            "SELECT id, seq, record FROM orgsim_rm_facts INDEXED BY orgsim_rm_facts_start "
            "WHERE org_id = ? AND start >= ? AND start <= ? AND (start >= ? OR substr(start, 9) = '01') "
            "ORDER BY seq",
            (self.org_id, lo, hi, day),
        ).fetchall()
        facts = facts_of(rows) if rows else []
        ids = {f.id for f in facts}
        return Timeline(
            self.name,
            self.people,
            tuple(facts),  # type: ignore[arg-type]
            tuple(r for r in self.retractions() if r.target in ids),
        )

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
        fold = None
        for _, fold in self._day_steps(person, left):
            pass
        events = list(fold.alumni[person][1].events) if fold is not None and person in fold.alumni else []
        return Alumnus(person, name or person, title, departed_on, destination, uncertain, event), events


def _iso(day: date | None) -> str:
    """A day as the tables compare it; None (before every day) as the string before every ISO date."""
    return day.isoformat() if day is not None else ""


def _seeded_state(
    tenure: int,
    title: str | None,
    status: str,
    reports_to: str | None,
    since: str,
    leave_since: str | None,
    leave_until: str | None,
    n_events: int,
    n_touched: int,
    events: str,
    opens: str | None,
) -> _State:
    """A fold state from a row version and its tenure (as `View.tip` reads it): the events it had then,
    and the dates of the facts that touched it (only the partly known ones can make a row uncertain)."""
    touched: list[Any] = [_CLOSED] * n_touched
    for o in json.loads(opens) if opens else ():
        if o[0] < n_touched:
            touched[o[0]] = _Mark(_parse_date(o[3]))
    return _State(
        title,
        status,
        reports_to,
        since,
        leave_since,
        leave_until,
        events.split(" ")[:n_events] if events else [],
        touched,
    )


def _seeded_alumnus(row: tuple) -> tuple[_Mark, _State]:
    """An alumnus of a fold seeded from the read model (person, title, departed_on, destination, event):
    what the rules read of them (their departure's date, id and destination, and their last title)."""
    _, title, departed_on, destination, event = row
    return _Mark(_parse_date(departed_on), event, destination), _State(title, "active", None, "")


def _write_people(conn: sqlite3.Connection, org_id: str, people: Mapping[str, dict[str, Any]]) -> None:
    """People (in registration order) and the name index `resolve` reads."""
    conn.executemany(
        "INSERT INTO orgsim_rm_people VALUES (?,?,?,?)",
        ((org_id, pid, p["name"], json.dumps(p, ensure_ascii=False)) for pid, p in people.items()),
    )
    conn.executemany(
        "INSERT INTO orgsim_rm_names VALUES (?,?,?)",
        ((org_id, key, pid) for key, pids in people_keys(dict(people)).items() for pid in sorted(pids)),
    )


class EventLog(Protocol):
    """Where a model kept apart from its event log (a PostgreSQL store's local copy) reads what the log
    holds now: an organisation's last stored event, as its version and a tag of its content."""

    def tip(self, org_id: str) -> tuple[int, str] | None:
        """The version and tag of the organisation's last stored event (None: no such organisation)."""

    def tag(self, org_id: str, version: int) -> str | None:
        """The tag of the organisation's stored event at `version`."""


class LogUnavailable(Exception):
    """The event log could not be asked (a model kept apart from it is then not used)."""


class ReadModel:
    """The read-model tables of one SQLite file: the store's own file (beside the event log, read in
    the same transaction), or, with `log`, a file apart from the log (a PostgreSQL store's local copy),
    which is fresh only when the version AND the content tag of the log's last event are those it was
    built from, so a database dropped and made again with another history is never mistaken for it."""

    #: Seconds a connection waits for another process's write transaction before giving up.
    BUSY_TIMEOUT = 30.0

    def __init__(self, path: str, log: EventLog | None = None) -> None:
        self.path = path
        self.log = log

    def _tip(self, conn: sqlite3.Connection, org_id: str) -> tuple[int | None, str | None]:
        """The log's last version of the organisation (None: not there) and, for a log apart, its tag."""
        if self.log is None:
            return self.stored_version(conn, org_id), None
        return self.log.tip(org_id) or (None, None)

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        if self.log is not None:  # a file of our own (a store's file is in WAL mode already, by the library):
            conn.execute("PRAGMA journal_mode=WAL")  # a reader never holds up this machine's writers
            conn.execute("PRAGMA synchronous=NORMAL")  # a copy: a write lost to a power cut is rebuilt
        present = dict(conn.execute(_LAYOUT_QUERY).fetchall())
        if any(present.get(name) != sql for name, sql in _layout().items()):  # a new store, or an older layout
            self._migrate(conn)  # (objects of other names are left alone)
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Bring the model's tables to this version's layout (SCHEMA) in one write transaction. A table
        laid out otherwise (e.g. with a rowid where it now has none) is dropped and made anew, empty,
        and a missing one made; either way the meta goes too, so the model is rebuilt from the event log
        on next use (it is derived data). An index laid out otherwise is made anew; a missing one is made."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            present = dict(conn.execute(_LAYOUT_QUERY).fetchall())
            wanted = _layout()
            stale = [t for t in _TABLES if present.get(t) != wanted[t]]  # laid out otherwise, or missing
            for table in ("orgsim_rm_meta", *stale) if stale else ():  # a model missing a table is no model
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            for name in wanted.keys() - set(_TABLES):  # an index of that name made otherwise: made anew below
                if name in present and present[name] != wanted[name]:
                    conn.execute(f"DROP INDEX IF EXISTS {name}")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): committed when the block ends with it still open,
        rolled back on any error, the connection closed either way."""
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            if conn.in_transaction:
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    @staticmethod
    def stored_version(conn: sqlite3.Connection, org_id: str) -> int | None:
        row = conn.execute(
            "SELECT MAX(originator_version) FROM stored_events WHERE originator_id = ?", (org_id,)
        ).fetchone()
        return row[0] if row else None

    def view(self, org_id: str) -> View | int | None:
        """The fresh model (an open read transaction), or the stored version when the model is stale or
        missing (the caller rebuilds), or None when the store has no such organisation."""
        conn = self.connect()
        conn.execute("BEGIN")
        try:
            version, tag = self._tip(conn, org_id)
            if version is None:
                conn.execute("COMMIT")
                conn.close()
                return None
            row = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (org_id,)).fetchone()
            meta = json.loads(row[1]) if row is not None and row[0] == version else None
            if meta is None or meta.get("format") != FORMAT or meta.get("tag") != tag:
                conn.execute("COMMIT")
                conn.close()
                return version
            return View(conn, org_id, version, meta, self.connect, row[1])
        except BaseException:
            conn.close()
            raise

    def prefix_view(self, org_id: str) -> View | None:
        """For a model apart from its log: the model as it stands, at its own version, when it is a
        prefix of the log (the log holds, at that version, the very event it was built from, by its
        tag), to bring it up to date with the events after it; None otherwise."""
        if self.log is None:
            return None
        conn = self.connect()
        conn.execute("BEGIN")
        try:
            row = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (org_id,)).fetchone()
            meta = json.loads(row[1]) if row is not None else None
            if (
                meta is None
                or meta.get("format") != FORMAT
                or meta.get("tag") is None
                or self.log.tag(org_id, row[0]) != meta["tag"]
            ):
                conn.execute("COMMIT")
                conn.close()
                return None
            return View(conn, org_id, row[0], meta, self.connect, row[1])
        except BaseException:
            conn.close()
            raise

    def _moving_on(
        self,
        conn: sqlite3.Connection,
        org_id: str,
        old_version: int,
        new_version: int,
        meta: dict[str, Any],
        tag: str | None,
    ) -> str | bool | None:
        """In a write transaction, before a change in place from `old_version` to `new_version`: the tag
        to record (for a log apart), or False (rolled back) when the model is not at `old_version` of
        the build `meta` is from, or the log is not at `new_version`."""
        row = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (org_id,)).fetchone()
        version = new_version if tag is not None and self.log is not None else None
        if version is None:
            version, tag = self._tip(conn, org_id)
        if (
            row is None
            or row[0] != old_version
            or version != new_version
            or json.loads(row[1]).get("built_at") != meta.get("built_at")
        ):  # rebuilt meanwhile: tenures differ
            conn.execute("ROLLBACK")
            return False
        return tag

    def write_changes(self, record: ModelRecord, old_version: int, tag: str | None = None) -> bool:
        """Write what the commands on `record` added since `old_version` (it reflected the model at
        that version): in place at the tip (`append`), or from the day of a change that landed before
        the last fact (`refold`). False: the model had moved on meanwhile (nothing written)."""
        oid, meta = record.view.org_id, record.view.meta
        if record.refold is not None:
            return self.refold(
                oid,
                old_version,
                record.version,
                meta,
                record.refold,
                record.new_facts,
                record.new_people,
                tag=tag,
                retractions=record.new_retractions,
            )
        written = self.append(
            oid,
            old_version,
            record.version,
            meta,
            record.tip,
            record.tenure_of,
            record.touched,
            record.new_facts,
            record.new_people,
            tag=tag,
        )
        record.written()
        return written

    def refold(
        self,
        org_id: str,
        old_version: int,
        new_version: int,
        meta: dict[str, Any],
        refold: Refold,
        facts: Iterable[Fact],
        people: Mapping[str, dict[str, Any]] | None = None,
        tag: str | None = None,
        retractions: Iterable[Retraction] = (),
    ) -> bool:
        """Bring the model from `old_version` to `new_version` after a fact dated before its last one,
        from what `refold` made: every version that starts after the fact's day goes; the versions valid
        that day are open again, and each person the refold touched has theirs end where their first new
        version starts (or replaced by it, on that day); then the new versions, their tenures, the fact.
        Nothing is written (False) when the model or the log moved meanwhile (then the next read
        rebuilds it). The tenure numbers go on from the model's: this is its build, changed in place.
        `tag`: as for `append` (catching up)."""
        day, out, fold = _iso(refold.day), refold.versions, refold.fold
        assert out.first is not None and out.written is not None
        with self._writing() as conn:
            tag = self._moving_on(conn, org_id, old_version, new_version, meta, tag)
            if tag is False:
                return False
            starts = sorted(out.first.items())
            for table in ("orgsim_rm_rows", "orgsim_rm_alumni"):
                conn.execute(f"DELETE FROM {table} WHERE org_id = ? AND valid_from > ?", (org_id, day))
                conn.execute(
                    f"UPDATE {table} SET valid_to = ? WHERE org_id = ? AND valid_to > ?", (FOREVER, org_id, day)
                )
                by_person = f"{table} INDEXED BY {table}_person"
                conn.executemany(
                    f"DELETE FROM {by_person} WHERE org_id = ? AND person = ? AND valid_from = ? AND valid_to = ?",
                    ((org_id, p, d, FOREVER) for p, d in starts if d == day),
                )
                conn.executemany(
                    f"UPDATE {by_person} SET valid_to = ? WHERE org_id = ? AND person = ? AND valid_to = ?",
                    ((d, org_id, p, FOREVER) for p, d in starts),
                )
            conn.executemany(
                "INSERT INTO orgsim_rm_rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", ([org_id, *r] for r in out.rows)
            )
            conn.executemany(
                "INSERT INTO orgsim_rm_alumni VALUES (?,?,?,?,?,?,?,?,?,?)", ([org_id, *r] for r in out.alumni)
            )
            conn.executemany(
                "INSERT OR REPLACE INTO orgsim_rm_tenures VALUES (?,?,?,?)",
                ((org_id, n, _events(s), _opens(s)) for n, s in sorted(out.written.items())),
            )
            conn.execute(
                "DELETE FROM orgsim_rm_tenures WHERE org_id = ? AND tenure NOT IN "  # those of versions gone
                "(SELECT tenure FROM orgsim_rm_rows WHERE org_id = ?)",
                (org_id, org_id),
            )
            conn.executemany("INSERT INTO orgsim_rm_facts VALUES (?,?,?,?,?)", (fact_row(org_id, f) for f in facts))
            _write_people(conn, org_id, people or {})
            retractions = list(retractions)
            meta = {
                **meta,
                "last": [fold.last[0].isoformat(), fold.last[1]] if fold.last else None,
                "log_hash": None,
                "tenures": out.next,
                **({"tag": tag} if tag is not None else {}),
                "retractions": meta["retractions"] + [[r.id, r.target] for r in retractions],
                "retraction_records": meta["retraction_records"] + [retraction_record(r) for r in retractions],
            }
            conn.execute(
                "UPDATE orgsim_rm_meta SET version = ?, data = ? WHERE org_id = ?",
                (new_version, json.dumps(meta, ensure_ascii=False), org_id),
            )
            return True

    def write(self, org_id: str, built: Built, version: int, replace: bool = False) -> None:
        """Replace the organisation's model by `built` (tagged `version`) in one write transaction."""
        tag = self.log.tag(org_id, version) if self.log is not None else None
        with self._writing() as conn:
            row = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (org_id,)).fetchone()
            if row is not None and row[0] >= version and not replace:
                now = json.loads(row[1])
                if (row[0], now.get("tag")) == self._tip(conn, org_id) and now.get("format") == FORMAT:
                    conn.execute("COMMIT")  # someone else already wrote a model at least as new
                    return
            for table in ("meta", "rows", "alumni", "tenures", "facts", "people", "names"):
                conn.execute(f"DELETE FROM orgsim_rm_{table} WHERE org_id = ?", (org_id,))
            alone = conn.execute("SELECT count(*) FROM orgsim_rm_meta").fetchone()[0] == 0
            if alone:  # the only organisation: its indexes are built once after the rows, not row by row
                for name, _ in _INDEXES:
                    conn.execute(f"DROP INDEX {name}")
            conn.executemany(
                "INSERT INTO orgsim_rm_rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", ([org_id, *r] for r in built.rows)
            )
            conn.executemany(
                "INSERT INTO orgsim_rm_alumni VALUES (?,?,?,?,?,?,?,?,?,?)", ([org_id, *r] for r in built.alumni)
            )
            conn.executemany(
                "INSERT INTO orgsim_rm_tenures VALUES (?,?,?,?)",
                ((org_id, n, _events(s), _opens(s)) for n, s in built.tenures.items()),
            )
            conn.executemany(
                "INSERT INTO orgsim_rm_facts VALUES (?,?,?,?,?)",  # by id: the key index grows at its end
                (fact_row(org_id, f) for f in sorted(built.facts, key=lambda f: f.id)),
            )
            _write_people(conn, org_id, built.people)
            if alone:
                for _, ddl in _INDEXES:
                    conn.execute(ddl)
            # "built_at": the version a whole build was made at (a build is deterministic: two at one version
            # number their tenures alike); appends keep it, so a model rebuilt meanwhile is told apart
            meta = {**built.meta, "built_at": version, **({"tag": tag} if tag is not None else {})}
            conn.execute(
                "INSERT INTO orgsim_rm_meta VALUES (?,?,?)", (org_id, version, json.dumps(meta, ensure_ascii=False))
            )

    def append(
        self,
        org_id: str,
        old_version: int,
        new_version: int,
        meta: dict[str, Any],
        fold: Fold,
        tenure_of: dict[int, int],
        touched: Iterable[str],
        facts: Iterable[Fact],
        people: Mapping[str, dict[str, Any]] | None = None,
        tag: str | None = None,
    ) -> bool:
        """Bring the model from `old_version` to `new_version` after facts that landed after every other
        (`fold` is the state after them, all dated `fold.last[0]`): the touched persons' intervals end
        and new ones start on that day. Nothing is written (False) when the model or the log moved
        meanwhile: the next read then finds it stale and rebuilds it. `tag`: for a log apart, the tag
        of its event at `new_version`, which the caller read from it (catching up): the log may
        already be further on."""
        day = fold.last[0].isoformat()
        with self._writing() as conn:
            tag = self._moving_on(conn, org_id, old_version, new_version, meta, tag)
            if tag is False:
                return False
            replaced: set[int] = set()  # tenures of row versions replaced on that day (maybe by an alumnus now)
            for person in sorted(touched):
                replaced.update(
                    t
                    for (t,) in conn.execute(
                        "SELECT tenure FROM orgsim_rm_rows INDEXED BY orgsim_rm_rows_person WHERE org_id = ? AND person = ? "
                        "AND valid_from = ? AND valid_to = ?",
                        (org_id, person, day, FOREVER),
                    )
                )
                for table in ("orgsim_rm_rows", "orgsim_rm_alumni"):  # (by person: the day index scans every open one)
                    by_person = f"{table} INDEXED BY {table}_person"
                    conn.execute(
                        f"DELETE FROM {by_person} WHERE org_id = ? AND person = ? AND valid_from = ? AND valid_to = ?",
                        (org_id, person, day, FOREVER),
                    )
                    conn.execute(
                        f"UPDATE {by_person} SET valid_to = ? WHERE org_id = ? AND person = ? AND valid_to = ?",
                        (day, org_id, person, FOREVER),
                    )
                if person in fold.rows:
                    s = fold.rows[person]
                    tenure = tenure_of.get(id(s))
                    if tenure is None:
                        tenure = meta["tenures"]
                        if isinstance(tenure_of, TenureOf):
                            tenure_of.note(s, tenure)
                        else:
                            tenure_of[id(s)] = tenure
                        meta["tenures"] += 1
                    conn.execute(
                        "INSERT OR REPLACE INTO orgsim_rm_tenures VALUES (?,?,?,?)",
                        (org_id, tenure, _events(s), _opens(s)),
                    )
                    conn.execute(
                        "INSERT INTO orgsim_rm_rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        [org_id, *_row(person, day, tenure, s)],
                    )
                elif person in fold.alumni:
                    f, s = fold.alumni[person]
                    conn.execute(
                        "INSERT INTO orgsim_rm_alumni VALUES (?,?,?,?,?,?,?,?,?,?)",
                        [org_id, *_alumnus(person, day, f, s)],
                    )
                    if id(s) in tenure_of:
                        conn.execute(
                            "UPDATE orgsim_rm_tenures SET events = ? WHERE org_id = ? AND tenure = ?",
                            (_events(s), org_id, tenure_of[id(s)]),
                        )
            for tenure in sorted(
                replaced
            ):  # one no version names any more (hired and gone that day): as a build has it
                conn.execute(
                    "DELETE FROM orgsim_rm_tenures WHERE org_id = ? AND tenure = ? AND NOT EXISTS "
                    "(SELECT 1 FROM orgsim_rm_rows WHERE org_id = ? AND tenure = ?)",
                    (org_id, tenure, org_id, tenure),
                )
            conn.executemany("INSERT INTO orgsim_rm_facts VALUES (?,?,?,?,?)", (fact_row(org_id, f) for f in facts))
            _write_people(conn, org_id, people or {})
            meta = {**meta, "last": [day, fold.last[1]], "log_hash": None, **({"tag": tag} if tag is not None else {})}
            conn.execute(
                "UPDATE orgsim_rm_meta SET version = ?, data = ? WHERE org_id = ?",
                (new_version, json.dumps(meta, ensure_ascii=False), org_id),
            )
            return True


class ModelRecord:
    """A `record.Record` answered from a fresh read model (`View`): people, names and stored facts
    looked up in its tables. A fact that lands after every effective one is checked against the
    fold's state after them all (`View.tip`: the open intervals, read person by person as the rules
    ask); any other change through `Refold`, the same fold from the state at the end of the day before
    it through every later fact. What the command then adds is kept for writing the model after the
    save (`ReadModel.append` or `ReadModel.refold`)."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.name = view.name
        self.version = view.version
        self.people = view.people
        self.tip, self.tenure_of = view.tip()
        self.refold: Refold | None = None  # set when a change did not land after every effective fact
        self.touched: set[str] = set()  # whose state the facts added at the tip changed
        self.new_people: dict[str, dict[str, Any]] = {}
        self.new_facts: list[Fact] = []
        self.new_retractions: list[Retraction] = []
        self._retractions = view.retractions()

    def named(self, key: str) -> set[str]:
        return set(self.view.keys.get(key) or ())

    def resolve(self, text: str) -> str:
        return self.view.resolve(text)

    def fact(self, ref: str) -> Fact:
        key = ref.strip().lower()
        if key in self.view.facts:
            return self.view.facts[key]
        key = short_ref(ref)
        rows = self.view.conn.execute(
            "SELECT id FROM orgsim_rm_facts WHERE org_id = ? AND id >= ? AND id < ?",
            (self.view.org_id, key, key + "\uffff"),
        )
        return self.view.facts[find_fact(key, [fid for (fid,) in rows])]

    def has_fact(self, fid: str) -> bool:
        return fid in self.view.facts

    def retracted_ids(self) -> set[str]:
        return {r.target for r in self._retractions}

    def check(self, adding: Fact | None, dropping: Fact | None = None) -> None:
        tip = self.tip
        if adding is not None and dropping is None and self.lands_last(adding):
            tip.validate(adding)
            return
        refold = Refold(self.view)
        refold(adding, dropping)
        self.refold = refold

    def added_person(self, person: str, entry: dict[str, Any]) -> None:
        self.people[person] = entry
        for key, ids in people_keys({person: entry}).items():
            self.view.keys[key] = set(self.view.keys.get(key) or ()) | ids
        self.new_people[person] = entry
        self.version += 1

    def added(self, fact: Fact) -> None:
        self.view.facts[fact.id] = fact
        self.new_facts.append(fact)
        self.version += 1
        if self.refold is None:
            self.touched |= self.tip.touches(fact)
            self.tip.apply(fact, checked=True)

    def withdrawn(self, retraction: Retraction) -> None:
        self._retractions.append(retraction)
        self.new_retractions.append(retraction)
        self.version += 1

    def lands_last(self, fact: Fact) -> bool:
        """Whether `fact` comes after every effective fact (checked and written at the tip)."""
        return self.tip.last is None or fact.order >= self.tip.last

    def around(self, fact: Fact) -> tuple[OrgChart, OrgChart, Mapping[str, Fact]]:
        """The charts on the day of `fact`, just added, before and after it: only the part of them it
        touches (its people and their managers, for names: a diff of the two, and what `append`
        prints, are the same as with the whole charts), and the facts they cite."""
        view, refold = self.view, self.refold
        touched, fold = (refold.touched, refold.after) if refold is not None else (self.touched, self.tip)
        day = fact.on.start
        managers = {fold.rows[p].reports_to for p in touched if p in fold.rows}
        before = view.chart(day, alumni=False, persons=touched)  # (the model is not written yet)
        managers |= {r.reports_to for r in before.rows}
        before = view.chart(day, alumni=False, persons=touched | (managers - {None}))
        after = chart_after(before, fold, touched, view.name_of)
        view.facts.fetch(cited_by_diff(before, after))
        return before, after, view.facts.fetched()

    def amended(
        self, retraction: Retraction, fact: Fact | None
    ) -> tuple[Fact, tuple[tuple[date, OrgChart, OrgChart], ...], Mapping[str, Fact]]:
        """What a retraction (and the corrected `fact`) just added changed: the fact withdrawn, the
        whole charts before and after on each day concerned, and the facts that explain the changes."""
        view, refold = self.view, self.refold
        assert refold is not None  # (a retraction is always checked from the day before it)
        effects = tuple((day, view.chart(day), chart) for day, chart in sorted(refold.charts.items()))
        for _, before, after in effects:
            view.facts.fetch(cited_by_diff(before, after))
        return view.facts[retraction.target], effects, view.facts.fetched()

    def written(self) -> None:
        """What was added is in the model now (`ReadModel.write_changes` at the tip)."""
        self.touched, self.new_people, self.new_facts = set(), {}, []


class Refold:
    """A change that does not land after every effective fact, checked without a replay (the domain's
    `_refold` hook): a fact dated before the model's last one, a retraction, or a correction (both).
    The fold's state at the end of a day (`View.fold_on`): the new fact's first day, or the day before
    the withdrawn fact's, whichever is earlier; then every fact that counts from a later day but the
    withdrawn one, in effective order, with the new fact in its place, each through the rules. That is
    the replay of the whole timeline so changed, from the same state on: the new fact has the highest
    `seq`, so it comes after every fact of its own day. A rule broken raises `RuleError`, naming the
    fact that broke (`err.fact`), as the replay does.

    Kept for the command and the model: `touched` (whose state the new fact changed) and `after` (their
    states right after it, for an append's before/after charts); for a retraction or correction the
    whole chart at the end of each day concerned (`charts`: the withdrawn fact's first day and the new
    one's); and the row and alumni versions after the seed day (`versions`), for `ReadModel.refold`."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.fact: Fact | None = None
        self.done = False

    def __call__(self, fact: Fact | None, dropping: Fact | None = None) -> None:
        self.done = False
        view = self.view
        starts: list[date | None] = [fact.on.start] if fact is not None else []
        if dropping is not None:  # (a fact of year 1's first day has none before it: None, before every day)
            starts.append(dropping.on.start - timedelta(days=1) if dropping.on.start > date.min else None)
        day = None if None in starts else min(starts)  # type: ignore[type-var]
        fold, tenure_of, later = view.fold_on(day)
        out = _Versions(fold, first_tenure=view.meta["tenures"])
        out.tenure_no.update(tenure_of)
        out.first, out.written = {}, dict(later)  # (tenures with events after the day: rewritten, whatever comes)
        builder = Builder(fold, out)
        watched = sorted({f.on.start for f in (fact, dropping) if f is not None}) if dropping is not None else []
        charts: dict[date, OrgChart] = {}
        names: dict[str, str] | None = None
        touched: set[str] = set()
        after = Fold(fold.people)
        pending = fact
        gone = dropping.id if dropping is not None else None

        def apply_new() -> None:
            touched.update(fold.touches(pending))
            builder.apply(pending)
            for person in touched:  # copies: the later facts go on changing the states
                if person in fold.rows:
                    after.rows[person] = _copied(fold.rows[person])
                elif person in fold.alumni:
                    f, state = fold.alumni[person]
                    after.alumni[person] = (f, _copied(state))

        def snapshot(upto: date) -> None:  # the chart at the end of each watched day up to `upto`
            nonlocal names
            while watched and watched[0] < upto:
                names = names if names is not None else view.names()
                at = watched.pop(0)
                charts[at] = _chart_of(view.name, fold, at, lambda p: names.get(p) or view.name_of(p))

        if pending is not None and pending.on.start == day:
            apply_new()
            pending = None
        for later in view.facts_after(day):
            if later.id == gone:
                continue
            if pending is not None and later.on.start > pending.on.start:
                snapshot(pending.on.start)
                apply_new()
                pending = None
            snapshot(later.on.start)
            builder.apply(later)
        if pending is not None:
            snapshot(pending.on.start)
            apply_new()
        snapshot(date.max)
        builder.finish_days()
        self.fact, self.day, self.touched, self.after, self.charts = fact, day, touched, after, charts
        self.fold, self.versions, self.tenure_of, self.done = fold, out, tenure_of, True


def _chart_of(organisation: str, fold: Fold, at: date, name_of: Callable[[str], str]) -> OrgChart:
    """The whole chart on day `at` from a fold that has applied every fact up to its end."""
    rows = [row_of(p, s, name_of(p), at) for p, s in fold.rows.items()]
    gone = [alumnus_of(p, f, s, name_of(p), at) for p, (f, s) in fold.alumni.items()]
    return OrgChart(organisation, at, tuple(sorted(rows, key=lambda r: r.id)), tuple(sorted(gone, key=lambda a: a.id)))


def _copied(state: _State) -> _State:
    return replace(state, events=list(state.events), touched_by=list(state.touched_by))


def chart_after(before: OrgChart, fold: Fold, touched: Iterable[str], name_of: Any) -> OrgChart:
    """The chart on `before`'s day after facts on that day that land last: `before` with the touched
    persons' rows (or alumni entries) taken from `fold`."""
    at = before.at
    rows = {r.id: r for r in before.rows}
    gone = {a.id: a for a in before.alumni}
    for person in touched:
        rows.pop(person, None)
        gone.pop(person, None)
        if person in fold.rows:
            rows[person] = row_of(person, fold.rows[person], name_of(person), at)
        elif person in fold.alumni:
            f, s = fold.alumni[person]
            gone[person] = alumnus_of(person, f, s, name_of(person), at)
    return OrgChart(
        before.organisation,
        at,
        tuple(sorted(rows.values(), key=lambda r: r.id)),
        tuple(sorted(gone.values(), key=lambda a: a.id)),
    )
