"""Comebacks: `returned` after a departure (with the title and manager reported, or none), `appointed`
after a departure, and how `show`, `diff`, `history`, `log` and the pictures say "rejoined"; the
bad inputs refused with one line and the store unchanged.

The November 2023 story in miniature, on a copy of the seeds: the seeds hold the CEO's departure on
2023-11-17 (and a later appointment as CEO on 2023-11-29); a journalist records his return as CEO on
2023-11-22, a comeback dated before the last stored fact.
"""

import json
import sqlite3

import pytest
from conftest import stored_events

from orgsim.application import open_store
from orgsim.facts import fact_id

ALTMAN_BACK = "https://openai.com/blog/sam-altman-returns-as-ceo-openai-has-a-new-initial-board"


def record_return(cli, db, *extra):
    result = cli(
        "append",
        "returned",
        "Sam Altman",
        "--on",
        "2023-11-22",
        "--title",
        "CEO",
        "--url",
        ALTMAN_BACK,
        *extra,
        "--store",
        db,
    )
    assert result.exit_code == 0, result.stderr
    return result


def row(cli, db, day, person="sam-altman", *extra):
    people = cli.json("show", "--at", day, "--store", db, *extra)["people"]
    return next((p for p in people if p["id"] == person), None)


def changes(cli, db, a, b, *extra):
    return [(c["person"], c["change"]) for c in cli.json("diff", a, b, "--store", db, *extra)["changes"]]


def test_the_ceo_returns_as_ceo_five_days_after_his_departure(cli, db):
    result = record_return(cli, db)
    assert "Recorded: Sam Altman (sam-altman) rejoined as CEO, 2023-11-22" in result.stdout
    assert "Rejoined (1)" in result.stdout and "Joined" not in result.stdout
    assert "Sam Altman [sam-altman]: not in the organisation → CEO, on 2023-11-22" in result.stdout
    fact = next(f for f in open_store(db).timeline().facts if f.kind == "returned" and f.person == "sam-altman")
    assert (fact.title, fact.manager, str(fact.on), fact.source) == ("CEO", None, "2023-11-22", {"url": ALTMAN_BACK})

    assert row(cli, db, "2023-11-16")["title"] == "CEO"
    assert row(cli, db, "2023-11-20") is None  # between: gone
    after = row(cli, db, "2023-11-23")
    assert (after["title"], after["status"], after["since"], after["events"]) == (
        "CEO",
        "active",
        "2023-11-22",
        [fact.id],
    )
    assert row(cli, db, "2023-12-01")["since"] == "2023-11-22"  # the appointment of 2023-11-29 changes nothing
    text = {day: cli("show", "--at", day, "--store", db).stdout for day in ("2023-11-20", "2023-11-23")}
    assert "Sam Altman" not in text["2023-11-20"] and "Sam Altman — CEO  [sam-altman]" in text["2023-11-23"]


def test_diff_says_left_then_rejoined_over_the_span_and_each_step(cli, db):
    record_return(cli, db)
    assert changes(cli, db, "2023-11-16", "2023-12-01") == [("sam-altman", "left"), ("sam-altman", "rejoined")]
    assert changes(cli, db, "2023-11-16", "2023-11-20") == [("sam-altman", "left")]
    assert changes(cli, db, "2023-11-20", "2023-11-23") == [("sam-altman", "rejoined")]
    span = cli("diff", "2023-11-16", "2023-12-01", "--store", db).stdout
    assert "Left (1)" in span and "Rejoined (1)" in span and "Joined" not in span
    assert "Sam Altman [sam-altman]: not in the organisation → CEO, on 2023-11-22" in span
    step = cli.json("diff", "2023-11-20", "2023-11-23", "--store", db)["changes"][0]
    assert step["before"] is None and step["after"]["title"] == "CEO" and len(step["events"]) == 1
    # backwards, the comeback is undone: he "left"
    assert changes(cli, db, "2023-11-23", "2023-11-20") == [("sam-altman", "left")]
    back = cli("diff", "2023-11-23", "2023-11-20", "--store", db).stdout
    assert "Left (1)" in back and "undoing the change on 2023-11-22" in back
    # before his first arrival there is nothing to come back to: he joined
    assert ("sam-altman", "joined") in changes(cli, db, "2000-01-01", "2023-11-23")


