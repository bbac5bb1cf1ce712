"""`orgsim flows` and `history` across organisations: every move between the organisations of a store — a departure whose destination
names an organisation the store holds links to the person's first post there; one it does not hold
is shown as written. Text, JSON and a Graphviz picture; no --org needed. (Issue 17, item 1: flows.)"""

from __future__ import annotations

import pytest

NOTE = "test data: an appointment recorded for this test"


@pytest.fixture
def two_orgs(cli, db) -> str:
    """The seeds (Schulman leaves OpenAI for Anthropic in 2024-08), and Anthropic with his arrival."""
    assert cli("org", "add", "Anthropic", "--store", db).exit_code == 0
    hired = cli(
        "append", "appointed", "john-schulman", "--name", "John Schulman", "--title", "Member of Technical Staff",
        "--on", "2024-08-06", "--source", NOTE, "--org", "Anthropic", "--store", db,
    )  # fmt: skip
    assert hired.exit_code == 0, hired.stderr
    return db


def test_flows_links_a_departure_to_the_post_taken_in_an_organisation_the_store_holds(cli, two_orgs):
    data = cli.json("flows", "--json", "--store", two_orgs)  # (two organisations, no --org)
    assert data["organisations"] == ["OpenAI", "Anthropic"]
    schulman = [m for m in data["moves"] if m["person"] == "john-schulman"]
    assert len(schulman) == 1
    move = schulman[0]
    assert move["from"]["organisation"] == "OpenAI" and move["from"]["on"] == "2024-08"
    assert move["from"]["title"] == "Co-founder; leads the remaining Superalignment team"  # his post when he left
    assert move["to"] == {
        "organisation": "Anthropic",
        "linked": True,
        "title": "Member of Technical Staff",
        "on": "2024-08-06",
        "event": move["events"][1],
    }
    unlinked = [m for m in data["moves"] if m["person"] in ("andrej-karpathy", "ilya-sutskever")]
    assert len(unlinked) == 2 and all(not m["to"]["linked"] and m["to"]["title"] is None for m in unlinked)
    assert [m["from"]["on"] for m in data["moves"]] == sorted(m["from"]["on"] for m in data["moves"])


def test_flows_text_names_both_ends_and_the_sources_of_both(cli, two_orgs):
    text = cli("flows", "--store", two_orgs).stdout
    assert text.startswith("3 moves between organisations (the store holds OpenAI, Anthropic)\n")
    line = next(x for x in text.splitlines() if "[john-schulman]" in x)
    assert "OpenAI, Co-founder; leads the remaining Superalignment team → Anthropic, Member of Technical Staff" in line
    assert line.endswith("left 2024-08; joined 2024-08-06")
    assert f"source: {NOTE}" in text and "Anthropicに入社することを発表しました" in text
    assert "(not in this store), left 2024-02" in text  # Karpathy's destination, as written


def test_flows_from_to_and_as_known_at(cli, two_orgs):
    people = lambda *a: [m["person"] for m in cli.json("flows", "--json", *a, "--store", two_orgs)["moves"]]  # noqa: E731
    assert people("--from", "2024-06") == ["john-schulman"]
    assert people("--to", "2024-03") == ["andrej-karpathy"]
    before = cli.json("flows", "--json", "--as-known-at", "2000-01-01", "--store", two_orgs)
    assert before["moves"] == []


