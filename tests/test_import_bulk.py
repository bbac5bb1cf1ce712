"""A large import: stored events made a chunk at a time, written in one transaction, and the read model
recorded by the fold that checked the file — the same store as before, all or nothing.

`OrgsimApp.LOAD_CHUNK` is made tiny here so that a small file spans many chunks.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import generated_history, stored_events

from orgsim.application import OrgsimApp, open_store
from orgsim.domain import organisation_id
from orgsim.interchange import read_jsonl
from orgsim.readmodel import build

MODEL_TABLES = ("meta", "rows", "alumni", "tenures", "people", "names", "facts")


def hires(n: int, start: date = date(2025, 1, 1), step: int = 1) -> list[dict]:
    """`n` appointments under Sam Altman, one a day from `start` (`step=-1`: backwards in time)."""
    return [
        {
            "kind": "appointed",
            "person": f"bulk-{i}",
            "name": f"Bulk {i}",
            "title": "Engineer",
            "reports_to": "sam-altman",
            "on": (start + timedelta(days=step * i)).isoformat(),
            "source": f"memo {i}",
        }
        for i in range(n)
    ]


def write_lines(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def model_tables(store: str) -> dict[str, list]:
    with sqlite3.connect(store) as conn:
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM orgsim_rm_{t}"))) for t in MODEL_TABLES}


def event_states(store: str) -> list[tuple]:
    """Every stored event (library's own table) without its recording time, in log order."""
    out = []
    with sqlite3.connect(store) as conn:
        for oid, version, topic, state in conn.execute("SELECT * FROM stored_events ORDER BY rowid"):
            fields = json.loads(state)
            fields.pop("timestamp")
            out.append((oid, version, topic, fields))
    return out


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(OrgsimApp, "LOAD_CHUNK", 3)


def test_a_bad_line_after_many_chunks_stores_nothing(cli, db, tmp_path, tiny_chunks):
    bad = {"kind": "returned", "person": "sam-altman", "on": "2026-01-01", "source": "x"}  # not on leave
    f = write_lines(tmp_path / "h.jsonl", hires(40) + [bad])
    before, model_before = stored_events(db), model_tables(db)
    result = cli("import", f, "--store", db)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {f}:41: ") and "not on leave" in result.stderr
    assert stored_events(db) == before
    assert model_tables(db) == model_before
    assert not any(p.startswith("bulk-") for p in open_store(db).timeline().people)


def test_chunked_import_stores_the_same_events_as_one_save(cli, tmp_path, monkeypatch):
    f = write_lines(
        tmp_path / "h.jsonl",
        [{**hires(1)[0], "person": "boss", "name": "Boss", "reports_to": None}]
        + [{**h, "reports_to": "boss"} for h in hires(25, date(2025, 2, 1))],
    )
    stores = {}
    for chunk in (3, 10**9):  # every 3 records, or all at the end (what one Application.save did)
        monkeypatch.setattr(OrgsimApp, "LOAD_CHUNK", chunk)
        stores[chunk] = str(tmp_path / f"c{chunk}.db")
        assert cli("import", f, "--org", "Acme", "--store", stores[chunk]).exit_code == 0
    assert event_states(stores[3]) == event_states(stores[10**9])
    assert len(event_states(stores[3])) == 1 + 26 * 2 + 2  # started, a person and a fact each, the directory (2)
    # and the library reads them back: the export round-trips
    exported = [json.loads(line) for line in cli("export", "--store", stores[3]).stdout.splitlines()]
    assert [r["person"] for r in exported if r["kind"] == "appointed"] == ["boss"] + [f"bulk-{i}" for i in range(25)]


@pytest.mark.parametrize("step", [1, -1], ids=["in date order (recorded by the checking fold)", "backwards (rebuilt)"])
def test_a_first_import_writes_the_model_a_rebuild_writes(cli, tmp_path, tiny_chunks, step):
    store = str(tmp_path / "s.db")
    boss = {**hires(1, date(2024, 1, 1))[0], "person": "boss", "name": "Boss", "reports_to": None}
    rest = [{**h, "reports_to": "boss"} for h in hires(30, date(2025, 6, 1), step)]
    departures = [
        {"kind": "departed", "person": f"bulk-{i}", "on": "2026-03", "source": "memo"} for i in range(0, 30, 4)
    ]
    f = write_lines(tmp_path / "h.jsonl", [boss] + rest + departures)
    assert cli("import", f, "--org", "Acme", "--store", store).exit_code == 0
    imported = model_tables(store)
    app_ = open_store(store)
    rebuild_from_replay(app_, "Acme")
    assert model_tables(store) == imported


def rebuild_from_replay(app_, name):
    """Write the model `build` makes from a replay of the stored events, over the imported one."""
    org = app_.replayed(name)
    with sqlite3.connect(app_.read_model().path) as conn:
        conn.execute("DELETE FROM orgsim_rm_meta")  # so that write() replaces the model
    app_.read_model().write(organisation_id(org.name).hex, build(org.timeline(), org.version), org.version)


def test_generated_history_imports_with_its_model_fresh(tmp_path, tiny_chunks):
    history = generated_history(tmp_path / "history.jsonl", 60, 600, 3)
    store = str(tmp_path / "g.db")
    app_ = open_store(store, create=True)
    report = app_.load(read_jsonl(history, "Generated"))
    assert report.events_added == 600
    imported = model_tables(store)
    rebuild_from_replay(app_, "Generated")
    assert model_tables(store) == imported


def test_a_thirty_thousand_event_import_into_postgresql_finishes(pg_store, tmp_path):
    """The file size at which the library's one pipelined statement hung in 3 runs of 4 (as a real
    process, with a deadline: a hang fails the test instead of stalling the suite)."""
    history = generated_history(tmp_path / "h.jsonl", people=1500, events=30_000, seed=3)
    env = {k: v for k, v in os.environ.items() if k != "ORGSIM_STORE"}
    result = subprocess.run(
        [sys.executable, "-m", "orgsim", "import", str(history), "--org", "Big", "--store", pg_store],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "30000 events" in result.stderr
    assert len(stored_events(pg_store)) > 30_000
