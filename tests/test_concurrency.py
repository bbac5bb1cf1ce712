"""Two real OS processes appending to one SQLite store at once: nothing lost, nothing duplicated."""

import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from test_properties import assert_invariants

from orgsim.application import open_store
from orgsim.chart import chart_at, check

WORKER = Path(__file__).with_name("workers.py")


def test_two_processes_append_200_events_each(db, tmp_path):
    go = tmp_path / "go"
    seeded = len(open_store(db).timeline().facts)
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "append", db, prefix, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("a", "b")
    ]
    go.touch()  # both start together
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "200 appended" in out
    print(*(out.strip() for out, _ in results), sep="\n")

    timeline = open_store(db).timeline()
    mine = [f for f in timeline.facts if f.person[:2] in ("a-", "b-")]
    assert len(mine) == 400 and len(timeline.facts) == seeded + 400
    assert Counter(f.person[0] for f in mine) == {"a": 200, "b": 200}
    assert len({f.id for f in timeline.facts}) == len(timeline.facts)  # none duplicated
    assert len(timeline.people) == 18 + 200
    check(timeline)  # the whole history keeps every rule
    for day in (date(2025, 3, 1), date(2025, 7, 1), date(2025, 12, 1)):
        chart = chart_at(timeline, day)
        assert_invariants(chart)
    on_leave = [
        r
        for r in chart_at(timeline, date(2025, 1, 1) + timedelta(days=220)).rows
        if r.status == "on_leave" and r.id[:2] in ("a-", "b-")
    ]
    assert len(on_leave) == 100


def test_two_cli_imports_at_once_both_land(db, tmp_path):
    files = []
    for prefix in ("x", "y"):
        f = tmp_path / f"{prefix}.jsonl"
        f.write_text(
            "".join(
                f'{{"kind": "appointed", "person": "{prefix}-{i}", "title": "Engineer", "reports_to": "sam-altman", '
                f'"on": "2025-02-{i + 1:02d}", "source": "import {prefix}"}}\n'
                for i in range(20)
            )
        )
        files.append(f)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "orgsim", "import", str(f), "--store", db],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "20 events and 20 people added" in err
    timeline = open_store(db).timeline()
    assert Counter(f.person[0] for f in timeline.facts if f.person[:2] in ("x-", "y-")) == {"x": 20, "y": 20}
    check(timeline)


def test_a_store_locked_past_the_timeout_gives_a_clear_error_and_stores_nothing(db):
    import os
    import sqlite3

    from conftest import stored_events

    before = stored_events(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holding the store
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "orgsim",
                "append",
                "departed",
                "mark-chen",
                "--on",
                "2024-12",
                "--source",
                "x",
                "--store",
                db,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "ORGSIM_LOCK_TIMEOUT": "1"},
        )
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: the store could not be used") and "locked" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert stored_events(db) == before
