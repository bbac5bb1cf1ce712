"""A PostgreSQL store's read model: a SQLite file of this machine's (ORGSIM_CACHE_DIR), used only while
the server's last event is the one it was built from (version AND content tag), answering as a replay."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

from orgsim.application import OrgsimApp, open_store
from orgsim.domain import organisation_id
from orgsim.interchange import EventRecord, export_records, read_jsonl
from orgsim.readmodel import View

import pgserver
from conftest import stored_events
from test_import_bulk import hires, write_lines


def _model_file(cache: Path) -> Path:
    files = sorted(cache.glob("postgres-*.sqlite"))
    assert len(files) == 1, files
    return files[0]


def _meta(path: Path, name: str = "OpenAI") -> tuple[int, dict]:
    version, data = sqlite3.connect(path).execute(
        "SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (organisation_id(name).hex,)).fetchone()
    return version, json.loads(data)


def _same(cli, store: str, *args: str) -> str:
    """The command's output from the model and from a replay (--as-known-at): the same."""
    modelled = cli(*args, "--json", "--store", store)
    replayed = cli(*args, "--json", "--store", store, "--as-known-at", "2999-01-01")
    assert modelled.exit_code == replayed.exit_code == 0, modelled.stderr + replayed.stderr
    m, r = json.loads(modelled.stdout), json.loads(replayed.stdout)
    if isinstance(m, dict):
        m.pop("as_known_at", None), r.pop("as_known_at", None)
    assert m == r, args
    return modelled.stdout


def test_reads_come_from_a_local_model_that_answers_as_the_replay(cli, pg_store, dataset, tmp_path):
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    assert isinstance(app_.view(), View)  # not a replay
    cache = tmp_path / "model-cache"
    path = _model_file(cache)
    assert "orgsim_test" not in path.name and "orgsim@" not in path.name  # named by a hash
    version, meta = _meta(path)
    assert version == app_.organisation().version and len(meta["tag"]) == 16
    for args in (("show", "--at", "2024-10-15"), ("diff", "2023-11-01", "2024-10-15"), ("history", "Mira Murati"),
                 ("why", "Sam Altman", "--at", "2023-11-20"), ("log",)):
        _same(cli, pg_store, *args)
    people = cli.json("people", "--store", pg_store)["people"]
    assert sorted(p["id"] for p in people) == sorted(app_.organisation().people)
    exported = cli("export", "--store", pg_store).stdout
    assert exported == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in export_records(app_.timeline()))
    assert exported.count('"kind": "person"') == len(app_.organisation().people)


def test_another_machines_append_makes_the_local_model_stale(cli, pg_store, dataset, tmp_path, monkeypatch):
    open_store(pg_store, create=True).load(dataset)
    assert "Ada Example" not in cli("show", "--at", "2025-02-01", "--store", pg_store).stdout
    path = _model_file(tmp_path / "model-cache")
    before, _ = _meta(path)
    monkeypatch.setenv("ORGSIM_CACHE", "off")  # another machine, without this one's model
    other = open_store(pg_store)
    assert other.read_model() is None
    other.record(EventRecord("appointed", "Ada Example", "2025-01-15", title="Chief Example Officer",
                             manager="sam-altman", source={"note": "test"}))
    assert _meta(path)[0] == before  # this machine's model did not see it
    monkeypatch.delenv("ORGSIM_CACHE")
    shown = cli("show", "--at", "2025-02-01", "--store", pg_store)
    assert "Ada Example — Chief Example Officer" in shown.stdout  # stale: rebuilt from the server's log
    assert before < _meta(path)[0] == other.organisation().version
    _same(cli, pg_store, "show", "--at", "2025-02-01")


def test_an_append_at_the_tip_updates_the_local_model_in_place(cli, pg_store, dataset, tmp_path):
    open_store(pg_store, create=True).load(dataset)
    cli("show", "--store", pg_store, "--at", "2024-10-15")
    path = _model_file(tmp_path / "model-cache")
    before, _ = _meta(path)
    result = cli("append", "appointed", "Ada Example", "--name", "Ada Example", "--title", "Engineer", "--reports-to",
                 "Sam Altman", "--on", "2025-01-15", "--source", "test", "--store", pg_store)
    assert result.exit_code == 0, result.stderr
    version, meta = _meta(path)
    assert before < version == open_store(pg_store).organisation().version
    assert meta["log_hash"] is None  # updated in place (a rebuild computes the hash)
    _same(cli, pg_store, "show", "--at", "2025-02-01")


