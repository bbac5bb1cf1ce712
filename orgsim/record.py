"""What the rules read of an organisation's history at one version of its log: a `Record`.

The `Organisation` aggregate keeps no history of its own; its commands check a change against a
record at the aggregate's version, and tell the record what they triggered. Two records implement the
protocol with the same rules (`chart.ChartState`): `Replayed`, an in-memory timeline folded from the stored
events, and the read model's (`readmodel.record.ModelRecord`), answered from its tables. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any, Protocol

from orgsim.chart import ChartState, OrgChart, chart_at, check, fold
from orgsim.errors import RuleError, UnknownEventError
from orgsim.facts import Citation, Fact, Retraction, Timeline
from orgsim.names import people_keys, resolve_in

__all__ = ["Record", "Replayed", "amended", "around", "explained", "find_fact", "short_ref", "without"]


class Record(Protocol):
    """An organisation's history at one version of its log, as the rules read it."""

    name: str
    version: int

    @property
    def people(self) -> Mapping[str, dict[str, Any]]:
        """Every person's entry by id (read only: the record changes through `added_person`)."""
        ...

    def named(self, key: str) -> set[str]:
        """The people a name key (`names.name_key`) names: ids, names and aliases."""
        ...

    def resolve(self, text: str) -> str:
        """A person's id from their id, display name or an alias (UnknownPersonError otherwise)."""
        ...

    def fact(self, ref: str) -> Fact:
        """A stored fact by id or unique id prefix (UnknownEventError otherwise)."""
        ...

    def has_fact(self, fid: str) -> bool: ...

    def retracted_ids(self) -> set[str]: ...

    def check(self, adding: Fact | None, dropping: Fact | None = None) -> None:
        """Raise RuleError unless the whole timeline, with `adding` in its effective place and without
        `dropping`, keeps every rule (the error's `fact` names the fact that broke)."""
        ...

    def added_person(self, person: str, entry: dict[str, Any]) -> None: ...

    def added(self, fact: Fact) -> None: ...

    def withdrawn(self, retraction: Retraction) -> None: ...

    def cited(self, citation: Citation) -> None:
        """A source added to a stored fact: `fact(citation.target)` has it from now on."""
        ...


def find_fact(ref: str, matching: list[str]) -> str:
    """The one id `ref` names among `matching` (the ids that start with it), or UnknownEventError."""
    if len(matching) == 1:
        return matching[0]
    if matching:
        raise UnknownEventError(f"event id {ref!r} is ambiguous: matches {', '.join(sorted(matching))}")
    raise UnknownEventError(f"no stored event has id {ref!r} (see `orgsim log`)")


def short_ref(ref: str) -> str:
    """A fact reference, trimmed and lower-cased; refused when shorter than 4 characters."""
    ref = ref.strip().lower()
    if len(ref) < 4:
        raise UnknownEventError(f"event id {ref!r} is too short: give the id, or at least its first 4 characters")
    return ref


