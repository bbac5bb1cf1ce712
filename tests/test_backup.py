"""`export` is a full backup: every organisation of the store, each opened by an organisation line,
its people and every event; `import` of it into an empty store needs no --org and makes every
organisation's charts again, byte for byte the same export. (Issue 17, item 8.)"""

from __future__ import annotations

import json

from conftest import stored_events


def two_organisations(cli, db) -> str:
    assert cli("org", "add", "Anthropic", "--store", db).exit_code == 0
    hired = cli(
        "append", "appointed", "john-schulman", "--name", "John Schulman", "--title", "Member of Technical Staff",
        "--on", "2024-08-06", "--source", "test data", "--org", "Anthropic", "--store", db,
    )  # fmt: skip
    assert hired.exit_code == 0, hired.stderr
    return db


def test_a_backup_of_every_organisation_imports_into_an_empty_store_without_org(cli, db, tmp_path):
    two_organisations(cli, db)
    backup = tmp_path / "backup.jsonl"
    assert cli("export", "-o", backup, "--store", db).exit_code == 0
    lines = [json.loads(x) for x in backup.read_text(encoding="utf-8").splitlines()]
    assert [x["name"] for x in lines if x["kind"] == "organisation"] == ["OpenAI", "Anthropic"]
    fresh = str(tmp_path / "fresh.db")
    done = cli("import", backup, "--store", fresh)  # (no --org, no store yet)
    assert done.exit_code == 0, done.stderr
    assert "into OpenAI: 40 events" in done.stderr and "into Anthropic: 1 events" in done.stderr
    assert cli("export", "--store", fresh).stdout == backup.read_text(encoding="utf-8")
    for org, day in (("OpenAI", "2024-10-15"), ("Anthropic", "2024-09-01")):
        a = cli.json("show", "--at", day, "--json", "--org", org, "--store", db)
        b = cli.json("show", "--at", day, "--json", "--org", org, "--store", fresh)
        assert a == b
    again = cli.json("import", backup, "--json", "--store", fresh)
    assert [o["events_added"] for o in again["organisations"]] == [0, 0]  # nothing twice


def test_org_chooses_a_part_of_a_backup_or_names_a_one_part_file(cli, db, tmp_path):
    two_organisations(cli, db)
    backup = tmp_path / "backup.jsonl"
    cli("export", "-o", backup, "--store", db)
    only = str(tmp_path / "only.db")
    assert cli("import", backup, "--org", "anthropic", "--store", only).exit_code == 0
    assert [o["name"] for o in cli.json("org", "list", "--json", "--store", only)["organisations"]] == ["Anthropic"]
    one = tmp_path / "openai.jsonl"
    cli("export", "-o", one, "--org", "OpenAI", "--store", db)
    renamed = str(tmp_path / "renamed.db")
    assert cli("import", one, "--org", "OpenAI Copy", "--store", renamed).exit_code == 0
    assert cli.json("show", "--at", "2024-10-15", "--json", "--store", renamed)["organisation"] == "OpenAI Copy"


def test_bad_backups_fail_in_one_line_and_store_nothing(cli, db, tmp_path):
    two_organisations(cli, db)
    backup = tmp_path / "backup.jsonl"
    cli("export", "-o", backup, "--store", db)
    before = stored_events(db)
    missing = cli("import", backup, "--org", "Nope", "--store", db)
    assert (missing.exit_code, missing.stderr) == (
        1,
        f"Error: {backup} holds no records for 'Nope' (it holds: OpenAI, Anthropic)\n",
    )
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"kind": "organisation", "name": "X", "since": "2020"}\n', encoding="utf-8")
    refused = cli("import", odd, "--store", db)
    assert refused.exit_code == 1 and refused.stderr == (
        f"Error: {odd}:1: field(s) since do not belong to an organisation line\n"
    )
    headless = tmp_path / "headless.jsonl"
    headless.write_text('{"kind": "departed", "person": "x", "on": "2024", "source": "s"}\n', encoding="utf-8")
    nowhere = cli("import", headless, "--store", str(tmp_path / "none.db"))
    assert nowhere.exit_code == 1 and "pass --org NAME, or start the file with an organisation line" in nowhere.stderr
    assert not (tmp_path / "none.db").exists()
    broken = tmp_path / "broken.jsonl"  # the second part breaks a rule: the first is not stored either
    text = backup.read_text(encoding="utf-8")
    broken.write_text(
        text + '{"kind": "departed", "person": "john-schulman", "on": "2020-01-01", "source": "s"}\n', encoding="utf-8"
    )
    other = str(tmp_path / "other.db")
    failed = cli("import", broken, "--store", other)
    assert failed.exit_code == 1 and "john-schulman" in failed.stderr
    assert not (tmp_path / "other.db").exists()  # every part checked before any was stored: no store made
    assert stored_events(db) == before
