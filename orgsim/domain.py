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
from dataclasses import KW_ONLY
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from orgsim.dates import PartialDate, within_reach
from orgsim.errors import DuplicateFactError, RecordError, RuleError, UnknownPersonError
from orgsim.facts import (
    KINDS,
    Citation,
    Fact,
    Kind,
    Retraction,
    Timeline,
    clean_source,
    clean_sources,
    fact_id,
    hashed_sources,
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


def _key(source: dict[str, str]) -> tuple:
    """A source as a value to compare (two sources are the same when all their parts are)."""
    return tuple(sorted(source.items()))


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

    class Appointed(FactEvent):
        kind = Kind.APPOINTED
        title: str | None
        manager: str | None

        def fields(self) -> dict[str, Any]:
            return {"title": self.title, "manager": self.manager}

    class Departed(FactEvent):
        kind = Kind.DEPARTED
        destination: str | None

        def fields(self) -> dict[str, Any]:
            return {"destination": self.destination}

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
    ) -> None:
        """Register a person (an id, a display name, the spellings the sources use)."""
        self._in_step(record)
        if not PERSON_ID.match(person or ""):
            raise RecordError(f"person id {person!r} must be lower-case letters, digits and hyphens")
        if person in record.people:
            raise RuleError(f"{person} is already a person in {self.name}")
        if not name or not name.strip():
            raise RecordError(f"person {person!r} needs a display name")
        for alias in aliases:  # names may repeat (homonyms); an alias must not take another's name
            taken = sorted(record.named(name_key(alias))) if alias and alias.strip() else []
            if taken:
                other = record.people[taken[0]]
                raise RuleError(f"alias {alias!r} already names {other['name']} ({taken[0]}): choose another alias")
        self.trigger_event(
            self.PersonAdded,
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
        title: str | None = None,
        manager: str | None = None,
        destination: str | None = None,
        until: str | PartialDate | None = None,
        announced: str | PartialDate | None = None,
        source: Any = None,
        replacing: Fact | None = None,
    ) -> Fact:
        """The fact a command would record, checked against the whole timeline; stores nothing.

        `replacing`: a stored fact the new one corrects; it is left out of the check.
        """
        self._in_step(record)
        if kind not in KINDS:
            raise RecordError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
        when = within_reach(PartialDate.parse(on))
        title = title.strip() or None if isinstance(title, str) else title  # "" means not reported
        end = within_reach(PartialDate.parse(until)) if until not in (None, "") else None
        told = within_reach(PartialDate.parse(announced)) if announced not in (None, "") else None
        people = record.people
        if person not in people:
            raise UnknownPersonError(f"unknown person {person!r} in {self.name}")
        if manager is not None and manager not in people:
            raise UnknownPersonError(f"unknown manager {manager!r} in {self.name}")
        if kind == "reports_to" and manager is None:
            raise RecordError("a reports_to change needs a manager")
        if end is not None and end.end < when.start:
            raise RuleError(f"{people[person]['name']} ({person}) on {when}: leave ends ({end}) before it starts")
        sources = clean_sources(source)
        if len(set(map(_key, sources))) < len(sources):
            raise RecordError("the same source is given twice")
        fields: dict[str, Any] = {
            "title": title if kind in ("appointed", "returned") else None,
            "manager": manager if kind in ("appointed", "returned", "reports_to") else None,
            "destination": destination if kind == "departed" else None,
            "until": end if kind == "on_leave" else None,
        }
        details = {k: (str(v) if isinstance(v, PartialDate) else v) for k, v in fields.items() if v is not None}
        if told is not None:  # (hashed only when given: the ids of facts without it stay as they were)
            details["announced"] = str(told)
        fid = fact_id(kind, person, str(when), details, hashed_sources(sources))
        if record.has_fact(fid):
            raise DuplicateFactError(f"{people[person]['name']} ({person}) on {when}: already recorded as event {fid}")
        # its place in the log: next, or after the `Corrected` event that comes first when it replaces a fact
        seq = self.version + (2 if replacing is not None else 1)
        first, more = (sources[0], sources[1:]) if sources else ({}, ())
        candidate = Fact(
            id=fid,
            kind=kind,
            person=person,
            on=when,
            source=first,
            seq=seq,
            more_sources=more,
            announced=told,
            **fields,
        )
        try:
            record.check(candidate, replacing)
        except RuleError as err:
            raise explained(err, people, candidate) from None
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
                kwargs.update(title=fresh.title, manager=fresh.manager)
            case Kind.DEPARTED:
                kwargs.update(destination=fresh.destination)
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
        if _key(src) in map(_key, target.all_sources):
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
        unknown = set(changes) - {"on", "announced", "title", "manager", "destination", "until", "source"}
        if unknown:
            raise RecordError(f"cannot correct {', '.join(sorted(unknown))}")
        fields: dict[str, Any] = {
            "on": target.on,
            "announced": target.announced,
            "title": target.title,
            "manager": target.manager,
            "destination": target.destination,
            "until": target.until,
            "source": target.all_sources,  # (a corrected fact keeps every source, those cited since too)
        }
        fitting = {
            "appointed": {"title", "manager"},
            "departed": {"destination"},
            "on_leave": {"until"},
            "returned": {"title", "manager"},
            "reports_to": {"manager"},
        }.get(target.kind, set()) | {"on", "announced", "source"}
        misfit = {k for k, v in changes.items() if v is not None} - fitting
        if misfit:
            article = "an" if target.kind[0] in "aeiou" else "a"
            raise RecordError(
                f"event {target.id} is {article} {target.kind} event: it has no {', '.join(sorted(misfit))} to correct"
            )
        changes = {k: v for k, v in changes.items() if k in fitting}
        if changes.get("on") is None:
            changes.pop("on", None)
        if "source" in changes:
            changes["source"] = clean_sources(changes["source"])
        for key in ("on", "until", "announced"):
            if changes.get(key) is not None:
                changes[key] = PartialDate.parse(changes[key])
        if all(fields[k] == v for k, v in changes.items()):
            changeable = tuple(k for k in ("on", "title", "manager", "destination", "until") if k in fitting)
            raise RecordError(f"the correction changes nothing in event {target.id}", fields=changeable)
        fields.update(changes)
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