def test_a_database_made_again_with_another_history_is_not_mistaken_for_the_old(cli, postgres_server, dataset,
                                                                                monkeypatch):
    """Same server, same database name, same organisation, same number of events, the second history
    written from another machine: only the content tag tells the two apart, and this machine's model
    of the first is not used for the second."""
    url = pgserver.create_database(postgres_server)
    name = url.rsplit("/", 1)[1]
    try:
        for title, elsewhere in (("First Title", False), ("Second Title", True)):
            pgserver.drop_database(postgres_server, url)
            with pgserver._admin(postgres_server) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            if elsewhere:
                monkeypatch.setenv("ORGSIM_CACHE", "off")
            app_ = open_store(url, create=True)
            app_.load(dataset)
            app_.record(EventRecord("appointed", "Ada Example", "2025-01-15", title=title, manager="sam-altman",
                                    source={"note": "test"}))
            monkeypatch.delenv("ORGSIM_CACHE", raising=False)
            shown = cli("show", "--at", "2025-02-01", "--store", url)
            assert f"Ada Example — {title}" in shown.stdout, shown.stdout
    finally:
        pgserver.drop_database(postgres_server, url)


def test_with_the_local_model_off_every_read_replays(cli, pg_store, dataset, tmp_path, monkeypatch):
    monkeypatch.setenv("ORGSIM_CACHE", "off")
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    assert app_.read_model() is None and app_.view() is None
    assert "Mira Murati" in cli("history", "Mira Murati", "--store", pg_store).stdout
    assert not (tmp_path / "model-cache").exists() or not list((tmp_path / "model-cache").iterdir())


def test_an_unwritable_cache_folder_means_replay_not_an_error(cli, pg_store, dataset, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ORGSIM_CACHE_DIR", str(blocker / "cache"))
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    assert app_.read_model() is None
    result = cli("show", "--at", "2024-10-15", "--store", pg_store)
    assert result.exit_code == 0 and "Sam Altman" in result.stdout


def test_the_local_model_is_readable_by_its_user_only(pg_store, dataset, tmp_path):
    open_store(pg_store, create=True).load(dataset)
    assert _model_file(tmp_path / "model-cache").stat().st_mode & 0o077 == 0



def _all_same(cli, store: str, org: str) -> None:
    """Every kind of read of `org` from the local model is the replay's, export byte for byte."""
    for args in (("show", "--at", "2024-10-15"), ("show", "--at", "2025-03-01"), ("diff", "2023-11-01", "2025-03-01"),
                 ("history", "Sam Altman"), ("log",)):
        _same(cli, store, *args, "--org", org)
    exported = cli("export", "--store", store, "--org", org).stdout
    assert exported == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in export_records(open_store(store).timeline(org)))


def test_two_organisations_two_machines_retractions_backdated_appends_and_a_correction(cli, pg_store, dataset,
                                                                                        monkeypatch):
    """(From a review.) Each step's reads of both organisations match a replay."""
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    app_.load(replace(dataset, organisation="Twin"))
    for org in ("OpenAI", "Twin"):
        _all_same(cli, pg_store, org)
    monkeypatch.setenv("ORGSIM_CACHE", "off")  # another machine: a retraction, a backdated append
    other = open_store(pg_store)
    last = other.organisation("OpenAI").timeline().facts[-1]
    other.retract(last.id, "wrong", org="OpenAI")
    other.record(EventRecord("appointed", "Ada Example", "2020-01-15", name="Ada Example", title="T1",
                             manager="sam-altman", source={"note": "t"}), org="Twin")
    monkeypatch.delenv("ORGSIM_CACHE")
    for org in ("OpenAI", "Twin"):
        _all_same(cli, pg_store, org)
    a, b = open_store(pg_store), open_store(pg_store)  # this machine, two processes at the tip, then a correction
    b.record(EventRecord("appointed", "Bo Example", "2025-02-01", name="Bo Example", title="T2",
                         manager="sam-altman", source={"note": "t"}), org="Twin")
    a.record(EventRecord("appointed", "Cy Example", "2025-02-02", name="Cy Example", title="T3",
                         manager="bo-example", source={"note": "t"}), org="Twin")
    target = next(f for f in a.organisation("Twin").timeline().facts if f.person == "bo-example")
    a.correct(target.id, "title", {"title": "T2b"}, org="Twin")
    for org in ("OpenAI", "Twin"):
        _all_same(cli, pg_store, org)
    assert "Bo Example — T2b" in cli("show", "--at", "2025-03-01", "--store", pg_store, "--org", "Twin").stdout


