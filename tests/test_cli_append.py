"""`orgsim append …`: one cited change per command, --dry-run, people by id/name/alias, every bad input refused."""

import pytest
from conftest import stored_events

from orgsim.application import open_store


def test_appointing_a_new_person_creates_them_and_prints_the_change(cli, db):
    result = cli(
        "append",
        "appointed",
        "Jane Doe",
        "--title",
        "COO",
        "--reports-to",
        "サム・アルトマン",
        "--on",
        "2024-11",
        "--source",
        "Press release",
        "--alias",
        "JD",
        "--store",
        db,
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Joined (1)" in out
    assert (
        "Jane Doe [jane-doe]: not in the organisation → COO, reporting to Sam Altman, between 2024-11-01 and 2024-11-30"
        in out
    )
    event_id = out.strip().splitlines()[-1].removeprefix("Event id: ")
    timeline = open_store(db).timeline()
    fact = timeline.fact_map()[event_id]
    assert (fact.kind, fact.person, fact.title, fact.manager, str(fact.on)) == (
        "appointed",
        "jane-doe",
        "COO",
        "sam-altman",
        "2024-11",
    )
    assert fact.source == {"note": "Press release"}
    assert timeline.people["jane-doe"]["name"] == "Jane Doe" and "JD" in timeline.people["jane-doe"]["aliases"]
    row = next(p for p in cli.json("show", "--at", "2024-12-01", "--store", db)["people"] if p["id"] == "jane-doe")
    assert row["title"] == "COO" and row["reports_to"] == "sam-altman"


def test_dry_run_prints_the_same_change_and_stores_nothing(cli, db):
    args = [
        "append",
        "departed",
        "MARK CHEN",
        "--on",
        "2024-12-01",
        "--to",
        "Acme",
        "--source",
        "a post",
        "--store",
        db,
    ]
    before = stored_events(db)
    dry = cli(*args, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "Would record: Mark Chen (mark-chen) departed → Acme, 2024-12-01" in dry.stdout
    assert "Mark Chen [mark-chen]: SVP of Research, reporting to Sam Altman → left → Acme, on 2024-12-01" in dry.stdout
    assert "nothing was stored" in dry.stderr and stored_events(db) == before
    real = cli(*args)
    assert real.exit_code == 0
    assert real.stdout.split("\n", 1)[1] == dry.stdout.split("\n", 1)[1].replace(
        " (not stored)", ""
    )  # the same change, the same id
    assert len(stored_events(db)) == len(before) + 1


def test_every_kind_through_the_cli_with_json(cli, db):
    steps = [
        ["on-leave", "mark", "--on", "2025-01", "--until", "2025-06"],
        ["returned", "Mark", "--on", "2025-05-02"],
        ["reports-to", "kevin-weil", "--manager", "MARK-CHEN", "--on", "2025-06-01"],
        ["appointed", "mark-chen", "--title", "Chief Research Officer", "--on", "2025-07"],
        ["departed", "kevin weil", "--on", "2025-08", "--to", "Elsewhere"],
    ]
    ids = []
    for step in steps:
        data = cli.json("append", *step, "--source", "test", "--store", db)
        assert data["stored"] is True and data["changes"], step
        ids.append(data["event"])
    facts = open_store(db).timeline().fact_map()
    assert [facts[i].kind for i in ids] == ["on_leave", "returned", "reports_to", "appointed", "departed"]
    mark = next(p for p in cli.json("show", "--at", "2025-07-15", "--store", db)["people"] if p["id"] == "mark-chen")
    assert mark["title"] == "Chief Research Officer" and mark["status"] == "active"


@pytest.fixture
def ambiguous_db(db):
    """The seeds plus a second person called "Kevin"."""
    open_store(db).record(
        __import__("orgsim.interchange").interchange.EventRecord(
            "appointed", "kevin-other", "2024-09", title="Engineer", name="Kevin", source={"note": "t"}
        )
    )
    return db


BAD = [
    ("malformed date", ["departed", "mark-chen", "--on", "2024-13-01"], "month 13"),
    ("not a date", ["departed", "mark-chen", "--on", "yesterday"], "not a date"),
    ("unknown person", ["departed", "nobody-here", "--on", "2024-10-01"], "unknown person 'nobody-here'"),
    ("unknown manager", ["reports-to", "mark-chen", "--manager", "ghost", "--on", "2024-10-01"], "ghost"),
    (
        "ambiguous alias",
        ["departed", "kevin", "--on", "2024-10-01"],
        "could be any of: Kevin (kevin-other), Kevin Weil (kevin-weil)",
    ),
    (
        "departing twice",
        ["departed", "mira-murati", "--on", "2024-10-01"],
        "not in the organisation on that date (departed 2024-09-25)",
    ),
    ("returning when not on leave", ["returned", "sam-altman", "--on", "2024-10-01"], "not on leave"),
    ("leave after departure", ["on-leave", "john-schulman", "--on", "2024-10-01"], "departed 2024-08"),
    ("reporting to oneself", ["reports-to", "mark-chen", "--manager", "Mark Chen", "--on", "2024-10-01"], "themselves"),
    ("reporting cycle", ["reports-to", "sam-altman", "--manager", "mark-chen", "--on", "2024-10-01"], "cycle"),
    (
        "manager gone on that date",
        ["reports-to", "mark-chen", "--manager", "mira-murati", "--on", "2024-10-01"],
        "not in the organisation on that date",
    ),
    (
        "manager not yet there",
        ["appointed", "Jane Doe", "--title", "COO", "--reports-to", "kevin-weil", "--on", "2023-01-01"],
        "not in the organisation on that date",
    ),
    ("invalidates a later event", ["departed", "bob-mcgrew", "--on", "2024-01"], "would make the stored event"),
    ("identical event", ["appointed", "sam-altman", "--title", "CEO", "--on", "2024-10-01", "--source", "x"], None),
]


@pytest.mark.parametrize("name, args, message", BAD, ids=[b[0] for b in BAD])
def test_bad_append_exits_1_with_one_line_and_changes_nothing(cli, ambiguous_db, name, args, message):
    db = ambiguous_db
    if message is None:  # the same cited change twice: the second is refused as a duplicate
        assert cli("append", *args, "--store", db).exit_code == 0
        message = "already recorded as event"
    before = stored_events(db)
    for extra in ([], ["--dry-run"]):
        result = cli("append", *args, *extra, "--store", db)
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr
        assert result.stdout == ""
        assert stored_events(db) == before


def test_usage_errors_exit_2(cli, db):
    assert cli("append", "appointed", "x", "--on", "2024", "--store", db).exit_code == 2  # no --title
    assert cli("append", "departed", "mark-chen", "--store", db).exit_code == 2  # no --on
    assert cli("append", "promoted", "mark-chen", "--on", "2024", "--store", db).exit_code == 2


def test_append_to_a_missing_store_is_an_error(cli, tmp_path):
    result = cli("append", "departed", "x", "--on", "2024", "--store", tmp_path / "none.db")
    assert (
        result.exit_code == 1
        and "`orgsim init --org NAME`, or fill one from a file of changes with `orgsim import FILE`" in result.stderr
    )
    assert not (tmp_path / "none.db").exists()


def test_name_for_an_existing_person_is_refused_not_ignored(cli, db):
    before = stored_events(db)
    result = cli(
        "append", "appointed", "Kevin", "--name", "Kevin Other", "--title", "Z", "--on", "2025-02", "--store", db
    )
    assert result.exit_code == 1 and "is already Kevin Weil (kevin-weil)" in result.stderr
    assert stored_events(db) == before


def test_alias_for_an_existing_person_is_refused_not_ignored(cli, db):
    before = stored_events(db)
    result = cli(
        "append", "appointed", "sam-altman", "--alias", "Samuel", "--title", "CEO", "--on", "2025-01", "--store", db
    )
    assert (
        result.exit_code == 1
        and "aliases are given only for a new person" in result.stderr
        and "(--alias)" in result.stderr
        and "Samuel" in result.stderr
    )
    assert stored_events(db) == before


def test_a_typo_in_appointed_does_not_create_a_person(cli, db):
    before = stored_events(db)
    result = cli("append", "appointed", "Mira Murat", "--title", "CTO", "--on", "2025-01", "--store", db)
    assert (
        result.exit_code == 1
        and "did you mean Mira Murati (mira-murati)?" in result.stderr
        and "--name" in result.stderr
    )
    assert stored_events(db) == before
    ok = cli(
        "append", "appointed", "Mira Murat", "--name", "Mira Murat", "--title", "CTO", "--on", "2025-01", "--store", db
    )
    assert ok.exit_code == 0, ok.stderr  # with --name, a new person on purpose


def test_dry_run_prints_the_event_id_it_would_store(cli, db):
    result = cli("append", "departed", "mark-chen", "--on", "2024-11-01", "--dry-run", "--store", db)
    assert result.exit_code == 0 and "Event id: " in result.stdout and "(not stored)" in result.stdout


def test_the_heading_names_the_manager(cli, db):
    for args, heading in (
        (
            ["reports-to", "kevin-weil", "--manager", "mark-chen"],
            "Would record: Kevin Weil (kevin-weil) reports to Mark Chen",
        ),
        (
            ["appointed", "Jane Doe", "--title", "COO", "--reports-to", "sam-altman"],
            "Would record: Jane Doe (jane-doe) appointed COO, reporting to Sam Altman",
        ),
    ):
        out = cli("append", *args, "--on", "2025-01-05", "--source", "t", "--dry-run", "--store", db)
        assert out.exit_code == 0 and out.stdout.startswith(heading), out.stdout + out.stderr


def test_an_appends_preview_of_a_month_dated_change_has_no_span_to_fall_short_of(cli, db):
    """Its before and after are one day under two timelines: "may not have happened yet" is for spans."""
    result = cli("append", "departed", "mark-chen", "--on", "2025-03", "--source", "a memo", "--dry-run", "--store", db)
    assert result.exit_code == 0, result.stderr
    assert "between 2025-03-01 and 2025-03-31" in result.stdout and "may not have happened" not in result.stdout
