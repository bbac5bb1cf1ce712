"""The `eventsourcing` Application: the one place a store is chosen, and every use case in three steps
(get the organisation → call a command → save), with a conflict retried on fresh state.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import random
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import IntegrityError, StoredEvent

from orgsim.chart import OrgChart, chart_at
from orgsim.dates import PartialDate
from orgsim.diff import ChartDiff
from orgsim.diff import diff as chart_diff
from orgsim.domain import PERSON_ID, Directory, FactEvent, Organisation, name_key, organisation_id, slugify, timeline_of
from orgsim.errors import DuplicateFactError, OrgsimError, RecordError, StoreError, UnknownPersonError
from orgsim.facts import Fact, Retraction, Timeline
from orgsim.history import History, LogEntry, Why, history, log, select, why
from orgsim.interchange import CorrectionRecord, Dataset, EventRecord, RetractionRecord, export_records, history_records
from orgsim.readmodel import (
    LogUnavailable,
    ModelRecord,
    ReadModel,
    StoredTimeline,
    View,
    build,
    cited_by_diff,
)
from orgsim.record import Record, Replayed, amended, around

__all__ = [
    "DEFAULT_STORE",
    "Amendment",
    "Compared",
    "LoadReport",
    "OrgsimApp",
    "Recorded",
    "bulk_allocation",
    "open_store",
    "redact",
    "removed_if_failed",
    "store_env",
]

DEFAULT_STORE = "orgsim.db"
T = TypeVar("T")


def is_server_url(store: str) -> bool:
    return store.startswith(("postgresql://", "postgres://"))


def redact(store: str) -> str:
    """A store as it may be printed: a URL's password replaced by `***`."""
    if not is_server_url(store):
        return store
    parts = urlsplit(store)
    if parts.password is None:
        return store
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


def _postgres_env(store: str, p: str) -> dict[str, str]:
    """`postgresql://USER[:PASSWORD]@HOST[:PORT]/DB` → the eventsourcing postgres settings.
    The password may instead come from PGPASSWORD (or ~/.pgpass, read by libpq)."""
    shown = redact(store)
    try:
        parts = urlsplit(store)
        port = parts.port
    except ValueError:
        raise StoreError(
            f"{shown} is not a valid PostgreSQL URL: use postgresql://USER[:PASSWORD]@HOST[:PORT]/DB"
        ) from None
    db = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not parts.username or not db or "/" in db:
        raise StoreError(f"{shown} is not a valid PostgreSQL URL: use postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")
    password = unquote(parts.password) if parts.password is not None else os.environ.get("PGPASSWORD", "")
    return {
        p + "PERSISTENCE_MODULE": "eventsourcing.postgres",
        p + "POSTGRES_DBNAME": db,
        p + "POSTGRES_HOST": parts.hostname,
        p + "POSTGRES_PORT": str(port or 5432),
        p + "POSTGRES_USER": unquote(parts.username),
        p + "POSTGRES_PASSWORD": password,
        p + "POSTGRES_CONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT") or "10",
        p + "POSTGRES_POOL_SIZE": "1",
        p + "POSTGRES_MAX_OVERFLOW": "2",
        p + "POSTGRES_LOCK_TIMEOUT": "30",
        # inserts through the library's own database function, in one statement: its pipelined
        # `executemany` hung on a 30,000-event import (psycopg 3.3.9, 3 runs of 4)
        p + "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
    }


def store_env(store: str | None) -> dict[str, str]:
    """Settings for a store: `:memory:`, a SQLite file path (the default), or a PostgreSQL URL."""
    store = store or os.environ.get("ORGSIM_STORE") or DEFAULT_STORE
    p = OrgsimApp.name.upper() + "_"  # prefixed keys beat any stray setting in the environment
    if store == ":memory:":
        return {p + "PERSISTENCE_MODULE": "eventsourcing.popo"}
    if is_server_url(store):
        return _postgres_env(store, p)
    return {
        p + "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        p + "SQLITE_DBNAME": str(Path(store)),
        p + "SQLITE_LOCK_TIMEOUT": os.environ.get("ORGSIM_LOCK_TIMEOUT", "30"),  # seconds to wait for a writer
    }


def open_store(store: str | None = None, create: bool = False) -> OrgsimApp:
    """The application over a store. Reading a SQLite file that does not exist is an error, not a new file."""
    env = store_env(store)
    path = env.get(OrgsimApp.name.upper() + "_SQLITE_DBNAME")
    if path and not create and not Path(path).exists():
        raise StoreError(f"no store at {path}: run `orgsim load` first, or pass --store PATH")
    if path and create and not Path(path).parent.exists():
        raise StoreError(f"cannot create a store at {path}: its folder does not exist")
    if path:
        _check_sqlite_file(Path(path), create)
        return OrgsimApp(env=env)
    if not env.get(OrgsimApp.name.upper() + "_POSTGRES_DBNAME"):
        return OrgsimApp(env=env)  # in memory
    return _open_server(store or os.environ["ORGSIM_STORE"], env, create)


