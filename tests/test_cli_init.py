"""`orgsim init --org NAME`: a store for one's own organisation, and what to do next; the hints of a
command on a store that does not exist or holds nothing point to `init`, never to the OpenAI seeds."""

from __future__ import annotations

import json

from conftest import stored_events

from orgsim.application import open_store


def test_init_makes_a_store_holding_the_organisation_and_says_what_to_do_next(cli, tmp_path):
    store = str(tmp_path / "acme.db")
    result = cli("init", "--org", "Acme Corp", "--store", store)
    assert result.exit_code == 0 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert 2 <= len(lines) <= 4 and lines[0].startswith(f"Started Acme Corp in {store}.")
    assert (
        f'orgsim append appointed "Jane Doe" --title CEO --on 2024-05 --url https://example.com/news --store {store}'
        in lines[1]
    )
    assert lines[2].strip() == f"orgsim show --store {store}"
    assert [o["name"] for o in cli.json("org", "list", "--store", store)["organisations"]] == ["Acme Corp"]


def test_the_next_steps_init_gives_work(cli, tmp_path):
    store = str(tmp_path / "acme.db")
    cli("init", "--org", "Acme", "--store", store)
    done = cli(
        "append", "appointed", "Jane Doe", "--title", "CEO", "--on", "2024-05", "--url", "https://example.com/news",
        "--store", store,
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    chart = cli.json("show", "--at", "2024-06-01", "--store", store)
    assert chart["organisation"] == "Acme" and [p["name"] for p in chart["people"]] == ["Jane Doe"]


def test_init_on_the_default_store_names_no_store_option(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init", "--org", "Acme")
    assert result.exit_code == 0 and (tmp_path / "orgsim.db").exists()
    assert result.stderr.startswith("Started Acme in orgsim.db.") and "--store" not in result.stderr


def test_init_on_a_store_that_holds_the_organisation_changes_nothing_and_exits_0(cli, tmp_path):
    store = str(tmp_path / "acme.db")
    cli("init", "--org", "Acme", "--store", store)
    before = stored_events(store)
    again = cli("init", "--org", "ACME", "--store", store)  # (in any case, as `org add` tells organisations apart)
    assert again.exit_code == 0 and again.stderr.startswith(f"{store} already holds Acme: nothing to do.")
    assert stored_events(store) == before


def test_init_on_a_store_of_another_organisation_is_refused(cli, db):
    before = stored_events(db)
    result = cli("init", "--org", "Acme", "--store", db)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert (
        result.stderr.startswith("Error: the store already holds OpenAI:") and "`orgsim org add Acme`" in result.stderr
    )
    assert stored_events(db) == before


def test_init_needs_an_organisation(cli, tmp_path):
    result = cli("init", "--store", tmp_path / "x.db")
    assert result.exit_code == 2 and "Missing option '--org'" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_append_on_a_new_store_points_to_init_not_to_the_seeds(cli, tmp_path):
    result = cli("append", "appointed", "Jane Doe", "--title", "CEO", "--on", "2024", "--store", tmp_path / "new.db")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "`orgsim init --org NAME`" in result.stderr and "`orgsim import FILE`" in result.stderr
    assert "seeds" not in result.stderr and "`orgsim load`" not in result.stderr
    assert not (tmp_path / "new.db").exists()


def test_a_store_that_holds_no_organisation_points_to_init(cli, tmp_path):
    store = str(tmp_path / "empty.db")
    open_store(store, create=True)  # (the tables, and no organisation)
    for args in (["show"], ["append", "departed", "x", "--on", "2024"]):
        result = cli(*args, "--store", store)
        assert result.exit_code == 1 and "the store holds no organisation yet" in result.stderr, args
        assert "`orgsim init --org NAME`" in result.stderr and "seeds" not in result.stderr, args
    assert json.loads(cli("org", "list", "--json", "--store", store).stdout) == {"organisations": []}


def test_init_on_a_store_of_several_organisations_suggests_commands_that_name_it(cli, tmp_path):
    store = str(tmp_path / "two.db")
    assert cli("org", "add", "Acme", "--store", store).exit_code == 0
    assert cli("org", "add", "Beta", "--store", store).exit_code == 0
    result = cli("init", "--org", "Acme", "--store", store)
    assert result.exit_code == 0, result.stderr
    show = next(line.split() for line in result.stderr.splitlines() if line.strip().startswith("orgsim show"))
    assert show[-2:] == ["--org", "Acme"]
    assert cli(*show[1:]).exit_code == 0  # the suggested command runs as it is


def test_init_refuses_a_store_that_lasts_one_command(cli):
    result = cli("init", "--org", "Acme", "--store", ":memory:")
    assert result.exit_code == 1 and result.stderr.startswith("Error: a :memory: store lasts one command")
