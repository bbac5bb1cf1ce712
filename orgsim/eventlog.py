"""Pure: the event log — every fact a timeline holds, retracted ones marked, in effective or recording
order, each in words (`rejoined as CEO` for a comeback) — and the selection `orgsim log` filters by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any

from orgsim.chart import ChartState
from orgsim.dates import PartialDate
from orgsim.errors import DateError, RecordError
from orgsim.facts import KINDS, Fact, Retraction, Timeline

__all__ = ["ORDERS", "LogEntry", "comebacks", "iso", "log", "log_entries", "rejoinings", "select"]


#: How the log can be ordered: by effective date (then recording order), or by recording time.
ORDERS = ("effective", "recorded")


def iso(moment: datetime | None) -> str | None:
    """A recording time as ISO-8601 UTC (`2024-08-01T09:30:00Z`); naive times are taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _summary(fact: Fact, timeline: Timeline, rejoining: bool = False) -> str:
    """`fact.describe()` with the manager's display name instead of their id."""
    named = replace(fact, manager=timeline.name_of(fact.manager)) if fact.manager else fact
    return named.describe(rejoining)


def rejoinings(timeline: Timeline) -> set[tuple[str, date]]:
    """(person, day) for each day someone who had left by the end of the day before is back in the
    organisation at its end: the chart's own fold, read at the end of each day as the charts are (so a
    departure and a return on one day are no comeback, as no chart shows them gone). The read model
    keeps the same days as the ends of its alumni intervals (`View.rejoinings`)."""
    out: set[tuple[str, date]] = set()
    fold = ChartState(timeline.people)
    for day, group in groupby(timeline.effective(), key=lambda f: f.on.start):
        facts = list(group)
        gone = {f.person for f in facts if f.person in fold.alumni}
        for fact in facts:
            fold.apply(fact, checked=True)  # (a stored timeline: every fact was checked when it was stored)
        out.update((person, day) for person in gone if person in fold.rows)
    return out


def comebacks(facts: Iterable[Fact], rejoined: set[tuple[str, date]]) -> set[str]:
    """The facts that bring back someone who had left: on each day they rejoined (`rejoinings`), their
    first appointment or return that counts, in effective order."""
    out: set[str] = set()
    done: set[tuple[str, date]] = set()
    for f in sorted(facts, key=lambda f: f.order):
        key = (f.person, f.on.start)
        if f.kind in ("appointed", "returned") and key in rejoined and key not in done:
            done.add(key)
            out.add(f.id)
    return out


# --- the log ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogEntry:
    """One stored fact as the log shows it, with its retraction when one was known."""

    fact: Fact
    name: str
    summary: str
    retraction: Retraction | None = None

    @property
    def id(self) -> str:
        return self.fact.id

    @property
    def retracted(self) -> bool:
        return self.retraction is not None

    def as_json(self) -> dict[str, Any]:
        f, r = self.fact, self.retraction
        return {
            "id": f.id,
            "kind": f.kind,
            "person": f.person,
            "name": self.name,
            "summary": self.summary,
            "details": f.details(),
            "on": str(f.on),
            "precision": f.on.precision,
            "announced": None if f.announced is None else str(f.announced),
            "recorded_at": iso(f.recorded_at),
            "source": dict(f.source),
            "sources": [dict(s) for s in f.all_sources],
            "retracted": r is not None,
            "retraction": None if r is None else {"id": r.id, "reason": r.reason, "recorded_at": iso(r.recorded_at)},
        }


def log_entries(timeline: Timeline, back: Iterable[str] = ()) -> dict[str, LogEntry]:
    """Each fact of the timeline as the log shows it, by id (`back`: the comebacks, said "rejoined";
    the log finds them in its whole timeline, `comebacks`, where `why` reads only the facts it names)."""
    gone = {r.target: r for r in timeline.retractions}
    back = set(back)
    return {
        f.id: LogEntry(f, timeline.name_of(f.person), _summary(f, timeline, f.id in back), gone.get(f.id))
        for f in timeline.facts
    }


def log(timeline: Timeline, order: str = "effective", rejoined: set[tuple[str, date]] | None = None) -> list[LogEntry]:
    """Every fact the timeline holds, retracted ones included (and marked), in the chosen order; the
    comebacks said "rejoined" (`rejoined`: the days people rejoined, when the timeline is only a part
    of the whole, as the read model gives them; else read from the timeline's own fold)."""
    if order not in ORDERS:
        raise RecordError(f"unknown order {order!r}: use one of {', '.join(ORDERS)}")
    if rejoined is None:
        rejoined = rejoinings(timeline)
    gone = timeline.retracted_ids()
    back = comebacks((f for f in timeline.facts if f.id not in gone), rejoined)
    entries = list(log_entries(timeline, back).values())
    if order == "effective":
        entries.sort(key=lambda e: e.fact.order)
    else:
        far = datetime.min.replace(tzinfo=UTC)
        entries.sort(key=lambda e: (e.fact.recorded_at or far, e.fact.seq))
    return entries


def select(
    entries: Iterable[LogEntry],
    person: str | None = None,
    start: PartialDate | None = None,
    end: PartialDate | None = None,
    kinds: Iterable[str] = (),
) -> list[LogEntry]:
    """The entries about `person`, of one of `kinds`, whose effective date overlaps [start, end].

    A partial date overlaps when any of its days does: `2024-08` is in `--from 2024-08-15`, and
    `--to 2024` means through 31 December 2024. An open bound is listed under its one day, the day it
    counts from (its open side would put it in every range on that side).
    """
    kinds = tuple(k.strip().lower().replace("-", "_") for k in kinds)  # `on-leave` as the append command spells it
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise RecordError(f"unknown kind {unknown[0]!r}: use one of {', '.join(KINDS)}")
    if start is not None and end is not None and end.end < start.start:
        raise DateError(f"the range ends ({end}) before it starts ({start})")
    out = []
    for e in entries:
        f = e.fact
        if person is not None and f.person != person:
            continue
        if kinds and f.kind not in kinds:
            continue
        if start is not None and f.on.last_named < start.start:
            continue
        if end is not None and f.on.start > end.end:
            continue
        out.append(e)
    return out
