"""Choosing and opening a store: `:memory:`, a SQLite file (the default) or a PostgreSQL URL → the
library's settings → the application over it; a URL's password never shown; a failed first load leaves
no file behind."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from orgsim.application.app import OrgsimApp
from orgsim.application.connection import _redacted, _secrets
from orgsim.errors import StoreError

__all__ = ["DEFAULT_STORE", "is_server_url", "open_store", "redact", "removed_if_failed", "store_env"]

DEFAULT_STORE = "orgsim.db"


#: The schemes of a PostgreSQL URL, as libpq and SQLAlchemy-style tools write them (in any case).
_SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")  # a scheme (two letters or more: `C:/` is a path)


def is_server_url(store: str) -> bool:
    found = _URL.match(store)
    return found is not None and found.group(1).lower() in _SERVER_SCHEMES and store[found.end() :].startswith("/")


def redact(store: str) -> str:
    """A store as it may be printed: a URL's password — whatever stands between `USER:` and the last
    `@`, so that a password holding `/`, `#` or `@` unencoded is hidden whole — replaced by `***`."""
    if not _URL.match(store):
        return store
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]+:/+[^:/@]*):.*@", r"\1:***@", store)


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
    if parts.query or parts.fragment:  # (psycopg would honour ?sslmode=require: never drop it silently)
        raise StoreError(
            f"{shown}: orgsim passes no URL parameters to the server; set libpq's variables instead "
            "(sslmode=require: PGSSLMODE=require; see the README)"
        )
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
    if _URL.match(store):  # (`POSTGRESQL:/…`, `mysql://…` were taken for file names, password and all)
        raise StoreError(
            f"{redact(store)} is not a store orgsim can use: give a SQLite file or "
            "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB",
            fields=("store",),
        )
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
        raise StoreError(
            f"no store at {path}: start one for your organisation with `orgsim init --org NAME`, or fill one from "
            "a file of changes with `orgsim import FILE` (or `orgsim load FILE`), or name another store",
            fields=("store",),
        )
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
                raise StoreError(
                    f"no store at {shown}: start one with `orgsim init --org NAME`, or fill one with `orgsim import FILE`",
                    fields=("store",),
                )
            return app_
        except StoreError as err:
            raise StoreError(_redacted(str(err), secrets), fields=err.fields) from None
        except Exception as err:
            reason = " ".join(str(err).split()) or type(err).__name__
            if "concurrently" in reason and attempt < 4:
                continue
            raise StoreError(_redacted(f"cannot open the store {shown}: {reason}", secrets)) from None
    raise AssertionError("unreachable")


@contextmanager
def removed_if_failed(store: str | None) -> Iterator[None]:
    """Around a command that may create a SQLite store: if it fails, a file it created is removed, so
    a failed first load or import leaves nothing behind (an existing store is never touched)."""
    path = store_env(store).get(OrgsimApp.name.upper() + "_SQLITE_DBNAME")
    fresh = path if path is not None and not Path(path).exists() else None  # the file this command creates
    try:
        yield
    except BaseException:
        if fresh is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(fresh + suffix).unlink(missing_ok=True)
        raise


def _check_own_tables(path: Path) -> None:
    """Refuse a SQLite database that holds tables but not an event store's (someone else's database:
    opening it as a store added `stored_events` to it), read without writing a byte (`mode=ro`)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return  # (a damaged file: the store's own open says so, in one line)
    finally:
        db.close()
    if tables and "stored_events" not in tables:
        raise StoreError(
            f"{path} is a SQLite database but not an orgsim store (it holds {', '.join(sorted(tables)[:3])}"
            f"{'…' if len(tables) > 3 else ''}): name a store made by `orgsim init`, `import` or `load`",
            fields=("store",),
        )


def _check_sqlite_file(path: Path, create: bool) -> None:
    """Refuse to open (and so overwrite) anything but a SQLite file; an empty file only when creating."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a store: name a store's file", fields=("store",))
    if not path.exists():
        return
    if not path.is_file():  # (`--store /dev/null` left /dev/null-journal behind)
        raise StoreError(f"{path} is not a regular file: name a store's file", fields=("store",))
    with path.open("rb") as fh:
        head = fh.read(16)
    if head == b"SQLite format 3\x00":
        _check_own_tables(path)
        return
    if not head and create:
        return
    what = "an empty file" if not head else "not a SQLite file"
    raise StoreError(
        f"{path} is {what}, not an orgsim store: name a store made by `orgsim init`, `import` or `load`",
        fields=("store",),
    )
