"""Posts (issue 17, item 2): several posts at once (`--also`), acting holders (`--acting`), stepping
down from one post (`departed --post`), units such as the board (`--unit`, `reports-to --manager UNIT`),
and succession (`orgsim holders`); each bad input one line, exit 1, the store unchanged.

On a copy of the seeds: the CTO is named acting CEO on 2023-11-17 and stays CTO (the board's
announcement of that day), then steps down as CEO when an outside interim CEO is named.
"""

import json

import pytest
from conftest import stored_events

ANNOUNCEMENT = "https://openai.com/blog/openai-announces-leadership-transition"
BOARD = "Board of Directors"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def refused(cli, db, *args):
    before = stored_events(db)
    result = cli(*args, "--store", db)
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert stored_events(db) == before
    return lines[0]


def dot_of(cli, db, day, tmp_path):
    out = tmp_path / f"chart-{day}.dot"
    ok(cli("render", "--at", day, "-o", str(out), "--store", db))
    return out.read_text(encoding="utf-8")


def person(cli, db, day, pid, *extra):
    people = cli.json("show", "--at", day, "--store", db, *extra)["people"]
    return next((p for p in people if p["id"] == pid), None)


def acting_ceo(cli, db):
    return ok(
        cli(
            "append", "appointed", "mira-murati", "--title", "CEO", "--acting", "--also",
            "--on", "2023-11-17", "--url", ANNOUNCEMENT, "--store", db,
        )
    )  # fmt: skip


def steps_down(cli, db):
    """The CTO steps down as acting CEO on 2023-11-20 (the outside interim CEO is named)."""
    return ok(
        cli(
            "append",
            "departed",
            "mira-murati",
            "--post",
            "CEO",
            "--on",
            "2023-11-20",
            "--url",
            ANNOUNCEMENT,
            "--store",
            db,
        )
    )


def chair_in(unit):
    """The command that names Mark Chen chair of `unit` on 2023-11-18, keeping his other posts."""
    return ("append", "appointed", "mark-chen", "--title", "Chair", "--unit", unit, "--also", "--on", "2023-11-18")


def seat(cli, db):
    """Sutskever's seat on the board, his post at the company kept."""
    ok(
        cli(
            "append",
            "appointed",
            "ilya-sutskever",
            "--title",
            "Board member",
            "--unit",
            BOARD,
            "--also",
            "--on",
            "2023-11-17",
            "--store",
            db,
        )
    )


def board(cli, db):
    """Sutskever's seat on the board; the CTO reports to the board."""
    seat(cli, db)
    ok(cli("append", "reports-to", "mira-murati", "--manager", BOARD, "--on", "2023-11-17", "--store", db))


def test_also_adds_a_post_and_keeps_the_others(cli, db, tmp_path):
    result = acting_ceo(cli, db)
    assert "also appointed acting CEO" in result.stdout
    assert "CTO → CTO and acting CEO" in result.stdout
    before, after = person(cli, db, "2023-11-16", "mira-murati"), person(cli, db, "2023-11-18", "mira-murati")
    assert before["title"] == "CTO" and [p["title"] for p in before["posts"]] == ["CTO"]
    assert after["title"] == "CTO and acting CEO"
    assert [(p["title"], p["acting"], p["unit"], p["since"]) for p in after["posts"]] == [
        ("CTO", False, None, "2018"),
        ("CEO", True, None, "2023-11-17"),
    ]
    stored = [r for r in map(json.loads, ok(cli("export", "--store", db)).stdout.splitlines()) if r.get("acting")]
    assert [(r["person"], r["title"], r.get("also")) for r in stored] == [("mira-murati", "CEO", True)]
    # the text tree and the picture show both posts in her box
    assert (
        "Mira Murati — CTO and acting CEO  [mira-murati]" in ok(cli("show", "--at", "2023-11-18", "--store", db)).stdout
    )
    dot = dot_of(cli, db, "2023-11-18", tmp_path)
    assert "CTO and acting CEO" in dot


def test_without_also_the_new_post_replaces_them(cli, db):
    acting_ceo(cli, db)
    ok(
        cli(
            "append",
            "appointed",
            "mira-murati",
            "--title",
            "CTO",
            "--on",
            "2023-11-29",
            "--url",
            ANNOUNCEMENT,
            "--store",
            db,
        )
    )
    assert [p["title"] for p in person(cli, db, "2023-11-30", "mira-murati")["posts"]] == ["CTO"]


