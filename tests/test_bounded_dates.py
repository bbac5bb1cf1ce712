"""Dates known within bounds: some day in a closed range of days (`2023-11-21..2023-11-30`), or a day
known on one side only, an open bound (`..2024-08-05`, on or before; `2024-05-14..`, on or after), on
the command line, in seed and JSON Lines records, in export and import."""

import json
from datetime import date

import pytest
from conftest import stored_events

from orgsim.dates import PartialDate
from orgsim.errors import DateError


def test_a_range_is_some_day_from_its_first_to_its_last():
    d = PartialDate.parse("2023-11-21..2023-11-30")
    assert (d.precision, d.start, d.end, str(d)) == (
        "range",
        date(2023, 11, 21),
        date(2023, 11, 30),
        "[2023-11-21..2023-11-30]",
    )
    assert PartialDate.parse("[2023-11-21..2023-11-30]") == d == PartialDate.parse(str(d))
    assert d.is_open_on(date(2023, 11, 21)) and d.is_open_on(date(2023, 11, 30))
    assert not d.is_open_on(date(2023, 11, 20)) and not d.is_open_on(date(2023, 12, 1))


def test_a_range_of_one_day_is_that_day():
    d = PartialDate.parse("2023-11-21..2023-11-21")
    assert (d.precision, str(d)) == ("day", "2023-11-21")


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            "2023-11-30..2023-11-21",
            "'2023-11-30..2023-11-21' is not a date: its start (2023-11-30) is after its end (2023-11-21)",
        ),
        ("2023-02-27..2023-02-30", "'2023-02-27..2023-02-30' is not a date: 2023-02 has no day 30"),
        ("2023-11..2023-12", "'2023-11..2023-12' is not a date: a range is two days, YYYY-MM-DD..YYYY-MM-DD"),
        (
            "2023-11-21/2023-11-30",
            "'2023-11-21/2023-11-30' is not a date: use YYYY, YYYY-MM, YYYY-MM-DD, a range of days "
            "YYYY-MM-DD..YYYY-MM-DD, ..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after)",
        ),
    ],
)
def test_a_range_that_is_not_one_is_refused(bad, message):
    with pytest.raises(DateError) as err:
        PartialDate.parse(bad)
    assert str(err.value) == message


def test_a_return_some_day_in_a_range_is_uncertain_on_every_day_of_it(cli, db):
    result = cli(
        "append", "returned", "greg-brockman", "--on", "2024-11-05..2024-11-12", "--source", "a range", "--store", db
    )
    assert result.exit_code == 0, result.stderr
    assert "on leave (until 2024-12) → active, between 2024-11-05 and 2024-11-12" in result.stdout

    def greg(day: str) -> dict:
        people = cli.json("show", "--at", day, "--store", db)["people"]
        return next(p for p in people if p["id"] == "greg-brockman")

    assert (greg("2024-11-04")["status"], greg("2024-11-04")["uncertain"]) == ("on_leave", False)
    for day in ("2024-11-05", "2024-11-08", "2024-11-12"):
        assert (greg(day)["status"], greg(day)["uncertain"]) == ("active", True), day
    assert (greg("2024-11-13")["status"], greg("2024-11-13")["uncertain"]) == ("active", False)
    log = cli.json("log", "--person", "greg-brockman", "--kind", "returned", "--store", db)
    assert [(e["on"], e["precision"]) for e in log] == [("[2024-11-05..2024-11-12]", "range")]


@pytest.mark.parametrize(
    "on, message",
    [
        (
            "2024-11-12..2024-11-05",
            "Error: --on: '2024-11-12..2024-11-05' is not a date: its start (2024-11-12) is after its end (2024-11-05)\n",
        ),
        ("2024-11-05..2024-11-31", "Error: --on: '2024-11-05..2024-11-31' is not a date: 2024-11 has no day 31\n"),
    ],
)
def test_a_bad_range_on_the_command_line_is_one_line_and_changes_nothing(cli, db, on, message):
    before = stored_events(db)
    result = cli("append", "returned", "greg-brockman", "--on", on, "--source", "x", "--store", db)
    assert (result.exit_code, result.stderr, result.stdout) == (1, message, "")
    assert stored_events(db) == before


