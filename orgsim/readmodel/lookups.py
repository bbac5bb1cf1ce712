"""Mappings answered from the tables on demand: people, names, facts by id."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from orgsim.facts import Fact, Timeline
from orgsim.readmodel.rows import facts_of


class OnDemand(Mapping):
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