def test_also_on_a_post_already_held_is_refused(cli, db):
    acting_ceo(cli, db)
    line = refused(
        cli, db, "append", "appointed", "mira-murati", "--title", "ceo", "--acting", "--also", "--on", "2023-11-18",
        "--url", ANNOUNCEMENT,
    )  # fmt: skip
    assert "already holds the post acting CEO (since 2023-11-17)" in line
    assert "--title" in refused(
        cli, db, "append", "appointed", "mira-murati", "--title", "", "--also", "--on", "2023-11-18"
    )


def test_stepping_down_from_one_post_is_not_leaving(cli, db):
    acting_ceo(cli, db)
    result = steps_down(cli, db)
    assert "stepped down as CEO" in result.stdout
    row = person(cli, db, "2023-11-21", "mira-murati")
    assert row is not None and row["title"] == "CTO" and [p["title"] for p in row["posts"]] == ["CTO"]
    # the last post ends: still in the organisation, shown with no post
    ok(
        cli(
            "append",
            "departed",
            "mira-murati",
            "--post",
            "CTO",
            "--on",
            "2023-11-21",
            "--url",
            ANNOUNCEMENT,
            "--store",
            db,
        )
    )
    row = person(cli, db, "2023-11-22", "mira-murati")
    assert row is not None and row["title"] is None and row["posts"] == []
    assert "Mira Murati — no post  [mira-murati]" in ok(cli("show", "--at", "2023-11-22", "--store", db)).stdout
    assert person(cli, db, "2024-09-26", "mira-murati") is None  # her departure (the seeds') still ends her tenure


def test_a_post_not_held_is_refused(cli, db):
    line = refused(
        cli, db, "append", "departed", "mira-murati", "--post", "CEO", "--on", "2023-11-20", "--url", ANNOUNCEMENT
    )
    assert "does not hold the post CEO on that date (holds: CTO)" in line
    assert "--to" in refused(
        cli, db, "append", "departed", "mira-murati", "--post", "CTO", "--to", "Anthropic", "--on", "2023-11-20"
    )


def test_a_unit_holds_posts_and_people_report_to_it(cli, db, tmp_path):
    ok(
        cli(
            "append", "appointed", "ilya-sutskever", "--title", "Board member", "--unit", BOARD, "--also",
            "--on", "2023-11-17", "--url", ANNOUNCEMENT, "--store", db,
        )
    )  # fmt: skip
    line = ok(
        cli(
            "append",
            "reports-to",
            "mira-murati",
            "--manager",
            BOARD,
            "--on",
            "2023-11-17",
            "--url",
            ANNOUNCEMENT,
            "--store",
            db,
        )
    )
    assert "Recorded: Mira Murati (mira-murati) reports to Board of Directors, 2023-11-17" in line.stdout
    chart = cli.json("show", "--at", "2023-11-18", "--store", db)
    assert chart["units"] == [
        {
            "id": "board-of-directors",
            "name": BOARD,
            "members": [{"person": "ilya-sutskever", "post": "Board member"}],
        }
    ]
    ilya = next(p for p in chart["people"] if p["id"] == "ilya-sutskever")
    assert ilya["title"] == "Co-founder and Board member (Board of Directors)"
    assert ilya["posts"][1]["unit"] == BOARD
    mira = next(p for p in chart["people"] if p["id"] == "mira-murati")
    assert mira["reports_to"] == "board-of-directors"
    text = ok(cli("show", "--at", "2023-11-18", "--store", db)).stdout
    assert "Board of Directors (unit) — Ilya Sutskever (Board member)  [board-of-directors]\n└── Mira Murati" in text
    dot = dot_of(cli, db, "2023-11-18", tmp_path)
    assert 'id="unit-board-of-directors"' in dot and '"board-of-directors" -> "mira-murati"' in dot
    # the unit is in the register (and the export) as a unit, not a person
    units = [r for r in map(json.loads, ok(cli("export", "--store", db)).stdout.splitlines()) if r["kind"] == "unit"]
    assert [(u["unit"], u["name"]) for u in units] == [("board-of-directors", BOARD)]
    people = cli.json("people", "--store", db)["people"]
    assert "board-of-directors" not in {p["id"] for p in people}
    # a board seat ends by its post, in its unit
    ok(
        cli(
            "append", "departed", "ilya-sutskever", "--post", "board member", "--unit", BOARD, "--on", "2023-11-29",
            "--url", ANNOUNCEMENT, "--store", db,
        )
    )  # fmt: skip
    assert person(cli, db, "2023-11-30", "ilya-sutskever")["title"] == "Co-founder"