def _open_server(store: str, env: dict[str, str], create: bool) -> OrgsimApp:
    """The application over a PostgreSQL database. Only `create` makes the tables (concurrent DDL
    from several processes fails, so the others never run it); errors never show the password."""
    p = OrgsimApp.name.upper() + "_"
    env = {**env, p + "CREATE_TABLE": "yes" if create else "no"}
    shown, secrets = redact(store), _secrets(store, env.get(p + "POSTGRES_PASSWORD"))
    for attempt in range(5):
        try:
            app_ = OrgsimApp(env=env)  # a server that cannot be reached: StoreError (see `first_connection`)
            if not create and not app_.has_tables():
                raise StoreError(f"no store at {shown}: run `orgsim load --store URL` first")
            return app_
        except StoreError as err:
            raise StoreError(_redacted(str(err), secrets)) from None
        except Exception as err:
            reason = " ".join(str(err).split()) or type(err).__name__
            if "concurrently" in reason and attempt < 4:
                continue
            raise StoreError(_redacted(f"cannot open the store {shown}: {reason}", secrets)) from None
    raise AssertionError("unreachable")


#: Seconds a new application waits for the first attempt of the library's pool to connect to
#: PostgreSQL before asking libpq directly (a server that does not answer).
FIRST_CONNECTION_WAIT = 1.0


def first_connection(datastore: Any) -> None:
    """Before the library's recorder first uses the pool of a `PostgresDatastore`: open it and watch its
    first connection attempt (the connection stays in the pool for the command: no extra round trip when
    the server answers). The pool's worker retries a refused connection, a missing database or a wrong
    password quietly until the pool's timeout (10 s), then says only that it timed out; so when its first
    attempt fails, or none succeeds within `FIRST_CONNECTION_WAIT`, one direct connection names the
    cause in a `StoreError` (the password hidden). If that one succeeds (a slow server, or one that has
    just come up) or fails for a passing reason (too many connections, a server starting up), the pool
    goes on as usual, waiting up to its own timeout."""
    import psycopg

    pool = datastore.pool
    pool.open()
    deadline = time.monotonic() + FIRST_CONNECTION_WAIT
    while True:
        stats = pool.get_stats()
        if stats.get("pool_available"):  # connected (`connections_num` counts attempts)
            return
        if stats.get("connections_errors") or time.monotonic() > deadline:
            break
        time.sleep(0.002)
    kwargs = {k: v for k, v in pool.kwargs.items() if k in ("dbname", "host", "port", "user", "password")}
    waited = FIRST_CONNECTION_WAIT - (deadline - time.monotonic())
    # the rest of the pool's wait (PGCONNECT_TIMEOUT, else 10 s); libpq waits at least 2 s
    timeout = max(2, round(pool.timeout - waited))
    try:
        psycopg.connect(**kwargs, connect_timeout=timeout).close()
        return
    except psycopg.errors.ConnectionTimeout:
        reason = f"timed out: no answer within {round(waited + timeout)} s (PGCONNECT_TIMEOUT sets the wait)"
    except psycopg.OperationalError as err:
        reason = _connection_failure(str(err))
        if reason.startswith(_PASSING):
            return  # a server busy or starting up: the pool goes on trying, as it always did
    pool.close(timeout=0)  # its worker may still be waiting for the server: do not wait for it at exit
    host, port, db, user = (str(kwargs.get(k, "")) for k in ("host", "port", "dbname", "user"))
    where = f"[{host}]" if ":" in host else host
    message = f"cannot connect to PostgreSQL at {where}:{port}/{db} as {user}: {reason}"
    raise StoreError(_redacted(message, _secrets("", kwargs.get("password"))))


#: libpq's reasons that may pass in a moment (SQLSTATE 53300 and 57P03): worth the pool's wait.
_PASSING = ("too many connections", "sorry, too many clients", "the database system is")

_ATTEMPT = re.compile(
    r'^(connection failed: )?connection to server (at|on socket) "[^"]*"( \([^)]*\))?(, port \d+)? failed: '
)


def _connection_failure(message: str) -> str:
    """libpq's reason for a failed connection, as the end of one line: its first line (a host with
    several addresses lists each attempt after it), without the server address (the message names it)
    or the `FATAL:` level; `Connection refused` → `connection refused`."""
    lines = message.strip().splitlines()
    line = _ATTEMPT.sub("", lines[0] if lines else "")
    line = re.sub(r"^(FATAL|ERROR):\s+", "", line.strip())
    resolve = re.match(r"failed to resolve host '(.*)': (\[Errno [-\d]+\] )?(.*)", line)
    if resolve:
        line = f"unknown host {resolve[1]} ({resolve[3]})"
    if line.startswith("fe_sendauth: no password supplied"):
        line = "the server asks for a password: put it in the URL or in PGPASSWORD"
    line = " ".join(line.split())
    if line[:1].isupper() and line[1:2].islower():
        line = line[0].lower() + line[1:]
    return line or "the server refused the connection"