def test_flows_draws_organisations_as_clusters_and_moves_as_arrows(cli, two_orgs, tmp_path):
    done = cli("flows", "-o", tmp_path / "flows.dot", "--store", two_orgs)
    assert done.exit_code == 0, done.stderr
    dot = (tmp_path / "flows.dot").read_text(encoding="utf-8")
    assert dot.count("subgraph cluster_org") == 4  # OpenAI, Anthropic, and two destinations outside
    assert "label=OpenAI " in dot and "label=Anthropic " in dot and '(not in this store)" style="rounded,dashed"' in dot
    assert dot.count(" -> ") == 3 and "left 2024-08; joined 2024-08-06" in dot
    svg = cli("flows", "-o", tmp_path / "flows.svg", "--store", two_orgs)
    assert svg.exit_code == 0 and (tmp_path / "flows.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_flows_on_a_store_without_moves_says_so(cli, tmp_path):
    store = str(tmp_path / "own.db")
    cli("org", "add", "Acme", "--store", store)
    done = cli("flows", "--store", store)
    assert done.exit_code == 0
    assert (
        done.stdout
        == "0 moves between organisations (the store holds Acme)\nNo moves: no departure names a destination.\n"
    )
    bad = cli("flows", "--from", "someday", "--store", store)
    assert bad.exit_code == 1 and bad.stderr.startswith("Error:") and bad.stderr.count("\n") == 1


def test_history_spans_every_organisation_that_names_the_person(cli, two_orgs):
    data = cli.json("history", "john-schulman", "--json", "--store", two_orgs)  # (no --org)
    assert [h["organisation"] for h in data["histories"]] == ["OpenAI", "Anthropic"]
    assert data["person"] == "john-schulman" and data["as_known_at"] is None
    openai, anthropic = data["histories"]
    assert openai["stints"][0]["destination"] == "Anthropic" and openai["stints"][0]["to"] == "2024-08"
    assert [t["title"] for t in anthropic["titles"]] == ["Member of Technical Staff"]
    text = cli("history", "john-schulman", "--store", two_orgs).stdout
    assert "John Schulman [john-schulman] — OpenAI, as known now" in text
    assert "John Schulman [john-schulman] — Anthropic, as known now" in text
    one = cli.json("history", "john-schulman", "--json", "--org", "OpenAI", "--store", two_orgs)
    assert one["organisation"] == "OpenAI" and "histories" not in one  # one organisation: today's shape
    only_here = cli.json("history", "mira-murati", "--json", "--store", two_orgs)
    assert only_here["organisation"] == "OpenAI"  # named by one register only: that history alone
    nobody = cli("history", "nobody", "--store", two_orgs)
    assert nobody.exit_code == 1
    assert nobody.stderr == "Error: no person 'nobody' in any organisation of the store (OpenAI, Anthropic)\n"


def test_people_lists_every_register_with_the_organisations_that_name_each_person(cli, two_orgs):
    data = cli.json("people", "--json", "--store", two_orgs)  # (no --org)
    assert data["organisations"] == ["OpenAI", "Anthropic"]
    by_id = {p["id"]: p for p in data["people"]}
    assert by_id["john-schulman"]["organisations"] == ["OpenAI", "Anthropic"]
    assert by_id["mira-murati"]["organisations"] == ["OpenAI"]
    line = next(x for x in cli("people", "--store", two_orgs).stdout.splitlines() if x.startswith("john-schulman"))
    assert line.endswith("  [OpenAI, Anthropic]")
    one = cli.json("people", "--json", "--org", "Anthropic", "--store", two_orgs)
    assert one["organisation"] == "Anthropic" and [p["id"] for p in one["people"]] == ["john-schulman"]
    assert "organisations" not in one["people"][0]  # one register: today's shape


def test_log_spans_every_organisation_each_entry_naming_its_own(cli, two_orgs):
    entries = cli.json("log", "--json", "--store", two_orgs)  # (no --org)
    assert {e["organisation"] for e in entries} == {"OpenAI", "Anthropic"}
    assert [e["kind"] for e in entries if e["organisation"] == "Anthropic"] == ["appointed"]
    text = cli("log", "--store", two_orgs).stdout
    assert text.startswith("OpenAI: ") and "\n\nAnthropic: 1 event, by effective date, as known now\n" in text
    mine = cli.json("log", "--json", "--person", "john-schulman", "--store", two_orgs)
    assert [(e["organisation"], e["kind"]) for e in mine] == [
        ("OpenAI", "appointed"),
        ("OpenAI", "appointed"),
        ("OpenAI", "departed"),
        ("Anthropic", "appointed"),
    ]
    one = cli.json("log", "--json", "--org", "Anthropic", "--store", two_orgs)
    assert len(one) == 1 and "organisation" not in one[0]  # one organisation: today's shape
