"""A PostgreSQL store that cannot be opened: one line naming why, exit code 1, never the password.

Every case runs the real CLI against a real server (the tests' throwaway one, and one started here
with password authentication) or a real socket (a port where nothing listens, one that never answers).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pgserver
import pytest
from conftest import ROOT

from orgsim.application import _connection_failure

SECRET = "s3cr3t-XYZ"
RIGHT = "right-pw-42"


def _orgsim(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI in a fresh process; PGPASSWORD is the distinctive secret too (the URL's wins)."""
    full = {k: v for k, v in os.environ.items() if k not in ("ORGSIM_STORE", "PGCONNECT_TIMEOUT")}
    full.update({"PGPASSWORD": SECRET, **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "orgsim", *args], capture_output=True, text=True, env=full, cwd=ROOT, timeout=120
    )


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    """The single line on stderr of a failed command, checked for what must never be there."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert SECRET not in result.stderr and RIGHT not in result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    return result.stderr.rstrip("\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def password_server():
    """A second throwaway server that asks for a password (the tests' usual one trusts everybody)."""
    server = pgserver.start(password=RIGHT)
    if server is None:  # as for the usual server: a missing PostgreSQL is a failure, never a skip
        pytest.fail("PostgreSQL is needed for the store tests: run `make test` (it installs it)")
    try:
        yield server.url
    finally:
        server.stop()


def test_a_missing_database_is_named(postgres_server):
    parts = urlsplit(postgres_server)
    url = f"postgresql://{parts.username}:{SECRET}@{parts.hostname}:{parts.port}/no_such_db"
    line = _one_line_error(_orgsim("show", "--store", url))
    assert line == (
        f"Error: cannot connect to PostgreSQL at {parts.hostname}:{parts.port}/no_such_db as "
        f'{parts.username}: database "no_such_db" does not exist'
    )


def test_a_port_where_nothing_listens_is_connection_refused():
    port = _free_port()
    line = _one_line_error(_orgsim("show", "--store", f"postgresql://ann:{SECRET}@127.0.0.1:{port}/org"))
    assert line == f"Error: cannot connect to PostgreSQL at 127.0.0.1:{port}/org as ann: connection refused"


def test_the_store_from_the_environment_fails_the_same_way():
    port = _free_port()
    line = _one_line_error(_orgsim("log", env={"ORGSIM_STORE": f"postgresql://ann@127.0.0.1:{port}/org"}))
    assert line == f"Error: cannot connect to PostgreSQL at 127.0.0.1:{port}/org as ann: connection refused"


def test_an_unknown_host_is_named():
    line = _one_line_error(_orgsim("show", "--store", f"postgresql://ann:{SECRET}@no-such-host.invalid/org"))
    assert line.startswith(
        "Error: cannot connect to PostgreSQL at no-such-host.invalid:5432/org as ann: "
        "unknown host no-such-host.invalid ("
    )


def test_a_server_that_never_answers_times_out_and_says_so():
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        result = _orgsim(
            "show", "--store", f"postgresql://ann:{SECRET}@127.0.0.1:{port}/org", env={"PGCONNECT_TIMEOUT": "2"}
        )
    line = _one_line_error(result)
    assert line.startswith(f"Error: cannot connect to PostgreSQL at 127.0.0.1:{port}/org as ann: timed out: ")
    assert "PGCONNECT_TIMEOUT" in line


@pytest.mark.parametrize("where", ["url", "pgpassword"])
def test_a_wrong_password_is_named_and_never_printed(password_server, where):
    parts = urlsplit(password_server)
    login = f"{parts.username}:{SECRET}" if where == "url" else parts.username
    url = f"postgresql://{login}@{parts.hostname}:{parts.port}/postgres"
    line = _one_line_error(_orgsim("load", "--store", url))
    assert line == (
        f"Error: cannot connect to PostgreSQL at {parts.hostname}:{parts.port}/postgres as "
        f'{parts.username}: password authentication failed for user "{parts.username}"'
    )
    # the right password connects, and the failed load wrote nothing: there is still no store
    shown = f"postgresql://{parts.username}:***@{parts.hostname}:{parts.port}/postgres"
    right = _one_line_error(_orgsim("show", "--store", password_server))
    assert (
        right
        == f"Error: no store at {shown}: start one with `orgsim init --org NAME`, or fill one with `orgsim import FILE` (--store)"
    )


def test_a_role_at_its_connection_limit_is_waited_for_not_refused(pg_store):
    """Too many connections passes: the command is not refused at once but waits (as the pool always
    did). Once the other connection ends it goes on, here to the ordinary answer about an empty
    database — when the pool's own retry comes in time. In full CI runs the pool (psycopg_pool, its
    retries 1, 2, 4… s apart, a failed growing attempt not retried) sometimes did not recover within
    even 40 s; then the answer is the pool's timeout, still one line naming the store."""
    import psycopg

    parts = urlsplit(pg_store)
    role = "busy_" + parts.path.rsplit("_", 1)[-1]
    admin = dict(host=parts.hostname, port=parts.port, dbname=parts.path.lstrip("/"), autocommit=True)
    with psycopg.connect(**admin, user=parts.username) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 1")  # not a superuser: the limit holds
    try:
        held = psycopg.connect(**admin, user=role)  # the role's only connection
        command = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "orgsim",
                "show",
                "--store",
                f"postgresql://{role}@{parts.hostname}:{parts.port}{parts.path}",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # the pool retries a refused connection after 1, 2, 4… s: with the default
            # 10 s wait, a loaded CI machine could time out before the retry that succeeds
            env={**{k: v for k, v in os.environ.items() if k != "ORGSIM_STORE"}, "PGCONNECT_TIMEOUT": "40"},
        )
        waited = False
        try:  # a moment for the command to meet the limit (a command that gave up is over by then)
            out, err = command.communicate(timeout=1.5)
        except subprocess.TimeoutExpired:
            waited = True
            held.close()
            out, err = command.communicate(timeout=120)
        store = f"postgresql://{role}@{parts.hostname}:{parts.port}{parts.path}"
        assert waited, err  # not refused at once
        assert command.returncode == 1 and out == ""
        assert err in (
            f"Error: no store at {store}: start one with `orgsim init --org NAME`, or fill one with `orgsim import FILE` (--store)\n",
            f"Error: cannot open the store {store}: couldn't get a connection after 40.00 sec\n",
        ), err
    finally:
        with psycopg.connect(**admin, user=parts.username) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_libpq_reasons_become_the_end_of_one_line():
    several = (
        'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused\n'
        "\tIs the server running on that host and accepting TCP/IP connections?\n"
        "Multiple connection attempts failed. All failures were:\n"
        "- host: 'localhost', port: '1', hostaddr: '::1': connection failed: connection to server at "
        '"::1", port 1 failed: Cannot assign requested address\n'
        "- host: 'localhost', port: '1', hostaddr: '127.0.0.1': connection failed: connection to "
        'server at "127.0.0.1", port 1 failed: Connection refused'
    )
    assert _connection_failure(several) == "connection refused"
    assert (
        _connection_failure(
            'connection failed: connection to server at "h" (10.0.0.1), port 5432 failed: '
            'FATAL:  role "x" does not exist'
        )
        == 'role "x" does not exist'
    )
    assert _connection_failure(
        'connection failed: connection to server at "h", port 5432 failed: fe_sendauth: no password supplied'
    ).startswith("the server asks for a password")