def _secrets(store: str, password: str | None) -> list[str]:
    """Every spelling of the password a message might contain: the URL's (as typed and decoded), the
    one in use, PGPASSWORD's."""
    found = [password or "", os.environ.get("PGPASSWORD", "")]
    try:
        raw = urlsplit(store).password
    except ValueError:
        raw = None
    if raw:
        found += [raw, unquote(raw)]
    return sorted({s for s in found if s}, key=len, reverse=True)  # longest first: no half-hidden password


def _redacted(message: str, secrets: list[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, "***")
    return message


@contextmanager
def removed_if_failed(store: str | None) -> Iterator[None]:
    """Around a command that may create a SQLite store: if it fails, a file it created is removed, so
    a failed first load or import leaves nothing behind (an existing store is never touched)."""
    path = store_env(store).get(OrgsimApp.name.upper() + "_SQLITE_DBNAME")
    fresh = path is not None and not Path(path).exists()
    try:
        yield
    except BaseException:
        if fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)
        raise


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


def _check_sqlite_file(path: Path, create: bool) -> None:
    """Refuse to open (and so overwrite) anything but a SQLite file; an empty file only when creating."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a store: pass --store FILE")
    if not path.exists():
        return
    with path.open("rb") as fh:
        head = fh.read(16)
    if head == b"SQLite format 3\x00" or (not head and create):
        return
    what = "an empty file" if not head else "not a SQLite file"
    raise StoreError(f"{path} is {what}, not an orgsim store: pass --store with a store made by `orgsim load`")


@dataclass(frozen=True)
class Compared:
    """What changed between two days: the diff, the facts its changes cite (id → Fact), the names of
    the managers its rows name that are not among them, and (for a picture) the timeline."""

    diff: ChartDiff
    facts: Mapping[str, Fact]
    names: Mapping[str, str]
    timeline: Timeline | None = None


@dataclass(frozen=True)
class Recorded:
    """What one command did (or, on a dry run, would do): the fact and the charts on its day (on the
    read model's fast path, only the part of them the change touches: its people and their managers)."""

    fact: Fact
    before: OrgChart
    after: OrgChart
    stored: bool
    facts: Mapping[str, Fact] = field(default_factory=dict)  # the facts that count by id, the new one included


@dataclass(frozen=True)
class Amendment:
    """What `retract` or `correct` did (or, on a dry run, would do): the retraction, the fact withdrawn
    (`target`), the corrected fact (None for a retraction), and the whole chart before and after on
    each day concerned (the withdrawn fact's first day, and the corrected one's), with the facts that
    explain the changes (`diff.diff` of each pair with `facts`)."""

    retraction: Retraction
    target: Fact
    fact: Fact | None
    effects: tuple[tuple[date, OrgChart, OrgChart], ...]
    facts: Mapping[str, Fact]
    stored: bool


def _amendment(retraction: Retraction, fact: Fact | None, before: Timeline, after: Timeline, stored: bool) -> Amendment:
    """An `Amendment` from the timelines before and after it (the replay path)."""
    facts = {**before.fact_map(), **after.fact_map()}
    target = facts[retraction.target]
    days = sorted({target.on.start} | ({fact.on.start} if fact is not None else set()))
    effects = tuple((day, chart_at(before, day), chart_at(after, day)) for day in days)
    return Amendment(retraction, target, fact, effects, facts, stored)


@dataclass(frozen=True)
class LoadReport:
    organisation: str
    people_added: int
    events_added: int
    events_already_stored: int


class RecorderLog:
    """An organisation's last stored event, read through the library's recorder (`readmodel.EventLog`):
    its version, and a tag of its content (topic and state bytes, which hold the recording time)."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder

    @staticmethod
    def tag_of(stored: Any) -> str:
        """A stored event's content tag."""
        return hashlib.sha256(stored.topic.encode() + b"\0" + bytes(stored.state)).hexdigest()[:16]

    def _select(self, org_id: str, **kwargs: Any) -> list[Any]:
        try:
            return list(self.recorder.select_events(uuid.UUID(org_id), **kwargs))
        except Exception as err:
            raise LogUnavailable(type(err).__name__) from None

    def tip(self, org_id: str) -> tuple[int, str] | None:
        found = self._select(org_id, desc=True, limit=1)
        return (found[0].originator_version, self.tag_of(found[0])) if found else None

    def tag(self, org_id: str, version: int) -> str | None:
        found = self._select(org_id, gt=version - 1, lte=version, limit=1)
        return self.tag_of(found[0]) if found else None


def model_path(env: Any, schema: str, table: str) -> Path | None:
    """Where this machine keeps the read model of a PostgreSQL store: a SQLite file in
    `ORGSIM_CACHE_DIR` (else `$XDG_CACHE_HOME/orgsim`, else `~/.cache/orgsim`), named by a hash of the
    server, database, user, schema and table (never the password), readable by this user only (made
    so, never through a link, never another user's file). None when `ORGSIM_CACHE` is `off` or the file
    cannot be had: every read then replays."""
    if os.environ.get("ORGSIM_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    folder = os.environ.get("ORGSIM_CACHE_DIR") or ""
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "orgsim")
    where = "\0".join(
        str(env.get(k) or "") for k in ("POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DBNAME", "POSTGRES_USER")
    )
    name = hashlib.sha256(f"{where}\0{schema}\0{table}".encode()).hexdigest()[:20]
    path = Path(folder) / f"postgres-{name}.sqlite"
    try:
        Path(folder).mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)  # not through a link
        try:
            info = os.fstat(fd)
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                return None  # somebody else's file: not ours to read or write
            if info.st_mode & 0o077:
                os.fchmod(fd, 0o600)  # the organisation's data: for this user only
        finally:
            os.close(fd)
    except OSError:
        return None
    return path


