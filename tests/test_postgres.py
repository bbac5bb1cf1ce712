"""PostgreSQL as the shared store: URL settings, a password never printed, four processes at once
(a server that cannot be reached: test_postgres_errors.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date

import pytest
from conftest import ROOT

from orgsim.application import open_store, redact, store_env
from orgsim.errors import StoreError


def test_a_postgresql_url_becomes_the_library_settings(monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    env = store_env("postgresql://ann:p%40ss@db.example:6543/org")
    assert env["ORGSIM_PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["ORGSIM_POSTGRES_HOST"], env["ORGSIM_POSTGRES_PORT"]) == ("db.example", "6543")
    assert (env["ORGSIM_POSTGRES_USER"], env["ORGSIM_POSTGRES_PASSWORD"], env["ORGSIM_POSTGRES_DBNAME"]) == (
        "ann",
        "p@ss",
        "org",
    )
    assert store_env("postgresql://ann@db.example/org")["ORGSIM_POSTGRES_PORT"] == "5432"


def test_the_password_may_come_from_pgpassword(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "from-env")
    assert store_env("postgresql://ann@db.example/org")["ORGSIM_POSTGRES_PASSWORD"] == "from-env"
    monkeypatch.setenv("ORGSIM_STORE", "postgresql://bob@db.example/org")
    assert store_env(None)["ORGSIM_POSTGRES_USER"] == "bob"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://db.example/org",
        "postgresql://ann:secret-pw@db.example:notaport/org",
        "postgresql://ann:secret-pw@db.example/",
    ],
)
def test_a_malformed_url_is_an_error_without_the_password(url):
    with pytest.raises(StoreError) as err:
        store_env(url)
    assert "postgresql://USER" in str(err.value) and "secret-pw" not in str(err.value)


def test_redact_hides_only_the_password():
    assert redact("postgresql://ann:secret@h:5/db") == "postgresql://ann:***@h:5/db"
    assert redact("postgresql://ann@h/db") == "postgresql://ann@h/db"
    assert redact("some/file.db") == "some/file.db"


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    full.pop("ORGSIM_STORE", None)
    return subprocess.run([sys.executable, "-m", "orgsim", *args], capture_output=True, text=True, env=full, cwd=ROOT)


def test_the_cli_loads_and_shows_from_postgresql(pg_store):
    loaded = _run("load", "--store", pg_store, "--json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["events_added"] > 30
    shown = _run("show", "--at", "2024-10-15", "--json", "--store", pg_store)
    assert shown.returncode == 0, shown.stderr
    people = {p["id"]: p for p in json.loads(shown.stdout)["people"]}
    assert sum(p["reports_to"] == "sam-altman" for p in people.values()) == 6


WRITER = """
import sys, time
from orgsim.application import open_store
from orgsim.interchange import EventRecord
url, who, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
app = open_store(url)
while time.time() < go:
    time.sleep(0.002)
for i in range(n):
    app.record(EventRecord("appointed", f"w{who}-{i}", "2024-10-0" + str(1 + i % 9), title="Engineer",
                           name=f"Worker {who} {i}", manager="sam-altman", source={"note": f"writer {who}"}))
"""


def test_four_processes_appending_at_once_lose_and_duplicate_nothing(pg_store, dataset):
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    before = app_.event_count()
    n, go = 12, time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, pg_store, str(w), str(n), str(go)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    fresh = open_store(pg_store)
    assert fresh.event_count() == before + 4 * n * 2  # a person and an appointment each
    org = fresh.replayed()
    workers = Counter(f.person for f in org.facts if f.person.startswith("w"))
    assert workers == Counter({f"w{w}-{i}": 1 for w in range(4) for i in range(n)})
    assert len([p for p in org.people if p.startswith("w")]) == 4 * n
    chart = fresh.chart(date(2024, 10, 15))
    assert sum(r.reports_to == "sam-altman" for r in chart.rows) == 6 + 4 * n
