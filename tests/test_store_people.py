"""People are store-wide: a person keeps one id, name, aliases and source in every organisation of a
store. A writing command naming, in one organisation, someone only another organisation knows (by id,
name or alias) copies that person's entry; an id another organisation gives someone else is refused.
(Issue 17, item 1: one register of people for the whole store.)"""

from __future__ import annotations

import json

import pytest
from conftest import stored_events

from orgsim.application import OrgsimApp
from orgsim.interchange import EventRecord

NOTE = "test data: an appointment recorded for this test"


def appoint(cli, store: str, person: str, *more: str, title: str = "Member of Technical Staff", on="2024-08-06"):
    return cli(
        "append", "appointed", person, "--title", title, "--on", on, "--source", NOTE,
        "--org", "Anthropic", "--store", store, *more,
    )  # fmt: skip


@pytest.fixture
def two_orgs(cli, db) -> str:
    """The seeds (OpenAI) and an empty Anthropic."""
    assert cli("org", "add", "Anthropic", "--store", db).exit_code == 0
    return db


def register(cli, store: str, org: str) -> dict[str, dict]:
    return {p["id"]: p for p in cli.json("people", "--org", org, "--store", store)["people"]}


def test_a_person_first_appointed_in_another_organisation_is_copied_with_id_name_aliases_and_source(cli, two_orgs):
    hired = appoint(cli, two_orgs, "john-schulman")  # (no --name)
    assert hired.exit_code == 0, hired.stderr
    assert (
        "John Schulman (john-schulman) is known from OpenAI: added to Anthropic with the same id, name, aliases "
        "and source.\n" in hired.stderr
    )
    openai, anthropic = register(cli, two_orgs, "OpenAI"), register(cli, two_orgs, "Anthropic")
    assert anthropic == {"john-schulman": openai["john-schulman"]}
    assert "シュルマン" in anthropic["john-schulman"]["aliases"] and anthropic["john-schulman"]["source"]["quote"]
    again = cli.json(
        "append",
        "appointed",
        "シュルマン",
        "--title",
        "Lead",
        "--on",
        "2024-10",
        "--source",
        NOTE,
        "--org",
        "Anthropic",
        "--store",
        two_orgs,
    )  # fmt: skip  (an alias now resolves in Anthropic too)
    assert again["record"]["person"] == "john-schulman" and again["known_from"] is None
    assert register(cli, two_orgs, "Anthropic") == anthropic  # no second person


def test_the_first_appointment_may_name_the_person_by_an_alias_or_their_name(cli, two_orgs):
    data = json.loads(appoint(cli, two_orgs, "シュルマン", "--json").stdout)
    assert data["record"]["person"] == "john-schulman" and data["known_from"] == "OpenAI"
    named = appoint(cli, two_orgs, "mira murati", "--name", "Mira Murati", title="CTO", on="2025-01")
    assert named.exit_code == 0, named.stderr
    assert "Mira Murati (mira-murati) is known from OpenAI" in named.stderr
    assert set(register(cli, two_orgs, "Anthropic")) == {"john-schulman", "mira-murati"}


def test_a_dry_run_says_the_person_would_be_copied_and_stores_nothing(cli, two_orgs):
    before = stored_events(two_orgs)
    done = appoint(cli, two_orgs, "john-schulman", "--dry-run")
    assert done.exit_code == 0 and "is known from OpenAI: would be added to Anthropic" in done.stderr
    assert stored_events(two_orgs) == before


