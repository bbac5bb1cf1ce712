"""`orgsim import` / `orgsim export`: JSON Lines all or nothing, FILE:LINE errors, and the round trip."""

import json
from datetime import date, timedelta

import pytest
from conftest import stored_events

from orgsim.application import open_store
from orgsim.chart import chart_at


def write_lines(path, records):
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records),
        encoding="utf-8",
    )
    return path


GOOD = [
    {
        "kind": "appointed",
        "person": "jane-doe",
        "name": "Jane Doe",
        "aliases": ["JD"],
        "title": "COO",
        "reports_to": "サム・アルトマン",
        "on": "2024-11",
        "source": {"document": "memo.txt", "quote": "Jane joins as COO"},
    },
    {"kind": "reports_to", "person": "kevin weil", "manager": "JD", "on": "2024-12-01", "source": "org memo"},
    {"kind": "on_leave", "person": "jane-doe", "on": "2025-01", "until": "2025-03", "source": "a post"},
    {"kind": "returned", "person": "jane-doe", "on": "2025-03-10", "source": "a post"},
    {"kind": "departed", "person": "Jane Doe", "on": "2025-06", "to": "Acme", "source": "a post"},
]


def test_import_stores_every_line_and_twice_adds_nothing(cli, db, tmp_path):
    f = write_lines(tmp_path / "h.jsonl", GOOD)
    result = cli("import", f, "--store", db, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "organisation": "OpenAI",
        "people_added": 1,
        "events_added": 5,
        "events_already_stored": 0,
    }
    chart = {p["id"]: p for p in cli.json("show", "--at", "2025-02-01", "--store", db)["people"]}
    assert chart["jane-doe"]["status"] == "on_leave" and chart["kevin-weil"]["reports_to"] == "jane-doe"
    again = json.loads(cli("import", f, "--store", db, "--json").stdout)
    assert again["events_added"] == 0 and again["events_already_stored"] == 5
    assert "\x1b" not in result.stderr  # no progress bar or colour when stderr is not a terminal


BAD_LINES = [
    (
        "a quote given as an object",
        {
            "kind": "departed",
            "person": "mark-chen",
            "on": "2024-10",
            "source": {"url": "https://x.org", "quote": {"a": 1}},
        },
        "source quote: must be a string, not dict",
    ),
    (
        "a field given twice",
        '{"kind": "departed", "person": "mark-chen", "on": "2024-10", "on": "2024-11", "source": "a note"}',
        "field 'on' is given twice",
    ),
    ("malformed JSON", '{"kind": "departed", "person": "mark-chen", "on": "2024-10"', "not valid JSON"),
    ("missing field", {"kind": "departed", "person": "mark-chen"}, "missing field 'on'"),
    ("unknown kind", {"kind": "promoted", "person": "mark-chen", "on": "2024-10"}, "unknown kind 'promoted'"),
    (
        "unknown field",
        {"kind": "departed", "person": "mark-chen", "on": "2024-10", "title": "x"},
        "do not belong to a departed event",
    ),
    ("malformed date", {"kind": "departed", "person": "mark-chen", "on": "2024-13-01"}, "month 13"),
    ("not a date", {"kind": "departed", "person": "mark-chen", "on": "yesterday"}, "not a date"),
    ("not an object", "[1, 2]", "must be a JSON object"),
    ("unknown person", {"kind": "departed", "person": "nobody", "on": "2024-10"}, "unknown person 'nobody'"),
    (
        "departing twice",
        {"kind": "departed", "person": "mira-murati", "on": "2024-10-01"},
        "not in the organisation on that date",
    ),
    ("returning when not on leave", {"kind": "returned", "person": "sam-altman", "on": "2024-10-01"}, "not on leave"),
    ("leave after departure", {"kind": "on_leave", "person": "john-schulman", "on": "2024-10-01"}, "departed 2024-08"),
    (
        "reporting to oneself",
        {"kind": "reports_to", "person": "mark-chen", "manager": "mark-chen", "on": "2024-10-01"},
        "themselves",
    ),
    (
        "reporting cycle",
        {"kind": "reports_to", "person": "sam-altman", "manager": "mark-chen", "on": "2024-10-01"},
        "cycle",
    ),
    (
        "manager not there",
        {"kind": "reports_to", "person": "mark-chen", "manager": "mira-murati", "on": "2024-10-01"},
        "not in the organisation on that date",
    ),
    (
        "invalidates a later event",
        {"kind": "departed", "person": "bob-mcgrew", "on": "2024-01"},
        "would make the stored event",
    ),
    (
        "retracting an unknown event",
        {"kind": "retracted", "target": "ffffffffffff", "reason": "x"},
        "no stored event has id",
    ),
]


