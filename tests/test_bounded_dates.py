"""Dates known within bounds: some day in a closed range of days (`2023-11-21..2023-11-30`), or a day
known on one side only, an open bound (`..2024-08-05`, on or before; `2024-05-14..`, on or after), on
the command line, in seed and JSON Lines records, in export and import."""

import json
from datetime import date

import pytest
from conftest import stored_events
from test_backdated import tables, the_rest
from test_readmodel import assert_same_as_replay, fresh

from orgsim.dates import PartialDate
from orgsim.errors import DateError
from orgsim.interchange import EventRecord


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


# --- open bounds: on or before a day (..D), on or after a day (D..) -----------------------------------
def _append(cli, db, *args: str):
    result = cli("append", *args, "--source", "s", "--store", db)
    assert result.exit_code == 0, result.stderr
    return result


def _row(cli, db, person: str, day: str, *known: str) -> dict | None:
    people = cli.json("show", "--at", day, *known, "--store", db)["people"]
    return next((p for p in people if p["id"] == person), None)


@pytest.mark.parametrize("text", ["..2024-08-05", "[..2024-08-05]", " ..2024-08-05 "])
def test_on_or_before_a_day_counts_from_that_day_and_is_never_open(text):
    d = PartialDate.parse(text)
    assert (d.precision, d.start, d.end, str(d), d.shown) == (
        "on_or_before",
        date(2024, 8, 5),
        date(2024, 8, 5),
        "[..2024-08-05]",
        "on or before 2024-08-05",
    )
    assert d.earliest == date.min  # (the ordering rule: it may be any day up to its day)
    assert PartialDate.parse(str(d)) == d != PartialDate.parse("2024-08-05")
    assert not any(d.is_open_on(day) for day in (date(2024, 8, 4), date(2024, 8, 5), date(2024, 8, 6)))


@pytest.mark.parametrize("text", ["2024-05-14..", "[2024-05-14..]"])
def test_on_or_after_a_day_counts_from_that_day_and_is_open_on_every_later_day(text):
    d = PartialDate.parse(text)
    assert (d.precision, d.start, d.end, str(d), d.shown) == (
        "on_or_after",
        date(2024, 5, 14),
        date.max,
        "[2024-05-14..]",
        "on or after 2024-05-14",
    )
    assert PartialDate.parse(str(d)) == d
    assert not d.is_open_on(date(2024, 5, 13))
    assert d.is_open_on(date(2024, 5, 14)) and d.is_open_on(date(9998, 12, 31))


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            "..",
            "'..' is not a date: an open bound is one day, ..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after)",
        ),
        (
            "[..]",
            "'[..]' is not a date: an open bound is one day, ..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after)",
        ),
        (
            "..garbage",
            "'..garbage' is not a date: use YYYY, YYYY-MM, YYYY-MM-DD, a range of days YYYY-MM-DD..YYYY-MM-DD, "
            "..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after)",
        ),
        ("2024-13-01..", "'2024-13-01..' is not a date: month 13 does not exist"),
        ("..2023-02-29", "'..2023-02-29' is not a date: 2023-02 has no day 29"),
        (
            "2024-05..",
            "'2024-05..' is not a date: an open bound is one day, ..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after)",
        ),
        (
            "..2024",
            "'..2024' is not a date: an open bound is one day, ..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after)",
        ),
    ],
)
def test_an_open_bound_that_is_not_one_is_refused(bad, message):
    with pytest.raises(DateError) as err:
        PartialDate.parse(bad)
    assert str(err.value) == message


def test_a_departure_on_or_before_a_day_of_someone_who_joined_years_before_counts_from_that_day(cli, db):
    """The tenure's joining (2015) came first: no ordering question. Nothing before 5 August is guessed."""
    _append(cli, db, "appointed", "jane-doe", "--name", "Jane Doe", "--title", "COO", "--on", "2015")
    result = _append(cli, db, "departed", "jane-doe", "--on", "..2024-08-05")
    assert "Recorded: Jane Doe (jane-doe) departed, on or before 2024-08-05" in result.stdout
    assert "Jane Doe [jane-doe]: COO → left, on or before 2024-08-05" in result.stdout
    for known in ((), ("--as-known-at", "2999-01-01")):  # the read model, and a replay
        jane = _row(cli, db, "jane-doe", "2024-08-04", *known)
        assert jane is not None and (jane["title"], jane["uncertain"]) == ("COO", False)
        assert _row(cli, db, "jane-doe", "2024-08-05", *known) is None
        assert _row(cli, db, "jane-doe", "2030-01-01", *known) is None
    for day in ("2024-08-05", "2030-01-01"):  # gone, and not "may still be here"
        assert "Jane Doe" not in cli("show", "--at", day, "--store", db).stdout
    log = cli.json("log", "--person", "jane-doe", "--kind", "departed", "--store", db)
    assert [(e["on"], e["precision"]) for e in log] == [("[..2024-08-05]", "on_or_before")]
    text = cli("log", "--person", "jane-doe", "--store", db).stdout
    assert "on or before 2024-08-05  Jane Doe [jane-doe]: departed" in text and "[..2024-08-05]" not in text
    why = cli("why", "jane-doe", "--at", "2024-09-01", "--store", db).stdout
    assert "status: departed on or before 2024-08-05 (destination not reported)" in why
    history = cli("history", "jane-doe", "--store", db).stdout
    assert "2015 → on or before 2024-08-05 joined; departed" in history
    assert cli.json("history", "jane-doe", "--store", db)["stints"][0]["to"] == "[..2024-08-05]"