def test_a_reader_holding_the_local_model_does_not_hold_up_an_append(pg_store, dataset, tmp_path):
    """(From a review.) The local file is in WAL mode, as a SQLite store is: an append updates it in place
    while another process of this machine is still reading it (else it would wait 30 s, then give up)."""
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    path = _model_file(tmp_path / "model-cache")
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reader = open_store(pg_store).view()
    with reader:
        reader.chart(date(2024, 10, 15))  # a read transaction stays open meanwhile
        open_store(pg_store).record(EventRecord("appointed", "Ada Example", "2025-01-15", name="Ada Example",
                                                title="Engineer", manager="sam-altman", source={"note": "t"}))
        version, meta = _meta(path)
        assert version == open_store(pg_store).organisation().version and meta["log_hash"] is None  # in place


def test_a_chunked_load_that_meets_another_writer_is_retried_and_keeps_both(cli, pg_store, tmp_path, monkeypatch):
    """(From a review.) Another writer appends between a load's checks and its chunked save: the save's
    version conflict is the library's IntegrityError, the load is re-run on the fresh state, and both stay."""
    monkeypatch.setattr(OrgsimApp, "PG_CHUNK", 7)
    base = write_lines(tmp_path / "a.jsonl", [{"kind": "person", "person": "sam-altman", "name": "Sam Altman"},
                                             {"kind": "appointed", "person": "sam-altman", "title": "CEO", "on": "2019",
                                              "source": "memo"}])
    open_store(pg_store, create=True).load(read_jsonl(base, "Bulk"))
    real, calls = OrgsimApp._insert_all, []

    def racing(self, stored):
        calls.append(len(stored))
        if len(calls) == 1:
            open_store(pg_store).record(EventRecord("appointed", "Ada Example", "2024-06-01", name="Ada Example",
                                                    title="X", manager="sam-altman", source={"note": "race"}), org="Bulk")
        return real(self, stored)

    monkeypatch.setattr(OrgsimApp, "_insert_all", racing)
    report = open_store(pg_store).load(read_jsonl(write_lines(tmp_path / "h.jsonl", hires(40)), "Bulk"))
    assert len(calls) == 2 and report.events_added == 40
    stored = stored_events(pg_store)
    assert len({(o, v) for o, v, *_ in stored}) == len(stored)
    people = {p["id"] for p in cli.json("show", "--at", "2025-03-01", "--store", pg_store, "--org", "Bulk")["people"]}
    assert "ada-example" in people and len(people) == 42


def test_a_model_file_of_another_user_or_behind_a_link_is_not_used(pg_store, dataset, tmp_path, monkeypatch):
    cache = tmp_path / "model-cache"
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    path = _model_file(cache)
    os.chmod(path, 0o644)
    assert open_store(pg_store).read_model() is not None and path.stat().st_mode & 0o077 == 0  # tightened
    target = tmp_path / "elsewhere.sqlite"
    path.unlink()
    target.write_bytes(b"")
    path.symlink_to(target)
    assert open_store(pg_store).read_model() is None  # replay rather than follow the link
    assert "sam-altman" in {r.id for r in open_store(pg_store).chart(date(2024, 10, 15)).rows}  # (replayed)
    assert target.read_bytes() == b""  # nothing written through the link