def test_people_history_and_flows_see_one_person_across_organisations(cli, two_orgs):
    assert appoint(cli, two_orgs, "john-schulman").exit_code == 0  # only the id
    data = cli.json("people", "--json", "--store", two_orgs)  # (no --org: every register, merged)
    assert set(data) == {"organisations", "people"} and data["organisations"] == ["OpenAI", "Anthropic"]
    schulman = [p for p in data["people"] if p["id"] == "john-schulman"]
    assert len(schulman) == 1 and schulman[0]["organisations"] == ["OpenAI", "Anthropic"]
    assert set(schulman[0]) == {"id", "name", "aliases", "source", "organisations"}
    history = cli.json("history", "シュルマン", "--json", "--store", two_orgs)  # an alias, in both organisations
    assert history["person"] == "john-schulman"
    assert [(h["organisation"], h["person"], h["name"]) for h in history["histories"]] == [
        ("OpenAI", "john-schulman", "John Schulman"),
        ("Anthropic", "john-schulman", "John Schulman"),
    ]
    moves = cli.json("flows", "--json", "--store", two_orgs)["moves"]
    move = next(m for m in moves if m["person"] == "john-schulman")
    assert move["name"] == "John Schulman"
    assert (move["from"]["organisation"], move["from"]["linked"], move["from"]["on"]) == ("OpenAI", True, "2024-08")
    assert move["to"]["organisation"] == "Anthropic" and move["to"]["linked"] is True
    assert (move["to"]["title"], move["to"]["on"]) == ("Member of Technical Staff", "2024-08-06")


