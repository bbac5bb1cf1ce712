"""Several sources per fact: repeated source options on `append`, `cite` adding a corroborating source to
a stored fact (a `Cited` event), `correct` keeping or replacing sources, each quote checked against the
document it cites; and events stored before a fact could cite several still load and export as before."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from conftest import stored_events
from test_one_engine import model_tables

from orgsim.application import open_store
from orgsim.interchange import bundled_seeds, read_yaml

DOC = "002_fa3ea9b5eed048a8.txt"  # a seeds' document (found by `append` in the bundled seeds' folder)
REAL = "熟考の末、OpenAl を離れるという難しい決断をしました。"  # a sentence of it
OTHER_DOC = "000_064822530e0d536b.txt"
OTHER_REAL = "ジョン・シュルマン"  # a sentence of the other document
GOLDEN_EXPORT = Path(__file__).parent / "golden" / "seeds-export.jsonl"  # the seeds' export before this change


def _log(cli, db, *args):
    return cli.json("log", *args, "--store", db)


def _departure(cli, db, person="mira-murati"):
    return next(e for e in _log(cli, db, "--person", person) if e["kind"] == "departed" and not e["retracted"])


def _append(cli, db, *args):
    return cli("append", "departed", "mark-chen", "--on", "2025-01-10", *args, "--store", db)


def _event_id(result):
    return result.stdout.strip().splitlines()[-1].removeprefix("Event id: ")


# --- append: every source option may be repeated, each kept ---------------------------------------------
def test_two_urls_are_both_kept(cli, db):
    result = _append(cli, db, "--url", "https://a.example/1", "--url", "https://b.example/2")
    assert result.exit_code == 0, result.stderr
    entry = _departure(cli, db, "mark-chen")
    assert entry["sources"] == [{"url": "https://a.example/1"}, {"url": "https://b.example/2"}]
    assert entry["source"] == {"url": "https://a.example/1"}  # (the key as ever: the first source)
    text = cli("log", "--person", "mark-chen", "--kind", "departed", "--store", db).stdout
    assert "[1] url: https://a.example/1" in text and "[2] url: https://b.example/2" in text


def test_quotes_pair_with_documents_in_order_and_each_is_checked_against_its_own(cli, db):
    result = _append(cli, db, "--document", DOC, "--document", OTHER_DOC, "--quote", REAL, "--quote", OTHER_REAL)
    assert result.exit_code == 0, result.stderr
    assert _departure(cli, db, "mark-chen")["sources"] == [
        {"document": DOC, "quote": REAL},
        {"document": OTHER_DOC, "quote": OTHER_REAL},
    ]
    before = stored_events(db)
    swapped = cli(
        "append", "departed", "bob-mcgrew", "--on", "2025-01-11", "--document", DOC, "--document", OTHER_DOC,
        "--quote", OTHER_REAL, "--quote", REAL, "--store", db,
    )  # fmt: skip
    assert swapped.exit_code == 1 and swapped.stderr.count("\n") == 1
    assert f"the quote {json.dumps(OTHER_REAL, ensure_ascii=False)} does not occur verbatim in" in swapped.stderr
    assert DOC in swapped.stderr
    assert stored_events(db) == before


def test_an_unpaired_quote_is_refused_with_one_line(cli, db):
    before = stored_events(db)
    for args in (
        ("--document", DOC, "--document", OTHER_DOC, "--quote", REAL),  # which document is it from?
        ("--url", "https://a.example/1", "--url", "https://b.example/2", "--quote", "said"),
        ("--quote", "one", "--quote", "two"),  # from nowhere
    ):
        result = _append(cli, db, *args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
        assert "--quote" in result.stderr
    assert stored_events(db) == before


def test_one_of_each_option_is_one_source_and_keeps_its_id(cli, db):
    args = ("--document", DOC, "--quote", REAL, "--url", "https://a.example/1", "--source", "a note")
    result = cli("append", "departed", "mark-chen", "--on", "2025-01-10", *args, "--dry-run", "--json", "--store", db)
    record = json.loads(result.stdout)["record"]
    assert record["source"] == {"document": DOC, "quote": REAL, "url": "https://a.example/1", "note": "a note"}
    assert "sources" not in record


# --- cite: a corroborating source for a stored fact ----------------------------------------------------------
def test_cite_adds_a_source_shown_by_log_why_history_and_export(cli, db):
    left = _departure(cli, db)
    args = ("cite", left["id"], "--url", "https://news.example/mira", "--quote", "Mira is leaving", "--store", db)
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Note: the quote was not checked (no document is cited, only a web address).\n"
    assert result.stdout.startswith("Cited https://news.example/mira for Mira Murati (mira-murati): departed on")
    citation = result.stdout.strip().splitlines()[-1].removeprefix("Citation id: ")
    now = _departure(cli, db)
    assert now["id"] == left["id"] and now["source"] == left["source"]  # the fact itself unchanged
    assert now["sources"] == [left["source"], {"url": "https://news.example/mira", "quote": "Mira is leaving"}]
    why = cli.json("why", "mira-murati", "--at", "2024-10-01", "--store", db)
    assert _departure_of(why["events"])["sources"] == now["sources"]
    why_text = cli("why", "mira-murati", "--at", "2024-10-01", "--store", db).stdout
    assert "url: https://news.example/mira" in why_text and "「Mira is leaving」" in why_text
    history = cli.json("history", "mira-murati", "--store", db)
    assert _departure_of(history["events"])["sources"] == now["sources"]
    lines = [json.loads(line) for line in cli("export", "--store", db).stdout.splitlines()]
    assert lines[-1] == {
        "kind": "cited",
        "target": left["id"],
        "source": {"quote": "Mira is leaving", "url": "https://news.example/mira"},
        "id": citation,
    }
    assert next(line for line in lines if line.get("id") == left["id"])["source"] == left["source"]


def test_cite_shows_in_the_tooltips_and_the_footer_counts_web_sources(cli, db, tmp_path):
    left = _departure(cli, db)
    assert cli("cite", left["id"], "--url", "https://news.example/mira", "--store", db).exit_code == 0
    out = tmp_path / "chart.dot"
    assert cli("render", "--at", "2024-10-01", "--alumni", "-o", out, "--store", db).exit_code == 0, out
    dot = out.read_text(encoding="utf-8")
    assert "https://news.example/mira" in dot  # in the departures' tooltip, beside the document
    assert "1 web source" in dot


def test_as_known_at_before_a_citation_shows_the_source_it_had_then(tmp_path, dataset, cli):
    store = str(tmp_path / "known.db")
    app_ = open_store(store, create=True)
    app_.load(dataset, timestamp=datetime(2024, 10, 1, tzinfo=UTC))
    left = next(f for f in app_.timeline().facts if f.person == "mira-murati" and f.kind == "departed")
    app_.cite(left.id, {"url": "https://news.example/mira"}, timestamp=datetime(2024, 11, 1, tzinfo=UTC))

    def sources(*known):
        return _departure_of(cli.json("log", "--person", "mira-murati", *known, "--store", store))["sources"]

    assert sources("--as-known-at", "2024-10-15") == [left.source]
    assert sources("--as-known-at", "2024-11-02") == sources() == [left.source, {"url": "https://news.example/mira"}]
    why = cli.json("why", "mira-murati", "--at", "2024-10-01", "--as-known-at", "2024-10-15", "--store", store)
    assert _departure_of(why["events"])["sources"] == [left.source]


def _departure_of(entries):
    return next(e for e in entries if e["kind"] == "departed")


def test_rebuild_makes_the_read_model_the_command_left(cli, db):
    left = _departure(cli, db)
    assert cli("cite", left["id"], "--url", "https://news.example/mira", "--store", db).exit_code == 0
    kept = _log(cli, db)
    exported = cli("export", "--store", db).stdout
    assert cli("rebuild", "--store", db).exit_code == 0
    assert _log(cli, db) == kept and cli("export", "--store", db).stdout == exported


def test_cite_writes_the_read_model_in_place_as_a_rebuild_makes_it(db):
    app_ = open_store(db)
    app_.view().close()  # the model built from the seeds
    left = next(f for f in app_.timeline().facts if f.person == "mira-murati" and f.kind == "departed")
    app_.cite(left.id, {"url": "https://news.example/mira"})
    with sqlite3.connect(db) as conn:
        version, meta = conn.execute("SELECT version, data FROM orgsim_rm_meta").fetchone()
    assert version == app_.replayed().version  # at the log's version at once: no rebuild waits
    assert json.loads(meta)["log_hash"] is None  # (changed in place: a rebuild computes the hash)
    kept = model_tables(db), json.loads(meta)["citation_records"]
    app_.rebuild(replace=True)
    with sqlite3.connect(db) as conn:
        (meta,) = conn.execute("SELECT data FROM orgsim_rm_meta").fetchone()
    assert (model_tables(db), json.loads(meta)["citation_records"]) == kept


def test_an_export_with_citations_imports_into_the_same_history(cli, db, tmp_path):
    left = _departure(cli, db)
    assert cli("cite", left["id"], "--url", "https://news.example/mira", "--store", db).exit_code == 0
    assert _append(cli, db, "--url", "https://a.example/1", "--url", "https://b.example/2").exit_code == 0
    exported = cli("export", "--store", db).stdout
    path = tmp_path / "history.jsonl"
    path.write_text(exported, encoding="utf-8")
    copy = str(tmp_path / "copy.db")
    assert cli("import", path, "--org", "OpenAI", "--store", copy).exit_code == 0
    assert cli("export", "--store", copy).stdout == exported
    assert _log(cli, copy) == [{**e, "recorded_at": e2["recorded_at"]} for e, e2 in zip(_log(cli, db), _log(cli, copy))]
    again = cli("import", path, "--store", copy)  # everything already stored: nothing added
    assert again.exit_code == 0 and cli("export", "--store", copy).stdout == exported


def test_bad_citations_are_refused_with_one_line_and_store_nothing(cli, db):
    left = _departure(cli, db)
    retracted = next(e for e in _log(cli, db, "--person", "greg-brockman") if e["kind"] == "on_leave")
    assert cli("retract", retracted["id"], "--reason", "misread", "--store", db).exit_code == 0
    before = stored_events(db)
    cases = {
        ("abcdef012345", "--url", "https://x.example"): "no stored event has id 'abcdef012345'",
        (retracted["id"], "--url", "https://x.example"): f"event {retracted['id']} is retracted",
        (left["id"],): "a citation needs the document or the web address it is from",
        (left["id"], "--note", "only a note"): "a citation needs the document or the web address it is from",
        (left["id"], "--document", DOC, "--quote", "not in it"): 'the quote "not in it" does not occur verbatim',
        (left["id"], "--document", DOC, "--quote", REAL, "--note", left["source"]["note"]): "already cites",
    }
    for args, message in cases.items():
        result = cli("cite", *args, "--store", db)
        assert result.exit_code == 1, args
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr, result.stderr
    assert stored_events(db) == before


# --- correct: keeps the old sources unless told to replace them -------------------------------------------
def test_correct_adds_a_source_with_its_own_document_checked(cli, db):
    """A quote in English with its own web address is not checked against the old Japanese document."""
    left = _departure(cli, db)
    result = cli(
        "correct", left["id"], "--on", "2024-09-26", "--reason", "the memo is dated the 26th",
        "--url", "https://news.example/mira", "--quote", "Mira Murati said on Thursday", "--json", "--store", db,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)["record"]
    assert record["sources"] == [
        left["source"],
        {"url": "https://news.example/mira", "quote": "Mira Murati said on Thursday"},
    ]
    new = _departure(cli, db)
    assert new["on"] == "2024-09-26" and new["sources"] == record["sources"]


def test_correct_keeps_the_sources_cited_since(cli, db):
    left = _departure(cli, db)
    assert cli("cite", left["id"], "--url", "https://news.example/mira", "--store", db).exit_code == 0
    data = cli.json("correct", left["id"], "--on", "2024-09-26", "--reason", "a day later", "--store", db)
    assert data["record"]["sources"] == [left["source"], {"url": "https://news.example/mira"}]


def test_correct_with_replace_sources_keeps_only_the_new_ones(cli, db):
    left = _departure(cli, db)
    data = cli.json(
        "correct", left["id"], "--reason", "a better source", "--replace-sources",
        "--document", OTHER_DOC, "--quote", OTHER_REAL, "--store", db,
    )  # fmt: skip
    assert data["record"]["source"] == {"document": OTHER_DOC, "quote": OTHER_REAL}
    assert _departure(cli, db)["sources"] == [{"document": OTHER_DOC, "quote": OTHER_REAL}]
    before = stored_events(db)
    bad = cli("correct", data["event"], "--reason", "x", "--replace-sources", "--document", DOC, "--quote", "nope",
              "--store", db)  # fmt: skip
    assert bad.exit_code == 1 and "does not occur verbatim" in bad.stderr and bad.stderr.count("\n") == 1
    none = cli("correct", data["event"], "--reason", "x", "--replace-sources", "--store", db)
    assert none.exit_code == 1 and "give the sources that replace the old ones" in none.stderr
    assert stored_events(db) == before


def test_a_new_quote_alone_for_a_fact_of_several_sources_is_refused(cli, db):
    event = _event_id(_append(cli, db, "--url", "https://a.example/1", "--url", "https://b.example/2"))
    before = stored_events(db)
    result = cli("correct", event, "--quote", "which one?", "--reason", "x", "--store", db)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"event {event} cites 2 sources: say which document or web address the new quote is from" in result.stderr
    assert stored_events(db) == before


# --- events stored before a fact could cite several --------------------------------------------------------
def _records(export: str) -> str:
    """An export without its first line, the organisation line a backup opens with (added after the golden file)."""
    first, rest = export.split("\n", 1)
    assert first == '{"kind": "organisation", "name": "OpenAI"}'
    return rest


def test_the_seeds_export_exactly_as_before(cli, db):
    assert _records(cli("export", "--store", db).stdout) == GOLDEN_EXPORT.read_text(encoding="utf-8")


def test_events_stored_without_the_new_attribute_load_and_export_as_before(cli, db, tmp_path):
    """The events a store held before (no `more_sources` in their state) read exactly as before."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT rowid, state FROM stored_events").fetchall()
        stripped = 0
        for rowid, state in rows:
            data = json.loads(state)
            if data.pop("more_sources", None) is not None:
                conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (json.dumps(data).encode(), rowid))
                stripped += 1
        conn.execute("DELETE FROM orgsim_rm_meta")  # its read model too, as an older orgsim left it: rebuilt
    assert stripped == 40
    assert _records(cli("export", "--store", db).stdout) == GOLDEN_EXPORT.read_text(encoding="utf-8")
    left = _departure(cli, db)
    assert left["sources"] == [left["source"]]
    assert cli("cite", left["id"], "--url", "https://news.example/mira", "--store", db).exit_code == 0
    assert len(_departure(cli, db)["sources"]) == 2


def test_a_seed_record_may_give_several_sources(tmp_path):
    seeds = bundled_seeds()
    text = seeds.read_text(encoding="utf-8")
    for doc in (DOC, OTHER_DOC):
        (tmp_path / doc).write_text((seeds.parent / doc).read_text(encoding="utf-8"), encoding="utf-8")
    extra = (
        "  - {kind: departed, person: mark-chen, on: 2025-01-10, sources: "
        f"[{{document: {DOC}, quote: \"{REAL}\"}}, {{url: 'https://a.example/1'}}]}}\n"
    )
    (tmp_path / "openai.yaml").write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    dataset = read_yaml(tmp_path / "openai.yaml")
    last = dataset.events[-1]
    assert last.sources == ({"document": DOC, "quote": REAL}, {"url": "https://a.example/1"})
