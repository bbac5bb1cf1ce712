"""`orgsim org add` and `orgsim org list`: a store holds several organisations, added by name; a
command naming one the store does not hold says how to add it. (Issue 17, item 1: organisations.)"""

from __future__ import annotations

from conftest import stored_events


def test_org_add_makes_a_store_and_an_empty_organisation_that_takes_news(cli, tmp_path):
    store = str(tmp_path / "own.db")
    added = cli("org", "add", "  Anthropic ", "--store", store)
    assert added.exit_code == 0 and added.stdout == ""
    assert added.stderr.startswith("Added the organisation Anthropic. Record its news with `orgsim append")
    listed = cli.json("org", "list", "--json", "--store", store)
    assert [(o["name"], o["events"]) for o in listed["organisations"]] == [("Anthropic", 1)]
    assert cli("org", "list", "--store", store).stdout == "Anthropic  (1 stored event)\n"
    hired = cli(
        "append", "appointed", "jared-kaplan", "--name", "Jared Kaplan", "--title", "Chief Science Officer",
        "--on", "2021", "--source", "public record: Anthropic's founding team", "--store", store,
    )  # fmt: skip
    assert hired.exit_code == 0, hired.stderr
    chart = cli.json("show", "--at", "2022-01-01", "--json", "--store", store)
    assert [(p["id"], p["title"], p["uncertain"]) for p in chart["people"]] == [
        ("jared-kaplan", "Chief Science Officer", False)
    ]


def test_org_list_lists_every_organisation_in_the_order_added(cli, db):
    assert cli("org", "add", "Anthropic", "--store", db).exit_code == 0
    listed = cli.json("org", "list", "--json", "--store", db)["organisations"]
    assert [o["name"] for o in listed] == ["OpenAI", "Anthropic"]
    assert listed[0]["events"] > 40 and listed[1]["events"] == 1
    assert all(len(o["id"]) == 32 for o in listed)


def test_bad_org_commands_fail_in_one_line_and_change_nothing(cli, db):
    before = stored_events(db)
    for args, message in [
        (["org", "add", "openai"], "Error: the store already holds the organisation 'OpenAI'\n"),
        (["org", "add", "   "], "Error: an organisation needs a name: give one\n"),
        (
            ["append", "departed", "sam-altman", "--on", "2025-01-01", "--source", "x", "--org", "Antropic"],
            "Error: no organisation 'Antropic' in the store (it holds: OpenAI): add it first with "
            "`orgsim org add Antropic`\n",
        ),
    ]:
        done = cli(*args, "--store", db)
        assert (done.exit_code, done.stdout, done.stderr) == (1, "", message), args
    assert stored_events(db) == before


def test_org_list_on_a_missing_store_says_how_to_make_one(cli, tmp_path):
    done = cli("org", "list", "--store", str(tmp_path / "none.db"))
    assert done.exit_code == 1 and "`orgsim init --org NAME`" in done.stderr
    assert not (tmp_path / "none.db").exists()


def test_a_blank_org_makes_no_organisation(cli, tmp_path):
    store = str(tmp_path / "s.db")
    changes = tmp_path / "x.jsonl"
    changes.write_text('{"kind": "appointed", "person": "x", "title": "CEO", "on": "2024", "source": "n"}\n', "utf-8")
    result = cli("import", changes, "--org", "   ", "--store", store)
    assert result.exit_code == 1 and "an organisation needs a name" in result.stderr
    assert cli("init", "--org", "Acme", "--store", store).exit_code == 0
    result = cli("append", "appointed", "Jane", "--title", "CEO", "--on", "2024", "--url", "https://x.org", "--org", " ", "--store", store)  # fmt: skip
    assert result.exit_code == 1 and "an organisation needs a name" in result.stderr
    assert [o["name"] for o in cli.json("org", "list", "--store", store)["organisations"]] == ["Acme"]


def test_a_seed_whose_organisation_is_not_text_is_refused(cli, tmp_path):
    seed = tmp_path / "bad.yaml"
    seed.write_text(
        "organisation: [a, b]\npeople:\n  - id: jane\n    name: Jane\nevents:\n  - kind: appointed\n    person: jane\n"
        '    title: CEO\n    on: "2024"\n    source: a note\n',
        "utf-8",
    )
    result = cli("load", seed, "--store", str(tmp_path / "s.db"))
    assert result.exit_code == 1 and "organisation: an organisation's name must be text, not list" in result.stderr
    assert not (tmp_path / "s.db").exists()