def test_a_title_on_or_after_a_day_makes_its_row_uncertain_on_every_later_day(cli, db):
    _append(cli, db, "appointed", "sarah-friar", "--title", "CEO", "--on", "2025-01-10..")
    for known in ((), ("--as-known-at", "2999-01-01")):
        friar = [_row(cli, db, "sarah-friar", day, *known) for day in ("2025-01-09", "2025-01-10", "2040-06-01")]
        assert [(r["title"], r["uncertain"]) for r in friar if r] == [("CFO", False), ("CEO", True), ("CEO", True)]
    tree = cli("show", "--at", "2040-06-01", "--store", db).stdout
    assert "Sarah Friar — CEO  [sarah-friar]  *" in tree
    dot = cli("render", "--at", "2040-06-01", "--store", db).stdout
    assert "on or after 2025-01-10 appointed CEO" in dot and "date partly known" in dot  # the tooltip, the box


def test_a_departure_on_or_after_a_day_stays_may_still_be_here(cli, db):
    _append(cli, db, "departed", "kevin-weil", "--on", "2024-10-01..")
    for day, here in (("2024-09-30", True), ("2024-10-01", False), ("2031-01-01", False)):
        assert (_row(cli, db, "kevin-weil", day) is not None) == here
    assert (
        "Left, on a date known only within bounds (may still be here): Kevin Weil (on or after 2024-10-01)"
        in cli("show", "--at", "2031-01-01", "--store", db).stdout
    )


def test_on_or_before_against_an_earlier_title_of_the_same_tenure_is_refused_naming_both(cli, db):
    """Jakub Pachocki's title dated only to May 2024 (the seeds): a departure on or before 5 August may
    have come before it (then the title was a rehire) or after it."""
    title = cli.json("log", "--person", "jakub-pachocki", "--kind", "appointed", "--store", db)[-1]
    assert title["on"] == "2024-05"
    before = stored_events(db)
    result = cli("append", "departed", "jakub-pachocki", "--on", "..2024-08-05", "--source", "s", "--store", db)
    assert (result.exit_code, result.stdout, result.stderr.count("\n")) == (1, "", 1)
    departure = result.stderr.split("(appointed, 2024-05) and event ")[1].split(" ")[0]
    assert result.stderr == (
        "Error: Jakub Pachocki (jakub-pachocki): which came first cannot be told from the dates of event "
        f"{title['id']} (appointed, 2024-05) and event {departure} (departed, on or before 2024-08-05): give one "
        "of them a more precise date, or a range of days that does not overlap the other's "
        f"(event {departure}: 2024-06-01..2024-08-05 if it came after, ..2024-04-30 if before)\n"
    )
    assert stored_events(db) == before


def test_a_title_dated_in_a_departure_on_or_before_a_day_entered_later_is_refused_too(cli, db):
    """The other order of entry: the departure is stored, the earlier title is news that arrives late."""
    _append(cli, db, "appointed", "jane-doe", "--name", "Jane Doe", "--title", "COO", "--on", "2015")
    _append(cli, db, "departed", "jane-doe", "--on", "..2024-08-05")
    before = stored_events(db)
    result = cli("append", "appointed", "jane-doe", "--title", "CEO", "--on", "2020-03", "--source", "s", "--store", db)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "which came first cannot be told" in result.stderr
    assert "(appointed, 2020-03)" in result.stderr and "(departed, on or before 2024-08-05)" in result.stderr
    assert "2020-04-01..2024-08-05 if it came after, ..2020-02-29 if before)" in result.stderr
    assert stored_events(db) == before