def test_history_and_log_say_rejoined(cli, db):
    record_return(cli, db)
    history = cli("history", "sam-altman", "--store", db).stdout
    assert "2023-11-22 → now         rejoined" in history
    stints = cli.json("history", "sam-altman", "--store", db)["stints"]
    assert [(s["from"], s["to"], s["rejoined"]) for s in stints] == [
        ("2019", "2023-11-17", False),
        ("2023-11-22", None, True),
    ]
    log = cli("log", "--person", "sam-altman", "--store", db).stdout
    assert "2023-11-22  Sam Altman [sam-altman]: rejoined as CEO" in log
    (entry,) = [e for e in cli.json("log", "--person", "sam-altman", "--store", db) if e["kind"] == "returned"]
    assert entry["summary"] == "rejoined as CEO" and entry["details"] == {"title": "CEO"}


def test_the_diff_picture_draws_a_comeback_as_rejoined(cli, db):
    record_return(cli, db)
    dot = cli("diff", "2023-11-20", "2023-11-23", "--format", "dot", "--store", db).stdout
    assert "1 rejoined" in dot and "rejoined 2023-11-22" in dot and "Rejoined" in dot  # the box, and the legend
    assert "rejoined between 2023-11-20 and 2023-11-23" in dot  # the box's tooltip
    span = cli("diff", "2023-11-16", "2023-12-01", "--format", "dot", "--store", db).stdout
    assert "left 2023-11-17; back 2023-11-22" in span


def test_a_comeback_without_a_title_shows_title_not_reported_and_guesses_no_manager(cli, db):
    result = cli("append", "returned", "mira-murati", "--on", "2024-11-01", "--source", "She is back", "--store", db)
    assert result.exit_code == 0, result.stderr
    assert "Mira Murati [mira-murati]: not in the organisation → title not reported, on 2024-11-01" in result.stdout
    back = row(cli, db, "2024-11-02", "mira-murati")
    assert (back["title"], back["reports_to"], back["status"]) == (None, None, "active")
    assert "Mira Murati — title not reported  [mira-murati]" in cli("show", "--at", "2024-11-02", "--store", db).stdout
    assert changes(cli, db, "2024-10-01", "2024-11-02") == [("mira-murati", "rejoined")]
    assert "title not reported" in cli("history", "mira-murati", "--store", db).stdout


def test_a_comeback_with_a_manager_reports_to_them(cli, db):
    result = cli(
        "append",
        "returned",
        "Mira Murati",
        "--on",
        "2024-11-01",
        "--reports-to",
        "サム・アルトマン",
        "--source",
        "x",
        "--store",
        db,
    )
    assert result.exit_code == 0, result.stderr
    back = row(cli, db, "2024-11-02", "mira-murati")
    assert (back["title"], back["reports_to"]) == (None, "sam-altman")
    assert (
        "rejoined (title not reported), reporting to Sam Altman"
        in cli("log", "--person", "mira-murati", "--store", db).stdout
    )


def test_appointed_after_a_departure_is_a_comeback_too(cli, db):
    result = cli(
        "append", "appointed", "mira-murati", "--title", "Advisor", "--on", "2024-12-01", "--source", "x", "--store", db
    )
    assert result.exit_code == 0, result.stderr
    assert "Rejoined (1)" in result.stdout and "Joined" not in result.stdout
    assert changes(cli, db, "2024-10-01", "2024-12-02") == [("mira-murati", "rejoined")]
    stints = cli.json("history", "mira-murati", "--store", db)["stints"]
    assert [s["rejoined"] for s in stints] == [False, True]


