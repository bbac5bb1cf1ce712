"""Inputs that made tracebacks (issue 20, item 10): each is now one line, `Error: …`, exit 1, and no
store is made. Read through the one reading helper (`interchange.jsonl.read_text`) and parsers that
keep a seed's dates as text for the rules to check."""

import os

import pytest

SEED_EVENT = "events:\n  - kind: appointed\n    person: a\n    title: CEO\n    on: {on}\n    source: a note\n"
SEED = "organisation: X\npeople:\n  - id: a\n    name: A\n" + SEED_EVENT


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("day.yaml", SEED.format(on="2024-02-30").encode(), "on: '2024-02-30' is not a date: 2024-02 has no day 30"),
        ("people.yaml", b"organisation: X\npeople: 5\nevents: 5\n", "'people' must be a list"),
        ("events.yaml", b"organisation: X\npeople: []\nevents: 5\n", "'events' must be a list"),
        ("latin1.yaml", "organisation: Café\npeople: []\nevents: []\n".encode("latin-1"), "not UTF-8 text"),
        ("deep.yaml", b"a: " + b"[" * 100_000 + b"\n", "not valid YAML (nested too deeply)"),
        ("scalar.yaml", b"organisation: X\npeople: [5]\nevents:\n  - 7\n", "scalar.yaml: people[1]: a person must be"),
    ],
)
def test_a_bad_seed_file_is_one_line(cli, tmp_path, name, content, message):
    seed, store = tmp_path / name, tmp_path / "s.db"
    seed.write_bytes(content)
    result = cli("load", seed, "--store", str(store))
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr, result.stderr
    assert not store.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"kind": "departed", "person": "a", "on": ' + "9" * 5000 + "}", "a number too long to read"),
    ],
)
def test_a_json_line_python_cannot_read_is_one_line(cli, tmp_path, content, message):
    changes, store = tmp_path / "x.jsonl", tmp_path / "s.db"
    changes.write_text(content + "\n", encoding="utf-8")
    result = cli("import", changes, "--org", "X", "--store", str(store))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not store.exists()


def test_a_postgresql_url_that_does_not_parse_is_one_line_and_hides_its_password(cli):
    result = cli("show", "--store", "postgresql://u:s3cret@[::1/db")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "not a valid PostgreSQL URL" in result.stderr and "s3cret" not in result.stderr


def test_an_empty_person_is_said_so(cli, tmp_path):
    store = str(tmp_path / "s.db")
    assert cli("init", "--org", "Acme", "--store", store).exit_code == 0
    result = cli(
        "append", "appointed", "", "--title", "CEO", "--on", "2024", "--url", "https://x.org", "--store", store
    )
    assert result.exit_code == 1 and result.stderr == "Error: no person named: give a person's id, name or alias\n"


def test_someone_elses_sqlite_database_is_refused_and_left_as_it_was(cli, tmp_path):
    import sqlite3

    other = tmp_path / "notes.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (x)")
    before = other.read_bytes()
    for args in (
        ["show"],
        ["append", "appointed", "Jane", "--title", "CEO", "--on", "2024", "--url", "https://x.org", "--org", "A"],
    ):
        result = cli(*args, "--store", str(other))
        assert (
            result.exit_code == 1 and "is a SQLite database but not an orgsim store (it holds notes)" in result.stderr
        )
    assert other.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_store_that_is_not_a_regular_file_is_refused(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = cli("load", "--store", str(fifo))
    assert result.exit_code == 1 and "is not a regular file" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no journal beside it


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql:/u:s3cret@h/db", "is not a store orgsim can use"),
        ("mysql://u:s3cret@h/db", "is not a store orgsim can use"),
        ("postgresql://u:pa/s3cret#x@127.0.0.1:1/db", "not a valid PostgreSQL URL"),
        ("postgresql://u:s3cret@127.0.0.1:1/db?sslmode=require", "PGSSLMODE=require"),
        ("POSTGRESQL://u:s3cret@127.0.0.1:1/db", "cannot connect to PostgreSQL at 127.0.0.1:1/db"),
        ("postgresql+psycopg://u:s3cret@127.0.0.1:1/db", "cannot connect to PostgreSQL at 127.0.0.1:1/db"),
    ],
)
def test_a_url_store_is_never_a_file_name_and_never_shows_its_password(cli, tmp_path, monkeypatch, url, said):
    monkeypatch.chdir(tmp_path)
    result = cli("show", "--store", url)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and said in result.stderr, result.stderr
    assert "s3cret" not in result.stderr and "pa/" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file of that name made


@pytest.mark.parametrize("command", [["import", "--org", "X"], ["load"], ["import", "--format", "ftm", "--org", "X"]])
def test_a_fifo_to_read_is_refused_at_once_and_standard_input_is_dash(cli, tmp_path, command):
    fifo, store = tmp_path / "pipe", tmp_path / "s.db"
    os.mkfifo(fifo)
    result = cli(command[0], fifo, *command[1:], "--store", str(store))  # (no writer: reading would never end)
    assert result.exit_code == 1 and "not a regular file (`-` reads standard input)" in result.stderr
    assert not store.exists()


def test_import_dash_reads_standard_input(cli, tmp_path):
    store = str(tmp_path / "s.db")
    line = '{"kind": "appointed", "person": "x", "name": "X", "title": "CEO", "on": "2024", "source": "a note"}\n'
    result = cli("import", "-", "--org", "Acme", "--store", store, input=line)
    assert result.exit_code == 0, result.stderr
    assert [p["title"] for p in cli.json("show", "--at", "2024-06-01", "--store", store)["people"]] == ["CEO"]
