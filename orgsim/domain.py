"""The `Organisation` aggregate: cited leadership changes as past-tense events, and its rules.

Command methods validate first (the whole timeline with the new event in its effective place must
replay under `chart.check`), then trigger one event; the event's `apply` only changes state, so a
replay from the store never re-runs validation. No I/O, no clocks inside event bodies.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from orgsim.chart import Fold, check, fold
from orgsim.dates import PartialDate, within_reach
from orgsim.errors import (
    AmbiguousPersonError,
    DuplicateFactError,
    RecordError,
    RuleError,
    UnknownEventError,
    UnknownPersonError,
)
from orgsim.facts import KINDS, Fact, Retraction, Timeline, clean_source, fact_id

__all__ = ["PERSON_ID", "Directory", "FactEvent", "Organisation", "organisation_id", "slugify"]

PERSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NAMESPACE = uuid.UUID("6f1c3b8e-5a4d-4f5e-9a7b-0c2d1e3f4a5b")


def organisation_id(name: str) -> uuid.UUID:
    """Stable aggregate id of an organisation, from its name (case-insensitive)."""
    return uuid.uuid5(_NAMESPACE, "organisation:" + name.strip().casefold())


_IGNORED_IN_NAMES = re.compile(r"[\s・·.\-_]+")


def name_key(text: str) -> str:
    """How names are compared: any case, width or accent form, ignoring spaces, ・, dots and hyphens
    (`Mira Murati`, `mira-murati`, `MIRA MURATI` and `ミラ ムラティ` ≡ `ミラ・ムラティ`)."""
    return _IGNORED_IN_NAMES.sub("", unicodedata.normalize("NFKC", text).casefold())


def people_keys(people: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """The name index `resolve_in` reads: every id, name and alias's `name_key` → person ids."""
    keys: dict[str, set[str]] = {}
    for pid, p in people.items():
        for key in {pid, p["name"], *p.get("aliases", ())}:
            keys.setdefault(name_key(key), set()).add(pid)
    return keys


def resolve_in(text: str, people: dict[str, dict[str, Any]], keys: dict[str, set[str]], organisation: str) -> str:
    """A person's id from their id, display name or an alias, in any case (`Organisation.resolve`)."""
    if text.strip() in people:
        return text.strip()
    key = name_key(text)
    if not key:
        raise UnknownPersonError("a person is required (an id, a name or an alias)")
    hits = sorted(keys.get(key, ()))
    if len(hits) == 1:
        return hits[0]
    if hits:
        names = ", ".join(f"{people[h]['name']} ({h})" for h in hits)
        raise AmbiguousPersonError(f"{text!r} could be any of: {names}; use an id")
    close = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.75)
    guesses = sorted({pid for k in close for pid in keys[k]})
    hint = (
        ("did you mean " + " or ".join(f"{people[g]['name']} ({g})" for g in guesses) + "?")
        if guesses
        else "see `orgsim people`"
    )
    raise UnknownPersonError(f"unknown person {text!r} in {organisation}: {hint}")


