"""A throwaway PostgreSQL server for the tests, and a fresh database per test.

`ORGSIM_TEST_POSTGRES=postgresql://USER@HOST:PORT/DB` names a server the tests may create databases
on (CI starts one, see `.ci/run`). Without it, a server is started here from the PostgreSQL binaries
when they are installed (PATH, /usr/local/bin, /usr/lib/postgresql/*/bin): a temporary data folder,
loopback only, a free port, as a non-root user when the tests run as root (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

__all__ = ["Server", "create_database", "drop_database", "find_binary", "start"]


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    brew = sorted(
        glob.glob(f"/opt/homebrew/opt/postgresql@*/bin/{name}") + glob.glob(f"/usr/local/opt/postgresql@*/bin/{name}")
    )
    for candidate in (
        [f"/usr/local/bin/{name}"] + sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True) + brew
    ):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running throwaway server; `stop()` ends it and removes its data."""

    def __init__(self, url: str, pg_ctl: str, data: Path, root: Path, as_user: list[str]) -> None:
        self.url, self._pg_ctl, self._data, self._root, self._as_user = url, pg_ctl, data, root, as_user

    def stop(self) -> None:
        subprocess.run(
            self._as_user + [self._pg_ctl, "-D", str(self._data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self._root, ignore_errors=True)


def start(password: str | None = None) -> Server | None:
    """Start a server, or None when PostgreSQL is not installed. Trust authentication; with `password`,
    password authentication (SCRAM) instead, the user `orgsim` having that password (it is in the URL)."""
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl and find_binary("postgres")):
        return None
    root = Path(tempfile.mkdtemp(prefix="orgsim-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the server as an unprivileged user
        user = next((u for u in ("postgres", "nobody") if _exists(u)), None)
        if user is None or not shutil.which("runuser"):
            return None
        os.chown(root, pwd.getpwnam(user).pw_uid, -1)
        as_user = ["runuser", "-u", user, "--"]
    data, port = root / "data", _free_port()
    auth = ["--auth=trust"]
    if password is not None:
        pwfile = root / "pwfile"
        pwfile.write_text(password + "\n")
        if as_user:
            os.chown(pwfile, pwd.getpwnam(as_user[2]).pw_uid, -1)
        auth = ["--auth=scram-sha-256", f"--pwfile={pwfile}"]
    subprocess.run(
        as_user + [initdb, "-D", str(data), "-U", "orgsim", *auth, "-E", "UTF8", "--no-sync"],
        capture_output=True,
        check=True,
    )
    options = f"-h 127.0.0.1 -p {port} -k {root} -F -c max_connections=300"
    subprocess.run(
        as_user + [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        capture_output=True,
        check=True,
    )
    user = "orgsim" if password is None else f"orgsim:{quote(password, safe='')}"
    return Server(f"postgresql://{user}@127.0.0.1:{port}/postgres", pg_ctl, data, root, as_user)


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def _admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        dbname=parts.path.lstrip("/") or "postgres",
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=unquote(parts.password or "") or os.environ.get("PGPASSWORD", ""),
        autocommit=True,
    )


def create_database(url: str) -> str:
    """A new empty database on the server of `url`; returns its URL."""
    name = "orgsim_test_" + uuid.uuid4().hex[:12]
    with _admin(url) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def drop_database(url: str, db_url: str) -> None:
    name = urlsplit(db_url).path.lstrip("/")
    with _admin(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