@pytest.mark.parametrize("name, bad, message", BAD_LINES, ids=[b[0] for b in BAD_LINES])
def test_one_bad_line_rejects_the_whole_file(cli, db, tmp_path, name, bad, message):
    f = write_lines(tmp_path / "h.jsonl", GOOD[:2] + [bad] + GOOD[2:])
    before = stored_events(db)
    result = cli("import", f, "--store", db)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith(f"Error: {f}:3: "), result.stderr
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert stored_events(db) == before


def test_ambiguous_alias_in_a_file(cli, db, tmp_path):
    f = write_lines(
        tmp_path / "h.jsonl",
        [
            {"kind": "appointed", "person": "kevin-other", "name": "Kevin", "title": "Engineer", "on": "2024-10"},
            {"kind": "departed", "person": "kevin", "on": "2024-11"},
        ],
    )
    before = stored_events(db)
    result = cli("import", f, "--store", db)
    assert result.exit_code == 1 and f"{f}:2: " in result.stderr and "could be any of" in result.stderr
    assert stored_events(db) == before


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_an_empty_file_is_an_error(cli, db, tmp_path, content):
    f = tmp_path / "empty.jsonl"
    f.write_text(content)
    before = stored_events(db)
    result = cli("import", f, "--store", db)
    assert result.exit_code == 1 and "holds no events" in result.stderr and stored_events(db) == before


def test_missing_file_and_missing_org(cli, db, tmp_path):
    assert "no such file" in cli("import", tmp_path / "nope.jsonl", "--store", db).stderr
    f = write_lines(tmp_path / "h.jsonl", GOOD)
    result = cli("import", f, "--store", tmp_path / "new.db")
    assert result.exit_code == 1 and "pass --org NAME" in result.stderr
    assert (
        cli("import", f, "--store", tmp_path / "new.db", "--org", "Acme").exit_code == 1
    )  # sam-altman unknown in Acme
    assert not (tmp_path / "new.db").exists()  # a failed first import leaves no store behind


def history(store):
    """Everything a store's history means: people, facts and retractions in recording order, charts at every date."""
    t = open_store(store).timeline()
    facts = [(f.id, f.kind, f.person, str(f.on), f.title, f.manager, f.destination, f.until, f.source) for f in t.facts]
    retractions = [(r.id, r.target, r.reason, r.replaced_by) for r in t.retractions]
    days = sorted({f.on.start for f in t.facts} | {f.on.end + timedelta(days=1) for f in t.facts})
    charts = [chart_at(t, d).as_json() for d in days] + [chart_at(t, date(2030, 1, 1)).as_json()]
    return t.people, facts, retractions, charts


