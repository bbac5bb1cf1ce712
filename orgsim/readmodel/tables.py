"""One organisation's fresh read model, open in one read transaction: its people, names, facts and
retractions (`Tables`); the states and charts are read by its subclasses."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any, Self

from orgsim.facts import Citation, Fact, Retraction
from orgsim.names import resolve_in
from orgsim.readmodel.lookups import FactLookup, OnDemand, StoredTimeline
from orgsim.readmodel.rows import facts_of, log_hash_of
from orgsim.readmodel.schema import FOREVER, iso


class Tables:
    """One organisation's fresh read model, read inside one SQLite read transaction: the people, names,
    facts and retractions (the states and charts are read by the subclasses `SeededStates`, `View`)."""

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
        self.people = OnDemand(self._person, self._everyone)
        self.keys = OnDemand(self._named, self._names)  # name_key → person ids, as `Organisation._keys`
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

    def __enter__(self) -> Self:
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
            (self.org_id, iso(day)),
        )
        while rows := cursor.fetchmany(5000):
            yield from (f for f in facts_of(rows) if f.id not in gone)

    def timeline(self, cited: Iterable[str] = ()) -> StoredTimeline:
        """A timeline for the renderers: the people, the cited facts (others looked up on demand),
        the retractions' ids, and the stored log hash."""
        self.facts.fetch(cited)
        facts = tuple(sorted(self.facts.known.values(), key=lambda f: f.seq))
        return StoredTimeline(self.name, self.people, facts, (), lookup=self.facts, stored_log_hash=self.log_hash())

    # --- one person: history, why, log --person (the rules stay in chart.ChartState, the answers in history.py)
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

    def citations(self) -> list[Citation]:
        """Every source added to a stored fact since, in recording order (from the meta)."""
        return [
            Citation(cid, target, source, seq, datetime.fromisoformat(at) if at else None)
            for cid, target, source, seq, at in self.meta["citation_records"]
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
