"""Terminal habits: -h, `-o -` for stdout, plain text when piped, colour and a pager on a real
terminal (a pseudo-terminal, running the real `orgsim`), NO_COLOR, shell completion."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SEEDS

ORGSIM = Path(sys.executable).with_name("orgsim")  # (the console script a user runs)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _read_all(fd: int) -> str:
    """Everything written to a pseudo-terminal until its other end closed, its line ends read back as `\\n`."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # (the other end closed: everything was read)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def _terminal(rows: int, columns: int) -> tuple[int, int]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    return master, slave


def run_on_terminals(*args: str, rows: int = 500, columns: int = 200, code: int = 0, **env: str) -> tuple[str, str]:
    """What the real `orgsim ARGS` writes to stdout and to stderr, each a terminal of that size (`code`:
    its exit code)."""
    (out, out_slave), (err, err_slave) = _terminal(rows, columns), _terminal(rows, columns)
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PAGER", "COLUMNS", "LINES", "LESS")}
    environ.update(TERM="xterm-256color", **env)
    run = subprocess.Popen([str(ORGSIM), *args], stdin=out_slave, stdout=out_slave, stderr=err_slave, env=environ)
    os.close(out_slave)
    os.close(err_slave)
    stdout, stderr = _read_all(out), _read_all(err)
    assert run.wait() == code, stderr
    return stdout, stderr


def on_a_terminal(*args: str, rows: int = 500, columns: int = 200, **env: str) -> str:
    """What the real `orgsim ARGS` writes to stdout when stdout is a terminal of that size (stderr piped)."""
    master, slave = _terminal(rows, columns)
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PAGER", "COLUMNS", "LINES", "LESS")}
    environ.update(TERM="xterm-256color", **env)
    run = subprocess.Popen([str(ORGSIM), *args], stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=environ)
    os.close(slave)
    stdout = _read_all(master)
    err = run.stderr.read().decode() if run.stderr else ""
    assert run.wait() == 0, err
    return stdout


def piped(*args: str, **env: str) -> str:
    """What the real `orgsim ARGS` writes to a pipe."""
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    run = subprocess.run([str(ORGSIM), *args], capture_output=True, text=True, env={**environ, **env}, check=True)
    return run.stdout


# -h


@pytest.mark.parametrize("args", [[], ["append", "appointed"], ["org", "add"], ["show"]])
def test_dash_h_prints_the_help(cli, args):
    result = cli(*args, "-h")
    long = cli(*args, "--help")
    assert result.exit_code == 0 and result.stdout == long.stdout
    assert f"Usage: orgsim {' '.join(args)}".rstrip() in " ".join(result.stdout.split())


# -o -


