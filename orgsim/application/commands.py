"""The one way every command writes: the organisation and a record of its history at the same
version → the command's checks and events → one save, retried on fresh state when a concurrent writer
got there first; then a snapshot and the read model brought up to date."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import IntegrityError

from orgsim.application.projection import Projection
from orgsim.domain import Directory, Organisation
from orgsim.errors import StoreError
from orgsim.facts import Timeline
from orgsim.names import organisation_name
from orgsim.readmodel import ModelRecord, View
from orgsim.record import Record, Replayed

__all__ = ["CommandLoop"]

T = TypeVar("T")


class CommandLoop(Projection):
    """The command loop every writing use case goes through (`_command`)."""

    MAX_RETRIES = 50
    #: Wait before retry n: a random pause up to BACKOFF * 2**n seconds (capped), so that two busy
    #: writers stop meeting at the same moment and neither starves.
    BACKOFF = 0.002

    def _back_off(self, attempt: int) -> None:
        """Wait before attempt `attempt` (from 1) of a command that met a concurrent writer."""
        time.sleep(random.uniform(0, self.BACKOFF * 2 ** min(attempt, 7)))

    def _open(
        self, name: str | None, create: bool, batch: bool
    ) -> tuple[Organisation | None, Record, list[Any], View | None]:
        """The organisation's aggregate at its latest version (from its snapshot), a record of its
        history at that same version (the fresh read model's when the store has one, else a replay),
        the other aggregates to save with it (a new store's directory), and the view to close (`batch`:
        a replay whatever the store has, for a load of many changes, each that lands last checked in
        O(1), and the whole history they produce checked once at the end: `Replayed.settle`); no
        aggregate when the log moved between the two reads (try again)."""
        if name is not None:  # (`--org "   "` named no organisation, and must never make one)
            name = organisation_name(name)
        held = self.organisations() if name else []  # (no name: the store's only one, found as it is read)
        if name and not create and name.casefold() not in (n.casefold() for n in held) and held:
            raise StoreError(
                f"no organisation {name!r} in the store (it holds: {', '.join(held)}): "
                f"add it first with `orgsim org add {name}`"
            )
        if create and name and name.casefold() not in (n.casefold() for n in held):
            organisation = Organisation(name)
            directory: Directory
            try:
                directory = self.repository.get(Directory.ID)
            except AggregateNotFoundError:
                directory = Directory()
            directory.list(name)
            return organisation, Replayed(Timeline(name, {}, ()), organisation.version, whole=batch), [directory], None
        view = self.view(name) if not batch else None
        record: Record = ModelRecord(view) if view is not None else self.replayed(name, whole=batch)
        organisation = self.organisation(name)
        if organisation.version != record.version:
            return None, record, [], view
        return organisation, record, [], view

    def _command(
        self,
        name: str | None,
        work: Callable[[Organisation, Record], T],
        dry_run: bool = False,
        create: bool = False,
        save: Callable[..., Any] | None = None,
        batch: bool = False,
    ) -> T:
        """The one way every command writes: get the organisation and a record of its history at the
        same version → `work` (its checks, its events) → save (unless `dry_run`), then bring the read
        model up to date with what was saved. A concurrent writer's conflict starts again on fresh
        state. `save(*aggregates)` stores their pending events in one transaction (default:
        `Application.save`)."""
        for attempt in range(self.MAX_RETRIES):
            if attempt:
                self._back_off(attempt)
            organisation, record, pending, view = self._open(name, create, batch)
            try:
                if organisation is None:
                    continue
                old_version = record.version
                result = work(organisation, record)
                if dry_run:
                    return result
                try:
                    (save or self.save)(organisation, *pending)
                except IntegrityError:
                    continue
            finally:
                if view is not None:
                    view.close()
            if organisation.version != old_version:  # the next command loads it without a replay
                self._snapshot(organisation)
            self._project(record, old_version)
            return result
        raise StoreError("the store kept changing under this command: try again")

    def _snapshot(self, organisation: Organisation) -> None:
        """A snapshot of the aggregate just saved (only a cache: one there already is as good)."""
        assert self.snapshots is not None  # (`is_snapshotting_enabled`)
        with suppress(IntegrityError):
            self.snapshots.put([Snapshot.take(organisation)])