def test_a_unit_is_no_person(cli, db):
    seat(cli, db)
    line = refused(cli, db, "append", "reports-to", BOARD, "--manager", BOARD, "--on", "2023-11-18")
    assert "is a unit of the organisation, not a person" in line
    assert "not a person" in refused(cli, db, "append", "departed", "board-of-directors", "--on", "2023-11-18")
    assert "is a person, not a unit" in refused(cli, db, *chair_in("sam-altman"))


def test_posts_round_trip_through_export_and_import(cli, db, tmp_path):
    acting_ceo(cli, db)
    seat(cli, db)
    ok(cli("append", "reports-to", "mira-murati", "--manager", BOARD, "--on", "2023-11-18", "--store", db))
    ok(cli("append", "departed", "mira-murati", "--post", "CEO", "--on", "2023-11-20", "--store", db))
    backup = tmp_path / "backup.jsonl"
    ok(cli("export", "-o", str(backup), "--store", db))
    copy = str(tmp_path / "copy.db")
    ok(cli("import", str(backup), "--store", copy))
    for day in ("2023-11-17", "2023-11-18", "2023-11-20", "2024-10-15"):
        assert cli.json("show", "--at", day, "--store", copy) == cli.json("show", "--at", day, "--store", db)
    assert ok(cli("export", "--store", copy)).stdout == backup.read_text(encoding="utf-8")


@pytest.mark.parametrize("day", ["2023-11-17", "2023-11-20", "2023-11-21"])
def test_the_read_model_and_a_replay_give_the_same_posts(cli, db, day):
    acting_ceo(cli, db)
    ok(cli("append", "departed", "mira-murati", "--post", "CEO", "--on", "2023-11-20", "--store", db))
    model = cli.json("show", "--at", day, "--store", db)
    replay = cli.json("show", "--at", day, "--as-known-at", "2999-01-01T00:00:00Z", "--store", db)
    assert model["people"] == replay["people"] and model["units"] == replay["units"]


def test_holders_lists_every_holder_in_order_acting_ones_marked(cli, db):
    acting_ceo(cli, db)
    steps_down(cli, db)
    ok(
        cli(
            "append",
            "appointed",
            "Emmett Shear",
            "--title",
            "CEO",
            "--acting",
            "--on",
            "2023-11-20",
            "--url",
            ANNOUNCEMENT,
            "--store",
            db,
        )
    )
    ok(cli("append", "departed", "emmett-shear", "--on", "2023-11-22", "--url", ANNOUNCEMENT, "--store", db))
    found = cli.json("holders", "CEO", "--store", db)
    got = [(h["person"], h["acting"], h["from"], h["to"]) for h in found["holders"]]
    assert got == [
        ("sam-altman", False, "2019", "2023-11-17"),
        ("mira-murati", True, "2023-11-17", "2023-11-20"),
        ("emmett-shear", True, "2023-11-20", "2023-11-22"),
        (None, False, "2023-11-22", "2023-11-29"),  # a vacancy: the seeds name the CEO again on 2023-11-29
        ("sam-altman", False, "2023-11-29", None),
    ]
    assert found["holders"][1]["sources"] == [{"url": ANNOUNCEMENT}, {"url": ANNOUNCEMENT}]
    assert found["holders"][3]["vacant"] is True
    text = ok(cli("holders", "ceo", "--store", db)).stdout
    assert "2023-11-17 → 2023-11-20  Mira Murati [mira-murati] — acting CEO\n" in text
    assert "2023-11-22 → 2023-11-29  vacant" in text
    assert "no one held" in ok(cli("holders", "Chief Happiness Officer", "--store", db)).stdout


def test_the_diff_picture_draws_a_unit_people_report_to(cli, db, tmp_path):
    board(cli, db)
    out = tmp_path / "diff.dot"
    ok(cli("diff", "2023-11-16", "2023-11-18", "-o", str(out), "--store", db))
    dot = out.read_text(encoding="utf-8")
    assert 'id="unit-board-of-directors"' in dot and '"board-of-directors" -> "mira-murati"' in dot


