"""A PostgreSQL store's read model on this machine: the local SQLite file that holds it
(`model_path`), and the server's log it is checked against (`RecorderLog`)."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

from orgsim.readmodel import LogUnavailable

__all__ = ["RecorderLog", "model_path"]


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

    def last_event(self, org_id: str) -> tuple[int, str] | None:
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
