"""Facts, retractions and fold states as the tables' rows, and back: the one encoding of each."""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from orgsim.chart import Departure, PersonState
from orgsim.dates import PartialDate
from orgsim.facts import Citation, Fact, Retraction
from orgsim.names import people_keys
from orgsim.orgchart import Post
from orgsim.readmodel.schema import FOREVER

ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)  # json.dumps(…, ensure_ascii=False), built once


# --- facts as table rows ------------------------------------------------------------------------
def fact_row(org_id: str, f: Fact) -> tuple:
    record: list[Any] = [
        f.kind,
        f.person,
        str(f.on),
        f.source,
        f.title,
        f.manager,
        f.destination,
        str(f.until) if f.until else None,
        f.recorded_at.isoformat() if f.recorded_at else None,
        f.more_sources,
        f.cited,
        str(f.announced) if f.announced else None,
        f.also,
        f.acting,
        f.unit,
        f.post,
    ]
    # (`last`: the last day its date names, what `log --from` asks of it)
    return (org_id, f.id, f.seq, f.on.start.isoformat(), ENCODER.encode(record), f.on.last_named.isoformat())


def citation_record(c: Citation) -> list:
    """A citation as the model's meta keeps it (an export writes it in its place in the log)."""
    return [c.id, c.target, c.source, c.seq, c.recorded_at.isoformat() if c.recorded_at else None]


def retraction_record(r: Retraction) -> list:
    """A retraction as the model's meta keeps it (the log shows its reason and recording time)."""
    return [r.id, r.target, r.reason, r.seq, r.recorded_at.isoformat() if r.recorded_at else None, r.replaced_by]


parse_date = functools.lru_cache(maxsize=65536)(PartialDate.parse)  # dates repeat: parse each once
parse_moment = functools.lru_cache(maxsize=4096)(datetime.fromisoformat)  # an import records thousands at one moment


def facts_of(rows: list[tuple[str, int, str]]) -> list[Fact]:
    """Facts from (id, seq, record) rows; the records decoded in one call (many calls cost more)."""
    records = json.loads("[" + ",".join([record for _, _, record in rows]) + "]")
    make, day, moment = Fact, parse_date, parse_moment
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
            tuple(more),
            tuple(cited),
            day(announced) if announced else None,
            also,
            acting,
            unit,
            post,
        )
        for (fid, seq, _), (
            kind,
            person,
            on,
            source,
            title,
            manager,
            destination,
            until,
            recorded,
            more,
            cited,
            announced,
            also,
            acting,
            unit,
            post,
        ) in zip(rows, records)
    ]


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
def _open_days(on: PartialDate) -> list[str | None]:
    """The first and last day `on` is open (ISO), or two nulls when it never is (`..D`, certain from D)."""
    days = on.open_days
    return [days[0].isoformat(), days[1].isoformat()] if days is not None else [None, None]


def opens_of(state: PersonState) -> str | None:
    """The partial-dated facts that touched a tenure: [[index in touched_by, first day open, last day
    open, date, id, person, kind]] (the last four: what the ordering rule reads of them)."""
    opens = [
        [i, *_open_days(f.on), str(f.on), f.id, f.person, f.kind]
        for i, f in enumerate(state.touched_by)
        if f.on.precision != "day"
    ]
    return json.dumps(opens) if opens else None


def events_of(state: PersonState) -> str:
    return " ".join(state.events)  # fact ids are hex: no spaces


def posts_json(posts: tuple[Post, ...]) -> str:
    """A state's posts as the rows keep them: [[title, acting, unit, since, events]] (`posts_of` reads them)."""
    return ENCODER.encode([[p.title, p.acting, p.unit, p.since, p.events] for p in posts])


def _posts(decoded: list) -> tuple[Post, ...]:
    return tuple(Post(title, acting, unit, since, tuple(events)) for title, acting, unit, since, events in decoded)


def posts_of(text: str) -> tuple[Post, ...]:
    """The posts a row version keeps (`posts_json`)."""
    return _posts(json.loads(text))


def posts_of_many(texts: list[str]) -> list[tuple[Post, ...]]:
    """`posts_of` of many row versions, decoded in one call (as `facts_of`)."""
    return [_posts(d) for d in json.loads("[" + ",".join(texts) + "]")] if texts else []


def row_values(person: str, day: str, tenure: int, s: PersonState) -> list:
    return [
        person,
        day,
        FOREVER,
        tenure,
        s.title,
        posts_json(s.posts),
        s.status,
        s.reports_to,
        s.since,
        s.leave_since,
        s.leave_until,
        len(s.events),
        len(s.touched_by),
    ]


def alumnus_values(person: str, day: str, f: Departure, s: PersonState) -> list:
    partial = f.on.open_days  # (None: never open, a day or an open "on or before")
    return [
        person,
        day,
        FOREVER,
        s.title,
        str(f.on),
        f.destination,
        f.id,
        partial[0].isoformat() if partial else None,
        partial[1].isoformat() if partial else None,
    ]


class PastFact:
    """What the fold keeps of a past fact in a state seeded from the read model: its date (for
    `uncertain` and messages), its id, person and kind when partly dated or a departure (for the
    ordering rule), and a departure's destination."""

    __slots__ = ("destination", "id", "kind", "on", "person")

    def __init__(
        self, on: PartialDate, id: str = "", destination: str | None = None, person: str = "", kind: str = ""
    ) -> None:
        self.on, self.id, self.destination, self.person, self.kind = on, id, destination, person, kind


CLOSED = PastFact(PartialDate(1, 1, 1))  # a past fact dated to the day: never open again


def seeded_state(
    tenure: int,
    posts: str,
    status: str,
    reports_to: str | None,
    since: str,
    leave_since: str | None,
    leave_until: str | None,
    n_events: int,
    n_touched: int,
    events: str,
    opens: str | None,
) -> PersonState:
    """A fold state from a row version and its tenure (as `View.latest_state` reads it): the events it had then,
    and the dates of the facts that touched it (only the partly known ones can make a row uncertain)."""
    touched: list[Any] = [CLOSED] * n_touched
    for o in json.loads(opens) if opens else ():
        if o[0] < n_touched:
            touched[o[0]] = PastFact(parse_date(o[3]), o[4], None, o[5], o[6])
    return PersonState(
        posts_of(posts),
        status,
        reports_to,
        since,
        leave_since,
        leave_until,
        events.split(" ")[:n_events] if events else [],
        touched,
    )


def seeded_alumnus(row: tuple) -> tuple[PastFact, PersonState]:
    """An alumnus of a fold seeded from the read model (person, title, departed_on, destination, event):
    what the rules read of them (their departure's date, id and destination, and their last title)."""
    _, title, departed_on, destination, event = row
    return PastFact(parse_date(departed_on), event, destination, kind="departed"), PersonState(
        (Post(title),), "active", None, ""
    )


def write_people(conn: sqlite3.Connection, org_id: str, people: Mapping[str, dict[str, Any]]) -> None:
    """People (in registration order) and the name index `resolve` reads."""
    conn.executemany(
        "INSERT INTO orgsim_rm_people VALUES (?,?,?,?)",
        ((org_id, pid, p["name"], json.dumps(p, ensure_ascii=False)) for pid, p in people.items()),
    )
    conn.executemany(
        "INSERT INTO orgsim_rm_names VALUES (?,?,?)",
        ((org_id, key, pid) for key, pids in people_keys(dict(people)).items() for pid in sorted(pids)),
    )