def test_the_log_says_rejoined_for_an_appointment_after_a_departure(cli, db):
    # the seeds: Altman departed on 2023-11-17 and was appointed CEO again on 2023-11-29
    for extra in ((), ("--as-known-at", "2999-01-01T00:00:00Z")):  # the read model's log, and a replay's
        for selection in (("--person", "sam-altman"), ("--from", "2023-11-20"), ()):
            entries = cli.json("log", *selection, "--store", db, *extra)
            summaries = {e["on"]: e["summary"] for e in entries if e["person"] == "sam-altman"}
            assert summaries["2023-11-29"] == "rejoined as CEO", (selection, extra)
            assert summaries.get("2019", "appointed CEO") == "appointed CEO"


def test_the_timeline_draws_a_unit_in_the_frames_people_report_to_it(cli, db, tmp_path):
    board(cli, db)
    page = tmp_path / "timeline.html"
    ok(cli("timeline", "--from", "2023-11-01", "--to", "2023-11-30", "--at-changes", "-o", str(page), "--store", db))
    html = page.read_text(encoding="utf-8")
    assert html.count('id="unit&#45;board&#45;of&#45;directors"') >= 2  # every frame keeps its place
    assert "(unit of the organisation)" in html


def test_an_outside_director_is_shown_with_the_board_not_as_an_unreported_line(cli, db, tmp_path):
    seat = ("--title", "Board member", "--unit", BOARD, "--on", "2023-11-17", "--url", ANNOUNCEMENT)
    ok(cli("append", "appointed", "Helen Toner", *seat, "--store", db))
    text = ok(cli("show", "--at", "2023-11-18", "--store", db)).stdout
    assert "Board of Directors (unit) — Helen Toner (Board member)  [board-of-directors]" in text
    unreported = text.split("Reporting line not reported:")[1]
    assert "Helen Toner" not in unreported and "Mira Murati" in unreported
    dot = dot_of(cli, db, "2023-11-18", tmp_path)
    cluster = dot.split("subgraph cluster_unit_0 {")[1].split("}")[0]
    assert "Board of Directors: members" in cluster and '"helen-toner"' in cluster


def test_an_import_record_with_a_post_field_of_the_wrong_type_is_refused(cli, db, tmp_path):
    bad = tmp_path / "bad.jsonl"
    line = {"kind": "appointed", "person": "mira-murati", "title": "CEO", "also": "yes", "on": "2023-11-17"}
    bad.write_text(json.dumps(line) + "\n", encoding="utf-8")
    message = refused(cli, db, "import", str(bad), "--org", "OpenAI")
    assert f"{bad}:1: field 'also' must be true or false" in message
    line = {"kind": "departed", "person": "mira-murati", "post": "CTO", "also": True, "on": "2023-11-17"}
    bad.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert "do not belong to a departed event" in refused(cli, db, "import", str(bad), "--org", "OpenAI")


def test_holders_cites_the_appointment_to_the_post_when_two_begin_on_one_day(cli, db):
    day = ("--on", "2023-11-17")
    ok(
        cli(
            "append",
            "appointed",
            "Bret Taylor",
            "--title",
            "Board member",
            "--unit",
            BOARD,
            *day,
            "--source",
            "a",
            "--store",
            db,
        )
    )
    chair = ok(
        cli(
            "append",
            "appointed",
            "bret-taylor",
            "--title",
            "Chair",
            "--unit",
            BOARD,
            "--also",
            *day,
            "--source",
            "b",
            "--json",
            "--store",
            db,
        )
    )
    found = cli.json("holders", "Chair", "--store", db)["holders"]
    assert [(h["person"], h["title"], h["unit"], h["post"], h["events"]) for h in found] == [
        ("bret-taylor", "Chair", BOARD, "Chair (Board of Directors)", [json.loads(chair.stdout)["event"]])
    ]
    assert "1 tenure\n" in ok(cli("holders", "Chair", "--store", db)).stdout


