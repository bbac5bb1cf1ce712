"""A whole read model built from a timeline: its facts through the fold in effective order, and after
each effective day the row versions of everyone that day touched."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from orgsim.chart import ChartState, PersonState
from orgsim.facts import Fact, Timeline
from orgsim.readmodel.rows import alumnus_values, citation_record, log_hash_of, retraction_record, row_values
from orgsim.readmodel.schema import FORMAT


@dataclass
class Built:
    """Everything the tables hold for one organisation (see `build`)."""

    meta: dict[str, Any]
    rows: list[list]  # the columns of orgsim_rm_rows after org_id
    alumni: list[list]  # the columns of orgsim_rm_alumni after org_id
    tenures: dict[int, PersonState]
    people: Mapping[str, dict[str, Any]]
    facts: tuple[Fact, ...]
    fold: ChartState = field(repr=False)


class Versions:
    """Row versions in the making: who has an open interval, and each tenure's number."""

    def __init__(self, fold: ChartState, tenures: dict[int, PersonState] | None = None, first_tenure: int = 0) -> None:
        self.fold = fold
        self.rows: list[list] = []
        self.alumni: list[list] = []
        self.open: dict[str, list] = {}
        self.tenure_no: dict[int, int] = {}  # id(PersonState) → tenure number
        self.tenures: dict[int, PersonState] = tenures if tenures is not None else {}
        self.next = first_tenure
        #: Rebuilding from a day on (`ReplayFromDay`): each person's first new version's day, and every tenure
        #: a new version was written for (its events and opens are written again). None in a whole build.
        self.first: dict[str, str] | None = None
        self.written: dict[int, PersonState] | None = None

    def number(self, state: PersonState) -> int:
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
                row = row_values(person, day, self.number(s), s)
                self.rows.append(row)
                if self.written is not None:
                    self.written[row[3]] = s
            elif person in fold.alumni:
                f, s = fold.alumni[person]
                row = alumnus_values(person, day, f, s)
                self.alumni.append(row)
                if self.written is not None and id(s) in self.tenure_no:  # the departure joins its events
                    self.written[self.tenure_no[id(s)]] = s
            else:  # pragma: no cover  (a touched person is always in one of them)
                continue
            self.open[person] = row


class Builder:
    """The read model in the making while facts go through a fold (`apply`, in effective order): after
    each effective day, the row versions of everyone that day touched."""

    def __init__(self, fold: ChartState, out: Versions | None = None) -> None:
        self.fold = fold
        self.out = out if out is not None else Versions(fold)
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
            "citation_records": [citation_record(c) for c in timeline.citations],
        }
        return Built(meta, out.rows, out.alumni, out.tenures, timeline.people, timeline.facts, fold)


def build(timeline: Timeline, version: int, checked: bool = False) -> Built:
    """The read model of a whole timeline, tagged with the aggregate `version` it reflects
    (`checked`: the timeline was validated by the caller, e.g. an aggregate just saved)."""
    builder = Builder(ChartState(timeline.people))
    for fact in timeline.effective():
        builder.apply(fact, checked=checked)
    return builder.finish(timeline, version)