def test_a_plain_return_from_leave_is_as_before(cli, db):
    result = cli(
        "append", "returned", "greg-brockman", "--on", "2024-11-12", "--source", "Brockman is back", "--store", db
    )
    assert result.exit_code == 0, result.stderr
    assert "Returned (1)" in result.stdout and "Rejoined" not in result.stdout
    back = row(cli, db, "2024-11-13", "greg-brockman")
    assert (back["title"], back["status"]) == ("President", "active")
    fact = next(f for f in open_store(db).timeline().facts if f.kind == "returned")
    # no title or manager: the id hashes exactly as a `returned` fact's always has
    assert fact.id == fact_id("returned", "greg-brockman", "2024-11-12", {}, {"note": "Brockman is back"})


def test_the_model_and_a_replay_agree_on_a_comeback(cli, db):
    record_return(cli, db)
    cli(
        "append",
        "returned",
        "mira-murati",
        "--on",
        "2024-11-01",
        "--reports-to",
        "sam-altman",
        "--source",
        "x",
        "--store",
        db,
    )
    replay = ("--as-known-at", "2999-01-01")
    for day in ("2023-11-16", "2023-11-20", "2023-11-22", "2023-11-23", "2023-12-01", "2024-11-02"):
        modelled = cli.json("show", "--at", day, "--store", db)
        replayed = cli.json("show", "--at", day, "--store", db, *replay)
        assert modelled.pop("as_known_at") is None and replayed.pop("as_known_at")
        assert modelled == replayed
    for a, b in (
        ("2023-11-16", "2023-12-01"),
        ("2023-11-20", "2023-11-23"),
        ("2023-11-23", "2023-11-20"),
        ("2024-10-01", "2024-11-02"),
    ):
        modelled = cli.json("diff", a, b, "--store", db)
        replayed = cli.json("diff", a, b, "--store", db, *replay)
        assert modelled.pop("as_known_at") is None and replayed.pop("as_known_at")
        assert modelled == replayed
    for person in ("sam-altman", "mira-murati"):
        modelled = cli.json("history", person, "--store", db)
        replayed = cli.json("history", person, "--store", db, *replay)
        modelled.pop("as_known_at", None), replayed.pop("as_known_at", None)
        assert modelled == replayed


def test_a_backdated_comeback_is_checked_and_written_from_its_day_on(cli, db):
    """Dated before the last stored fact: the later facts are checked again with it, and the model,
    written in place from its day on, answers every day as a replay and as a rebuild of the model do."""
    days = ("2023-11-21", "2023-11-22", "2023-11-29", "2024-10-15")
    record_return(cli, db)
    assert max(f.on.start for f in open_store(db).timeline().facts).isoformat() > "2023-11-22"
    in_place = [cli.json("show", "--at", day, "--store", db)["people"] for day in days]
    replayed = [cli.json("show", "--at", day, "--store", db, "--as-known-at", "2999-01-01")["people"] for day in days]
    assert in_place == replayed
    assert cli("rebuild", "--store", db).exit_code == 0
    assert [cli.json("show", "--at", day, "--store", db)["people"] for day in days] == in_place
    # a later fact that the comeback makes impossible is refused: back on 2023-11-22, he cannot return on 11-25
    before = stored_events(db)
    result = cli("append", "returned", "sam-altman", "--on", "2023-11-25", "--source", "x", "--store", db)
    assert result.exit_code == 1 and "cannot return: in the organisation and not on leave" in result.stderr
    assert stored_events(db) == before
    # nor can he leave again while he is gone (between his departure and the comeback)
    result = cli("append", "departed", "sam-altman", "--on", "2023-11-20", "--source", "x", "--store", db)
    assert result.exit_code == 1 and "not in the organisation on that date" in result.stderr
    assert stored_events(db) == before


def test_a_comebacks_title_can_be_corrected(cli, db):
    record_return(cli, db)
    fact = next(f for f in open_store(db).timeline().facts if f.kind == "returned")
    result = cli("correct", fact.id, "--title", "Chief Executive Officer", "--reason", "full title", "--store", db)
    assert result.exit_code == 0, result.stderr
    assert row(cli, db, "2023-11-23")["title"] == "Chief Executive Officer"


