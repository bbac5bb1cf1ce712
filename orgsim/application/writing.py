"""The use cases that write: load a dataset (all or nothing, in one transaction), record one change,
retract or correct a stored fact; and how a record of the input becomes the aggregate's command (a
person created on the way: copied from another organisation of the store that knows them, else new)."""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from orgsim.application.commands import CommandLoop
from orgsim.application.naming import ensure_named, propose, unit_named
from orgsim.application.results import Amendment, Corroboration, LoadReport, Recorded
from orgsim.dates import PartialDate
from orgsim.domain import Organisation
from orgsim.errors import DuplicateFactError, OrgsimError, RecordError, RuleError, StoreError
from orgsim.facts import Fact, Retraction, amended_sources, clean_sources
from orgsim.interchange import CitationRecord, CorrectionRecord, Dataset, EventRecord, RetractionRecord
from orgsim.names import organisation_name
from orgsim.people import StorePeople
from orgsim.readmodel import ModelRecord
from orgsim.record import Record, Replayed, amended, around

__all__ = ["Writing", "bulk_allocation"]


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Around reading and loading a large file: its millions of objects all stay alive until the end,
    and Python's cyclic collector, at its usual pace (every 700 allocations), walked them again and
    again (~5 s of a 200,000-event import, 15 full collections). Collect rarely meanwhile."""
    old = gc.get_threshold()
    gc.set_threshold(50_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*old)


class Writing(CommandLoop):
    """The application's writing use cases, each one pass of `_command`, and the notice before a slow one
    (`slow_check_ahead`)."""

    #: A load turns its pending domain events into stored events after every this many records (the
    #: library's `collect_events` pops each from the front of the list: quadratic in its length).
    LOAD_CHUNK = 1000

    def load(
        self,
        dataset: Dataset,
        timestamp: datetime | None = None,
        progress: Callable[[int], None] | None = None,
        dry_run: bool = False,
        known: StorePeople | None = None,
    ) -> LoadReport:
        """Load a dataset all or nothing, in ONE transaction; what is already stored is skipped, so loading
        twice adds nothing. `progress(n)` is called after each of the dataset's events is checked.

        Every event is checked first, against a replay of the organisation's history (each fact that
        lands after every other in O(1)); what the dataset produces is checked as a whole, so the order
        of its records does not matter: a change that does not fit where it lands is checked with
        the rest at the end (`Replayed.settle`), and a rule broken names the record of the fact that
        broke it. Meanwhile the aggregate's pending events are turned into the
        library's stored events a chunk at a time (its mapper, as `Application.save` does), so a large
        file never holds all its domain events at once; then the recorder's `insert_events` writes
        them all in one transaction (what `Application.save` calls).

        A person the organisation does not know but another of the store does is copied from there
        (`naming.ensure_named`); `known`: those people instead, with the parts of the same file checked
        before (`check_parts`)."""
        stored: list[StoredEvent] = []
        to_stored = self.mapper.to_stored_event

        def work(org: Organisation, record: Record) -> LoadReport:
            stored.clear()
            people = events = skipped = 0
            where_of: dict[str, tuple[str, Fact]] = {}  # fact id → its record's place in the file, the fact
            others = known if known is not None else self._store_people(dataset.organisation, org.name)
            for p in dataset.people:
                if p.id not in record.people:
                    others.check_new(p.id, p.name, p.where)  # (a person line is stored as written)
                    try:
                        org.add_person(record, p.id, p.name, p.aliases, p.source, timestamp=timestamp, unit=p.unit)
                    except OrgsimError as err:  # name the line
                        raise type(err)(f"{p.where}: {err}" if p.where else str(err)) from None
                    people += 1
            for n, rec in enumerate(dataset.events, start=1):
                try:
                    added, done = self._apply_record(org, record, rec, timestamp, others)
                except OrgsimError as err:  # name the record that failed
                    message = str(err)
                    if rec.where and not message.startswith(rec.where):
                        raise type(err)(f"{rec.where}: {message}") from None
                    raise
                people += added
                events += done
                skipped += not done
                if done and rec.where and isinstance(record, Replayed) and record.facts:
                    where_of[record.facts[-1].id] = (rec.where, record.facts[-1])
                if n % self.LOAD_CHUNK == 0:
                    stored.extend(map(to_stored, org.collect_events()))
                if progress is not None:
                    progress(n)
            if isinstance(record, Replayed):
                try:
                    record.settle()
                except RuleError as err:
                    raise self._located(err, where_of, dataset) from None
            if known is not None:
                known.add(org.name, record.people)
            copied = Counter(source for into, _, source in others.copied if into == org.name)
            return LoadReport(org.name, people, events, skipped, dict(copied))

        def save(*aggregates: Any) -> None:
            for aggregate in aggregates:
                stored.extend(map(to_stored, aggregate.collect_events()))
            try:
                self._insert_all(stored)
            finally:
                stored.clear()

        return self._command(dataset.organisation, work, dry_run=dry_run, create=True, save=save, batch=True)

    def check_parts(self, datasets: Sequence[Dataset]) -> None:
        """Check every part of a file (a dataset per organisation) as `load` would store it, storing
        nothing: each part against the store and the parts before it, whose people it knows as if they
        were stored (a person the first part adds keeps their id in the next)."""
        known = StorePeople(lambda: [self.register(name) for name in self.organisations()])
        for dataset in datasets:
            self.load(dataset, dry_run=True, known=known)

    def _store_people(self, asked: str | None, here: str) -> StorePeople:
        """The people of the store's organisations other than `here`, read on first need. None to read
        when the command named no organisation: the store holds only the one."""
        if asked is None:
            return StorePeople(tuple)
        return StorePeople(lambda: [self.register(n) for n in self.organisations() if n.casefold() != here.casefold()])

    @staticmethod
    def _located(err: RuleError, where_of: Mapping[str, tuple[str, Fact]], dataset: Dataset) -> RuleError:
        """A rule the dataset's whole history breaks, named at the record of the fact that broke it; for
        a stored fact, at the dataset's records about that person, as the stored event they make invalid."""
        culprit = getattr(err, "fact", None)
        if culprit is None:
            return RuleError(f"{dataset.path or 'the dataset'}: {err}")
        if culprit.id in where_of:
            return RuleError(f"{where_of[culprit.id][0]}: {err}")
        mine = [where for where, fact in where_of.values() if fact.person == culprit.person]
        at = (mine[0] + (f" (with {', '.join(mine[1:])})" if mine[1:] else "")) if mine else str(dataset.path)
        return RuleError(
            f"{at}: would make the stored event {culprit.id} ({culprit.kind}, {culprit.on.shown}) invalid — {err}"
        )

    def _insert_all(self, stored: list[StoredEvent]) -> None:
        """Write stored events in ONE transaction (what `Application.save` calls)."""
        self.recorder.insert_events(stored)

    def _apply_record(
        self, org: Organisation, record: Record, rec: Any, timestamp: datetime | None, others: StorePeople
    ) -> tuple[int, bool]:
        """One command of a dataset → (people added, stored?). Already stored: not stored again."""
        if isinstance(rec, CitationRecord):
            target = record.fact(rec.target)
            if rec.source in target.all_sources:  # cited already
                return 0, False
            org.cite(record, target.id, rec.source, timestamp=timestamp)
            return 0, True
        if isinstance(rec, RetractionRecord | CorrectionRecord):
            target = record.fact(rec.target)
            if target.id in record.retracted_ids():
                return 0, False
            if isinstance(rec, RetractionRecord):
                org.retract(record, target.id, rec.reason, timestamp=timestamp)
            else:
                changes = self._replacement(record, target, rec.replacement)
                org.correct(record, target.id, rec.reason, changes, timestamp=timestamp)
            return 0, True
        added = ensure_named(org, record, rec, timestamp, others)
        try:
            fact = propose(org, record, rec)
        except DuplicateFactError:
            return added, False
        org.record(record, fact, timestamp=timestamp)
        return added, True

    @staticmethod
    def _replacement(record: Record, target: Fact, rec: EventRecord) -> dict[str, Any]:
        """A full replacement record → the fields `Organisation.correct` takes (kind and person must stay)."""
        if rec.kind != target.kind or record.resolve(rec.person) != target.person:
            raise RecordError(
                f"a correction keeps the kind and the person of event {target.id} ({target.kind}, {target.person})"
            )
        return {
            "on": rec.on,
            "announced": rec.announced,
            "title": rec.title,
            "manager": record.resolve(rec.manager) if rec.manager else None,
            "destination": rec.destination,
            "until": rec.until,
            "source": rec.sources,
            "also": rec.also,
            "acting": rec.acting,
            "unit": unit_named(record, rec.unit),
            "post": rec.post,
        }

    def add_organisation(self, name: str) -> str:
        """Add an empty organisation to the store (a new store is made); its name, spaces tidied."""
        name = organisation_name(name)
        known = next((n for n in self.organisations() if n.casefold() == name.casefold()), None)
        if known is not None:
            raise StoreError(f"the store already holds the organisation {known!r}")
        self._command(name, lambda organisation, record: None, create=True)
        return name

    def start_organisation(self, name: str) -> tuple[str, bool]:
        """`init`: the store's one organisation — added (`True`), or already held (`False`, nothing to
        do). A store that holds another organisation is refused: a second one is `add_organisation`'s."""
        held, name = self.organisations(), " ".join(name.split())
        known = next((n for n in held if n.casefold() == name.casefold()), None)
        if known is not None:
            return known, False
        if held:
            shown = f'"{name}"' if " " in name else name
            raise StoreError(
                f"the store already holds {', '.join(held)}: `orgsim init` starts a store for one organisation; "
                f"add {name} beside {'it' if len(held) == 1 else 'them'} with `orgsim org add {shown}`, "
                "or name a new store",
                fields=("store",),
            )
        return self.add_organisation(name), True

    def record(
        self, rec: EventRecord, org: str | None = None, dry_run: bool = False, timestamp: datetime | None = None
    ) -> Recorded:
        """Check one change against the whole timeline and store it (unless `dry_run`)."""

        def work(organisation: Organisation, record: Record) -> Recorded:
            others = self._store_people(org, organisation.name)
            ensure_named(organisation, record, rec, timestamp, others)
            fact = organisation.record(record, propose(organisation, record, rec), timestamp=timestamp)
            assert isinstance(record, ModelRecord | Replayed)
            before, after, facts = record.around(fact) if isinstance(record, ModelRecord) else around(record, fact)
            known_from = next((source for _, _, source in others.copied), None)
            return Recorded(fact, before, after, not dry_run, facts, known_from)

        return self._command(org, work, dry_run=dry_run)

    def slow_check_ahead(self, rec: EventRecord, org: str | None = None, over: int = 50_000) -> int | None:
        """How many stored facts `record(rec)` goes through again, when the change is dated before the
        last fact (every fact after its day, through the rules: `ReplayFromDay`) and they are more than
        `over`; None otherwise (a quick check, or a store without a read model). For a notice before
        a wait of seconds."""
        try:
            when = PartialDate.parse(rec.on)
            view = self.view(org)
        except OrgsimError:
            return None
        if view is None:
            return None
        with view:
            last = view.meta.get("last")
            if last is None or when.start.isoformat() >= last[0]:
                return None
            gone = json.dumps([target for _, target in view.meta["retractions"]])  # (they are not gone through)
            n = view.conn.execute(
                "SELECT count(*) FROM orgsim_rm_facts INDEXED BY orgsim_rm_facts_start "
                "WHERE org_id = ? AND start > ? AND id NOT IN (SELECT value FROM json_each(?))",
                (view.org_id, when.start.isoformat(), gone),
            ).fetchone()[0]
            return n if n > over else None

    def retract(
        self, ref: str, reason: str, org: str | None = None, timestamp: datetime | None = None, dry_run: bool = False
    ) -> Amendment:
        """Withdraw a stored fact: it stays in the log, and stops counting from now on (or, on a dry run,
        what it would change, storing nothing)."""

        def work(organisation: Organisation, record: Record) -> Amendment:
            retraction = organisation.retract(record, ref, reason, timestamp=timestamp)
            return self._amendment(record, retraction, None, not dry_run)

        return self._command(org, work, dry_run=dry_run)

    def correct(
        self,
        ref: str,
        reason: str,
        changes: dict[str, Any],
        org: str | None = None,
        dry_run: bool = False,
        timestamp: datetime | None = None,
        check_source: Callable[[dict[str, str]], Any] | None = None,
        replace_sources: bool = False,
    ) -> Amendment:
        """Retract a stored fact and record its corrected version, in one save (or, on a dry run, none).

        `changes` may set `on`, `announced`, `title`, `manager` (an id, name or alias), `destination`,
        `until`, `source` (one source, or a list). The fact's sources are kept and the new ones added after
        them (`replace_sources`: instead of them); one source of parts that names no other document or
        web address amends the fact's one source (`facts.amended_sources`). Each new source must pass
        `check_source` (its quote is in the document it cites) before anything is stored.
        """

        def work(organisation: Organisation, record: Record) -> Amendment:
            wanted = dict(changes)
            if wanted.get("manager"):
                wanted["manager"] = record.resolve(wanted["manager"])
            given = clean_sources(wanted.pop("source", None))
            if given or replace_sources:
                old = record.fact(ref)
                wanted["source"] = amended_sources(old.id, old.all_sources, given, replace_sources)
                for source in wanted["source"]:
                    if check_source is not None and source not in old.all_sources:
                        check_source(source)
            retraction, fact = organisation.correct(record, ref, reason, wanted, timestamp=timestamp)
            return self._amendment(record, retraction, fact, not dry_run)

        return self._command(org, work, dry_run=dry_run)

    def cite(
        self,
        ref: str,
        source: dict[str, str],
        org: str | None = None,
        dry_run: bool = False,
        timestamp: datetime | None = None,
    ) -> Corroboration:
        """Add a corroborating source to a stored fact (or, on a dry run, say what it would be)."""

        def work(organisation: Organisation, record: Record) -> Corroboration:
            citation, fact = organisation.cite(record, ref, source, timestamp=timestamp)
            names = {p: record.people[p]["name"] for p in (fact.person, fact.manager or "") if p in record.people}
            return Corroboration(citation, fact, not dry_run, names)

        return self._command(org, work, dry_run=dry_run)

    @staticmethod
    def _amendment(record: Record, retraction: Retraction, fact: Fact | None, stored: bool) -> Amendment:
        assert isinstance(record, ModelRecord | Replayed)
        if isinstance(record, ModelRecord):
            target, effects, facts = record.amended(retraction, fact)
        else:
            target, effects, facts = amended(record, retraction, fact)
        return Amendment(retraction, target, fact, effects, facts, stored)