class OrgsimApp(Application):
    """Organisations and their cited changes, in one event store."""

    name = "Orgsim"
    is_snapshotting_enabled = True  # a command loads its aggregate from the snapshot taken after each save
    MAX_RETRIES = 50
    #: Wait before retry n: a random pause up to BACKOFF * 2**n seconds (capped), so that two busy
    #: writers stop meeting at the same moment and neither starves.
    BACKOFF = 0.002
    #: A load turns its pending domain events into stored events after every this many records (the
    #: library's `collect_events` pops each from the front of the list: quadratic in its length).
    LOAD_CHUNK = 1000
    #: On PostgreSQL, a load writes its stored events this many to a statement (see `_insert_all`).
    PG_CHUNK = 2000

    #: A PostgreSQL store's local model catches up with at most this many new events (see `_catch_up`).
    CATCH_UP_MAX = 1000
    #: … of which at most this many dated before the model's last fact (each goes through the facts after it).
    CATCH_UP_REFOLDS = 5
    #: A replay reads the stored events this many at a time (see `replayed`).
    REPLAY_PAGE = 10_000

    def construct_factory(self, env: Any) -> Any:
        """The library's factory; over PostgreSQL, its pool is first asked for a connection here, so that
        a server that cannot be reached is a prompt `StoreError` naming why (see `first_connection`)."""
        factory = super().construct_factory(env)
        datastore = getattr(factory, "datastore", None)
        if type(datastore).__name__ == "PostgresDatastore":
            first_connection(datastore)
        return factory

    # --- reading -----------------------------------------------------------------------------------
    def organisations(self) -> list[str]:
        try:
            return list(self.repository.get(Directory.ID).names)
        except AggregateNotFoundError:
            return []

    def organisation(self, name: str | None = None) -> Organisation:
        """The named organisation's aggregate (from its snapshot), or the store's only one."""
        name = self._org_name(name)
        try:
            return self.repository.get(organisation_id(name))
        except AggregateNotFoundError:
            known = ", ".join(self.organisations()) or "none"
            raise StoreError(f"no organisation {name!r} in the store (it holds: {known})") from None

    def replayed(self, org: str | None = None) -> Replayed:
        """The organisation's history folded from its stored events, read `REPLAY_PAGE` at a time (the
        whole log at once held 396 MB at the peak for 232,000 events, paged 257 MB)."""
        name = self._org_name(org)
        oid, events, last = organisation_id(name), [], None
        while True:
            page = list(self.events.get(oid, gt=last, limit=self.REPLAY_PAGE))
            events.extend(page)
            if len(page) < self.REPLAY_PAGE:
                break
            last = page[-1].originator_version
        if not events:
            known = ", ".join(self.organisations()) or "none"
            raise StoreError(f"no organisation {name!r} in the store (it holds: {known})")
        timeline, version = timeline_of(name, events)
        return Replayed(timeline, version)

    def timeline(self, org: str | None = None, as_known_at: datetime | None = None) -> Timeline:
        return self.replayed(org).timeline().as_known_at(as_known_at)

    def chart(
        self,
        at: date,
        org: str | None = None,
        as_known_at: datetime | None = None,
        alumni: bool | str = True,
        events: bool = True,
    ) -> OrgChart:
        """The chart on day `at` (from the read model when the store has one; `alumni=False`, or "open"
        for those whose departure date is still open that day, lets it skip the alumni, and
        `events=False` the rows' event ids, which only the replay path then still computes)."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    return view.chart(at, alumni=alumni, events=events)
        return chart_at(self.timeline(org, as_known_at), at)

    def compare(
        self, a: date, b: date, org: str | None = None, as_known_at: datetime | None = None, whole: bool = False
    ) -> Compared:
        """What changed between days `a` and `b`. From the read model, a set-based query reads only the
        rows that differ on the two days (`View.diff_charts`); `whole`: both whole charts, and the
        timeline a picture draws from."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    if whole:
                        chart_a, chart_b, names = view.chart(a), view.chart(b), {}
                    else:
                        chart_a, chart_b, names = view.diff_charts(a, b)
                    view.facts.fetch(cited_by_diff(chart_a, chart_b))
                    d = chart_diff(chart_a, chart_b, view.facts.fetched())
                    cited = {e for c in d.changes for e in c.events}
                    view.facts.fetch(cited)
                    if not whole:
                        return Compared(d, view.facts.fetched(), names)
                    drawn = cited | {x.event for x in (*chart_a.alumni, *chart_b.alumni)}
                    drawn |= {e for chart in (chart_a, chart_b) for r in chart.rows for e in r.events}
                    stored = view.timeline(drawn)  # (read now: the picture is drawn after the view is closed)
                    timeline = StoredTimeline(
                        view.name,
                        dict(view.people.items()),
                        stored.facts,
                        (),
                        lookup=dict(view.facts.fetched()),
                        stored_log_hash=stored.stored_log_hash,
                    )
                    return Compared(d, view.facts.fetched(), names, timeline)
        timeline = self.timeline(org, as_known_at)
        facts = timeline.counted_map()
        return Compared(chart_diff(chart_at(timeline, a), chart_at(timeline, b), facts), facts, {}, timeline)

    # --- the read model (see orgsim/readmodel.py) ---------------------------------------------------
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

    def _org_name(self, name: str | None) -> str:
        if name is not None:
            return name
        names = self.organisations()
        if not names:
            raise StoreError("the store holds no organisation yet: run `orgsim load` first")
        if len(names) > 1:
            raise StoreError(f"the store holds several organisations ({', '.join(names)}): pass --org NAME")
        return names[0]

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

    def _catch_up(self, model: ReadModel, oid: str) -> bool | None:
        """Bring a PostgreSQL store's local model up to the server's log without a replay, when the
        model is a prefix of the log and at most `CATCH_UP_MAX` events follow, each a new person or a
        fact (news from another machine). A fact that lands after every effective one is applied as an
        `append` at the tip does it (the aggregate seeded from the model, the event's own `apply`
        through the rules' kept fold); one dated earlier, a retraction or a correction, as the same
        command here does it (`Refold`, at most `CATCH_UP_REFOLDS` of them). Each is written to the
        model, tagged with the log's event. False: too many: rebuild. None: the model moved meanwhile
        (another process of this machine): look again."""
        refolds = 0
        while True:  # (each pass writes at least one event, or ends)
            done = self._catch_up_pass(model, oid, refolds < self.CATCH_UP_REFOLDS)
            if done == "refolded":
                refolds += 1
            elif done != "again":
                return done  # type: ignore[return-value]

    def _catch_up_pass(self, model: ReadModel, oid: str, may_refold: bool) -> bool | str | None:
        """One pass of `_catch_up` from the model as it stands. At a backdated fact: "refolded" once it
        is written, or "again" when the facts before it were (either way the next pass goes on from
        the model as written)."""
        view = model.prefix_view(oid)
        if view is None:
            return False
        with view:
            try:
                after = list(self.recorder.select_events(uuid.UUID(oid), gt=view.version, limit=self.CATCH_UP_MAX + 1))
            except Exception as err:
                raise LogUnavailable(type(err).__name__) from None
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
                    if not may_refold or target is None:
                        return False
                    replacement = None
                    if isinstance(event, Organisation.Corrected):  # its replacement is the next event
                        stored = next(events, None)
                        following = to_domain(stored) if stored is not None else None
                        if not isinstance(following, FactEvent) or following.fact_id != event.replacement:
                            return False
                        replacement = following.fact()
                    try:
                        record.check(replacement, target)
                    except OrgsimError:
                        return False
                    record.withdrawn(event.retraction())
                    if replacement is not None:
                        record.added(replacement)
                    return "refolded" if model.write_changes(record, start, RecorderLog.tag_of(stored)) else None
                if not isinstance(event, FactEvent):
                    return False  # (no other kind of event is stored)
                fact = event.fact()
                if not record.lands_last(fact):  # from its day on
                    if start != view.version:
                        return "again"  # the model moved here: the next pass begins with this fact
                    if not may_refold:
                        return False
                try:
                    record.check(fact)
                except OrgsimError:
                    return False
                record.added(fact)
                written = model.write_changes(record, start, RecorderLog.tag_of(stored))
                if record.refold is not None:
                    return "refolded" if written else None
                if not written:
                    return None
                start = record.version
            return not record.new_people  # people added with no fact after them: rebuild (rare)

    def rebuild(self, org: str | None = None, replayed: Replayed | None = None, checked: bool = False) -> None:
        """Rebuild the organisation's read model from its stored events (one replay, one write
        transaction); `replayed`: that replay, already made (`checked`: by the command that just saved it)."""
        model = self.read_model()
        if model is None:
            return
        replayed = replayed or self.replayed(org)
        built = build(replayed.timeline(), replayed.version, checked=checked)
        model.write(organisation_id(replayed.name).hex, built, replayed.version)

    # --- history and provenance (both clocks: `as_known_at` cuts by recording time) -----------------
    def log_entries(
        self,
        org: str | None = None,
        as_known_at: datetime | None = None,
        order: str = "effective",
        person: str | None = None,
        start: PartialDate | None = None,
        end: PartialDate | None = None,
        kinds: tuple[str, ...] = (),
    ) -> list[LogEntry]:
        """The event log (`Application.log` is the library's own), filtered; `person` is an id, name or alias.
        As known now, it comes from the read model when the store has one (the facts that may match —
        one person's, a range of dates', or all — then the same `select`), not a replay."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    pid = view.resolve(person) if person is not None else None
                    found = (
                        view.about(pid)
                        if pid is not None
                        else view.between(
                            start.start if start is not None else None, end.end if end is not None else None
                        )
                    )
                    return select(log(found, order), pid, start, end, kinds)
        replayed = self.replayed(org)
        pid = replayed.resolve(person) if person is not None else None
        return select(log(replayed.timeline().as_known_at(as_known_at), order), pid, start, end, kinds)

    def history(self, person: str, org: str | None = None, as_known_at: datetime | None = None) -> History:
        """A person's tenures (titles, managers, leaves, departures) as the store knew them (as known
        now: from the read model's versions of their row when the store has one, not a replay)."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    pid = view.resolve(person)
                    return history(view.about(pid), pid, folded=view.steps_of(pid))
        replayed = self.replayed(org)
        return history(replayed.timeline().as_known_at(as_known_at), replayed.resolve(person))

    def why(self, person: str, at: date, org: str | None = None, as_known_at: datetime | None = None) -> Why:
        """The events behind a person's row on day `at`, as the store knew them (as known now: from the
        read model when the store has one, not a replay)."""
        if as_known_at is None:
            view = self.view(org)
            if view is not None:
                with view:
                    return self._why_in(view, view.resolve(person), at)
        replayed = self.replayed(org)
        return why(replayed.timeline().as_known_at(as_known_at), replayed.resolve(person), at)

    @staticmethod
    def _why_in(view: View, pid: str, at: date) -> Why:
        """`why` from the read model: the row (or alumni entry) on `at` as the chart reads it, the
        person's fold steps up to `at`, and only the facts the answer names."""
        row = view.chart(at, alumni=False, persons=[pid]).row(pid)
        gone = view.alumnus(pid, at) if row is None else None
        alumnus, departed = gone if gone is not None else (None, [])
        ids = list(dict.fromkeys(row.events if row is not None else departed))
        view.facts.fetch(ids)
        timeline = Timeline(view.name, view.people, tuple(view.facts[i] for i in ids))  # type: ignore[arg-type]
        return why(timeline, pid, at, found=(row, alumnus, departed), folded=view.steps_of(pid, at))

    def has_tables(self) -> bool:
        """Whether a server database already holds orgsim's tables (SQLite files and memory always do)."""
        datastore = getattr(self.recorder, "datastore", None)
        if type(datastore).__name__ != "PostgresDatastore":
            return True
        with datastore.transaction(commit=False) as curs:
            curs.execute("SELECT to_regclass(%s) AS t", (f"{datastore.schema}.{self.name.lower()}_events",))
            return curs.fetchone()["t"] is not None

    def event_count(self) -> int:
        """How many events the store holds (every aggregate): what a failed command must not change.
        Counted, not read off the last notification id: a PostgreSQL sequence skips ids on conflicts."""
        recorder = self.recorder
        table = getattr(recorder, "events_table_name", None)
        datastore = getattr(recorder, "datastore", None)
        if table is None or datastore is None:
            return recorder.max_notification_id() or 0
        if type(datastore).__name__ == "PostgresDatastore":  # its tables live in a schema
            table = f"{datastore.schema}.{table}"
        with datastore.transaction(commit=False) as curs:
            curs.execute(f"SELECT count(*) AS n FROM {table}")
            row = curs.fetchone()
        return int(row["n"] if isinstance(row, dict) else row[0])

    # --- writing -----------------------------------------------------------------------------------
    def _back_off(self, attempt: int) -> None:
        """Wait before attempt `attempt` (from 1) of a command that met a concurrent writer."""
        time.sleep(random.uniform(0, self.BACKOFF * 2 ** min(attempt, 7)))

    def _open(
        self, name: str | None, create: bool, replay: bool
    ) -> tuple[Organisation | None, Record, list[Any], View | None]:
        """The organisation's aggregate at its latest version (from its snapshot), a record of its
        history at that same version (the fresh read model's when the store has one, else a replay),
        the other aggregates to save with it (a new store's directory), and the view to close (`replay`:
        a replay whatever the store has, for a load of many changes, each checked in O(1)); no
        aggregate when the log moved between the two reads (try again)."""
        if create and name and name.casefold() not in (n.casefold() for n in self.organisations()):
            organisation = Organisation(name)
            try:
                directory = self.repository.get(Directory.ID)
            except AggregateNotFoundError:
                directory = Directory()
            directory.list(name)
            return organisation, Replayed(Timeline(name, {}, ()), organisation.version), [directory], None
        view = self.view(name) if not replay else None
        record: Record = ModelRecord(view) if view is not None else self.replayed(name)
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
        replay: bool = False,
    ) -> T:
        """The one way every command writes: get the organisation and a record of its history at the
        same version → `work` (its checks, its events) → save (unless `dry_run`), then bring the read
        model up to date with what was saved. A concurrent writer's conflict starts again on fresh
        state. `save(*aggregates)` stores their pending events in one transaction (default:
        `Application.save`)."""
        for attempt in range(self.MAX_RETRIES):
            if attempt:
                self._back_off(attempt)
            organisation, record, pending, view = self._open(name, create, replay)
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
        try:
            self.snapshots.put([Snapshot.take(organisation)])
        except IntegrityError:
            pass

    def _project(self, record: Record, old_version: int) -> None:
        """The read model brought up to date with what a command on `record` saved. It is only a cache:
        when this fails (e.g. the file is busy), the next read finds it stale and rebuilds it."""
        model = self.read_model()
        if model is None:
            return
        try:
            if isinstance(record, ModelRecord):
                model.write_changes(record, old_version)
            elif isinstance(record, Replayed):
                self.rebuild(replayed=record, checked=True)
        except (sqlite3.Error, LogUnavailable):
            pass

    def load(
        self, dataset: Dataset, timestamp: datetime | None = None, progress: Callable[[int], None] | None = None
    ) -> LoadReport:
        """Load a dataset all or nothing, in ONE transaction; what is already stored is skipped, so loading
        twice adds nothing. `progress(n)` is called after each of the dataset's events is checked.

        Every event is checked first, against a replay of the organisation's history (each fact that
        lands after every other in O(1)). Meanwhile the aggregate's pending events are turned into the
        library's stored events a chunk at a time (its mapper, as `Application.save` does), so a large
        file never holds all its domain events at once; then the recorder's `insert_events` writes
        them all in one transaction (what `Application.save` calls)."""
        stored: list[StoredEvent] = []
        to_stored = self.mapper.to_stored_event

        def work(org: Organisation, record: Record) -> LoadReport:
            stored.clear()
            people = events = skipped = 0
            for p in dataset.people:
                if p.id not in record.people:
                    org.add_person(record, p.id, p.name, p.aliases, p.source, timestamp=timestamp)
                    people += 1
            for n, rec in enumerate(dataset.events, start=1):
                try:
                    added, done = self._apply_record(org, record, rec, timestamp)
                except OrgsimError as err:  # name the record that failed
                    message = str(err)
                    if rec.where and not message.startswith(rec.where):
                        raise type(err)(f"{rec.where}: {message}") from None
                    raise
                people += added
                events += done
                skipped += not done
                if n % self.LOAD_CHUNK == 0:
                    stored.extend(map(to_stored, org.collect_events()))
                if progress is not None:
                    progress(n)
            return LoadReport(org.name, people, events, skipped)

        def save(*aggregates: Any) -> None:
            for aggregate in aggregates:
                stored.extend(map(to_stored, aggregate.collect_events()))
            try:
                self._insert_all(stored)
            finally:
                stored.clear()

        return self._command(dataset.organisation, work, create=True, save=save, replay=True)

    def _insert_all(self, stored: list[StoredEvent]) -> None:
        """Write stored events in ONE transaction (what `Application.save` calls)."""
        self.recorder.insert_events(stored)

    def _apply_record(
        self, org: Organisation, record: Record, rec: Any, timestamp: datetime | None
    ) -> tuple[int, bool]:
        """One command of a dataset → (people added, stored?). Already stored: not stored again."""
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
        added = self._ensure_person(org, record, rec, timestamp)
        try:
            fact = self._propose(org, record, rec)
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
            "title": rec.title,
            "manager": record.resolve(rec.manager) if rec.manager else None,
            "destination": rec.destination,
            "until": rec.until,
            "source": rec.source,
        }

    def record(
        self, rec: EventRecord, org: str | None = None, dry_run: bool = False, timestamp: datetime | None = None
    ) -> Recorded:
        """Check one change against the whole timeline and store it (unless `dry_run`)."""

        def work(organisation: Organisation, record: Record) -> Recorded:
            self._ensure_person(organisation, record, rec, timestamp)
            fact = organisation.record(record, self._propose(organisation, record, rec), timestamp=timestamp)
            assert isinstance(record, ModelRecord | Replayed)
            before, after, facts = record.around(fact) if isinstance(record, ModelRecord) else around(record, fact)
            return Recorded(fact, before, after, not dry_run, facts)

        return self._command(org, work, dry_run=dry_run)

    def slow_check_ahead(self, rec: EventRecord, org: str | None = None, over: int = 50_000) -> int | None:
        """How many stored facts `record(rec)` goes through again, when the change is dated before the
        last fact (every fact after its day, through the rules: `Refold`) and they are more than
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
    ) -> Amendment:
        """Retract a stored fact and record its corrected version, in one save (or, on a dry run, none).

        `changes` may set `on`, `title`, `manager` (an id, name or alias), `destination`, `until`, `source`.
        A `source` changes only the parts it gives (`document`, `quote`, `url`, `note`): a new quote
        keeps the old document, and the result must pass `check_source` (e.g. the quote is in the
        document), before anything is stored.
        """

        def work(organisation: Organisation, record: Record) -> Amendment:
            wanted = dict(changes)
            if wanted.get("manager"):
                wanted["manager"] = record.resolve(wanted["manager"])
            if wanted.get("source"):
                wanted["source"] = {**record.fact(ref).source, **wanted["source"]}
                if check_source is not None:
                    check_source(wanted["source"])
            retraction, fact = organisation.correct(record, ref, reason, wanted, timestamp=timestamp)
            return self._amendment(record, retraction, fact, not dry_run)

        return self._command(org, work, dry_run=dry_run)

    @staticmethod
    def _amendment(record: Record, retraction: Retraction, fact: Fact | None, stored: bool) -> Amendment:
        assert isinstance(record, ModelRecord | Replayed)
        if isinstance(record, ModelRecord):
            target, effects, facts = record.amended(retraction, fact)
        else:
            target, effects, facts = amended(record, retraction, fact)
        return Amendment(retraction, target, fact, effects, facts, stored)

    def export(self, org: str | None = None) -> Iterator[dict[str, Any]]:
        """The organisation's history as import records (see `interchange.export_records`): streamed
        from the read model where the store has one (no replay), else from the replayed timeline."""
        view = self.view(org)
        if view is None:
            yield from export_records(self.timeline(org))
            return
        with view:
            yield from history_records(view.people_in_order(), view.every_fact(), view.retractions())

    @staticmethod
    def _ensure_person(org: Organisation, record: Record, rec: EventRecord, timestamp: datetime | None) -> int:
        """`appointed` with an unknown person creates them; returns 1 when it did."""
        if rec.kind != "appointed":
            return 0
        known = _lookup(record, rec.person) if name_key(rec.person) else None
        where = rec.where + ": " if rec.where else ""
        if known is not None:
            name = record.people[known]["name"]
            if rec.name and name_key(rec.name) != name_key(name):
                raise RecordError(
                    f"{where}{rec.person!r} is already {name} ({known}); "
                    f"--name only names a new person: give the new person a new id"
                )
            mine = {name_key(k) for k in (known, name, *record.people[known]["aliases"])}
            extra = [a for a in rec.aliases if name_key(a) not in mine]
            if extra:
                raise RecordError(
                    f"{where}{rec.person!r} is already {name} ({known}); --alias only names a new person "
                    f"(not stored: {', '.join(extra)})"
                )
            return 0
        if not rec.name and not rec.where:  # typed at the CLI without --name: a near miss is a typo, not a new person
            try:
                record.resolve(rec.person)
            except UnknownPersonError as err:
                if "did you mean" in str(err):
                    raise UnknownPersonError(f"{where}{err} To add a new person, give --name.") from None
        pid = rec.person if PERSON_ID.match(rec.person) else slugify(rec.name or rec.person)
        if not pid:
            raise RecordError(f"{rec.where or rec.person}: cannot make an id from {rec.person!r}: give an ASCII id")
        name = rec.name or (rec.person.replace("-", " ").title() if PERSON_ID.match(rec.person) else rec.person)
        aliases = list(rec.aliases) + ([rec.person] if rec.person != pid else [])
        org.add_person(record, pid, name, aliases, None, timestamp=timestamp)
        return 1

    @staticmethod
    def _propose(org: Organisation, record: Record, rec: EventRecord) -> Fact:
        person = record.resolve(rec.person)
        manager = record.resolve(rec.manager) if rec.manager else None
        return org.propose(
            record,
            rec.kind,
            person,
            rec.on,
            title=rec.title,
            manager=manager,
            destination=rec.destination,
            until=rec.until,
            source=rec.source,
        )


def _lookup(record: Record, text: str) -> str | None:
    """Like `record.resolve`, but None for someone unknown (without looking for close spellings, which
    costs a scan of every name: an import of thousands of new people must not pay it each time)."""
    if text.strip() not in record.people and not record.named(name_key(text)):
        return None
    return record.resolve(text)
