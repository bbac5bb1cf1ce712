"""The first connection to a PostgreSQL server: a server that cannot be reached is a prompt
`StoreError` naming libpq's reason, with every spelling of the password hidden."""

from __future__ import annotations

import os
import re
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from orgsim.errors import StoreError

__all__ = ["FIRST_CONNECTION_WAIT", "first_connection"]

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