def test_export_then_import_rebuilds_an_identical_history(cli, db, tmp_path):
    assert cli("import", write_lines(tmp_path / "h.jsonl", GOOD), "--store", db).exit_code == 0
    murati = next(f for f in open_store(db).timeline().facts if f.person == "mira-murati" and f.kind == "departed")
    kevin = next(f for f in open_store(db).timeline().facts if f.person == "kevin-weil" and f.kind == "reports_to")
    assert (
        cli(
            "correct",
            murati.id,
            "--on",
            "2024-09-26",
            "--to",
            "Thinking Machines",
            "--reason",
            "later report",
            "--store",
            db,
        ).exit_code
        == 0
    )
    assert cli("retract", kevin.id, "--reason", "not reported after all", "--store", db).exit_code == 0

    out = tmp_path / "export.jsonl"
    result = cli("export", "-o", out, "--store", db)
    assert result.exit_code == 0 and "Exported" in result.stderr and result.stdout == ""
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"kind": "organisation", "name": "OpenAI"}  # a backup names its organisation
    assert lines[1]["kind"] == "person" and lines[1]["name"]
    assert any(r["kind"] == "retracted" and r["target"] == kevin.id for r in lines)
    assert any(r.get("corrects") == murati.id and r["to"] == "Thinking Machines" for r in lines)
    assert cli("export", "--store", db).stdout == out.read_text(encoding="utf-8")  # stdout and -o agree

    fresh = str(tmp_path / "fresh.db")
    result = cli("import", out, "--store", fresh, "--org", "OpenAI")
    assert result.exit_code == 0, result.stderr
    assert history(fresh) == history(db)
    assert cli("export", "--store", fresh).stdout == out.read_text(encoding="utf-8")
    # the retracted events are still in the log, and import into the same store adds nothing
    assert json.loads(cli("import", out, "--store", db, "--json").stdout)["events_added"] == 0


def test_export_of_a_missing_store_is_an_error(cli, tmp_path):
    result = cli("export", "--store", tmp_path / "none.db")
    assert result.exit_code == 1 and "`orgsim init --org NAME`" in result.stderr


def test_a_byte_order_mark_is_accepted(cli, db, tmp_path):
    f = tmp_path / "bom.jsonl"
    f.write_bytes(
        b'\xef\xbb\xbf{"kind": "appointed", "person": "bom-person", "name": "Bom Person", "title": "X", "on": "2024-11"}\n'
    )
    assert cli("import", f, "--store", db).exit_code == 0
    assert "bom-person" in {p["id"] for p in cli.json("people", "--store", db)["people"]}


def test_importing_a_seed_yaml_points_at_load(cli, db):
    from conftest import SEEDS

    result = cli("import", SEEDS, "--store", db)
    assert result.exit_code == 1 and "use `orgsim load FILE`" in result.stderr


def test_importing_under_a_new_organisation_name_adds_it_and_says_so(cli, db, tmp_path):
    """A store may hold several organisations; a new one (e.g. a typo in --org) is never added unnoticed."""
    history = tmp_path / "h.jsonl"
    assert cli("export", "--store", db, "-o", history).exit_code == 0
    same = cli("import", history, "--org", "openai", "--store", db)  # (names match whatever their case)
    assert same.exit_code == 0 and "new organisation" not in same.stderr
    typo = cli("import", history, "--org", "Opnai", "--store", db)
    assert typo.exit_code == 0
    assert (
        "Note: Opnai is a new organisation in this store, beside OpenAI: commands on this store now need --org."
        in typo.stderr
    )
    needs = cli("show", "--store", db)
    assert needs.exit_code == 1 and "several organisations (OpenAI, Opnai)" in needs.stderr
    assert cli("show", "--org", "OpenAI", "--store", db).exit_code == 0


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_a_name_holding_a_unicode_line_separator_exports_and_imports_back(cli, tmp_path, separator):
    """JSON writes U+2028, U+2029 and U+0085 raw; a JSON Lines line ends at a line feed only."""
    store, copy = str(tmp_path / "s.db"), str(tmp_path / "c.db")
    assert cli("init", "--org", "Acme", "--store", store).exit_code == 0
    name, title = f"Ann{separator}Lee", f"Chief{separator}Officer"
    assert (
        cli(
            "append",
            "appointed",
            name,
            "--title",
            title,
            "--on",
            "2024",
            "--url",
            "https://example.org/a",
            "--store",
            store,
        )
    ).exit_code == 0
    backup = tmp_path / "backup.jsonl"
    assert cli("export", "-o", backup, "--store", store).exit_code == 0
    result = cli("import", backup, "--store", copy)
    assert result.exit_code == 0, result.stderr
    assert cli("export", "--store", copy).stdout == backup.read_text(encoding="utf-8")
    (row,) = cli.json("show", "--at", "2024-06-01", "--store", copy)["people"]
    assert (row["name"], row["title"]) == (name, title)
