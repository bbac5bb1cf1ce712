"""A PostgreSQL store's read model: a SQLite file of this machine's (ORGSIM_CACHE_DIR), used only while
the server's last event is the one it was built from (version AND content tag), answering as a replay."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from orgsim.application import open_store
from orgsim.domain import organisation_id
from orgsim.interchange import EventRecord
from orgsim.readmodel import View

import pgserver


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
    assert exported == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in app_.export())
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
