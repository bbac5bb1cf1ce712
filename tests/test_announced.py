"""`--announced`: when a change was announced, beside when it took effect (`on`); shown by log, why
and history, carried by export and import, and no part of the chart's rules."""

import json
import uuid
from datetime import UTC, datetime

from conftest import stored_events

from orgsim.domain import Organisation

ANNOUNCED = ("append", "departed", "mark-chen", "--on", "2024-11-15", "--announced", "2024-11-08", "--source", "memo")


def _appended(cli, db) -> str:
    result = cli(*ANNOUNCED, "--store", db)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].removeprefix("Event id: ")


def test_log_why_and_history_show_when_it_was_announced_beside_when_it_took_effect(cli, db):
    event = _appended(cli, db)
    (entry,) = cli.json("log", "--person", "mark-chen", "--kind", "departed", "--store", db)
    assert (entry["id"], entry["on"], entry["announced"]) == (event, "2024-11-15", "2024-11-08")
    why = cli.json("why", "mark-chen", "--at", "2024-11-20", "--store", db)
    assert [(e["on"], e["announced"]) for e in why["events"] if e["id"] == event] == [("2024-11-15", "2024-11-08")]
    history = cli.json("history", "mark-chen", "--store", db)
    assert [(e["on"], e["announced"]) for e in history["events"] if e["id"] == event] == [("2024-11-15", "2024-11-08")]
    assert all(e["announced"] is None for e in history["events"] if e["id"] != event)
    for args in (
        ("log", "--person", "mark-chen"),
        ("why", "mark-chen", "--at", "2024-11-20"),
        ("history", "mark-chen"),
    ):
        text = cli(*args, "--store", db).stdout
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if f"[{event}]" in line and line.strip().startswith("2024-11-15"))
        assert lines[at + 1].strip() == "announced 2024-11-08", (args, text)


def test_the_announced_date_does_not_change_the_chart(cli, db):
    _appended(cli, db)
    people = cli.json("show", "--at", "2024-11-10", "--store", db)["people"]
    assert "mark-chen" in [p["id"] for p in people]  # announced on the 8th, effective on the 15th
    assert "mark-chen" not in [p["id"] for p in cli.json("show", "--at", "2024-11-15", "--store", db)["people"]]


def test_export_then_import_carries_it(cli, db, tmp_path):
    event = _appended(cli, db)
    exported = tmp_path / "export.jsonl"
    assert cli("export", "-o", exported, "--store", db).exit_code == 0
    (line,) = [json.loads(x) for x in exported.read_text().splitlines() if event in x]
    assert (line["on"], line["announced"]) == ("2024-11-15", "2024-11-08")
    assert sum('"announced"' in x for x in exported.read_text().splitlines()) == 1  # (only where given)
    copy = str(tmp_path / "copy.db")
    assert cli("import", exported, "--org", "OpenAI", "--store", copy).exit_code == 0
    again = tmp_path / "again.jsonl"
    assert cli("export", "-o", again, "--store", copy).exit_code == 0
    assert again.read_text() == exported.read_text()


def test_a_bad_announced_date_is_one_line_and_changes_nothing(cli, db):
    before = stored_events(db)
    result = cli(*ANNOUNCED[:6], "2024-11-31", "--source", "memo", "--store", db)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: --announced: '2024-11-31' is not a date: 2024-11 has no day 31\n"
    assert stored_events(db) == before


def test_an_event_stored_before_announced_existed_still_loads_without_it():
    """eventsourcing rebuilds an event from its stored state dict: one without the key reads as None."""
    state = {
        "originator_id": uuid.uuid4(),
        "originator_version": 2,
        "timestamp": datetime(2024, 1, 1, tzinfo=UTC),
        "fact_id": "abc123abc123",
        "person": "ann",
        "on": "2024-08",
        "source": {"note": "old"},
        "destination": None,
    }
    old = object.__new__(Organisation.Departed)
    object.__setattr__(old, "__dict__", state)
    fact = old.fact()
    assert (fact.id, str(fact.on), fact.announced) == ("abc123abc123", "2024-08", None)
    assert "announced" not in fact.as_record()


def test_correct_sets_the_announced_date_and_the_corrected_fact_carries_it(cli, db):
    event = _appended(cli, db)
    result = cli("correct", event, "--announced", "2024-11-07", "--reason", "the memo is of the 7th", "--store", db)
    assert result.exit_code == 0, result.stderr
    new = result.stdout.strip().splitlines()[-1].removeprefix("Event id: ")
    assert new != event
    entries = {e["id"]: e for e in cli.json("log", "--person", "mark-chen", "--kind", "departed", "--store", db)}
    assert (entries[new]["announced"], entries[new]["on"], entries[event]["retracted"]) == (
        "2024-11-07",
        "2024-11-15",
        True,
    )
