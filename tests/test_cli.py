"""The command line's contract: exit codes, JSON, one-line errors, documented commands."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, stored_events

from orgsim.cli import app


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("orgsim ")


def test_load_then_show_json(cli, tmp_path):
    store = tmp_path / "o.db"
    first = cli("load", "--store", store, "--json")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["events_added"] > 30
    again = json.loads(cli("load", "--store", store, "--json").stdout)
    assert again["events_added"] == 0 and again["people_added"] == 0
    data = cli.json("show", "--at", "2024-10-15", "--store", store)
    assert set(data) >= {"organisation", "at", "people"}
    for person in data["people"]:
        assert set(person) >= {"id", "name", "title", "status", "reports_to", "uncertain"}
    altman = [p for p in data["people"] if p["id"] == "sam-altman"][0]
    assert altman["reports_to"] is None
    assert sum(p["reports_to"] == "sam-altman" for p in data["people"]) == 6


def test_show_text_is_a_tree_with_unknown_lines_apart(cli, db):
    result = cli("show", "--at", "2024-10-15", "--store", db)
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[1].startswith("Sam Altman — CEO")
    assert "├── Jakub Pachocki" in out and "└── Srinivas Narayanan" in out
    assert out.index("Reporting line not reported:") < out.index("Greg Brockman")
    assert "on leave since 2024-08, until 2024-12" in out


def test_store_from_environment(cli, db, monkeypatch):
    monkeypatch.setenv("ORGSIM_STORE", db)
    assert cli("show", "--at", "2024-10-15").exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "--at", "2024-13-01"], "month 13"),
        (["show", "--at", "yesterday"], "not a date"),
        (["show", "--org", "Acme"], "no organisation 'Acme'"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_exit_1(cli, db, args, message):
    before = stored_events(db)
    result = cli(*args, "--store", db)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert stored_events(db) == before


def test_show_without_a_store_says_what_to_do(cli, tmp_path):
    result = cli("show", "--store", tmp_path / "missing.db")
    assert (
        result.exit_code == 1
        and "`orgsim init --org NAME`, or fill one from a file of changes with `orgsim import FILE`" in result.stderr
    )
    assert not (tmp_path / "missing.db").exists()


def test_loading_a_bad_file_fails_cleanly(cli, db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: OpenAI\nevents:\n  - {kind: departed, person: mira-murati, on: '2024-10'}\n")
    before = stored_events(db)
    result = cli("load", bad, "--store", db)
    assert result.exit_code == 1 and "bad.yaml:3" in result.stderr and "not in the organisation" in result.stderr
    assert stored_events(db) == before


def test_usage_errors_exit_2(cli):
    assert cli("show", "--no-such-flag").exit_code == 2


@pytest.mark.parametrize(
    "args, says, help_of",
    [
        (["show", "--no-such-flag"], "No such option: --no-such-flag", "orgsim show"),
        (["show", "--at"], "Option '--at' requires an argument.", "orgsim show"),
        (["diff", "2024-01-01"], "Missing argument 'TO'.", "orgsim diff"),
        (["shw"], "No such command 'shw'. Did you mean 'show'?", "orgsim"),
        (["--no-such-flag"], "No such option: --no-such-flag.", "orgsim"),
        (["append", "departed"], "Missing argument 'PERSON'.", "orgsim append departed"),
        (
            ["append", "departed", "sam-altman", "--on", "2025-01-01", "--to"],
            "Option '--to' requires an argument.",
            "orgsim append departed",
        ),
        (["append", "promoted", "x"], "No such command 'promoted'.", "orgsim append"),
        (["render", "--at", "2024", "-o", "chart.jpeg"], "cannot tell the format from 'chart.jpeg'", "orgsim render"),
    ],
)
def test_a_usage_error_is_one_line_naming_the_help_to_read(args, says, help_of):
    """(Typer drew a box over several lines, after a usage block.) Run as a user runs it, a real process."""
    script = Path(sys.executable).with_name("orgsim")  # (the console script a user runs: its name is the program's)
    run = subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("Error: "), run.stderr
    assert says in run.stderr and run.stderr.rstrip().endswith(f"See '{help_of} --help'.")


def test_every_command_is_documented_with_an_example():
    import typer.main

    group = typer.main.get_command(app)

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                yield from walk(sub, path + [name])
        else:
            yield path, cmd

    commands = list(walk(group, []))
    assert len(commands) >= 3
    for path, cmd in commands:
        assert cmd.help and "Example:" in cmd.help, path


def test_python_dash_m_and_console_script_run(db):
    out = subprocess.run(
        [sys.executable, "-m", "orgsim", "show", "--at", "2024-10-15", "--json", "--store", db],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out)["organisation"] == "OpenAI"


def test_show_text_names_a_departure_whose_month_is_still_open(cli, db):
    out = cli("show", "--at", "2024-02-15", "--store", db).stdout
    assert "Andrej Karpathy" not in out.split("Left, on a date")[0]  # not in the tree
    assert "Left, on a date known only within bounds (may still be here): Andrej Karpathy (2024-02)" in out
    assert "Left, on a date" not in cli("show", "--at", "2024-03-01", "--store", db).stdout


def test_a_failed_first_load_leaves_no_store_behind(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: X\nevents:\n  - {kind: departed, person: nobody, on: '2024'}\n")
    store = tmp_path / "new.db"
    result = cli("load", bad, "--store", store)
    assert result.exit_code == 1 and not store.exists()
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert cli("import", empty, "--org", "X", "--store", store).exit_code == 1 and not store.exists()
