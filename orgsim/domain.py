"""The `Organisation` aggregate: cited leadership changes as past-tense events, and its commands.

The aggregate is the organisation's stream of events and its consistency boundary: two writers at
the same version cannot both save. It keeps no history in memory. Each command checks its change
against a `Record` of the history at the aggregate's own version (a replay, or the read model: the
same rules either way), triggers one event, and tells the record. An event's `apply` changes nothing
here, so loading the aggregate (from its snapshot) costs no replay of the facts; `timeline_of` folds
stored events into the pure `Timeline` the charts are computed from. No I/O, no clocks in events.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from orgsim.changes import corrected_fields, new_fact, source_key
from orgsim.dates import PartialDate
from orgsim.errors import DuplicateFactError, RecordError, RuleError
from orgsim.events import FactEvent
from orgsim.facts import (
    KINDS,
    Citation,
    Fact,
    Kind,
    Retraction,
    Timeline,
    clean_source,
    fact_id,
    with_citations,
)
from orgsim.names import PERSON_ID, name_key, organisation_id, slugify
from orgsim.record import Record, explained

__all__ = [
    "PERSON_ID",
    "Directory",
    "FactEvent",
    "Organisation",
    "name_key",
    "organisation_id",
    "slugify",
    "timeline_of",
]

_NAMESPACE = uuid.UUID("6f1c3b8e-5a4d-4f5e-9a7b-0c2d1e3f4a5b")


class Organisation(Aggregate):
    """One organisation's stream of cited changes to its people."""

    class Started(Aggregate.Created):
        name: str

    @staticmethod
    def create_id(name: str) -> uuid.UUID:
        return organisation_id(name)

    @event(Started)
    def __init__(self, name: str) -> None:
        self.name = name

    class PersonAdded(Aggregate.Event):
        person: str
        name: str
        aliases: list
        source: dict

        def entry(self) -> dict[str, Any]:
            return {"name": self.name, "aliases": list(self.aliases), "source": dict(self.source)}

    class UnitAdded(PersonAdded):
        """A unit of the organisation (its board, a team): in the register beside its people, so that a
        post may sit in it and people may report to it; it holds no post and reports to no one."""

        def entry(self) -> dict[str, Any]:
            return {**super().entry(), "unit": True}

    class Appointed(FactEvent):
        """An appointment: to new posts, or (`also`) to one more; an event stored before posts has
        neither `also`, `acting` nor `unit` (each defaults)."""

        kind = Kind.APPOINTED
        title: str | None
        manager: str | None
        also: bool = False
        acting: bool = False
        unit: str | None = None

        def fields(self) -> dict[str, Any]:
            return {
                "title": self.title,
                "manager": self.manager,
                "also": self.also,
                "acting": self.acting,
                "unit": self.unit,
            }

    class Departed(FactEvent):
        """A departure from the organisation, or (`post`) from one post only."""

        kind = Kind.DEPARTED
        destination: str | None
        post: str | None = None
        unit: str | None = None

        def fields(self) -> dict[str, Any]:
            return {"destination": self.destination, "post": self.post, "unit": self.unit}

    class OnLeave(FactEvent):
        kind = Kind.ON_LEAVE
        until: str | None

        def fields(self) -> dict[str, Any]:
            return {"until": PartialDate.parse(self.until) if self.until else None}

    class Returned(FactEvent):
        """A return from leave, or a comeback after a departure (with the title and manager reported,
        if any). An event stored before comebacks has neither field: both default to None."""

        kind = Kind.RETURNED
        title: str | None = None
        manager: str | None = None

        def fields(self) -> dict[str, Any]:
            return {"title": self.__dict__.get("title"), "manager": self.__dict__.get("manager")}

    class ReportsTo(FactEvent):
        kind = Kind.REPORTS_TO
        manager: str

        def fields(self) -> dict[str, Any]:
            return {"manager": self.manager}

    class Retracted(Aggregate.Event):
        fact_id: str
        target: str
        reason: str

        def retraction(self) -> Retraction:
            return Retraction(self.fact_id, self.target, self.reason, self.originator_version, self.timestamp)

    class Corrected(Aggregate.Event):
        """A retraction whose replacement (`replacement`, a fact id) is the very next event of the same save."""

        fact_id: str
        target: str
        reason: str
        replacement: str

        def retraction(self) -> Retraction:
            return Retraction(
                self.fact_id,
                self.target,
                self.reason,
                self.originator_version,
                self.timestamp,
                replaced_by=self.replacement,
            )

    class Cited(Aggregate.Event):
        """A source added to a stored fact (`target`), corroborating it; the fact itself is unchanged."""

        fact_id: str
        target: str
        source: dict

        def citation(self) -> Citation:
            return Citation(self.fact_id, self.target, dict(self.source), self.originator_version, self.timestamp)

    #: The event class of each kind of fact (the import format's names).
    EVENT_OF_KIND: ClassVar[dict[str, type[FactEvent]]]

    # --- commands: each checks against `record` (at this aggregate's version), triggers, tells it ---
    def _in_step(self, record: Record) -> None:
        if record.version != self.version:
            raise RuntimeError(f"the record is at version {record.version}, the organisation at {self.version}")

    def add_person(
        self,
        record: Record,
        person: str,
        name: str,
        aliases: Iterable[str] = (),
        source: Any = None,
        timestamp: datetime | None = None,
        unit: bool = False,
    ) -> None:
        """Register a person (an id, a display name, the spellings the sources use), or a unit."""
        self._in_step(record)
        if not PERSON_ID.match(person or ""):
            raise RecordError(f"person id {person!r} must be lower-case letters, digits and hyphens")
        if person in record.people:
            raise RuleError(f"{person} is already a person in {self.name}")
        if not name or not name.strip():
            raise RecordError(f"person {person!r} needs a display name")
        if unit and any(e.get("unit") and name_key(e["name"]) == name_key(name) for e in record.people.values()):
            raise RuleError(f"{self.name} already has a unit named {name.strip()!r}: a post names its unit by name")
        for alias in aliases:  # names may repeat (homonyms); an alias must not take another's name
            taken = sorted(record.named(name_key(alias))) if alias and alias.strip() else []
            if taken:
                other = record.people[taken[0]]
                raise RuleError(f"alias {alias!r} already names {other['name']} ({taken[0]}): choose another alias")
        self.trigger_event(
            self.UnitAdded if unit else self.PersonAdded,
            timestamp=timestamp,
            person=person,
            name=name.strip(),
            aliases=[a for a in aliases if a and a.strip()],
            source=clean_source(source),
        )
        record.added_person(person, self.pending_events[-1].entry())  # type: ignore[attr-defined]

    def propose(
        self,
        record: Record,
        kind: str,
        person: str,
        on: str | PartialDate,
        *,
        replacing: Fact | None = None,
        **fields: Any,
    ) -> Fact:
        """The fact a command would record, checked against the whole timeline; stores nothing.

        `fields`: those `changes.new_fact` takes (title, manager, destination, until, announced, source).
        `replacing`: a stored fact the new one corrects; it is left out of the check.
        """
        self._in_step(record)
        # its place in the log: next, or after the `Corrected` event that comes first when it replaces a fact
        seq = self.version + (2 if replacing is not None else 1)
        candidate = new_fact(record, self.name, seq, kind, person, on, **fields)
        try:
            record.check(candidate, replacing)
        except RuleError as err:
            raise explained(err, record.people, candidate) from None
        return candidate

    def record(self, record: Record, fact: Fact, timestamp: datetime | None = None) -> Fact:
        """Store a fact made by `propose()` against this same record and version."""
        self._in_step(record)
        return self._trigger_fact(record, fact, timestamp)

    def _trigger_fact(self, record: Record, fresh: Fact, timestamp: datetime | None) -> Fact:
        kwargs: dict[str, Any] = {
            "fact_id": fresh.id,
            "person": fresh.person,
            "on": str(fresh.on),
            "source": fresh.source,
            "more_sources": list(fresh.more_sources),
        }
        if fresh.announced is not None:
            kwargs["announced"] = str(fresh.announced)
        match fresh.kind:
            case Kind.APPOINTED:
                kwargs.update(
                    title=fresh.title, manager=fresh.manager, also=fresh.also, acting=fresh.acting, unit=fresh.unit
                )
            case Kind.DEPARTED:
                kwargs.update(destination=fresh.destination, post=fresh.post, unit=fresh.unit)
            case Kind.ON_LEAVE:
                kwargs.update(until=str(fresh.until) if fresh.until else None)
            case Kind.RETURNED:
                kwargs.update(title=fresh.title, manager=fresh.manager)
            case Kind.REPORTS_TO:
                kwargs.update(manager=fresh.manager)
            case other:
                raise RecordError(f"unknown kind {other!r}: use one of {', '.join(KINDS)}")
        self.trigger_event(self.EVENT_OF_KIND[fresh.kind], timestamp=timestamp, **kwargs)
        stored = self.pending_events[-1].fact()  # type: ignore[attr-defined]
        record.added(stored)
        return stored

    def retract(self, record: Record, ref: str, reason: str, timestamp: datetime | None = None) -> Retraction:
        """Withdraw a stored fact from now on; refused when the rest of the timeline would break."""
        self._in_step(record)
        target = record.fact(ref)
        if not reason or not reason.strip():
            raise RecordError("a retraction needs a reason", fields=("reason",))
        if target.id in record.retracted_ids():
            raise RuleError(f"event {target.id} is already retracted")
        try:
            record.check(None, target)
        except RuleError as err:
            raise explained(err, record.people, None, target) from None
        rid = fact_id("retracted", target.person, "", {"target": target.id}, {"reason": reason.strip()})
        self.trigger_event(self.Retracted, timestamp=timestamp, fact_id=rid, target=target.id, reason=reason.strip())
        retraction: Retraction = self.pending_events[-1].retraction()  # type: ignore[attr-defined]
        record.withdrawn(retraction)
        return retraction

    def cite(self, record: Record, ref: str, source: Any, timestamp: datetime | None = None) -> tuple[Citation, Fact]:
        """Add a corroborating source to a stored fact that counts: the fact is unchanged, and from now
        on has the source too. The source names a document or a web address, one the fact lacks."""
        self._in_step(record)
        target = record.fact(ref)
        if target.id in record.retracted_ids():
            raise RuleError(f"event {target.id} is retracted: cite the event that counts instead (see `orgsim log`)")
        src = clean_source(source)
        if not (src.get("document") or src.get("url")):
            raise RecordError("a citation needs the document or the web address it is from", fields=("document", "url"))
        if source_key(src) in map(source_key, target.all_sources):
            raise DuplicateFactError(f"event {target.id} already cites this source")
        cid = fact_id("cited", target.person, "", {"target": target.id}, src)
        self.trigger_event(self.Cited, timestamp=timestamp, fact_id=cid, target=target.id, source=src)
        citation: Citation = self.pending_events[-1].citation()  # type: ignore[attr-defined]
        record.cited(citation)
        return citation, record.fact(target.id)

    def correct(
        self, record: Record, ref: str, reason: str, changes: dict[str, Any], timestamp: datetime | None = None
    ) -> tuple[Retraction, Fact]:
        """Replace a stored fact by a corrected one in one step: a `Corrected` retraction, then the new fact.

        `changes` may set `on`, `announced`, `title`, `manager`, `destination`, `until` and `source` (every
        source of the corrected fact: one, or a list; a key given with None clears that field); the rest is
        kept, the sources included (those cited since too). The timeline without the old fact and with the
        new one must keep every rule.
        """
        self._in_step(record)
        target = record.fact(ref)
        if not reason or not reason.strip():
            raise RecordError("a correction needs a reason", fields=("reason",))
        if target.id in record.retracted_ids():
            raise RuleError(f"event {target.id} is already retracted: record the right event with `orgsim append`")
        fields = corrected_fields(target, changes)
        fresh = self.propose(record, target.kind, target.person, replacing=target, **fields)
        rid = fact_id("retracted", target.person, "", {"target": target.id}, {"reason": reason.strip()})
        # One recording instant for both events: no "as known at" moment sees the retraction without
        # its replacement (which could leave a later event impossible).
        timestamp = timestamp or self.Corrected.create_timestamp()
        self.trigger_event(
            self.Corrected,
            timestamp=timestamp,
            fact_id=rid,
            target=target.id,
            reason=reason.strip(),
            replacement=fresh.id,
        )
        retraction: Retraction = self.pending_events[-1].retraction()  # type: ignore[attr-defined]
        record.withdrawn(retraction)
        return retraction, self._trigger_fact(record, fresh, timestamp)


