"""Every cited quote is checked against its document, by `append`, `correct`, `import` and `load` alike.

A cited document is a file name: `load` looks for it beside its file; `append` and `correct` in the
current folder, then the bundled seeds' folder; `import` beside its file, then where `append` looks. Found: the quote must occur in it
verbatim (`facts.quote_occurs`), or the command stores nothing. Not found (or only a URL cited): the
quote is stored as given, and the output says it was not checked.
"""

import json
import shutil

import pytest
from conftest import ROOT, stored_events

from orgsim.application import open_store
from orgsim.facts import quote_occurs, quote_start

SEEDS = ROOT / "seeds"
DOC = "002_fa3ea9b5eed048a8.txt"
REAL = (
    "マークは当社の新しい研究担当 SVP となり、チーフ サイエンティストのヤクブと共同で研究組織を率いることになります。"
)
MADE_UP = "Mark Chen leaves OpenAI to found a startup."


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path, monkeypatch):
    """Run every command from an empty folder: the bundled seeds' folder is what finds their documents."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def _append(cli, db, *source, dry_run=False, json_=False):
    return cli(
        "append",
        "departed",
        "mark-chen",
        "--on",
        "2025-01-10",
        "--to",
        "Acme",
        *source,
        "--store",
        db,
        *(["--dry-run"] if dry_run else []),
        *(["--json"] if json_ else []),
    )


def test_a_quote_from_its_seed_document_is_accepted(cli, db):
    before = len(stored_events(db))
    result = _append(cli, db, "--document", DOC, "--quote", REAL)
    assert result.exit_code == 0, result.stderr
    event_id = result.stdout.strip().splitlines()[-1].removeprefix("Event id: ")
    assert open_store(db).timeline().fact_map()[event_id].source == {"document": DOC, "quote": REAL}
    assert "not checked" not in result.stderr
    assert len(stored_events(db)) == before + 1


@pytest.mark.parametrize("mode", ["store", "dry-run", "json"])
def test_a_quote_not_in_its_document_is_refused_and_nothing_is_stored(cli, db, mode):
    before = stored_events(db)
    result = _append(cli, db, "--document", DOC, "--quote", MADE_UP, dry_run=mode == "dry-run", json_=mode == "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f'Error: the quote "Mark Chen leaves OpenAI…" does not occur verbatim in {SEEDS / DOC}\n')
    assert stored_events(db) == before


def test_a_quote_from_the_wrong_seed_document_is_refused(cli, db):
    before = stored_events(db)
    result = _append(cli, db, "--document", "000_064822530e0d536b.txt", "--quote", REAL)
    assert result.exit_code == 1
    assert "does not occur verbatim in" in result.stderr and "000_064822530e0d536b.txt" in result.stderr
    assert stored_events(db) == before


def test_a_document_in_the_current_folder_is_found_first(cli, db, _elsewhere):
    (_elsewhere / DOC).write_text("A local copy that says something else.\n", encoding="utf-8")
    before = stored_events(db)
    refused = _append(cli, db, "--document", DOC, "--quote", REAL)
    assert refused.exit_code == 1 and f"does not occur verbatim in {DOC}\n" in refused.stderr
    assert stored_events(db) == before
    accepted = _append(cli, db, "--document", DOC, "--quote", "says something else")
    assert accepted.exit_code == 0, accepted.stderr


# A document with Windows line endings, a paragraph break and two spaces; each quote's verdict is the
# one `load` gives (checked below against `load` itself).
TEXT = "Jane Doe joins as COO.\r\n\r\nShe reports to  the CEO.\r\n"
QUOTES = [
    ("exact", "Jane Doe joins as COO.", True),
    ("across the paragraph break, as a line break", "COO.\n\nShe reports", True),
    ("across the paragraph break, as a space", "COO. She reports", False),
    ("across the paragraph break, as CRLF", "COO.\r\n\r\nShe reports", False),  # text is read with universal newlines
    ("two spaces", "reports to  the CEO", True),
    ("one space where the document has two", "reports to the CEO", False),
    ("another case", "jane doe joins as coo.", False),
    ("a trailing space", "Jane Doe joins as COO. ", False),
]


@pytest.mark.parametrize("quote, accepted", [q[1:] for q in QUOTES], ids=[q[0] for q in QUOTES])
def test_whitespace_and_line_breaks_are_compared_as_load_compares_them(cli, db, tmp_path, _elsewhere, quote, accepted):
    (_elsewhere / "memo.txt").write_bytes(TEXT.encode("utf-8"))
    before = stored_events(db)
    result = cli(
        "append",
        "appointed",
        "Jane Doe",
        "--title",
        "COO",
        "--on",
        "2025-01-10",
        "--document",
        "memo.txt",
        "--quote",
        quote,
        "--store",
        db,
    )
    assert (result.exit_code == 0) is accepted, result.stderr
    assert len(stored_events(db)) == len(before) + (2 if accepted else 0)  # a new person and the event
    if not accepted:
        assert result.stderr.startswith("Error: the quote ") and "does not occur verbatim in memo.txt" in result.stderr

    seeds = tmp_path / "seeds"  # the same document beside a seed file: load's verdict is the same
    seeds.mkdir()
    (seeds / "memo.txt").write_bytes(TEXT.encode("utf-8"))
    (seeds / "s.yaml").write_text(
        "organisation: Acme\nevents:\n  - {kind: appointed, person: jane-doe, title: COO, on: '2025-01-10', "
        f"source: {{document: memo.txt, quote: {json.dumps(quote)}}}}}\n",
        encoding="utf-8",
    )
    loaded = cli("load", seeds / "s.yaml", "--store", tmp_path / "acme.db")
    assert (loaded.exit_code == 0) is accepted, loaded.stderr
    if not accepted:
        assert f"s.yaml:3: the quote {quote_start(quote)} does not occur verbatim in" in loaded.stderr


def test_the_pure_rule_is_verbatim_and_the_message_shows_line_breaks():
    assert quote_occurs("b\nc", "a\nb\nc") and not quote_occurs("b c", "a\nb\nc")
    assert quote_start("one\ntwo") == '"one\\ntwo"'
    assert quote_start("x" * 30) == '"' + "x" * 24 + '…"'


def test_a_quote_citing_only_a_url_is_stored_with_a_note_that_it_was_not_checked(cli, db):
    before = len(stored_events(db))
    result = _append(cli, db, "--url", "https://example.com/news", "--quote", MADE_UP)
    assert result.exit_code == 0, result.stderr
    assert "Note: the quote was not checked (no document is cited, only a web address)." in result.stderr
    assert len(stored_events(db)) == before + 1


@pytest.mark.parametrize("json_", [False, True])
def test_a_document_not_found_is_stored_with_a_note_naming_it(cli, db, json_):
    result = _append(cli, db, "--document", "board-memo.txt", "--quote", MADE_UP, json_=json_)
    assert result.exit_code == 0, result.stderr
    assert (
        f"Note: the quote was not checked (board-memo.txt was not found in the current folder or {SEEDS})."
        in result.stderr
    )
    event_id = (
        json.loads(result.stdout)["event"]
        if json_
        else result.stdout.strip().splitlines()[-1].removeprefix("Event id: ")
    )
    assert open_store(db).timeline().fact_map()[event_id].source == {"document": "board-memo.txt", "quote": MADE_UP}


@pytest.mark.parametrize("document", [f"seeds/{DOC}", str(SEEDS / DOC), "https://example.com/news.txt"])
def test_a_document_given_as_a_path_or_url_is_refused_as_load_refuses_it(cli, db, document):
    before = stored_events(db)
    result = _append(cli, db, "--document", document, "--quote", REAL)
    assert result.exit_code == 1
    assert (
        f"a cited document is a file name in the current folder or {SEEDS} (like 000_….txt), not a path: {document!r}"
        in result.stderr
    )
    assert stored_events(db) == before


def test_correct_checks_its_new_quote_too(cli, db):
    event_id = json.loads(_append(cli, db, "--source", "a post", json_=True).stdout)["event"]
    before = stored_events(db)
    args = ["correct", event_id, "--reason", "cite the memo", "--document", DOC, "--store", db]
    for dry_run in ([], ["--dry-run"]):
        refused = cli(*args, "--quote", MADE_UP, *dry_run)
        assert refused.exit_code == 1
        assert (
            refused.stderr == f'Error: the quote "Mark Chen leaves OpenAI…" does not occur verbatim in {SEEDS / DOC}\n'
        )
        assert stored_events(db) == before
    accepted = cli(*args, "--quote", REAL)
    assert accepted.exit_code == 0, accepted.stderr
    new_id = accepted.stdout.strip().splitlines()[-1].removeprefix("Event id: ")
    # the parts given replace those parts; the old note stays
    assert open_store(db).timeline().fact_map()[new_id].source == {"note": "a post", "document": DOC, "quote": REAL}


def _line(quote):
    return (
        json.dumps(
            {
                "kind": "departed",
                "person": "mark-chen",
                "on": "2025-01-10",
                "source": {"document": DOC, "quote": quote},
            },
            ensure_ascii=False,
        )
        + "\n"
    )


def test_import_refuses_a_quote_its_document_beside_the_file_lacks(cli, db, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEEDS / DOC, folder / DOC)
    (folder / "h.jsonl").write_text(_line(MADE_UP), encoding="utf-8")
    before = stored_events(db)
    result = cli("import", folder / "h.jsonl", "--store", db)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f'Error: {folder / "h.jsonl"}:1: the quote "Mark Chen leaves OpenAI…" does not occur verbatim in {folder / DOC}\n'
    )
    assert stored_events(db) == before
    (folder / "h.jsonl").write_text(_line(REAL), encoding="utf-8")
    assert cli("import", folder / "h.jsonl", "--store", db).exit_code == 0


def test_import_without_the_documents_beside_it_checks_them_where_append_looks(cli, db, tmp_path):
    """An export imported elsewhere still has the seeds' quotes checked: after the file's own folder,
    `import` looks where `append` does (the current folder, then the bundled seeds' folder)."""
    f = tmp_path / "h.jsonl"
    f.write_text(_line(MADE_UP), encoding="utf-8")
    before = stored_events(db)
    refused = cli("import", f, "--store", db)
    assert refused.exit_code == 1 and stored_events(db) == before
    assert (
        refused.stderr
        == f'Error: {f}:1: the quote "Mark Chen leaves OpenAI…" does not occur verbatim in {SEEDS / DOC}\n'
    )
    f.write_text(_line(REAL), encoding="utf-8")
    accepted = cli("import", f, "--store", db)
    assert accepted.exit_code == 0 and "not checked" not in accepted.stderr, accepted.stderr


def test_import_of_a_quote_whose_document_is_nowhere_stores_it_and_says_where_it_looked(cli, db, tmp_path):
    f = tmp_path / "h.jsonl"
    f.write_text(_line(MADE_UP).replace(DOC, "board-memo.txt"), encoding="utf-8")
    result = cli("import", f, "--store", db)
    assert result.exit_code == 0, result.stderr
    assert (
        f"Note: 1 quote not checked: 1 cites a document not found beside {f}, in the current folder or {SEEDS} "
        "(board-memo.txt)."
    ) in result.stderr


def test_an_export_imported_in_another_folder_has_every_quote_checked(cli, db, tmp_path):
    out = tmp_path / "elsewhere" / "history.jsonl"
    out.parent.mkdir()
    assert cli("export", "--store", db, "-o", out).exit_code == 0
    result = cli("import", out, "--org", "Copy", "--store", tmp_path / "copy.db")
    assert result.exit_code == 0, result.stderr
    assert "not checked" not in result.stderr


def test_load_refuses_a_made_up_quote_naming_file_line_document_and_quote(cli, tmp_path):
    for doc in SEEDS.glob("*.txt"):
        shutil.copy(doc, tmp_path / doc.name)
    seed = tmp_path / "s.yaml"
    seed.write_text(
        "organisation: Acme\nevents:\n  - {kind: appointed, person: ann, title: CEO, on: '2020', "
        f"source: {{document: {DOC}, quote: '{MADE_UP}'}}}}\n",
        encoding="utf-8",
    )
    result = cli("load", seed, "--store", tmp_path / "acme.db")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f'Error: {seed}:3: the quote "Mark Chen leaves OpenAI…" does not occur verbatim in {tmp_path / DOC}\n'
    )
    assert not (tmp_path / "acme.db").exists()