def test_a_range_in_a_seed_file_or_json_lines_and_export_then_import_gives_the_same_store(cli, db, tmp_path):
    seed = tmp_path / "later.jsonl"
    seed.write_text(
        json.dumps(
            {"kind": "returned", "person": "greg-brockman", "on": "2024-11-05..2024-11-12", "source": {"note": "n"}}
        )
        + "\n"
    )
    assert cli("import", seed, "--store", db).exit_code == 0
    exported = tmp_path / "export.jsonl"
    assert cli("export", "-o", exported, "--store", db).exit_code == 0
    lines = exported.read_text().splitlines()
    assert any('"on": "[2024-11-05..2024-11-12]"' in line for line in lines)
    copy = str(tmp_path / "copy.db")
    result = cli("import", exported, "--org", "OpenAI", "--store", copy)
    assert result.exit_code == 0, result.stderr
    again = tmp_path / "again.jsonl"
    assert cli("export", "-o", again, "--store", copy).exit_code == 0
    assert again.read_text() == exported.read_text()
    for day in ("2024-11-04", "2024-11-08", "2024-11-13"):
        assert cli.json("show", "--at", day, "--store", copy) == cli.json("show", "--at", day, "--store", db)


def test_a_bad_range_in_a_file_names_its_line_and_changes_nothing(cli, db, tmp_path):
    seed = tmp_path / "bad.jsonl"
    seed.write_text(
        json.dumps({"kind": "returned", "person": "greg-brockman", "on": "2024-11-12..2024-11-05", "source": "n"})
        + "\n"
    )
    before = stored_events(db)
    result = cli("import", seed, "--store", db)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert (
        "bad.jsonl:1: on: '2024-11-12..2024-11-05' is not a date: its start (2024-11-12) is after its end"
        in result.stderr
    )
    assert stored_events(db) == before


def test_a_rehire_dated_to_its_month_against_a_departure_that_month_is_refused_naming_both(cli, db):
    """Sam Altman left on 2023-11-17 (the seeds); a rehire dated only '2023-11' could be before or after it."""
    departure = cli.json("log", "--person", "sam-altman", "--kind", "departed", "--store", db)[0]["id"]
    before = stored_events(db)
    result = cli(
        "append", "appointed", "sam-altman", "--title", "CEO", "--on", "2023-11", "--source", "back", "--store", db
    )
    assert result.exit_code == 1 and result.stdout == ""
    rehire = cli.json(
        "append",
        "appointed",
        "sam-altman",
        "--title",
        "CEO",
        "--on",
        "2023-11-22",
        "--source",
        "back",
        "--dry-run",
        "--store",
        db,
    )  # (a precise date is accepted: only the month is ambiguous)
    assert rehire["stored"] is False
    assert result.stderr.startswith(
        "Error: Sam Altman (sam-altman): which came first cannot be told from the dates of event "
    )
    assert f"event {departure} (departed, 2023-11-17)" in result.stderr
    assert "(appointed, 2023-11)" in result.stderr
    assert result.stderr.endswith(
        "give one of them a more precise date, or a range of days that does not overlap the other's "
        "(event " + result.stderr.split("(appointed, 2023-11)")[0].rsplit("event ", 1)[1].strip() + ": "
        "2023-11-18..2023-11-30 if it came after, 2023-11-01..2023-11-16 if before)\n"
    )
    assert result.stderr.count("\n") == 1
    assert stored_events(db) == before
    ranged = (
        "append",
        "appointed",
        "sam-altman",
        "--title",
        "CEO",
        "--on",
        "2023-11-21..2023-11-30",
        "--source",
        "back",
    )
    assert cli(*ranged, "--store", db).exit_code == 0
    altman = [p for p in cli.json("show", "--at", "2023-11-25", "--store", db)["people"] if p["id"] == "sam-altman"]
    assert [(p["title"], p["uncertain"]) for p in altman] == [("CEO", True)]


def test_a_departure_within_the_range_of_a_stored_title_is_refused_from_both_records(cli, db, tmp_path):
    """The stored fact is the partly dated one; the new departure is dated to the day (the model's fast
    path for a fact after every other, and a replay from a file, say the same)."""
    assert (
        cli(
            "append",
            "appointed",
            "mark-chen",
            "--title",
            "Chief Research Officer",
            "--on",
            "2024-10-21..2024-10-31",
            "--source",
            "t",
            "--store",
            db,
        ).exit_code
        == 0
    )
    before = stored_events(db)
    result = cli("append", "departed", "mark-chen", "--on", "2024-10-25", "--source", "x", "--store", db)
    assert result.exit_code == 1, result.stdout
    assert "which came first cannot be told from the dates of event" in result.stderr
    assert "(appointed, [2024-10-21..2024-10-31])" in result.stderr and "(departed, 2024-10-25)" in result.stderr
    assert "2024-10-21..2024-10-24 if before" in result.stderr
    assert result.stderr.count("\n") == 1
    assert stored_events(db) == before
    assert cli("append", "departed", "mark-chen", "--on", "2024-11-01", "--source", "x", "--store", db).exit_code == 0