def test_a_unit_named_as_part_of_another_is_a_typo_not_a_new_unit(cli, db):
    board(cli, db)
    line = refused(cli, db, *chair_in("board"))
    assert "no unit 'board' in OpenAI: did you mean 'Board of Directors'?" in line
    ok(
        cli(
            "append",
            "appointed",
            "mark-chen",
            "--title",
            "Lead",
            "--unit",
            "Research",
            "--also",
            "--on",
            "2023-11-18",
            "--store",
            db,
        )
    )
    assert {u["name"] for u in cli.json("show", "--at", "2023-11-19", "--store", db)["units"]} == {BOARD, "Research"}


def test_reading_commands_about_a_person_refuse_a_unit_and_org_list_names_the_units(cli, db):
    board(cli, db)
    for args in (("why", BOARD, "--at", "2023-11-18"), ("history", BOARD), ("log", "--person", BOARD)):
        line = refused(cli, db, *args)
        assert "Board of Directors (board-of-directors) is a unit of OpenAI, not a person" in line, args
    listed = cli.json("org", "list", "--store", db)["organisations"]
    assert listed[0]["units"] == {"board-of-directors": BOARD}
    assert "units: Board of Directors" in ok(cli("org", "list", "--store", db)).stdout


def test_a_post_held_in_two_units_needs_its_unit_and_render_root_refuses_a_unit(cli, db, tmp_path):
    seat(cli, db)
    ok(cli(*chair_in(BOARD), "--store", db))
    ok(cli(*chair_in("Research"), "--store", db))
    line = refused(cli, db, "append", "departed", "mark-chen", "--post", "Chair", "--on", "2023-11-19")
    assert "holds the post Chair in 2 units" in line and "give its unit" in line
    ok(
        cli(
            "append",
            "departed",
            "mark-chen",
            "--post",
            "Chair",
            "--unit",
            "Research",
            "--on",
            "2023-11-19",
            "--store",
            db,
        )
    )
    assert [p["unit"] for p in person(cli, db, "2023-11-20", "mark-chen")["posts"] if p["title"] == "Chair"] == [BOARD]
    out = str(tmp_path / "x.svg")
    assert "is a unit of OpenAI" in refused(cli, db, "render", "--at", "2023-11-20", "--root", BOARD, "-o", out)


def test_a_correction_keeps_the_posts_fields_it_does_not_name(cli, db, tmp_path):
    appointment = acting_ceo(cli, db).stdout.split("Event id: ")[1].split()[0]
    step_down = steps_down(cli, db).stdout.split("Event id: ")[1].split()[0]
    for event, day in ((appointment, "2023-11-16"), (step_down, "2023-11-21")):
        ok(cli("correct", event, "--on", day, "--reason", "the day", "--store", db))
    row = person(cli, db, "2023-11-20", "mira-murati")  # acting CEO from the 16th, still on the 20th
    assert [(p["title"], p["acting"], p["since"]) for p in row["posts"]] == [
        ("CTO", False, "2018"),
        ("CEO", True, "2023-11-16"),
    ]
    row = person(cli, db, "2023-11-22", "mira-murati")  # stepped down on the 21st: CTO still
    assert row is not None and [p["title"] for p in row["posts"]] == ["CTO"]
    # the export's correction lines carry the fields, and an import of the backup rebuilds the same charts
    backup = tmp_path / "backup.jsonl"
    ok(cli("export", "-o", str(backup), "--store", db))
    copy = str(tmp_path / "copy.db")
    ok(cli("import", str(backup), "--store", copy))
    for day in ("2023-11-16", "2023-11-20", "2023-11-22"):
        assert (
            cli.json("show", "--at", day, "--store", copy)["people"]
            == cli.json("show", "--at", day, "--store", db)["people"]
        )