def slugify(text: str) -> str:
    """`Mark Chen` → `mark-chen`; non-ASCII names give an empty slug (the caller must pick an id)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")
    return slug


class FactEvent(Aggregate.Event):
    """An event that records one cited change; subclasses name its kind."""

    kind: ClassVar[str]
    fact_id: str
    person: str
    on: str
    source: dict

    def fields(self) -> dict[str, Any]:
        return {}

    def apply(self, aggregate: Organisation) -> None:
        aggregate._add_fact(
            Fact(
                id=self.fact_id,
                kind=self.kind,
                person=self.person,
                on=PartialDate.parse(self.on),
                source=self.source,  # shared with the event, not copied: nothing mutates either
                seq=self.originator_version,
                recorded_at=self.timestamp,
                **self.fields(),
            )
        )


class Organisation(Aggregate):
    """One organisation: its people and the cited changes to them."""

    class Started(Aggregate.Created):
        name: str

    class PersonAdded(Aggregate.Event):
        person: str
        name: str
        aliases: list
        source: dict

        def apply(self, aggregate: Organisation) -> None:
            aggregate.people[self.person] = {
                "name": self.name,
                "aliases": list(self.aliases),
                "source": dict(self.source),
            }
            for key in {self.person, self.name, *self.aliases}:
                aggregate._keys.setdefault(name_key(key), set()).add(self.person)

    class Appointed(FactEvent):
        kind = "appointed"
        title: str | None
        manager: str | None

        def fields(self) -> dict[str, Any]:
            return {"title": self.title, "manager": self.manager}

    class Departed(FactEvent):
        kind = "departed"
        destination: str | None

        def fields(self) -> dict[str, Any]:
            return {"destination": self.destination}

    class OnLeave(FactEvent):
        kind = "on_leave"
        until: str | None

        def fields(self) -> dict[str, Any]:
            return {"until": PartialDate.parse(self.until) if self.until else None}

    class Returned(FactEvent):
        kind = "returned"

    class ReportsTo(FactEvent):
        kind = "reports_to"
        manager: str

        def fields(self) -> dict[str, Any]:
            return {"manager": self.manager}

    class Retracted(Aggregate.Event):
        fact_id: str
        target: str
        reason: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate._add_retraction(
                Retraction(self.fact_id, self.target, self.reason, self.originator_version, self.timestamp)
            )

    class Corrected(Aggregate.Event):
        """A retraction whose replacement (`replacement`, a fact id) is the very next event of the same save."""

        fact_id: str
        target: str
        reason: str
        replacement: str

        def apply(self, aggregate: Organisation) -> None:
            aggregate._add_retraction(
                Retraction(
                    self.fact_id,
                    self.target,
                    self.reason,
                    self.originator_version,
                    self.timestamp,
                    replaced_by=self.replacement,
                )
            )

    _EVENT_OF_KIND: ClassVar[dict[str, type[FactEvent]]] = {}

    def __init__(self, name: str) -> None:
        self.name = name
        self.people: dict[str, dict[str, Any]] = {}
        self.facts: list[Fact] = []
        self.retractions: list[Retraction] = []
        self._by_id: dict[str, Fact] = {}
        self._keys: dict[str, set[str]] = {}  # casefolded id, name or alias → person ids
        # The rules' fold over the effective timeline, kept between commands so that a change dated
        # after every other one is checked in O(1) instead of by a full replay (bulk imports).
        self._tip: Fold | None = None  # the replay of every effective fact (a cache)
        #: How a fact dated before the tip, a retraction or a correction is checked when set (an aggregate
        #: seeded from the read model has no facts to replay): called with the new fact (or None) and the
        #: one withdrawn (or None), raising RuleError as a replay would (see `propose`, `retract`).
        self._refold: Callable[[Fact | None, Fact | None], None] | None = None
        self._proposed: tuple[Fact, int] | None = None  # the last proposal and the version it was checked at

    def collect_events(self) -> list[Any]:
        """The pending events, emptied: the library's own pops them one by one from the front of
        the list, which is quadratic for the ~232,000 events of a large import."""
        collected, self._pending_events = self._pending_events, []
        return collected

    @classmethod
    def start(cls, name: str) -> Organisation:
        """A new, empty organisation with a stable id from its name."""
        return cls._create(cls.Started, id=organisation_id(name), name=name)

    # --- state changes (called by events only) -----------------------------------------------
    def _add_fact(self, fact: Fact) -> None:
        self.facts.append(fact)
        self._by_id[fact.id] = fact
        tip = getattr(self, "_tip", None)
        if tip is not None:
            if tip.last is None or fact.order >= tip.last:
                # validated by propose() against this tip when it is the last proposal; otherwise check
                proposed = self._proposed
                tip.apply(
                    fact, checked=proposed is not None and proposed[0].id == fact.id and proposed[1] + 1 == fact.seq
                )
            else:
                self._tip = None

    def _add_retraction(self, retraction: Retraction) -> None:
        self.retractions.append(retraction)
        self._tip = None

    def _tip_fold(self) -> Fold | None:
        """The replay of the whole effective timeline, kept up to date while facts land at its end
        (the usual case: news arrives in date order), so a new last fact is checked in O(1)."""
        if getattr(self, "_tip", None) is None:
            try:
                self._tip = fold(self.timeline().effective(), self.people)
            except RuleError:
                return None
        return self._tip

    # --- queries ---------------------------------------------------------------------------------
    def timeline(self) -> Timeline:
        return Timeline(self.name, dict(self.people), tuple(self.facts), tuple(self.retractions))

    def has_fact(self, fid: str) -> bool:
        return fid in self._by_id

    def fact(self, ref: str) -> Fact:
        """A stored fact by id or unique id prefix (at least 4 characters)."""
        ref = ref.strip().lower()
        if ref in self._by_id:
            return self._by_id[ref]
        if len(ref) < 4:
            raise UnknownEventError(f"event id {ref!r} is too short: give the id, or at least its first 4 characters")
        hits = [f for f in self._by_id if f.startswith(ref)]
        if len(hits) == 1:
            return self._by_id[hits[0]]
        if hits:
            raise UnknownEventError(f"event id {ref!r} is ambiguous: matches {', '.join(sorted(hits))}")
        raise UnknownEventError(f"no stored event has id {ref!r} (see `orgsim log`)")

    def resolve(self, text: str) -> str:
        """A person's id from their id, display name or an alias, in any case."""
        return resolve_in(text, self.people, self._keys, self.name)

    def lookup(self, text: str) -> str | None:
        """Like `resolve`, but None for someone unknown (without looking for close spellings, which
        costs a scan of every name: an import of thousands of new people must not pay it each time)."""
        if text.strip() not in self.people and not self._keys.get(name_key(text)):
            return None
        return self.resolve(text)

    # --- commands --------------------------------------------------------------------------------
    def add_person(
        self,
        person: str,
        name: str,
        aliases: Iterable[str] = (),
        source: Any = None,
        timestamp: datetime | None = None,
    ) -> None:
        """Register a person (an id, a display name, the spellings the sources use)."""
        if not PERSON_ID.match(person or ""):
            raise RecordError(f"person id {person!r} must be lower-case letters, digits and hyphens")
        if person in self.people:
            raise RuleError(f"{person} is already a person in {self.name}")
        if not name or not name.strip():
            raise RecordError(f"person {person!r} needs a display name")
        for alias in aliases:  # names may repeat (homonyms); an alias must not take another's name
            taken = sorted(self._keys.get(name_key(alias), ())) if alias and alias.strip() else []
            if taken:
                other = self.people[taken[0]]
                raise RuleError(f"alias {alias!r} already names {other['name']} ({taken[0]}): choose another alias")
        self.trigger_event(
            self.PersonAdded,
            timestamp=timestamp,
            person=person,
            name=name.strip(),
            aliases=[a for a in aliases if a and a.strip()],
            source=clean_source(source),
        )

    def propose(
        self,
        kind: str,
        person: str,
        on: str | PartialDate,
        *,
        title: str | None = None,
        manager: str | None = None,
        destination: str | None = None,
        until: str | PartialDate | None = None,
        source: Any = None,
        replacing: Fact | None = None,
    ) -> Fact:
        """The fact a command would record, validated against the whole timeline; stores nothing.

        `replacing`: a stored fact the new one corrects; it is left out of the validation.
        """
        if kind not in KINDS:
            raise RecordError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
        when = within_reach(PartialDate.parse(on))
        title = title.strip() or None if isinstance(title, str) else title  # "" means not reported
        end = within_reach(PartialDate.parse(until)) if until not in (None, "") else None
        if person not in self.people:
            raise UnknownPersonError(f"unknown person {person!r} in {self.name}")
        if manager is not None and manager not in self.people:
            raise UnknownPersonError(f"unknown manager {manager!r} in {self.name}")
        if kind == "reports_to" and manager is None:
            raise RecordError("a reports_to change needs a manager")
        if end is not None and end.end < when.start:
            raise RuleError(f"{self.people[person]['name']} ({person}) on {when}: leave ends ({end}) before it starts")
        src = clean_source(source)
        fields: dict[str, Any] = {
            "title": title if kind == "appointed" else None,
            "manager": manager if kind in ("appointed", "reports_to") else None,
            "destination": destination if kind == "departed" else None,
            "until": end if kind == "on_leave" else None,
        }
        details = {k: (str(v) if isinstance(v, PartialDate) else v) for k, v in fields.items() if v is not None}
        fid = fact_id(kind, person, str(when), details, src)
        if fid in self._by_id:
            raise DuplicateFactError(
                f"{self.people[person]['name']} ({person}) on {when}: already recorded as event {fid}"
            )
        # its place in the log: next, or after the `Corrected` event that comes first when it replaces a fact
        seq = self.version + (2 if replacing is not None else 1)
        candidate = Fact(id=fid, kind=kind, person=person, on=when, source=src, seq=seq, **fields)
        tip = self._tip_fold() if replacing is None else None
        refold = getattr(self, "_refold", None)
        if tip is not None and (tip.last is None or candidate.order >= tip.last):
            tip.validate(candidate)  # it lands last: the replay up to it is the tip, nothing follows
        elif refold is not None:  # the state on its day, it, and every later fact, through the same rules
            try:
                refold(candidate, replacing)
            except RuleError as err:
                raise self._explained(err, candidate) from None
        else:
            timeline = self.timeline()
            if replacing is not None:
                timeline = Timeline(self.name, timeline.people, self.facts_without(replacing.id), timeline.retractions)
            self._check(timeline, extra=candidate)
        if replacing is None:
            self._proposed = (candidate, self.version)
        return candidate

    def record(self, fact: Fact, timestamp: datetime | None = None) -> Fact:
        """Store a fact made by `propose()` (re-validated unless it is the last proposal and nothing moved since)."""
        if self._proposed == (fact, self.version):
            return self._trigger_fact(fact, timestamp)
        fresh = self.propose(
            fact.kind,
            fact.person,
            fact.on,
            title=fact.title,
            manager=fact.manager,
            destination=fact.destination,
            until=fact.until,
            source=fact.source,
        )
        return self._trigger_fact(fresh, timestamp)

    def _trigger_fact(self, fresh: Fact, timestamp: datetime | None) -> Fact:
        kind = fresh.kind
        kwargs: dict[str, Any] = {
            "fact_id": fresh.id,
            "person": fresh.person,
            "on": str(fresh.on),
            "source": fresh.source,
        }
        if kind == "appointed":
            event_class, kwargs["title"], kwargs["manager"] = self.Appointed, fresh.title, fresh.manager
        elif kind == "departed":
            event_class, kwargs["destination"] = self.Departed, fresh.destination
        elif kind == "on_leave":
            event_class, kwargs["until"] = self.OnLeave, str(fresh.until) if fresh.until else None
        elif kind == "returned":
            event_class = self.Returned
        elif kind == "reports_to":
            event_class, kwargs["manager"] = self.ReportsTo, fresh.manager
        else:
            raise KeyError(kind)
        self.trigger_event(event_class, timestamp=timestamp, **kwargs)
        return self._by_id[fresh.id]

    def retract(self, ref: str, reason: str, timestamp: datetime | None = None) -> Retraction:
        """Withdraw a stored fact from now on; refused when the rest of the timeline would break."""
        target = self.fact(ref)
        if not reason or not reason.strip():
            raise RecordError("a retraction needs a reason (--reason)")
        if target.id in {r.target for r in self.retractions}:
            raise RuleError(f"event {target.id} is already retracted")
        refold = getattr(self, "_refold", None)
        if refold is not None:  # the state the day before it, then every later fact but it
            try:
                refold(None, target)
            except RuleError as err:
                raise self._explained(err, None, retracting=target) from None
        else:
            without = Timeline(self.name, self.people, self.facts_without(target.id), tuple(self.retractions))
            self._check(without, extra=None, retracting=target)
        rid = fact_id("retracted", target.person, "", {"target": target.id}, {"reason": reason.strip()})
        self.trigger_event(self.Retracted, timestamp=timestamp, fact_id=rid, target=target.id, reason=reason.strip())
        return self.retractions[-1]

    def correct(
        self, ref: str, reason: str, changes: dict[str, Any], timestamp: datetime | None = None
    ) -> tuple[Retraction, Fact]:
        """Replace a stored fact by a corrected one in one step: a `Corrected` retraction, then the new fact.

        `changes` may set `on`, `title`, `manager`, `destination`, `until` and `source` (a key given
        with None clears that field); the rest is kept. The timeline without the old fact and with the
        new one must keep every rule.
        """
        target = self.fact(ref)
        if not reason or not reason.strip():
            raise RecordError("a correction needs a reason (--reason)")
        if target.id in {r.target for r in self.retractions}:
            raise RuleError(f"event {target.id} is already retracted: record the right event with `orgsim append`")
        unknown = set(changes) - {"on", "title", "manager", "destination", "until", "source"}
        if unknown:
            raise RecordError(f"cannot correct {', '.join(sorted(unknown))}")
        fields = {
            "on": target.on,
            "title": target.title,
            "manager": target.manager,
            "destination": target.destination,
            "until": target.until,
            "source": target.source,
        }
        fitting = {
            "appointed": {"title", "manager"},
            "departed": {"destination"},
            "on_leave": {"until"},
            "reports_to": {"manager"},
        }.get(target.kind, set()) | {"on", "source"}
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
            changes["source"] = clean_source(changes["source"])
        for key in ("on", "until"):
            if changes.get(key) is not None:
                changes[key] = PartialDate.parse(changes[key])
        if all(fields[k] == v for k, v in changes.items()):
            raise RecordError(f"the correction changes nothing in event {target.id}: give --on, --title, …")
        fields.update(changes)
        fresh = self.propose(target.kind, target.person, replacing=target, **fields)
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
        retraction = self.retractions[-1]
        return retraction, self._trigger_fact(fresh, timestamp)

    def facts_without(self, fid: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.id != fid)

    def _check(self, timeline: Timeline, extra: Fact | None, retracting: Fact | None = None) -> None:
        if extra is not None:
            timeline = Timeline(timeline.organisation, timeline.people, timeline.facts + (extra,), timeline.retractions)
        try:
            check(timeline)
        except RuleError as err:
            explained = self._explained(err, extra, retracting)
            if explained is err:
                raise
            raise explained from None

    def _explained(self, err: RuleError, extra: Fact | None, retracting: Fact | None = None) -> RuleError:
        """The error to report when checking the timeline with `extra` added (or `retracting` removed)
        broke a rule: when a stored fact broke, it names that event; otherwise `err` itself."""
        culprit = getattr(err, "fact", None)
        if extra is not None and culprit is not None and culprit.id != extra.id:
            return RuleError(
                f"{self.people[extra.person]['name']} ({extra.person}) on {extra.on}: would make the stored "
                f"event {culprit.id} ({culprit.kind}, {culprit.on}) invalid — {err}"
            )
        if retracting is not None:
            broken = (
                f" (the stored event {culprit.id}, {culprit.kind}, {culprit.on})"
                if culprit is not None and culprit.id != retracting.id
                else ""
            )
            return RuleError(f"retracting event {retracting.id} would make the timeline invalid{broken} — {err}")
        return err


class Directory(Aggregate):
    """The organisations a store holds (one per store, at a fixed id)."""

    ID: ClassVar[uuid.UUID] = uuid.uuid5(_NAMESPACE, "directory")

    class Opened(Aggregate.Created):
        pass

    class Listed(Aggregate.Event):
        name: str

        def apply(self, aggregate: Directory) -> None:
            aggregate.names.append(self.name)

    def __init__(self) -> None:
        self.names: list[str] = []

    @classmethod
    def open(cls) -> Directory:
        return cls._create(cls.Opened, id=cls.ID)

    def list(self, name: str) -> None:
        if name.casefold() not in (n.casefold() for n in self.names):
            self.trigger_event(self.Listed, name=name)