def test_a_quote_that_cites_neither_a_document_nor_a_web_address_is_refused(cli, db, tmp_path):
    """(It was stored with a note, then printed by `history`, `log` and `diff` like a checked quote.)"""
    before = stored_events(db)
    for dry_run in ([], ["--dry-run"]):
        refused = cli(
            "append", "departed", "mark-chen", "--on", "2025-01-10", "--quote", MADE_UP, *dry_run, "--store", db
        )
        assert refused.exit_code == 1 and refused.stdout == ""
        assert refused.stderr == (
            "Error: a quote needs the document or the web address it is from: give --document or --url\n"
        )
    assert stored_events(db) == before
    seed = tmp_path / "s.yaml"
    seed.write_text(
        "organisation: Acme\nevents:\n  - {kind: appointed, person: ann, title: CEO, on: '2020', "
        f"source: {{quote: '{MADE_UP}'}}}}\n",
        encoding="utf-8",
    )
    loaded = cli("load", seed, "--store", tmp_path / "acme.db")
    assert loaded.exit_code == 1 and loaded.stderr.startswith(f"Error: {seed}:3: a quote needs the document")
    noted = cli("append", "departed", "mark-chen", "--on", "2025-01-10", "--source", "a phone call", "--store", db)
    assert noted.exit_code == 0, noted.stderr  # a note alone says where it is from: no quote to check


def test_import_takes_a_quote_citing_nothing_from_an_older_export_and_says_it_was_not_checked(cli, db, tmp_path):
    """Stores written before such quotes were refused hold some: their export must import back."""
    f = tmp_path / "h.jsonl"
    f.write_text(
        json.dumps(
            {
                "kind": "departed",
                "person": "mark-chen",
                "on": "2025-01-10",
                "source": {"quote": MADE_UP, "note": "heard it"},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    imported = cli("import", f, "--store", db)
    assert imported.exit_code == 0, imported.stderr
    assert "Note: 1 quote not checked: 1 cites no document (a web address only, or nothing)." in imported.stderr


def test_the_import_note_names_each_place_it_looked_once(cli, db, _elsewhere):
    """The file in the current folder: 'beside h.jsonl or <seeds>', not '…, in the current folder or …'."""
    f = _elsewhere / "h.jsonl"
    f.write_text(_line(MADE_UP).replace(DOC, "board-memo.txt"), encoding="utf-8")
    result = cli("import", "h.jsonl", "--store", db)
    assert result.exit_code == 0, result.stderr
    assert f"1 cites a document not found beside h.jsonl or {SEEDS} (board-memo.txt)." in result.stderr
