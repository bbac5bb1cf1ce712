"""The read-model tables of one SQLite file: found or migrated, read fresh (`view`), written whole."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from orgsim.readmodel.building import Built
from orgsim.readmodel.rows import events_of, fact_row, opens_of, write_people
from orgsim.readmodel.schema import FORMAT, INDEXES, LAYOUT_QUERY, SCHEMA, TABLES, layout
from orgsim.readmodel.view import View


class EventLog(Protocol):
    """Where a model kept apart from its event log (a PostgreSQL store's local copy) reads what the log
    holds now: an organisation's last stored event, as its version and a tag of its content."""

    def last_event(self, org_id: str) -> tuple[int, str] | None:
        """The version and tag of the organisation's last stored event (None: no such organisation)."""

    def tag(self, org_id: str, version: int) -> str | None:
        """The tag of the organisation's stored event at `version`."""


class LogUnavailable(Exception):
    """The event log could not be asked (a model kept apart from it is then not used)."""


class ModelFile:
    """The read-model tables of one SQLite file: the store's own file (beside the event log, read in
    the same transaction), or, with `log`, a file apart from the log (a PostgreSQL store's local copy),
    which is fresh only when the version AND the content tag of the log's last event are those it was
    built from, so a database dropped and made again with another history is never mistaken for it."""

    #: Seconds a connection waits for another process's write transaction before giving up.
    BUSY_TIMEOUT = 30.0

    def __init__(self, path: str, log: EventLog | None = None) -> None:
        self.path = path
        self.log = log

    def _log_version(self, conn: sqlite3.Connection, org_id: str) -> tuple[int | None, str | None]:
        """The log's last version of the organisation (None: not there) and, for a log apart, its tag."""
        if self.log is None:
            return self.stored_version(conn, org_id), None
        return self.log.last_event(org_id) or (None, None)

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        if self.log is not None:  # a file of our own (a store's file is in WAL mode already, by the library):
            conn.execute("PRAGMA journal_mode=WAL")  # a reader never holds up this machine's writers
            conn.execute("PRAGMA synchronous=NORMAL")  # a copy: a write lost to a power cut is rebuilt
        present = dict(conn.execute(LAYOUT_QUERY).fetchall())
        if any(present.get(name) != sql for name, sql in layout().items()):  # a new store, or an older layout
            self._migrate(conn)  # (objects of other names are left alone)
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Bring the model's tables to this version's layout (SCHEMA) in one write transaction. A table
        laid out otherwise (e.g. with a rowid where it now has none) is dropped and made anew, empty,
        and a missing one made; either way the meta goes too, so the model is rebuilt from the event log
        on next use (it is derived data). An index laid out otherwise is made anew; a missing one is made."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            present = dict(conn.execute(LAYOUT_QUERY).fetchall())
            wanted = layout()
            stale = [t for t in TABLES if present.get(t) != wanted[t]]  # laid out otherwise, or missing
            for table in ("orgsim_rm_meta", *stale) if stale else ():  # a model missing a table is no model
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            for name in wanted.keys() - set(TABLES):  # an index of that name made otherwise: made anew below
                if name in present and present[name] != wanted[name]:
                    conn.execute(f"DROP INDEX IF EXISTS {name}")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): committed when the block ends with it still open,
        rolled back on any error, the connection closed either way."""
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            if conn.in_transaction:
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    @staticmethod
    def stored_version(conn: sqlite3.Connection, org_id: str) -> int | None:
        row = conn.execute(
            "SELECT MAX(originator_version) FROM stored_events WHERE originator_id = ?", (org_id,)
        ).fetchone()
        return row[0] if row else None

    def view(self, org_id: str) -> View | int | None:
        """The fresh model (an open read transaction), or the stored version when the model is stale or
        missing (the caller rebuilds), or None when the store has no such organisation."""
        conn = self.connect()
        conn.execute("BEGIN")
        try:
            version, tag = self._log_version(conn, org_id)
            if version is None:
                conn.execute("COMMIT")
                conn.close()
                return None
            row = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (org_id,)).fetchone()
            meta = json.loads(row[1]) if row is not None and row[0] == version else None
            if meta is None or meta.get("format") != FORMAT or meta.get("tag") != tag:
                conn.execute("COMMIT")
                conn.close()
                return version
            return View(conn, org_id, version, meta, self.connect, row[1])
        except BaseException:
            conn.close()
            raise

    def prefix_view(self, org_id: str) -> View | None:
        """For a model apart from its log: the model as it stands, at its own version, when it is a
        prefix of the log (the log holds, at that version, the very event it was built from, by its
        tag), to bring it up to date with the events after it; None otherwise."""
        if self.log is None:
            return None
        conn = self.connect()
        conn.execute("BEGIN")
        try:
            row = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (org_id,)).fetchone()
            meta = json.loads(row[1]) if row is not None else None
            if (
                meta is None
                or meta.get("format") != FORMAT
                or meta.get("tag") is None
                or self.log.tag(org_id, row[0]) != meta["tag"]
            ):
                conn.execute("COMMIT")
                conn.close()
                return None
            return View(conn, org_id, row[0], meta, self.connect, row[1])
        except BaseException:
            conn.close()
            raise

    def _moving_on(
        self,
        conn: sqlite3.Connection,
        org_id: str,
        old_version: int,
        new_version: int,
        meta: dict[str, Any],
        tag: str | None,
    ) -> tuple[bool, str | None]:
        """In a write transaction, before a change in place from `old_version` to `new_version`: whether
        it may go on, and the tag to record (for a log apart); not (rolled back) when the model is not
        at `old_version` of the build `meta` is from, or the log is not at `new_version`."""
        row = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (org_id,)).fetchone()
        version = new_version if tag is not None and self.log is not None else None
        if version is None:
            version, tag = self._log_version(conn, org_id)
        if (
            row is None
            or row[0] != old_version
            or version != new_version
            or json.loads(row[1]).get("built_at") != meta.get("built_at")
        ):  # rebuilt meanwhile: tenures differ
            conn.execute("ROLLBACK")
            return False, None
        return True, tag

    def write(self, org_id: str, built: Built, version: int, replace: bool = False) -> None:
        """Replace the organisation's model by `built` (tagged `version`) in one write transaction."""
        tag = self.log.tag(org_id, version) if self.log is not None else None
        with self._writing() as conn:
            row = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (org_id,)).fetchone()
            if row is not None and row[0] >= version and not replace:
                now = json.loads(row[1])
                if (row[0], now.get("tag")) == self._log_version(conn, org_id) and now.get("format") == FORMAT:
                    conn.execute("COMMIT")  # someone else already wrote a model at least as new
                    return
            for table in ("meta", "rows", "alumni", "tenures", "facts", "people", "names"):
                conn.execute(f"DELETE FROM orgsim_rm_{table} WHERE org_id = ?", (org_id,))
            alone = conn.execute("SELECT count(*) FROM orgsim_rm_meta").fetchone()[0] == 0
            if alone:  # the only organisation: its indexes are built once after the rows, not row by row
                for name, _ in INDEXES:
                    conn.execute(f"DROP INDEX {name}")
            conn.executemany(
                "INSERT INTO orgsim_rm_rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ([org_id, *r] for r in built.rows)
            )
            conn.executemany(
                "INSERT INTO orgsim_rm_alumni VALUES (?,?,?,?,?,?,?,?,?,?)", ([org_id, *r] for r in built.alumni)
            )
            conn.executemany(
                "INSERT INTO orgsim_rm_tenures VALUES (?,?,?,?)",
                ((org_id, n, events_of(s), opens_of(s)) for n, s in built.tenures.items()),
            )
            conn.executemany(
                "INSERT INTO orgsim_rm_facts VALUES (?,?,?,?,?,?)",  # by id: the key index grows at its end
                (fact_row(org_id, f) for f in sorted(built.facts, key=lambda f: f.id)),
            )
            write_people(conn, org_id, built.people)
            if alone:
                for _, ddl in INDEXES:
                    conn.execute(ddl)
            # "built_at": the version a whole build was made at (a build is deterministic: two at one version
            # number their tenures alike); appends keep it, so a model rebuilt meanwhile is told apart
            meta = {**built.meta, "built_at": version, **({"tag": tag} if tag is not None else {})}
            conn.execute(
                "INSERT INTO orgsim_rm_meta VALUES (?,?,?)", (org_id, version, json.dumps(meta, ensure_ascii=False))
            )
