"""Shared fixtures: stores (memory, a real SQLite file, a real PostgreSQL database), the seeds, and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pgserver
import pytest
from typer.testing import CliRunner

from orgsim.application import open_store
from orgsim.cli import app
from orgsim.interchange import read_jsonl, read_yaml

ROOT = Path(__file__).resolve().parent.parent


def generated_history(path: Path, people: int, events: int, seed: int) -> Path:
    """A synthetic history (benchmarks/generate.py) written to `path`, in the import format."""
    with path.open("w") as out:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate.py"),
                "--people",
                str(people),
                "--events",
                str(events),
                "--seed",
                str(seed),
            ],
            stdout=out,
            check=True,
        )
    return path


SEEDS = ROOT / "seeds" / "openai.yaml"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    """No stray store settings from the developer's shell; a PostgreSQL store's local read model in
    this test's own folder (not the developer's ~/.cache)."""
    for key in ("ORGSIM_STORE", "ORGSIM_ORG", "ORGSIM_SQLITE_DBNAME", "ORGSIM_PERSISTENCE_MODULE", "ORGSIM_CACHE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ORGSIM_CACHE_DIR", str(tmp_path / "model-cache"))


@pytest.fixture(scope="session")
def dataset():
    return read_yaml(SEEDS)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server URL: ORGSIM_TEST_POSTGRES, else a throwaway server started for this session."""
    url = os.environ.get("ORGSIM_TEST_POSTGRES")
    if url:
        yield url
        return
    server = pgserver.start()
    if server is None:  # `make test` installs PostgreSQL; a missing server is a failure, never a skip
        pytest.fail(
            "PostgreSQL is needed for the store tests: run `make test` (it installs it) or set ORGSIM_TEST_POSTGRES"
        )
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def pg_store(postgres_server):
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    url = pgserver.create_database(postgres_server)
    yield url
    pgserver.drop_database(postgres_server, url)


def make_store(kind: str, tmp_path, request) -> str:
    """A store of one kind: `memory`, `sqlite` (a file) or `postgres` (a fresh database)."""
    if kind == "memory":
        return ":memory:"
    if kind == "sqlite":
        return str(tmp_path / "orgsim.db")
    return request.getfixturevalue("pg_store")


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def seeded(request, tmp_path, dataset):
    """The seeds loaded into an in-memory store, a SQLite file and a PostgreSQL database."""
    store = make_store(request.param, tmp_path, request)
    app_ = open_store(store, create=True)
    app_.load(dataset)
    return app_


@pytest.fixture
def db(tmp_path, dataset) -> str:
    """A SQLite file holding the seeds, for CLI tests."""
    path = tmp_path / "orgsim.db"
    open_store(str(path), create=True).load(dataset)
    return str(path)


@pytest.fixture
def seeded_file(tmp_path, dataset):
    """The seeds loaded into a SQLite file (with its read model)."""
    app_ = open_store(str(tmp_path / "orgsim.db"), create=True)
    app_.load(dataset)
    return app_


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated history (300 people, 3,000 events) imported into a SQLite file; one per test module."""
    where = tmp_path_factory.mktemp("generated")
    history = generated_history(where / "history.jsonl", 300, 3000, 7)
    store = str(where / "gen.db")
    app_ = open_store(store, create=True)
    app_.load(read_jsonl(history, "Generated"))
    return store


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, [str(a) for a in args], input=input)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr + result.stdout
        return json.loads(result.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def stored_events(store: str) -> list[tuple]:
    """Every stored event row of a SQLite or PostgreSQL store, read directly, to prove a failed
    command changed nothing."""
    if store.startswith("postgresql://"):
        with pgserver._admin(store) as conn:
            rows = conn.execute(
                "SELECT originator_id, originator_version, topic, state FROM orgsim_events"
                " ORDER BY originator_id, originator_version"
            ).fetchall()
        return [(str(r[0]), r[1], r[2], bytes(r[3])) for r in rows]
    import sqlite3

    with sqlite3.connect(store) as conn:
        return conn.execute("SELECT * FROM stored_events ORDER BY originator_id, originator_version").fetchall()


@pytest.fixture(scope="session")
def dataset_app(dataset):
    """One in-memory store with the seeds, shared by read-only tests."""
    app_ = open_store(":memory:")
    app_.load(dataset)
    return app_


def accepted_organisation(commands, people):
    """An organisation's replayed record after trying each (kind, person, on, title, manager) command;
    a rejected one must leave it exactly as it was."""
    from orgsim.domain import Organisation
    from orgsim.errors import OrgsimError
    from orgsim.facts import Timeline
    from orgsim.record import Replayed

    org = Organisation("Prop")
    record = Replayed(Timeline("Prop", {}, ()), org.version)
    for p in people:
        org.add_person(record, p, p.title())
    for kind, person, on, title, manager in commands:
        version, count = org.version, len(record.facts)
        try:
            fact = org.propose(record, kind, person, on, title=title, manager=manager, source={"note": str(count)})
            org.record(record, fact)
        except OrgsimError:
            assert (org.version, record.version, len(record.facts)) == (version, version, count)
    return record