Organisation.EVENT_OF_KIND = {
    Kind.APPOINTED: Organisation.Appointed,
    Kind.DEPARTED: Organisation.Departed,
    Kind.ON_LEAVE: Organisation.OnLeave,
    Kind.RETURNED: Organisation.Returned,
    Kind.REPORTS_TO: Organisation.ReportsTo,
}


def timeline_of(name: str, events: Iterable[Any]) -> tuple[Timeline, int]:
    """An organisation's timeline folded from its stored events, in log order, and the version of the
    last one (0 for none)."""
    people: dict[str, dict[str, Any]] = {}
    facts: list[Fact] = []
    retractions: list[Retraction] = []
    citations: list[Citation] = []
    version = 0
    for e in events:
        version = e.originator_version
        if isinstance(e, FactEvent):
            facts.append(e.fact())
        elif isinstance(e, Organisation.PersonAdded):
            people[e.person] = e.entry()
        elif isinstance(e, Organisation.Retracted | Organisation.Corrected):
            retractions.append(e.retraction())
        elif isinstance(e, Organisation.Cited):
            citations.append(e.citation())
        elif isinstance(e, Organisation.Started):
            name = e.name
        else:
            raise TypeError(f"an organisation's log holds no {type(e).__name__} event")
    cited = with_citations(facts, citations) if citations else tuple(facts)
    return Timeline(name, people, cited, tuple(retractions), tuple(citations)), version


class Directory(Aggregate):
    """The organisations a store holds (one per store, at a fixed id)."""

    ID: ClassVar[uuid.UUID] = uuid.uuid5(_NAMESPACE, "directory")

    class Opened(Aggregate.Created):
        pass

    @staticmethod
    def create_id() -> uuid.UUID:
        return Directory.ID

    @event(Opened)
    def __init__(self) -> None:
        self.names: list[str] = []

    class Listed(Aggregate.Event):
        name: str

        def apply(self, aggregate: Directory) -> None:
            aggregate.names.append(self.name)

    def list(self, name: str) -> None:
        if name.casefold() not in (n.casefold() for n in self.names):
            self.trigger_event(self.Listed, name=name)