class Replayed:
    """A `Record` in memory: the people, facts and retractions folded from the stored events. A fact
    that lands after every effective one is checked against the kept fold of the whole timeline (the
    usual case: news arrives in date order, and an import of 200,000 facts checks each in O(1)); any
    other change by a replay of the whole timeline so changed.

    `whole`: a batch (a load or an import), checked as the whole history it produces: a change that
    does not fit where it lands is not refused there but leaves the record `unsettled`, and `settle()`
    then checks the whole timeline once, so the order of a file's records does not matter."""

    def __init__(self, timeline: Timeline, version: int, whole: bool = False) -> None:
        self.name = timeline.organisation
        self.version = version
        self.people: dict[str, dict[str, Any]] = dict(timeline.people)
        self.facts: list[Fact] = list(timeline.facts)
        self.retractions: list[Retraction] = list(timeline.retractions)
        self.citations: list[Citation] = list(timeline.citations)
        self._by_id = {f.id: f for f in self.facts}
        self._keys = people_keys(self.people)
        self._latest: ChartState | None = None  # the fold of every effective fact, kept while facts land last
        self.whole = whole
        self.unsettled = False  # (a batch only) a change did not fit where it landed: `settle` checks it all

    def timeline(self) -> Timeline:
        return Timeline(self.name, dict(self.people), tuple(self.facts), tuple(self.retractions), tuple(self.citations))

    def named(self, key: str) -> set[str]:
        return self._keys.get(key, set())

    def resolve(self, text: str) -> str:
        return resolve_in(text, self.people, self._keys, self.name)

    def fact(self, ref: str) -> Fact:
        key = ref.strip().lower()
        if key in self._by_id:
            return self._by_id[key]
        key = short_ref(ref)
        return self._by_id[find_fact(key, [f for f in self._by_id if f.startswith(key)])]

    def has_fact(self, fid: str) -> bool:
        return fid in self._by_id

    def retracted_ids(self) -> set[str]:
        return {r.target for r in self.retractions}

    def latest(self) -> ChartState | None:
        """The fold of the whole effective timeline (None when the stored timeline breaks a rule, or a
        batch is unsettled)."""
        if self._latest is None and not self.unsettled:
            try:
                self._latest = fold(self.timeline().effective(), self.people)
            except RuleError:
                return None
        return self._latest

    def check(self, adding: Fact | None, dropping: Fact | None = None) -> None:
        latest = self.latest() if dropping is None else None
        if adding is not None and latest is not None and (latest.last is None or adding.order >= latest.last):
            try:
                latest.validate(adding)  # it lands last: the fold up to it is the latest, and nothing follows it
                return
            except RuleError:
                if not self.whole:
                    raise
        elif not self.whole:
            facts = tuple(f for f in self.facts if dropping is None or f.id != dropping.id)
            check(Timeline(self.name, self.people, facts + ((adding,) if adding else ()), tuple(self.retractions)))
            return
        self.unsettled, self._latest = True, None  # a batch: checked as a whole by `settle`

    def settle(self) -> None:
        """A batch's whole timeline checked once, when a change did not fit where it landed (raises the
        `RuleError` of the first fact, in effective order, that breaks a rule)."""
        if self.unsettled:
            check(self.timeline())
            self.unsettled = False

    def added_person(self, person: str, entry: dict[str, Any]) -> None:
        self.people[person] = entry
        for key, ids in people_keys({person: entry}).items():
            self._keys.setdefault(key, set()).update(ids)
        self.version += 1

    def added(self, fact: Fact) -> None:
        self.facts.append(fact)
        self._by_id[fact.id] = fact
        self.version += 1
        latest = self._latest
        if latest is not None and not self.unsettled and (latest.last is None or fact.order >= latest.last):
            latest.apply(fact)
        else:
            self._latest = None

    def withdrawn(self, retraction: Retraction) -> None:
        self.retractions.append(retraction)
        self.version += 1
        self._latest = None

    def cited(self, citation: Citation) -> None:
        fact = self._by_id[citation.target]
        fresh = replace(fact, cited=fact.cited + (citation.source,))
        self.facts[self.facts.index(fact)] = self._by_id[fact.id] = fresh
        self.citations.append(citation)
        self.version += 1


def explained(
    err: RuleError, people: Mapping[str, dict[str, Any]], adding: Fact | None, dropping: Fact | None = None
) -> RuleError:
    """The error to report when checking a change broke a rule: when a stored fact broke, it names
    that event; otherwise `err` itself."""
    culprit = getattr(err, "fact", None)
    if adding is not None and adding.id in getattr(err, "both", ()):
        return err  # it names both facts already
    if adding is not None and culprit is not None and culprit.id != adding.id:
        return RuleError(
            f"{people[adding.person]['name']} ({adding.person}) {adding.on.dated}: would make the stored "
            f"event {culprit.id} ({culprit.kind}, {culprit.on.shown}) invalid — {err} (if another change makes both "
            "valid, record the two together, in one import)"
        )
    if dropping is not None:
        broken = (
            f" (the stored event {culprit.id}, {culprit.kind}, {culprit.on.shown})"
            if culprit is not None and culprit.id != dropping.id
            else ""
        )
        return RuleError(f"retracting event {dropping.id} would make the timeline invalid{broken} — {err}")
    return err


def without(timeline: Timeline, fact: Fact | None, retraction: Retraction | None) -> Timeline:
    """The timeline as it was before `fact` was added and `retraction` recorded."""
    return Timeline(
        timeline.organisation,
        timeline.people,
        tuple(f for f in timeline.facts if fact is None or f.id != fact.id),
        tuple(r for r in timeline.retractions if retraction is None or r.id != retraction.id),
    )


def around(record: Replayed, fact: Fact) -> tuple[OrgChart, OrgChart, Mapping[str, Fact]]:
    """The whole charts on the day of `fact`, just added to `record`, before and after it, and the
    facts that count by id."""
    after = record.timeline()
    day = fact.on.start
    return chart_at(without(after, fact, None), day), chart_at(after, day), after.counted_map()


def amended(
    record: Replayed, retraction: Retraction, fact: Fact | None
) -> tuple[Fact, tuple[tuple[date, OrgChart, OrgChart], ...], Mapping[str, Fact]]:
    """What a retraction (with the corrected `fact`, for a correction) just added to `record` changed:
    the fact withdrawn, the whole charts before and after on each day concerned (its first day, and
    the corrected one's), and the facts that explain the changes."""
    after = record.timeline()
    before = without(after, fact, retraction)
    facts = {**before.fact_map(), **after.fact_map()}
    target = facts[retraction.target]
    days = sorted({target.on.start} | ({fact.on.start} if fact is not None else set()))
    return target, tuple((day, chart_at(before, day), chart_at(after, day)) for day in days), facts