def test_an_id_another_organisation_gives_someone_else_is_refused_in_one_line(cli, two_orgs, tmp_path):
    before = cli("export", "--store", two_orgs).stdout
    for args, message in [
        (
            ("mark-chen", "--name", "Mark Cheng"),
            "Error: 'mark-chen' is already Mark Chen (mark-chen) in OpenAI; a name is given only for a new person: "
            "give the new person a new id (--name)\n",
        ),
        (
            ("john-schulman", "--alias", "Johnny"),
            "Error: 'john-schulman' is already John Schulman (john-schulman) in OpenAI; aliases are given only for "
            "a new person (not stored: Johnny) (--alias)\n",
        ),
        (
            ("M・チェン", "--name", "Mark-Chen!"),  # a spelling no one has, a name whose id is mark-chen
            "Error: person id 'mark-chen' is already Mark Chen in OpenAI (a person keeps one id in every "
            "organisation of the store): give Mark-Chen! another id\n",
        ),
    ]:
        done = appoint(cli, two_orgs, *args)
        assert (done.exit_code, done.stdout, done.stderr) == (1, "", message), args
    lines = tmp_path / "clash.jsonl"
    lines.write_text(
        json.dumps({"kind": "person", "person": "mark-chen", "name": "Mark Cheng"}) + "\n"
        + json.dumps({"kind": "appointed", "person": "mark-chen", "title": "CTO", "on": "2025", "source": NOTE})
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    refused = cli("import", lines, "--org", "Anthropic", "--store", two_orgs)
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"Error: {lines}:1: person id 'mark-chen' is already Mark Chen in OpenAI (a person keeps one id in every "
        "organisation of the store): give Mark Cheng another id\n",
    )
    named = tmp_path / "named.jsonl"
    named.write_text(
        json.dumps(
            {
                "kind": "appointed",
                "person": "mark-chen",
                "name": "Mark Cheng",
                "title": "CTO",
                "on": "2025",
                "source": NOTE,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    refused = cli("import", named, "--org", "Anthropic", "--store", two_orgs)
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith(f"Error: {named}:1: 'mark-chen' is already Mark Chen (mark-chen) in OpenAI;")
    assert cli("export", "--store", two_orgs).stdout == before


def test_a_file_of_several_organisations_gives_a_person_one_id_in_each(cli, db, tmp_path):
    openai = tmp_path / "openai.jsonl"
    assert cli("export", "-o", openai, "--org", "OpenAI", "--store", db).exit_code == 0
    both = tmp_path / "both.jsonl"
    both.write_text(
        openai.read_text(encoding="utf-8")
        + json.dumps({"kind": "organisation", "name": "Anthropic"})
        + "\n"
        + json.dumps(
            {
                "kind": "appointed",
                "person": "シュルマン",
                "title": "Member of Technical Staff",
                "on": "2024-08-06",
                "source": NOTE,
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )  # fmt: skip  (Anthropic's part names him by an alias the OpenAI part gives, stored in no store yet)
    fresh = str(tmp_path / "fresh.db")
    done = cli("import", both, "--store", fresh)
    assert done.exit_code == 0, done.stderr
    assert f"Imported {both} into Anthropic: 1 events and 1 people added (1 known from OpenAI)" in done.stderr
    openai_people, anthropic_people = register(cli, fresh, "OpenAI"), register(cli, fresh, "Anthropic")
    assert anthropic_people == {"john-schulman": openai_people["john-schulman"]}
    ids = [p["id"] for p in cli.json("people", "--json", "--store", fresh)["people"]]
    assert len(ids) == len(set(ids)) == len(openai_people)


def test_parts_of_one_file_that_give_one_id_two_names_are_refused_before_any_is_stored(cli, tmp_path):
    clash = tmp_path / "clash.jsonl"
    clash.write_text(
        "".join(
            json.dumps(r) + "\n"
            for r in [
                {"kind": "organisation", "name": "Acme"},
                {"kind": "person", "person": "jane-doe", "name": "Jane Doe"},
                {"kind": "organisation", "name": "Initech"},
                {"kind": "person", "person": "jane-doe", "name": "Jane Roe"},
            ]
        ),
        encoding="utf-8",
    )
    done = cli("import", clash, "--store", str(tmp_path / "new.db"))
    assert (done.exit_code, done.stderr) == (
        1,
        f"Error: {clash}:4: person id 'jane-doe' is already Jane Doe in Acme (a person keeps one id in every "
        "organisation of the store): give Jane Roe another id\n",
    )
    assert not (tmp_path / "new.db").exists()


def test_a_backup_with_a_copied_person_imports_into_an_empty_store_byte_for_byte(cli, two_orgs, tmp_path):
    assert appoint(cli, two_orgs, "john-schulman").exit_code == 0
    backup = tmp_path / "backup.jsonl"
    assert cli("export", "-o", backup, "--store", two_orgs).exit_code == 0
    fresh = str(tmp_path / "fresh.db")
    done = cli("import", backup, "--store", fresh)
    assert done.exit_code == 0, done.stderr
    assert cli("export", "--store", fresh).stdout == backup.read_text(encoding="utf-8")
    assert cli.json("people", "--json", "--store", fresh) == cli.json("people", "--json", "--store", two_orgs)
    assert cli.json("flows", "--json", "--store", fresh) == cli.json("flows", "--json", "--store", two_orgs)


def test_other_registers_are_read_once_per_command_and_not_at_all_in_a_store_of_one(cli, db, tmp_path, monkeypatch):
    reads: list[str | None] = []
    real = OrgsimApp.register
    monkeypatch.setattr(OrgsimApp, "register", lambda self, org=None: reads.append(org) or real(self, org))
    new = "--name", "Jane Doe"
    done = cli(
        "append", "appointed", "jane-doe", *new, "--title", "COO", "--on", "2025", "--source", NOTE, "--store", db
    )
    assert done.exit_code == 0 and reads == []  # one organisation: nobody else to look up
    cli("org", "add", "Anthropic", "--store", db)
    many = tmp_path / "many.jsonl"
    many.write_text(
        "".join(
            json.dumps({"kind": "appointed", "person": f"p-{n}", "title": "MTS", "on": "2025", "source": NOTE}) + "\n"
            for n in range(200)
        ),
        encoding="utf-8",
    )
    done = cli("import", many, "--org", "Anthropic", "--store", db)
    assert done.exit_code == 0, done.stderr
    assert reads == ["OpenAI"]  # 200 new people, the other register read once


@pytest.mark.parametrize("seeded", ["memory", "sqlite", "postgres"], indirect=True)
def test_the_copy_is_the_same_on_every_store(seeded):
    seeded.add_organisation("Anthropic")
    rec = EventRecord(
        kind="appointed", person="ジョン・シュルマン", on="2024-08-06", title="MTS", source={"note": NOTE}
    )
    recorded = seeded.record(rec, "Anthropic")
    assert recorded.fact.person == "john-schulman" and recorded.known_from == "OpenAI"
    assert seeded.register("Anthropic")[1] == {"john-schulman": seeded.register("OpenAI")[1]["john-schulman"]}
