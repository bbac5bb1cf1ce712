"""`orgsim log`, `history`, `why` and `show --as-known-at` from the command line: text, JSON, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from conftest import stored_events
from test_history import bitemporal  # noqa: F401  (the fixture: a store recorded at controlled times)

LOG_KEYS = {
    "id",
    "kind",
    "person",
    "name",
    "summary",
    "details",
    "on",
    "precision",
    "recorded_at",
    "source",
    "retracted",
    "retraction",
}


def test_history_john_schulman_shows_his_departure_to_anthropic_with_its_quote(cli, db):
    result = cli("history", "john-schulman", "--store", db)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "John Schulman [john-schulman]" in out
    assert "2015 → 2024-08" in out and "departed → Anthropic" in out
    assert "「OpenAIの共同創設者であるジョン・シュルマンがAnthropicに入社することを発表しました。」" in out
    assert "Co-founder; leads the remaining Superalignment team" in out


def test_history_json(cli, db):
    data = cli.json("history", "ジョン・シュルマン", "--store", db)
    assert set(data) >= {
        "organisation",
        "person",
        "name",
        "aliases",
        "as_known_at",
        "stints",
        "titles",
        "managers",
        "leaves",
        "events",
        "retracted",
    }
    assert data["person"] == "john-schulman" and data["as_known_at"] is None
    (stint,) = data["stints"]
    assert (stint["to"], stint["destination"], stint["rejoined"]) == ("2024-08", "Anthropic", False)
    events = {e["id"]: e for e in data["events"]}
    assert set(stint["events"]) <= set(events)
    assert events[stint["events"][-1]]["kind"] == "departed"
    for e in data["events"]:
        assert set(e) >= LOG_KEYS


def test_why_greg_brockman_gives_the_leave_event_and_its_quote(cli, db):
    result = cli("why", "greg-brockman", "--at", "2024-09-01", "--store", db)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "status: on leave since 2024-08, until 2024-12" in out
    assert "on leave until 2024-12" in out and "「私は今年の終わりまで1年間の休暇を取る予定です。」" in out
    data = cli.json("why", "Greg", "--at", "2024-09-01", "--store", db)
    assert set(data) >= {
        "organisation",
        "person",
        "name",
        "at",
        "as_known_at",
        "status",
        "title",
        "reports_to",
        "uncertain",
        "because",
        "events",
    }
    assert (data["person"], data["at"], data["status"]) == ("greg-brockman", "2024-09-01", "on_leave")
    leave = next(e for e in data["events"] if e["id"] == data["because"]["status"])
    assert leave["kind"] == "on_leave" and leave["source"]["quote"] == "私は今年の終わりまで1年間の休暇を取る予定です。"


def test_log_json_is_a_list_of_documented_objects(cli, db):
    data = cli.json("log", "--store", db)
    assert isinstance(data, list) and len(data) == 40
    for e in data:
        assert set(e) >= LOG_KEYS
        assert e["retracted"] is False and e["retraction"] is None
        assert datetime.fromisoformat(e["recorded_at"]).utcoffset() == UTC.utcoffset(None)
        assert e["precision"] in ("year", "month", "day") and e["source"]["document"].endswith(".txt")


def test_log_filters_from_the_command_line(cli, db):
    mira = cli.json("log", "--person", "ミラ・ムラティ", "--store", db)
    assert [(e["kind"], e["on"]) for e in mira] == [("appointed", "2018"), ("departed", "2024-09-25")]
    august = cli.json(
        "log", "--from", "2024-08", "--to", "2024-08", "--kind", "departed", "--kind", "on_leave", "--store", db
    )
    assert sorted((e["person"], e["kind"]) for e in august) == [
        ("greg-brockman", "on_leave"),
        ("john-schulman", "departed"),
    ]
    recorded = cli.json("log", "--recorded", "--store", db)
    assert [e["recorded_at"] for e in recorded] == sorted(e["recorded_at"] for e in recorded)
    text = cli("log", "--person", "mira", "--from", "2024-09", "--store", db).stdout
    assert text.startswith("1 event, by effective date, as known now")
    assert (
        "Mira Murati [mira-murati]: departed" in text
        and "「熟考の末、OpenAl を離れるという難しい決断をしました。」" in text
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["log", "--kind", "fired"], "unknown kind 'fired'"),
        (["log", "--from", "2024-13"], "--from:"),
        (["log", "--from", "2024-09", "--to", "2024-08"], "before it starts"),
        (["log", "--as-known-at", "last week"], "--as-known-at"),
        (["history", "nobody"], "unknown person 'nobody'"),
        (["why", " ", "--at", "2024-10-01"], "a person is required"),
        (["why", "mark-chen", "--at", "2024-02-30"], "no day 30"),
        (["show", "--as-known-at", "2024-99-01"], "--as-known-at"),
    ],
)
def test_bad_history_input_is_one_line_and_exit_1(cli, db, args, message):
    before = stored_events(db)
    result = cli(*args, "--store", db)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("Error: ") and message in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == "" and stored_events(db) == before


def test_why_needs_a_person(cli, db):
    assert cli("why", "--store", db).exit_code == 2


def _show(cli, store, known):
    data = cli.json("show", "--at", "2024-06-15", "--as-known-at", known, "--store", store)
    return data, {p["id"]: (p["title"], p["status"], p["reports_to"]) for p in data["people"]}


def test_show_the_same_day_as_known_at_two_times(cli, bitemporal):  # noqa: F811
    early, people = _show(cli, bitemporal, "2024-08-01")
    assert early["as_known_at"] == "2024-08-01T23:59:59.999999Z" and early["at"] == "2024-06-15"
    assert people == {
        "alice": ("CEO", "active", None),
        "bob": ("CTO", "on_leave", "alice"),
        "carol": ("VP Research", "active", "bob"),
    }
    late, people = _show(cli, bitemporal, "2024-09-01T12:00:00Z")
    assert late["as_known_at"] == "2024-09-01T12:00:00Z"
    assert people == {"alice": ("CEO", "active", None), "bob": ("CTO", "active", "alice")}
    now = cli.json("show", "--at", "2024-06-15", "--store", bitemporal)
    assert now["as_known_at"] is None and {p["id"] for p in now["people"]} == {"alice", "bob"}
    text = cli("show", "--at", "2024-06-15", "--as-known-at", "2024-08-01", "--store", bitemporal).stdout
    assert "on leave since 2024-06-10" in text and "Carol White" in text
    assert "As known at 2024-08-01T23:59:59.999999Z" in text


def test_log_why_history_with_the_second_clock(cli, bitemporal):  # noqa: F811
    log = cli.json("log", "--person", "bob", "--as-known-at", "2024-08-31", "--store", bitemporal)
    assert [(e["kind"], e["retracted"]) for e in log] == [("appointed", False), ("on_leave", False)]
    log = cli.json("log", "--person", "bob", "--store", bitemporal)
    assert [(e["kind"], e["retracted"]) for e in log] == [("appointed", False), ("on_leave", True)]
    assert log[1]["retraction"]["reason"] == "the leave was misreported"
    text = cli("log", "--person", "bob", "--store", bitemporal).stdout
    assert "RETRACTED 2024-09-01 09:00:00Z: the leave was misreported" in text
    recorded = cli.json("log", "--recorded", "--as-known-at", "2024-08-20", "--store", bitemporal)
    assert [e["kind"] for e in recorded][-2:] == ["on_leave", "departed"]
    then = cli.json("why", "bob", "--at", "2024-06-15", "--as-known-at", "2024-08-01", "--store", bitemporal)
    assert then["status"] == "on_leave" and then["as_known_at"] == "2024-08-01T23:59:59.999999Z"
    assert cli.json("why", "bob", "--at", "2024-06-15", "--store", bitemporal)["status"] == "active"
    carol = cli.json("history", "carol", "--as-known-at", "2024-08-01", "--store", bitemporal)
    assert carol["stints"][0]["to"] is None
    carol = cli.json("history", "carol", "--store", bitemporal)
    assert (carol["stints"][0]["to"], carol["stints"][0]["destination"]) == ("2024-05-20", "Globex")
    assert "Also known as: アリス" in cli("history", "アリス", "--store", bitemporal).stdout


def test_people_lists_ids_names_and_the_aliases_every_command_accepts(cli, db):
    data = cli.json("people", "--store", db)
    mira = next(p for p in data["people"] if p["id"] == "mira-murati")
    assert mira["name"] == "Mira Murati" and "ミラ・ムラティ" in mira["aliases"]
    assert "mira-murati" in cli("people", "--store", db).stdout
    for alias in mira["aliases"] + ["MIRA MURATI", "Mira-Murati"]:
        assert cli.json("why", alias, "--at", "2024-09-01", "--store", db)["person"] == "mira-murati", alias


def test_log_kind_accepts_the_append_spelling(cli, db):
    data = cli.json("log", "--kind", "on-leave", "--store", db)
    assert [e["person"] for e in data] == ["greg-brockman"] and data[0]["kind"] == "on_leave"


@pytest.mark.parametrize("first", ["0001", "0001-01-05", "0001-12-31"])
def test_log_from_year_1_reads_the_same_from_the_model_and_a_replay(cli, db, first):
    """(`--from` in year 1 used to crash the model's query: a year before it is before `date.min`.)"""
    modelled = cli("log", "--from", first, "--to", "2024-06", "--json", "--store", db)
    replayed = cli("log", "--from", first, "--to", "2024-06", "--json", "--store", db, "--as-known-at", "2999-01-01")
    assert modelled.exit_code == replayed.exit_code == 0, modelled.stderr
    assert json.loads(modelled.stdout) == json.loads(replayed.stdout) and len(json.loads(modelled.stdout)) > 10


def test_an_empty_chart_as_known_before_anything_was_recorded_says_so(cli, db):
    early = cli("show", "--at", "2024-06-01", "--as-known-at", "2001-01-01", "--store", db)
    assert early.exit_code == 0
    assert early.stdout.splitlines()[0] == "OpenAI on 2024-06-01 — 0 people"
    assert early.stdout.splitlines()[-1] == "Nothing about OpenAI had been recorded by then."
    before_any = cli("show", "--at", "2001-06-01", "--as-known-at", "2999-01-01", "--store", db)
    assert "0 people" in before_any.stdout and "Nothing about" not in before_any.stdout  # recorded, nobody there yet