def test_on_or_after_against_a_later_appointment_is_refused_in_either_order_of_entry(cli, db, tmp_path):
    """A departure on or after 1 October could have come after a rehire on 2 December."""
    kinds = [
        ("departed", "kevin-weil", "--on", "2024-10-01.."),
        ("appointed", "kevin-weil", "--title", "CPO", "--on", "2024-12-02"),
    ]
    for first, second in (kinds, kinds[::-1]):
        store = str(tmp_path / f"{first[0]}.db")
        assert cli("load", "--store", store).exit_code == 0
        _append(cli, store, *first)
        before = stored_events(store)
        result = cli("append", *second, "--source", "s", "--store", store)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stdout
        assert "which came first cannot be told from the dates of event" in result.stderr
        assert "(departed, on or after 2024-10-01)" in result.stderr and "(appointed, 2024-12-02)" in result.stderr
        assert "2024-12-03.. if it came after, 2024-10-01..2024-12-01 if before)" in result.stderr
        assert stored_events(store) == before
    _append(cli, store, "departed", "kevin-weil", "--on", "2024-10-01..2024-12-01")  # as it suggests


@pytest.mark.parametrize(
    "on, message",
    [
        ("..", "'..' is not a date: an open bound is one day"),
        ("..garbage", "'..garbage' is not a date: use YYYY, YYYY-MM, YYYY-MM-DD, a range of days"),
        ("2024-13-01..", "'2024-13-01..' is not a date: month 13 does not exist"),
        ("2024-11..", "'2024-11..' is not a date: an open bound is one day"),
        ("9999-01-01..", "'[9999-01-01..]' is too far ahead: orgsim holds dates up to 9998-12-31"),
    ],
)
def test_a_bad_open_bound_is_one_line_and_changes_nothing(cli, db, tmp_path, on, message):
    before = stored_events(db)
    result = cli("append", "returned", "greg-brockman", "--on", on, "--source", "x", "--store", db)
    assert (result.exit_code, result.stdout, result.stderr.count("\n")) == (1, "", 1)
    assert result.stderr.startswith(f"Error: --on: {message}")
    announced = cli(
        "append", "returned", "greg-brockman", "--on", "2024-11-12", "--announced", on, "--source", "x", "--store", db
    )
    assert announced.exit_code == 1 and announced.stderr.startswith(f"Error: --announced: {message}")
    seed = tmp_path / "bad.jsonl"
    seed.write_text(json.dumps({"kind": "returned", "person": "greg-brockman", "on": on, "source": "n"}) + "\n")
    imported = cli("import", seed, "--store", db)
    assert (imported.exit_code, imported.stderr.count("\n")) == (1, 1)
    assert f"bad.jsonl:1: on: {message}" in imported.stderr
    assert stored_events(db) == before


def test_a_bound_whose_start_is_after_its_end_is_still_refused(cli, db):
    before = stored_events(db)
    result = cli(
        "append", "returned", "greg-brockman", "--on", "2024-11-12..2024-11-05", "--source", "x", "--store", db
    )
    assert (result.exit_code, result.stderr.count("\n")) == (1, 1)
    assert "its start (2024-11-12) is after its end (2024-11-05)" in result.stderr
    assert stored_events(db) == before


@pytest.mark.parametrize("args", [("show", "--at"), ("log", "--from"), ("log", "--to"), ("diff", "2024-01-01")])
def test_a_day_asked_about_is_not_an_open_bound(cli, db, args):
    result = cli(*args, "2024-05-14..", "--store", db)
    assert (result.exit_code, result.stdout, result.stderr.count("\n")) == (1, "", 1)
    assert "'2024-05-14..' is an open bound: a date asked about is YYYY, YYYY-MM, YYYY-MM-DD" in result.stderr