def test_a_comeback_round_trips_through_export_and_import(cli, db, tmp_path):
    record_return(cli, db)
    cli(
        "append",
        "returned",
        "mira-murati",
        "--on",
        "2024-11-01",
        "--reports-to",
        "sam-altman",
        "--source",
        "x",
        "--store",
        db,
    )
    out = tmp_path / "export.jsonl"
    assert cli("export", "-o", out, "--store", db).exit_code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    comebacks = [r for r in lines if r["kind"] == "returned"]
    assert [(r["person"], r.get("title"), r.get("reports_to")) for r in comebacks] == [
        ("sam-altman", "CEO", None),
        ("mira-murati", None, "sam-altman"),
    ]
    fresh = str(tmp_path / "fresh.db")
    assert cli("import", out, "--store", fresh, "--org", "OpenAI").exit_code == 0
    assert cli("export", "--store", fresh).stdout == out.read_text(encoding="utf-8")
    assert row(cli, fresh, "2024-11-02", "mira-murati") == row(cli, db, "2024-11-02", "mira-murati")


def test_a_return_stored_before_comebacks_still_loads(cli, db):
    """A `Returned` event stored before comebacks has no title or manager in its stored state."""
    assert (
        cli("append", "returned", "greg-brockman", "--on", "2024-11-12", "--source", "back", "--store", db).exit_code
        == 0
    )
    with sqlite3.connect(db) as conn:
        (rowid, state) = conn.execute("SELECT rowid, state FROM stored_events WHERE topic LIKE '%Returned'").fetchone()
        old = json.loads(state)
        del old["title"], old["manager"]
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (json.dumps(old).encode(), rowid))
    assert cli("rebuild", "--store", db).exit_code == 0
    (entry,) = cli.json("log", "--kind", "returned", "--store", db, "--as-known-at", "2999-01-01")
    assert (entry["summary"], entry["details"], entry["id"]) == ("returned", {}, old["fact_id"])
    assert row(cli, db, "2024-11-13", "greg-brockman")["status"] == "active"


@pytest.mark.parametrize(
    "args, message",
    [
        # someone never in the organisation before that day (Sarah Friar is appointed CFO in 2024)
        (
            ["sarah-friar", "--on", "2023-01-01"],
            "cannot return: not in the organisation before that date (a comeback needs a departure before it",
        ),
        # someone in the organisation and not on leave
        (
            ["kevin-weil", "--on", "2024-10-20"],
            "cannot return: in the organisation and not on leave on that date (a comeback needs a departure",
        ),
        # a return from leave takes no title or manager
        (
            ["greg-brockman", "--on", "2024-11-12", "--title", "Chairman"],
            "a return from leave keeps the title and manager they had",
        ),
        (
            ["greg-brockman", "--on", "2024-11-12", "--reports-to", "sam-altman"],
            "a return from leave keeps the title and manager",
        ),
        # a comeback's manager must be in the organisation that day, and someone else
        (
            ["mira-murati", "--on", "2024-11-01", "--reports-to", "bob-mcgrew"],
            "manager Bob McGrew (bob-mcgrew) is not in the organisation",
        ),
        (["mira-murati", "--on", "2024-11-01", "--reports-to", "mira-murati"], "cannot report to themselves"),
        (["mira-murati", "--on", "2024-11-01", "--reports-to", "nobody-at-all"], "nobody-at-all"),
        (["nobody-at-all", "--on", "2024-11-01"], "nobody-at-all"),
    ],
)
def test_bad_returns_are_refused_with_one_line_and_the_store_unchanged(cli, db, args, message):
    before = stored_events(db)
    result = cli("append", "returned", *args, "--source", "x", "--store", db)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.stderr
    assert stored_events(db) == before


def test_a_bad_comeback_in_an_import_file_names_its_line(cli, db, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"kind": "returned", "person": "mira-murati", "on": "2024-11-01", "manager": "sam-altman"}) + "\n",
        encoding="utf-8",
    )
    before = stored_events(db)
    result = cli("import", path, "--store", db)
    assert result.exit_code == 1 and "bad.jsonl:1" in result.stderr and "manager" in result.stderr
    assert stored_events(db) == before
