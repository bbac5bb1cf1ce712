"""The read model kept a projection of the event log: found for the store, caught up or rebuilt
when it is behind the log before a read, brought up to date after each command. It is only a cache:
whatever fails here, a read replays."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping
from typing import Any

from orgsim.application.local_model import RecorderLog, model_path
from orgsim.application.organisations import Organisations
from orgsim.domain import FactEvent, Organisation, organisation_id
from orgsim.errors import OrgsimError
from orgsim.readmodel import LogUnavailable, ModelRecord, ReadModel, View, build
from orgsim.record import Record, Replayed

__all__ = ["Projection"]


class Projection(Organisations):
    """The store's read model, kept fresh (see orgsim/readmodel/)."""

    #: A PostgreSQL store's local model catches up with at most this many new events (see `_catch_up`).
    CATCH_UP_MAX = 1000
    #: … of which at most this many dated before the model's last fact (each goes through the facts after it).
    CATCH_UP_REPLAYS = 5

    def read_model(self) -> ReadModel | None:
        """The read-model tables of this store: in a SQLite store's own file; for a PostgreSQL store, in
        a local SQLite file of this machine's (`model_path`), checked against the server's log on every
        use; None (replay) for memory stores, or when the local file cannot be had."""
        if "_read_model" not in self.__dict__:
            self._read_model = self._find_read_model()
        return self._read_model

    def _find_read_model(self) -> ReadModel | None:
        datastore = getattr(self.recorder, "datastore", None)
        if type(datastore).__name__ == "PostgresDatastore":
            path = model_path(
                self.env, getattr(datastore, "schema", ""), getattr(self.recorder, "events_table_name", "")
            )
            return ReadModel(str(path), log=RecorderLog(self.recorder)) if path is not None else None
        pool = getattr(datastore, "pool", None)
        if type(datastore).__name__ != "SQLiteDatastore" or pool is None or pool.is_sqlite_memory_mode:
            return None
        if getattr(self.recorder, "events_table_name", None) != "stored_events":
            return None
        return ReadModel(pool.db_name)

    def view(self, org: str | None = None) -> View | None:
        """The organisation's fresh read model, open for reading (use it as a context manager), rebuilt
        first when it is behind the event log; None on stores without one (replay instead)."""
        model = self.read_model()
        if model is None:
            return None
        name = self._org_name(org)
        oid = organisation_id(name).hex
        for _ in range(3):
            try:
                found = model.view(oid)
            except (sqlite3.Error, LogUnavailable):
                if model.log is None:
                    raise
                return None  # a PostgreSQL store's local model cannot be read: replay
            if isinstance(found, View):
                return found
            if found is None:
                self.organisation(name)  # raises the usual "no organisation" error
            try:
                if model.log is not None and self._catch_up(model, oid) is not False:
                    continue  # caught up, or another process moved the model meanwhile: look again
                self.rebuild(name)
            except (sqlite3.Error, LogUnavailable):
                if model.log is None:
                    raise
                return None  # the model could not be written: the caller replays
        return None  # the store kept changing: replay

    def register(self, org: str | None = None) -> tuple[str, Mapping[str, dict[str, Any]]]:
        """The organisation's name and everyone in its register (the fresh read model's, else a
        replay's): what `people` lists and what a command in another organisation looks people up in."""
        view = self.view(org)
        if view is not None:
            with view:
                return view.name, dict(view.people)
        replayed = self.replayed(org)
        return replayed.name, replayed.people

    def _catch_up(self, model: ReadModel, oid: str) -> bool | None:
        """Bring a PostgreSQL store's local model up to the server's log without a replay, when the
        model is a prefix of the log and at most `CATCH_UP_MAX` events follow, each a new person or a
        fact (news from another machine). A fact that lands after every effective one is applied as an
        `append` at the end does it (the aggregate seeded from the model, the event's own `apply`
        through the rules' kept fold); one dated earlier, a retraction or a correction, as the same
        command here does it (`ReplayFromDay`, at most `CATCH_UP_REPLAYS` of them). Each is written to the
        model, tagged with the log's event. False: too many: rebuild. None: the model moved meanwhile
        (another process of this machine): look again."""
        replays = 0
        while True:  # (each pass writes at least one event, or ends)
            done = self._catch_up_pass(model, oid, replays < self.CATCH_UP_REPLAYS)
            if done == "replayed":
                replays += 1
            elif done != "again":
                return done  # type: ignore[return-value]

    def _catch_up_pass(self, model: ReadModel, oid: str, may_replay: bool) -> bool | str | None:
        """One pass of `_catch_up` from the model as it stands. At a backdated fact: "replayed" once it
        is written, or "again" when the facts before it were (either way the next pass goes on from
        the model as written)."""
        view = model.prefix_view(oid)
        if view is None:
            return False
        with view:
            after = self._stored_after(oid, view.version, self.CATCH_UP_MAX + 1)
            if not after:
                return None  # another process caught up meanwhile: look again
            if len(after) > self.CATCH_UP_MAX:
                return False
            record, to_domain = ModelRecord(view), self.mapper.to_domain_event
            start = view.version
            events = iter(after)
            for stored in events:
                event = to_domain(stored)
                if isinstance(event, Organisation.PersonAdded):
                    record.added_person(event.person, event.entry())
                    continue
                if isinstance(event, Organisation.Retracted | Organisation.Corrected):  # from the day before it
                    if start != view.version:
                        return "again"  # the model moved here: the next pass begins with this one
                    target = view.facts.get(event.target)
                    if not may_replay or target is None:
                        return False
                    replacement = None
                    if isinstance(event, Organisation.Corrected):  # its replacement is the next event
                        next_stored = next(events, None)
                        if next_stored is None:
                            return False
                        following = to_domain(next_stored)
                        if not isinstance(following, FactEvent) or following.fact_id != event.replacement:
                            return False
                        stored = next_stored  # the model is written up to the replacement
                        replacement = following.fact()
                    try:
                        record.check(replacement, target)
                    except OrgsimError:
                        return False
                    record.withdrawn(event.retraction())
                    if replacement is not None:
                        record.added(replacement)
                    return "replayed" if model.write_changes(record, start, RecorderLog.tag_of(stored)) else None
                if not isinstance(event, FactEvent):
                    return False  # (no other kind of event is stored)
                fact = event.fact()
                if not record.lands_last(fact):  # from its day on
                    if start != view.version:
                        return "again"  # the model moved here: the next pass begins with this fact
                    if not may_replay:
                        return False
                try:
                    record.check(fact)
                except OrgsimError:
                    return False
                record.added(fact)
                written = model.write_changes(record, start, RecorderLog.tag_of(stored))
                if record.replay is not None:
                    return "replayed" if written else None
                if not written:
                    return None
                start = record.version
            return not record.new_people  # people added with no fact after them: rebuild (rare)

    def rebuild(
        self, org: str | None = None, replayed: Replayed | None = None, checked: bool = False, replace: bool = False
    ) -> Replayed | None:
        """Rebuild the organisation's read model from its stored events (one replay, one write
        transaction), and return that replay; `replayed`: the replay, already made (`checked`: by the
        command that just saved it; `replace`: even over a fresh model). None: the store keeps no read model."""
        model = self.read_model()
        if model is None:
            return None
        replayed = replayed or self.replayed(org)
        built = build(replayed.timeline(), replayed.version, checked=checked)
        model.write(organisation_id(replayed.name).hex, built, replayed.version, replace=replace)
        return replayed

    def _project(self, record: Record, old_version: int) -> None:
        """The read model brought up to date with what a command on `record` saved, from the events the
        save stored: read back, they are written as the command's check worked them out when they are
        exactly the people, facts and retractions it checked (each went through the same rules, on the
        same state); otherwise the model is left behind the log, and the next read catches it up or
        rebuilds it from them. It is only a cache: when this fails (e.g. the file is busy), the same."""
        model = self.read_model()
        if model is None:
            return
        try:
            if isinstance(record, ModelRecord):
                stored = self._stored_after(record.view.org_id, old_version)
                if self._checked(record, stored, old_version):
                    model.write_changes(record, old_version, RecorderLog.tag_of(stored[-1]) if model.log else None)
            elif isinstance(record, Replayed):
                self.rebuild(replayed=record, checked=True)
        except (sqlite3.Error, LogUnavailable):
            pass

    def _stored_after(self, oid: str, version: int, limit: int | None = None) -> list[Any]:
        """The organisation's stored events after `version` (at most `limit`), from the event log."""
        try:
            return list(self.recorder.select_events(uuid.UUID(oid), gt=version, limit=limit))
        except Exception as err:
            raise LogUnavailable(type(err).__name__) from None

    def _checked(self, record: ModelRecord, stored: list[Any], old_version: int) -> bool:
        """Whether the events stored after `old_version` are exactly what the command on `record` checked."""
        if not stored or len(stored) != record.version - old_version:
            return False
        people, facts, retractions, citations = [], [], [], []
        for event in map(self.mapper.to_domain_event, stored):
            if isinstance(event, Organisation.PersonAdded):
                people.append((event.person, event.entry()))
            elif isinstance(event, Organisation.Retracted | Organisation.Corrected):
                retractions.append(event.retraction())
            elif isinstance(event, Organisation.Cited):
                citations.append(event.citation())
            elif isinstance(event, FactEvent):
                facts.append(event.fact())
            else:
                return False
        return (
            people == list(record.new_people.items())
            and facts == record.new_facts
            and retractions == record.new_retractions
            and citations == record.new_citations
        )