def test_an_import_names_units_as_append_does(cli, db, tmp_path):
    board(cli, db)
    lines = [
        {
            "kind": "appointed",
            "person": "mark-chen",
            "title": "Chair",
            "unit": "Board",
            "also": True,
            "on": "2023-11-18",
        },
    ]
    bad = tmp_path / "typo.jsonl"
    bad.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert f"{bad}:1: no unit 'Board' in OpenAI: did you mean 'Board of Directors'?" in refused(
        cli, db, "import", str(bad), "--org", "OpenAI"
    )
    # a unit line declares a unit of its own name; two units of one name are refused, naming the line
    twice = tmp_path / "twice.jsonl"
    twice.write_text(json.dumps({"kind": "unit", "unit": "board-2", "name": BOARD}) + "\n", encoding="utf-8")
    assert f"{twice}:1: OpenAI already has a unit named 'Board of Directors'" in refused(
        cli, db, "import", str(twice), "--org", "OpenAI"
    )
    fine = tmp_path / "fine.jsonl"
    fine.write_text(
        json.dumps({"kind": "unit", "unit": "advisory-board-of-directors", "name": "Advisory Board of Directors"})
        + "\n"
        + json.dumps({**lines[0], "unit": "Advisory Board of Directors"})
        + "\n",
        encoding="utf-8",
    )
    ok(cli("import", str(fine), "--org", "OpenAI", "--store", db))
    assert {u["name"] for u in cli.json("show", "--at", "2023-11-19", "--store", db)["units"]} == {
        BOARD,
        "Advisory Board of Directors",
    }


@pytest.mark.parametrize(
    "story, day, expected",
    [
        # a comeback long after the departure: the range holds the comeback, not the departure
        (
            (("appointed", "CEO", "2020-01-01"), ("departed", None, "2023-06-10"), ("appointed", "CTO", "2024-03")),
            "2024-03-15",
            "rejoined as CTO",
        ),
        # a departure known to its month, a comeback, then another post: the post is no comeback
        (
            (
                ("appointed", "CEO", "2020-01-01"),
                ("departed", None, "2023-06"),
                ("appointed", "CTO", "2023-07-10"),
                ("also", "CFO", "2024-04-02"),
            ),
            "2024-03-15",
            "also appointed CFO",
        ),
        # leaving and coming back on one day: no chart shows them gone, so no comeback
        (
            (("appointed", "CEO", "2020-01-01"), ("departed", None, "2023-06-10"), ("appointed", "CTO", "2023-06-10")),
            "2023-06-01",
            "appointed CTO",
        ),
    ],
)
def test_the_log_of_a_range_says_rejoined_as_a_replay_does(cli, tmp_path, story, day, expected):
    store = str(tmp_path / "acme.db")
    ok(cli("org", "add", "Acme", "--store", store))
    for kind, title, on in story:
        args = ("appointed", "Ann A", "--title", title) if kind in ("appointed", "also") else ("departed", "ann-a")
        ok(
            cli(
                "append",
                *args,
                *(("--also",) if kind == "also" else ()),
                "--on",
                on,
                "--source",
                f"{kind} {on}",
                "--store",
                store,
            )
        )
    for extra in ((), ("--as-known-at", "2999-01-01T00:00:00Z")):  # the read model's log, and a replay's
        entries = cli.json("log", "--from", day, "--store", store, *extra)
        assert entries[-1]["summary"] == expected, extra


def test_a_post_held_in_no_unit_and_in_a_unit_ends_in_no_unit_when_none_is_named(cli, db):
    ok(cli(*chair_in(BOARD), "--store", db))
    ok(cli("append", "appointed", "mark-chen", "--title", "Chair", "--also", "--on", "2023-11-18", "--store", db))
    ok(cli("append", "departed", "mark-chen", "--post", "Chair", "--on", "2023-11-19", "--store", db))
    assert [(p["title"], p["unit"]) for p in person(cli, db, "2023-11-20", "mark-chen")["posts"]] == [("Chair", BOARD)]


def test_the_log_of_a_range_lists_a_range_of_days_begun_before_it_as_a_replay_does(cli, tmp_path):
    store = str(tmp_path / "acme.db")
    ok(cli("org", "add", "Acme", "--store", store))
    ok(cli("append", "appointed", "Ann A", "--title", "CEO", "--on", "2020-01-01", "--source", "s1", "--store", store))
    ok(
        cli(
            "append",
            "appointed",
            "ann-a",
            "--title",
            "CTO",
            "--on",
            "2021-03-10..2021-03-15",
            "--source",
            "s2",
            "--store",
            store,
        )
    )
    for extra in ((), ("--as-known-at", "2999-01-01T00:00:00Z")):  # the read model's log, and a replay's
        entries = cli.json("log", "--from", "2021-03-15", "--store", store, *extra)
        assert [e["on"] for e in entries] == ["[2021-03-10..2021-03-15]"], extra
        assert [e["on"] for e in cli.json("log", "--from", "2021-03-16", "--store", store, *extra)] == [], extra