def test_render_dash_o_dash_writes_dot_to_stdout(cli, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("render", "--at", "2024-10-15", "-o", "-", "--store", db)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == cli("render", "--at", "2024-10-15", "--store", db).stdout
    assert result.stdout.startswith("digraph orgchart {")
    assert not (tmp_path / "-").exists()


@pytest.mark.needs_dot
def test_render_dash_o_dash_writes_svg_to_stdout(cli, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("render", "--at", "2024-10-15", "-o", "-", "--format", "svg", "--store", db)
    assert result.exit_code == 0
    root = ET.fromstring(result.stdout)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Sam Altman" in result.stdout and not (tmp_path / "-").exists()


def test_diff_dash_o_dash_writes_the_diff_picture_to_stdout(cli, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("diff", "2024-01-01", "2024-10-15", "-o", "-", "--store", db)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == cli("diff", "2024-01-01", "2024-10-15", "--format", "dot", "--store", db).stdout
    assert result.stdout.startswith("digraph orgdiff {") and not (tmp_path / "-").exists()


@pytest.mark.needs_dot
def test_timeline_dash_o_dash_writes_the_page_to_stdout(cli, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("timeline", "--from", "2024-08-01", "--to", "2024-10-15", "-o", "-", "--store", db)
    assert result.exit_code == 0 and "Wrote" not in result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.rstrip().endswith("</html>")
    cli("timeline", "--from", "2024-08-01", "--to", "2024-10-15", "-o", "page.html", "--store", db)
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == result.stdout
    assert not (tmp_path / "-").exists()


def test_export_dash_o_dash_writes_json_lines_to_stdout(cli, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("export", "-o", "-", "--store", db)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == cli("export", "--store", db).stdout
    assert json.loads(result.stdout.splitlines()[0]) == {"kind": "organisation", "name": "OpenAI"}
    assert not (tmp_path / "-").exists()


@pytest.mark.needs_dot
def test_dash_o_dash_still_writes_no_png_to_a_terminal(db):
    stdout, stderr = run_on_terminals("render", "--format", "png", "-o", "-", "--store", db, code=1)
    last = ANSI.sub("", stderr).splitlines()[-1].lstrip("\r")  # (after the spinner, cleared)
    assert stdout == "" and last == "Error: not writing PNG bytes to a terminal: pass -o FILE"


# plain when piped, colour on a terminal

TEXT_COMMANDS = [
    ["show", "--at", "2024-10-15"],
    ["log"],
    ["diff", "2024-01-01", "2024-10-15"],
    ["people"],
    ["history", "sam-altman"],
    ["why", "greg-brockman", "--at", "2024-09-01"],
    ["holders", "CEO"],
]


@pytest.mark.parametrize("args", TEXT_COMMANDS)
def test_text_is_plain_when_piped(cli, db, args):
    """No escape codes, and the same bytes from the real program on a pipe as from the test runner."""
    result = cli(*args, "--store", db)
    assert result.exit_code == 0 and result.stdout and "\x1b" not in result.stdout
    assert piped(*args, "--store", db, PAGER="sed -e s/^/paged:/") == result.stdout


@pytest.mark.parametrize("args", [["show", "--at", "2024-10-15"], ["log"], ["diff", "2024-01-01", "2024-10-15"]])
def test_text_is_coloured_on_a_terminal_and_is_the_same_text(cli, db, args):
    shown = on_a_terminal(*args, "--store", db)
    assert ANSI.search(shown)
    assert ANSI.sub("", shown) == cli(*args, "--store", db).stdout


@pytest.mark.parametrize("how", [{"NO_COLOR": "1"}, {"NO_COLOR": "yes"}, {"argument": "--no-color"}])
def test_no_color_means_no_escape_codes_on_a_terminal(cli, db, how):
    args = ["show", "--at", "2024-10-15", "--store", db]
    shown = on_a_terminal(how["argument"], *args) if "argument" in how else on_a_terminal(*args, **how)
    assert "\x1b" not in shown and shown == cli(*args).stdout


def test_an_empty_no_color_still_colours(db):
    """(no-color.org: only a non-empty NO_COLOR counts.)"""
    assert ANSI.search(on_a_terminal("show", "--at", "2024-10-15", "--store", db, NO_COLOR=""))


# the pager

PAGER = "sed -e s/^/paged:/"  # (a real small program that marks every line it is given)


def test_long_text_on_a_terminal_goes_through_the_pager(cli, db):
    shown = on_a_terminal("log", "--store", db, rows=10, PAGER=PAGER)
    lines = shown.splitlines()
    assert len(lines) > 10 and all(line.startswith("paged:") for line in lines)
    assert (
        ANSI.sub("", "\n".join(line.removeprefix("paged:") for line in lines)) + "\n"
        == cli("log", "--store", db).stdout
    )


def test_no_pager_and_short_text_are_not_paged(db):
    assert "paged:" not in on_a_terminal("--no-pager", "log", "--store", db, rows=10, PAGER=PAGER)
    assert "paged:" not in on_a_terminal("show", "--at", "2024-10-15", "--store", db, rows=100, PAGER=PAGER)
    assert "paged:" in on_a_terminal("show", "--at", "2024-10-15", "--store", db, rows=10, PAGER=PAGER)


def test_an_empty_pager_pages_nothing(db):
    shown = on_a_terminal("log", "--store", db, rows=10, PAGER="")
    assert "paged:" not in shown and len(shown.splitlines()) > 10


def test_piped_text_is_never_paged(db):
    assert "paged:" not in piped("log", "--store", db, PAGER=PAGER)


# shell completion


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F _orgsim_completion orgsim"),
        ("zsh", "#compdef orgsim"),
        ("fish", "complete --command orgsim"),
    ],
)
def test_the_completion_script_of_each_shell_is_generated(shell, marker):
    """Named by the program's completion variable, as the README says (`--show-completion` alone prints
    the script of the shell it runs in: the machine's, not the test's to choose)."""
    env = {**os.environ, "_ORGSIM_COMPLETE": f"source_{shell}"}
    run = subprocess.run([str(ORGSIM)], capture_output=True, text=True, env=env)
    assert run.returncode == 0 and marker in run.stdout, run.stderr


def test_show_completion_prints_the_script_of_the_shell_it_runs_in():
    run = subprocess.run(["bash", "-c", f"'{ORGSIM}' --show-completion; exit $?"], capture_output=True, text=True)
    assert run.returncode == 0 and "complete -o default -F _orgsim_completion orgsim" in run.stdout, run.stderr


def test_completion_completes_a_command_name():
    env = {**os.environ, "_ORGSIM_COMPLETE": "complete_bash", "COMP_WORDS": "orgsim hi", "COMP_CWORD": "1"}
    run = subprocess.run([str(ORGSIM)], capture_output=True, text=True, env=env)
    assert run.returncode == 0 and run.stdout.split() == ["history"]


# the spinner


def test_a_spinner_on_a_terminal_says_what_runs_and_is_cleared(cli, db):
    """On stderr, when it is a terminal: stdout still gets the text alone; a pipe gets no spinner."""
    stdout, stderr = run_on_terminals("show", "--at", "2024-10-15", "--store", db)
    assert (
        "Reading the chart" in stderr
        and ANSI.sub("", stdout) == cli("show", "--at", "2024-10-15", "--store", db).stdout
    )
    assert cli("show", "--at", "2024-10-15", "--store", db).stderr == ""


def test_no_color_leaves_the_spinner_unstyled_too(db):
    _, stderr = run_on_terminals("show", "--at", "2024-10-15", "--store", db, NO_COLOR="1")
    assert "Reading the chart" in stderr and not re.search(r"\x1b\[[0-9;]*m", stderr), repr(stderr[:200])


def test_load_on_a_terminal_stores_the_seeds(tmp_path):
    store = str(tmp_path / "t.db")
    _, stderr = run_on_terminals("load", str(SEEDS), "--store", store)
    assert "Loaded OpenAI" in stderr
    assert json.loads(piped("org", "list", "--json", "--store", store))["organisations"][0]["name"] == "OpenAI"