def test_both_bounds_in_json_lines_and_seed_yaml_and_export_then_import_gives_the_same_store(cli, db, tmp_path):
    lines = tmp_path / "later.jsonl"
    lines.write_text(
        json.dumps({"kind": "departed", "person": "kevin-weil", "on": "..2024-12-20", "source": {"note": "n"}})
        + "\n"
        + json.dumps(
            {
                "kind": "returned",
                "person": "greg-brockman",
                "on": "[2024-11-05..]",
                "announced": "..2024-11-12",
                "source": "n",
            }
        )
        + "\n"
    )
    assert cli("import", lines, "--store", db).exit_code == 0
    seed = tmp_path / "later.yaml"
    seed.write_text(
        "organisation: OpenAI\nevents:\n"
        "  - {kind: appointed, person: jane-doe, name: Jane Doe, title: COO, on: 2024-05-14.., source: {note: n}}\n"
        "  - {kind: departed, person: jane-doe, on: '[..2025-02-01]', source: {note: n}}\n",
        encoding="utf-8",
    )
    loaded = cli("load", seed, "--store", db)
    assert loaded.exit_code == 0, loaded.stderr
    exported = tmp_path / "export.jsonl"
    assert cli("export", "-o", exported, "--store", db).exit_code == 0
    text = exported.read_text()
    for stored in ('"on": "[..2024-12-20]"', '"on": "[2024-11-05..]"', '"announced": "[..2024-11-12]"'):
        assert stored in text, stored
    assert '"on": "[2024-05-14..]"' in text and '"on": "[..2025-02-01]"' in text
    copy = str(tmp_path / "copy.db")
    result = cli("import", exported, "--store", copy)
    assert result.exit_code == 0, result.stderr
    again = tmp_path / "again.jsonl"
    assert cli("export", "-o", again, "--store", copy).exit_code == 0
    assert again.read_text() == text
    for day in ("2024-05-13", "2024-05-14", "2024-11-05", "2024-12-20", "2025-02-01", "2030-01-01"):
        assert cli.json("show", "--at", day, "--store", copy) == cli.json("show", "--at", day, "--store", db), day
    log = cli.json("log", "--person", "greg-brockman", "--kind", "returned", "--store", copy)
    assert [(e["on"], e["precision"], e["announced"]) for e in log] == [
        ("[2024-11-05..]", "on_or_after", "[..2024-11-12]")
    ]
    assert "announced on or before 2024-11-12" in cli("log", "--person", "greg-brockman", "--store", copy).stdout


def test_the_log_lists_an_open_bound_under_its_day_from_the_model_as_from_a_replay(cli, db):
    _append(cli, db, "departed", "kevin-weil", "--on", "2024-10-01..")
    _append(cli, db, "appointed", "jane-doe", "--name", "Jane Doe", "--title", "COO", "--on", "2015")
    _append(cli, db, "departed", "jane-doe", "--on", "..2024-08-05")
    ranges = {("2024-10", "2024-10"): ["kevin-weil"], ("2026", "2027"): [], ("2024-08-05", "2024-08-05"): ["jane-doe"]}
    ranges[("2024-07", "2024-08-04")] = []  # (nothing before the day of `..2024-08-05` is guessed)
    for (first, last), listed in ranges.items():
        model, replay = (
            cli.json("log", "--from", first, "--to", last, *known, "--store", db)
            for known in ((), ("--as-known-at", "2999-01-01"))
        )
        assert [e["person"] for e in model if e["on"].startswith("[")] == listed, (first, last)
        assert [e["id"] for e in model] == [e["id"] for e in replay], (first, last)


def test_the_read_model_answers_open_bounds_as_a_replay_does_in_place_and_backdated(seeded_file, tmp_path):
    """On or after: in place (after every other fact); on or before and on or after, dated earlier (late
    news, `ReplayFromDay`). Every day the model's chart is the replay's, and its tables a whole rebuild's."""
    for rec in (
        EventRecord("departed", "kevin-weil", "2025-01-10..", source={"note": "n"}),
        EventRecord("appointed", "jane-doe", "2015", title="COO", name="Jane Doe", source={"note": "n"}),
        EventRecord("departed", "jane-doe", "..2024-08-05", source={"note": "n"}),
        EventRecord("reports_to", "sarah-friar", "2024-07-01..", manager="sam-altman", source={"note": "n"}),
    ):
        seeded_file.record(rec)
        assert fresh(seeded_file)
        assert_same_as_replay(seeded_file, step=2)
    kept = tables(str(tmp_path / "orgsim.db"), "OpenAI"), the_rest(str(tmp_path / "orgsim.db"), "OpenAI")
    seeded_file.rebuild(replace=True)
    assert (tables(str(tmp_path / "orgsim.db"), "OpenAI"), the_rest(str(tmp_path / "orgsim.db"), "OpenAI")) == kept


def test_two_bounds_on_or_before_overlap_and_the_hint_gives_no_day_before_the_other(cli, db):
    """A title on or before 1 June and a departure on or before 5 August, one stint: either came first.
    Before a title that may be any day up to 1 June there is no day to give."""
    _append(cli, db, "appointed", "jane-doe", "--name", "Jane Doe", "--title", "COO", "--on", "2015")
    _append(cli, db, "appointed", "jane-doe", "--title", "CEO", "--on", "..2024-06-01")
    before = stored_events(db)
    result = cli("append", "departed", "jane-doe", "--on", "..2024-08-05", "--source", "s", "--store", db)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "(appointed, on or before 2024-06-01) and event" in result.stderr
    assert result.stderr.endswith(": 2024-06-02..2024-08-05 if it came after)\n")
    assert stored_events(db) == before
