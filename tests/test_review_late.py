"""Review of 752160b..3e32b4d (late review): each test shows one defect found, and fails on that code.

The CLI is run as a user runs it, in a fresh process (`python -m orgsim`, this checkout first on the
path), so that nothing cached in the test's own process (e.g. `PartialDate`'s parse cache) hides a
failure.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

from orgsim import dates
from orgsim.application import open_store
from orgsim.interchange import EventRecord


def orgsim(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for key in ("ORGSIM_STORE", "ORGSIM_ORG", "ORGSIM_CACHE"):
        env.pop(key, None)
    return subprocess.run(
        [sys.executable, "-m", "orgsim", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd or ROOT
    )


# --- usage errors: `orgsim` (or `orgsim append`) with no arguments ----------------------------------


@pytest.mark.parametrize("args", [[], ["append"]])
def test_no_arguments_prints_the_help_without_a_bare_error_line(args):
    """Before b920f8e, `orgsim` alone printed its help (exit 2) and nothing on stderr. Now Typer's
    NoArgsIsHelpError (a UsageError with an empty message) goes through `_usage_failure` and adds
    `Error: See 'python -m orgsim --help'.` under the help just printed: an error with no error in it."""
    run = orgsim(*args)
    assert "Usage:" in run.stdout
    assert run.returncode in (0, 2)
    assert "Error:" not in run.stderr, run.stderr


# --- dates after 9998-12-31 ---------------------------------------------------------------------------


def _store_with_a_year_9999_fact(tmp_path, monkeypatch, dataset) -> tuple[str, str]:
    """A store as the code before aaf3dac could write it (it accepted year 9999): the seeds and one
    departure dated 9999-03."""
    db = str(tmp_path / "old.db")
    app_ = open_store(db, create=True)
    app_.load(dataset)
    monkeypatch.setattr(dates, "LAST_YEAR", 9999)
    try:
        recorded = app_.record(EventRecord("departed", "mark-chen", "9999-03", {"note": "a typo for 1999?"}))
    finally:
        monkeypatch.undo()
        dates._PARSED.clear()
    return db, recorded.fact.id


@pytest.mark.parametrize(
    "args",
    [
        ["show", "--at", "2024-10-15", "--as-known-at", "2999-01-01"],
        ["log"],
        ["export"],
    ],
)
def test_a_store_holding_a_year_9999_date_can_still_be_read(tmp_path, monkeypatch, dataset, args):
    """aaf3dac makes `PartialDate.parse` refuse years after 9998 everywhere, reads included: a store
    written before it with one such date (accepted then) fails every read that meets it — a replayed show, log,
    even `export` — with `Error: '9999-03' is too far ahead`."""
    db, _ = _store_with_a_year_9999_fact(tmp_path, monkeypatch, dataset)
    run = orgsim(*args, "--store", db)
    assert run.returncode == 0, run.stderr


def test_a_stored_year_9999_fact_can_be_retracted(tmp_path, monkeypatch, dataset):
    """…and the fact cannot even be retracted, so the store cannot be repaired from the CLI."""
    db, event_id = _store_with_a_year_9999_fact(tmp_path, monkeypatch, dataset)
    run = orgsim("retract", event_id, "--reason", "typo", "--store", db)
    assert run.returncode == 0, run.stderr


def test_as_known_at_a_day_in_year_9999_is_still_accepted(db):
    """`--as-known-at` is a recording time, not an effective date: the read model's 9999-12-31 does not
    limit it. `--as-known-at 9999-01-01` worked before aaf3dac and now reads `is not a timestamp: use
    YYYY-MM-DD …` (it is one), while the same instant written `9999-01-01T00:00` is still accepted."""
    long_form = orgsim("show", "--at", "2024-10-15", "--as-known-at", "9999-01-01T00:00", "--store", db)
    assert long_form.returncode == 0, long_form.stderr
    short_form = orgsim("show", "--at", "2024-10-15", "--as-known-at", "9999-01-01", "--store", db)
    assert short_form.returncode == 0, short_form.stderr


# --- a quote citing neither a document nor a url, already stored ----------------------------------------


def test_an_export_holding_a_quote_without_document_imports_back(tmp_path, dataset):
    """bb6043d refuses a quote with neither document nor url on input. Stores written before it hold
    such quotes (append took `--quote` alone, with a note), and reads still work — but `export` of such
    a store writes a line that `import` now refuses, so the documented round trip (`import` reads
    `export` back) fails: `Error: FILE:N: a quote needs the document or the web address it is from`."""
    db = str(tmp_path / "old.db")
    app_ = open_store(db, create=True)
    app_.load(dataset)
    app_.record(EventRecord("departed", "mark-chen", "2025-01-10", {"quote": "Mark is leaving."}))
    exported = orgsim("export", "--store", db)
    assert exported.returncode == 0, exported.stderr
    history = tmp_path / "history.jsonl"
    history.write_text(exported.stdout, encoding="utf-8")
    run = orgsim("import", history, "--org", "OpenAI", "--store", tmp_path / "new.db")
    assert run.returncode == 0, run.stderr


# --- the passed leave end, in the timeline's frames ---------------------------------------------------


def test_a_timeline_frame_says_a_leave_end_has_passed_as_render_does(db, tmp_path):
    """6da2c3e flags a passed leave end in show, render, why and diff; the timeline's frames (the same
    boxes, `person_lines`) are drawn without the day, so on 2025-02-01 `render` says Brockman's
    'until 2024-12, passed: no return reported' while the timeline's frame for that day says 'until 2024-12'."""
    rendered = orgsim("render", "--at", "2025-02-01", "--format", "dot", "--store", db)
    assert rendered.returncode == 0, rendered.stderr
    assert "passed: no return reported" in rendered.stdout
    page = tmp_path / "t.html"
    run = orgsim("timeline", "--from", "2025-02-01", "--to", "2025-02-01", "--store", db, "-o", page)
    assert run.returncode == 0, run.stderr
    assert "passed: no return reported" in page.read_text(encoding="utf-8")
