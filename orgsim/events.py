"""The base of the events that record one cited fact (`Organisation.Appointed` and its kin, nested in
`domain.Organisation`, whose topics name that module): its common fields and the `Fact` it records."""

from __future__ import annotations

from dataclasses import KW_ONLY
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from orgsim.dates import PartialDate
from orgsim.facts import Fact

__all__ = ["FactEvent"]


class FactEvent(Aggregate.Event):
    """An event that records one cited change; subclasses name its kind."""

    kind: ClassVar[str]
    fact_id: str
    person: str
    on: str
    source: dict  # the first source ({}: none)
    more_sources: list  # the others, in order (absent from the events stored before a fact could cite several)
    _: KW_ONLY  # (so the kinds' own fields, declared after, need no default)
    #: When it was announced, if reported; an event stored before this field has none (the default).
    announced: str | None = None

    def fields(self) -> dict[str, Any]:
        return {}

    def fact(self) -> Fact:
        """The cited change this event records, at its place in the log."""
        return Fact(
            id=self.fact_id,
            kind=self.kind,
            person=self.person,
            on=PartialDate.parse(self.on),
            source=self.source,
            seq=self.originator_version,
            recorded_at=self.timestamp,
            more_sources=tuple(getattr(self, "more_sources", ())),
            announced=PartialDate.parse(self.announced) if getattr(self, "announced", None) else None,
            **self.fields(),
        )
