"""A PostgreSQL store's read model: a SQLite file of this machine's (ORGSIM_CACHE_DIR), used only while
the server's last event is the one it was built from (version AND content tag), answering as a replay."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pgserver
import pytest
from conftest import stored_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_bulk import hires, write_lines
from test_properties_application import COMMAND, PEOPLE, RECORD, apply_command
from test_readmodel import days_of

from orgsim.application import OrgsimApp, open_store
from orgsim.chart import chart_at
from orgsim.domain import organisation_id
from orgsim.interchange import Dataset, EventRecord, PersonRecord, export_records, organisation_line, read_jsonl
from orgsim.readmodel import ReadModel, View


def _model_file(cache: Path) -> Path:
    files = sorted(cache.glob("postgres-*.sqlite"))
    assert len(files) == 1, files
    return files[0]


def _meta(path: Path, name: str = "OpenAI") -> tuple[int, dict]:
    version, data = (
        sqlite3.connect(path)
        .execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (organisation_id(name).hex,))
        .fetchone()
    )
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
    assert version == app_.replayed().version and len(meta["tag"]) == 16
    for args in (
        ("show", "--at", "2024-10-15"),
        ("diff", "2023-11-01", "2024-10-15"),
        ("history", "Mira Murati"),
        ("why", "Sam Altman", "--at", "2023-11-20"),
        ("log",),
    ):
        _same(cli, pg_store, *args)
    people = cli.json("people", "--store", pg_store)["people"]
    assert sorted(p["id"] for p in people) == sorted(app_.replayed().people)
    exported = cli("export", "--store", pg_store).stdout
    timeline = app_.timeline()
    records = [organisation_line(timeline.organisation), *export_records(timeline)]
    assert exported == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    assert exported.count('"kind": "person"') == len(app_.replayed().people)


def test_another_machines_append_makes_the_local_model_stale(cli, pg_store, dataset, tmp_path, monkeypatch):
    open_store(pg_store, create=True).load(dataset)
    assert "Ada Example" not in cli("show", "--at", "2025-02-01", "--store", pg_store).stdout
    path = _model_file(tmp_path / "model-cache")
    before, _ = _meta(path)
    monkeypatch.setenv("ORGSIM_CACHE", "off")  # another machine, without this one's model
    other = open_store(pg_store)
    assert other.read_model() is None
    other.record(
        EventRecord(
            "appointed",
            "Ada Example",
            "2025-01-15",
            title="Chief Example Officer",
            manager="sam-altman",
            source={"note": "test"},
        )
    )
    assert _meta(path)[0] == before  # this machine's model did not see it
    monkeypatch.delenv("ORGSIM_CACHE")
    shown = cli("show", "--at", "2025-02-01", "--store", pg_store)
    assert "Ada Example — Chief Example Officer" in shown.stdout  # stale: rebuilt from the server's log
    assert before < _meta(path)[0] == other.replayed().version
    _same(cli, pg_store, "show", "--at", "2025-02-01")


def test_an_append_at_the_tip_updates_the_local_model_in_place(cli, pg_store, dataset, tmp_path):
    open_store(pg_store, create=True).load(dataset)
    cli("show", "--store", pg_store, "--at", "2024-10-15")
    path = _model_file(tmp_path / "model-cache")
    before, _ = _meta(path)
    result = cli(
        "append",
        "appointed",
        "Ada Example",
        "--name",
        "Ada Example",
        "--title",
        "Engineer",
        "--reports-to",
        "Sam Altman",
        "--on",
        "2025-01-15",
        "--source",
        "test",
        "--store",
        pg_store,
    )
    assert result.exit_code == 0, result.stderr
    version, meta = _meta(path)
    assert before < version == open_store(pg_store).replayed().version
    assert meta["log_hash"] is None  # updated in place (a rebuild computes the hash)
    _same(cli, pg_store, "show", "--at", "2025-02-01")


def test_a_database_made_again_with_another_history_is_not_mistaken_for_the_old(
    cli, postgres_server, dataset, monkeypatch
):
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
            app_.record(
                EventRecord(
                    "appointed", "Ada Example", "2025-01-15", title=title, manager="sam-altman", source={"note": "test"}
                )
            )
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
    for args in (
        ("show", "--at", "2024-10-15"),
        ("show", "--at", "2025-03-01"),
        ("diff", "2023-11-01", "2025-03-01"),
        ("history", "Sam Altman"),
        ("log",),
    ):
        _same(cli, store, *args, "--org", org)
    exported = cli("export", "--store", store, "--org", org).stdout
    timeline = open_store(store).timeline(org)
    records = [organisation_line(timeline.organisation), *export_records(timeline)]
    assert exported == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def test_two_organisations_two_machines_retractions_backdated_appends_and_a_correction(
    cli, pg_store, dataset, monkeypatch
):
    """(From a review.) Each step's reads of both organisations match a replay."""
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    app_.load(replace(dataset, organisation="Twin"))
    for org in ("OpenAI", "Twin"):
        _all_same(cli, pg_store, org)
    monkeypatch.setenv("ORGSIM_CACHE", "off")  # another machine: a retraction, a backdated append
    other = open_store(pg_store)
    last = other.replayed("OpenAI").timeline().facts[-1]
    other.retract(last.id, "wrong", org="OpenAI")
    other.record(
        EventRecord(
            "appointed",
            "Ada Example",
            "2020-01-15",
            name="Ada Example",
            title="T1",
            manager="sam-altman",
            source={"note": "t"},
        ),
        org="Twin",
    )
    monkeypatch.delenv("ORGSIM_CACHE")
    for org in ("OpenAI", "Twin"):
        _all_same(cli, pg_store, org)
    a, b = open_store(pg_store), open_store(pg_store)  # this machine, two processes at the tip, then a correction
    b.record(
        EventRecord(
            "appointed",
            "Bo Example",
            "2025-02-01",
            name="Bo Example",
            title="T2",
            manager="sam-altman",
            source={"note": "t"},
        ),
        org="Twin",
    )
    a.record(
        EventRecord(
            "appointed",
            "Cy Example",
            "2025-02-02",
            name="Cy Example",
            title="T3",
            manager="bo-example",
            source={"note": "t"},
        ),
        org="Twin",
    )
    target = next(f for f in a.replayed("Twin").timeline().facts if f.person == "bo-example")
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
        open_store(pg_store).record(
            EventRecord(
                "appointed",
                "Ada Example",
                "2025-01-15",
                name="Ada Example",
                title="Engineer",
                manager="sam-altman",
                source={"note": "t"},
            )
        )
        version, meta = _meta(path)
        assert version == open_store(pg_store).replayed().version and meta["log_hash"] is None  # in place


def test_a_local_model_that_cannot_be_written_costs_one_replay_not_two(pg_store, dataset, tmp_path, monkeypatch):
    """(Left over from a review.) When the stale local model cannot be written (another process of this
    machine holds its write lock past the busy timeout), the read answers from the one replay it made
    to rebuild the model, instead of replaying again."""
    open_store(pg_store, create=True).load(dataset)
    path = _model_file(tmp_path / "model-cache")
    monkeypatch.setenv("ORGSIM_CACHE", "off")  # another machine's backdated news: a rebuild, not a catch-up
    open_store(pg_store).record(
        EventRecord(
            "appointed", "Ada Example", "2019-01-15", name="Ada Example", title="Engineer", source={"note": "t"}
        )
    )
    monkeypatch.delenv("ORGSIM_CACHE")
    monkeypatch.setattr(ReadModel, "BUSY_TIMEOUT", 0.2)
    here = open_store(pg_store)
    replays: list = []
    get = here.replayed

    def replayed(org=None, whole=False):
        found = get(org, whole)
        replays.append(organisation_id(found.name))
        return found

    monkeypatch.setattr(here, "replayed", replayed)
    before = _meta(path)[0]
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        chart = here.chart(date(2019, 2, 1))
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert chart.row("ada-example").title == "Engineer"  # the news is there (the replay's chart)
    assert replays.count(organisation_id("OpenAI")) == 1
    assert _meta(path)[0] == before  # the model was not written: the next read rebuilds it


def test_a_chunked_load_that_meets_another_writer_is_retried_and_keeps_both(cli, pg_store, tmp_path, monkeypatch):
    """(From a review.) Another writer appends between a load's checks and its chunked save: the save's
    version conflict is the library's IntegrityError, the load is re-run on the fresh state, and both stay."""
    base = write_lines(
        tmp_path / "a.jsonl",
        [
            {"kind": "person", "person": "sam-altman", "name": "Sam Altman"},
            {"kind": "appointed", "person": "sam-altman", "title": "CEO", "on": "2019", "source": "memo"},
        ],
    )
    open_store(pg_store, create=True).load(read_jsonl(base, "Bulk"))
    real, calls = OrgsimApp._insert_all, []

    def racing(self, stored):
        calls.append(len(stored))
        if len(calls) == 1:
            open_store(pg_store).record(
                EventRecord(
                    "appointed",
                    "Ada Example",
                    "2024-06-01",
                    name="Ada Example",
                    title="X",
                    manager="sam-altman",
                    source={"note": "race"},
                ),
                org="Bulk",
            )
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


def _news_in_date_order():
    """Changes at the tip, in date order: hires, a move, a leave and return, a leader leaving with
    reports, hires and departures on one day, a manager gone the day a report joined them, a rehire,
    a title changed twice in a day (the test_readmodel scenarios, in date order)."""
    from test_readmodel import COMMANDS
    from test_readmodel_history import MORE

    return COMMANDS[:5] + MORE[:5] + [COMMANDS[5]] + MORE[5:]


def test_another_machines_news_in_date_order_is_caught_up_without_a_replay(cli, pg_store, dataset, monkeypatch):
    """The local model applies the server's new events (people and facts landing at the tip) as an
    append does, instead of replaying the whole log; every answer is still the replay's."""
    open_store(pg_store, create=True).load(dataset)
    here = open_store(pg_store)
    path = Path(here.read_model().path)
    news = _news_in_date_order()
    first, rest = news[:3], news[3:]
    for part in (first, rest):
        monkeypatch.setenv("ORGSIM_CACHE", "off")
        other = open_store(pg_store)
        for rec in part:
            other.record(rec)
        monkeypatch.delenv("ORGSIM_CACHE")
        assert isinstance(open_store(pg_store).view(), View)
        version, meta = _meta(path)
        tip = here.recorder.select_events(organisation_id("OpenAI"), desc=True, limit=1)[0]
        assert version == tip.originator_version and meta["log_hash"] is None  # caught up, not rebuilt
        assert meta["tag"] == here.read_model().log.last_event(organisation_id("OpenAI").hex)[1]
        _all_same(cli, pg_store, "OpenAI")
        for day in ("2025-03-31", "2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01"):
            _same(cli, pg_store, "show", "--at", day)
        for who in ("jane-doe", "flash-person", "temp-boss", "sam-altman")[: 1 if part is first else 4]:
            _same(cli, pg_store, "history", who)


def test_another_machines_backdated_news_is_caught_up_without_a_replay(cli, pg_store, dataset, monkeypatch):
    """Facts dated before the model's last one, a retraction and a correction, from another machine
    (with news at the tip before and after them), are applied from their day on (`ReplayFromDay`), as the same
    commands here are."""
    open_store(pg_store, create=True).load(dataset)
    here = open_store(pg_store)
    path = Path(here.read_model().path)
    news = _news_in_date_order()
    monkeypatch.setenv("ORGSIM_CACHE", "off")
    other = open_store(pg_store)
    other.record(news[0])
    other.record(
        EventRecord(
            "appointed",
            "Ada Example",
            "2020-01-15",
            name="Ada Example",
            title="T",
            manager="sam-altman",
            source={"note": "t"},
        )
    )
    other.record(EventRecord("reports_to", "ada-example", "2023-02-01", manager="greg-brockman", source={"note": "t"}))
    for rec in news[1:3]:
        other.record(rec)
    leave = next(f for f in other.timeline().facts if f.person == "greg-brockman" and f.kind == "on_leave")
    other.retract(leave.id, "not reported after all")
    ada = next(f for f in other.timeline().facts if f.person == "ada-example" and f.kind == "reports_to")
    other.correct(ada.id, "it was March", {"on": "2023-03-01"})
    other.record(news[3])
    monkeypatch.delenv("ORGSIM_CACHE")
    reader = open_store(pg_store)
    replays = []
    get = reader.replayed

    def replayed(org=None, whole=False):
        found = get(org, whole)
        replays.append(organisation_id(found.name))
        return found

    monkeypatch.setattr(reader, "replayed", replayed)
    assert isinstance(reader.view(), View)
    assert organisation_id("OpenAI") not in replays
    version, meta = _meta(path)
    tip = here.recorder.select_events(organisation_id("OpenAI"), desc=True, limit=1)[0]
    assert version == tip.originator_version and meta["log_hash"] is None  # caught up, not rebuilt
    assert meta["tag"] == here.read_model().log.last_event(organisation_id("OpenAI").hex)[1]
    _all_same(cli, pg_store, "OpenAI")
    for day in ("2020-01-15", "2023-02-01", "2023-03-01", leave.on.start.isoformat()):
        _same(cli, pg_store, "show", "--at", day)
    _same(cli, pg_store, "history", "ada-example")
    _same(cli, pg_store, "history", "greg-brockman")


@pytest.mark.parametrize("limit", [OrgsimApp.CATCH_UP_MAX, 2])
def test_another_machines_retractions_and_corrections_caught_up_leave_the_model_a_rebuilds(
    pg_store, dataset, monkeypatch, tmp_path, limit
):
    """(From a review.) Another machine withdraws a leaver's departure (their report's line to them is
    back), corrects facts on the history's first day, to an earlier and a later day, and last of all the
    last fact (its `Corrected` event and the replacement are the log's last two). Caught up, the local
    model is a whole rebuild's, table by table; with `CATCH_UP_MAX` cutting a correction from its
    replacement, it is rebuilt instead."""
    from test_backdated import rebuilt_tables, tables

    open_store(pg_store, create=True).load(dataset)
    path = open_store(pg_store).read_model().path
    monkeypatch.setenv("ORGSIM_CACHE", "off")
    other = open_store(pg_store)
    facts = {(f.person, f.kind): f for f in other.timeline().facts}
    other.record(EventRecord("reports_to", "mark-chen", "2024-01-01", manager="ilya-sutskever", source={"note": "t"}))
    other.retract(facts["ilya-sutskever", "departed"].id, "he stayed")
    other.correct(facts["greg-brockman", "appointed"].id, "the full title", {"title": "Co-founder and President"})
    other.correct(facts["greg-brockman", "on_leave"].id, "earlier", {"on": "2024-07", "until": "2024-11"})
    other.correct(facts["andrej-karpathy", "departed"].id, "later", {"on": "2024-03"})
    last = other.timeline().effective()[-1]
    other.correct(last.id, "the day after", {"on": "2024-09-26"})
    monkeypatch.delenv("ORGSIM_CACHE")
    monkeypatch.setattr(OrgsimApp, "CATCH_UP_REPLAYS", 10)
    monkeypatch.setattr(OrgsimApp, "CATCH_UP_MAX", limit)
    reader = open_store(pg_store)
    assert isinstance(reader.view(), View)
    version, meta = _meta(Path(path))
    assert version == reader.replayed().version
    assert (meta["log_hash"] is None) == (limit > 2)  # caught up in place, or rebuilt
    assert tables(path, "OpenAI") == rebuilt_tables(reader, tmp_path, "OpenAI")
    with reader.view() as view:
        assert view.chart(date(2024, 6, 1)).row("mark-chen").reports_to == "ilya-sutskever"


@pytest.mark.parametrize("change", ["too many backdated", "too many"])
def test_what_cannot_be_caught_up_is_rebuilt(cli, pg_store, dataset, monkeypatch, change):
    open_store(pg_store, create=True).load(dataset)
    path = Path(open_store(pg_store).read_model().path)
    monkeypatch.setenv("ORGSIM_CACHE", "off")
    other = open_store(pg_store)
    news = _news_in_date_order()
    if change == "too many backdated":  # (a retraction or a correction counts as one too)
        monkeypatch.setattr(OrgsimApp, "CATCH_UP_REPLAYS", 1)
        for n in (1, 2):
            other.record(
                EventRecord(
                    "appointed",
                    f"Ada Example {n}",
                    f"2020-01-1{n}",
                    name=f"Ada Example {n}",
                    title="T",
                    manager="sam-altman",
                    source={"note": "t"},
                )
            )
    else:
        monkeypatch.setattr(OrgsimApp, "CATCH_UP_MAX", 2)
        for rec in news[:2]:
            other.record(rec)
    monkeypatch.delenv("ORGSIM_CACHE")
    _all_same(cli, pg_store, "OpenAI")
    version, meta = _meta(path)
    assert version == open_store(pg_store).replayed().version and meta["log_hash"] is not None  # rebuilt


# mostly news in date order (each record `gap` days after the one before), now and then a retraction,
# a correction, or a record on its own random date (backdated, usually)
_STEP = st.one_of(
    st.tuples(st.just("tip"), RECORD, st.integers(0, 12)),
    st.tuples(st.just("tip"), RECORD, st.integers(0, 12)),
    st.tuples(st.just("tip"), RECORD, st.integers(0, 12)),
    COMMAND,
)


@settings(
    max_examples=int(os.environ.get("ORGSIM_PROP_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.lists(_STEP, max_size=6), min_size=1, max_size=3))
def test_caught_up_or_rebuilt_the_local_model_is_always_the_replay(postgres_server, monkeypatch, tmp_path, batches):
    """Random batches of changes (news in date order, backdated appends, retractions, corrections) made
    on another machine; after each, this machine's model, caught up or rebuilt, gives the replay's
    chart on every day that matters."""
    monkeypatch.setenv("ORGSIM_CACHE_DIR", str(tmp_path / f"cache-{uuid.uuid4().hex}"))
    url = pgserver.create_database(postgres_server)
    try:
        open_store(url, create=True).load(Dataset("Prop", tuple(PersonRecord(p, p.title()) for p in PEOPLE), ()))
        here = open_store(url)
        for p in PEOPLE:
            here.record(EventRecord("appointed", p, "2020-01-01", title="Staff", source={"note": "start"}))
        day = date(2020, 1, 1)
        for n, batch in enumerate(batches):
            monkeypatch.setenv("ORGSIM_CACHE", "off")
            other = open_store(url)
            for k, command in enumerate(batch):
                if command[0] == "tip":  # a record dated `gap` days after the one before
                    day += timedelta(days=command[2])
                    command = ("record", replace(command[1], on=day.isoformat()))
                apply_command(other, command, f"batch {n} step {k}")
            monkeypatch.delenv("ORGSIM_CACHE")
            timeline = here.timeline()
            view = here.view()
            assert isinstance(view, View) and view.version == here.replayed().version
            with view:
                for d in days_of(timeline):
                    assert view.chart(d) == chart_at(timeline, d), d
    finally:
        pgserver.drop_database(postgres_server, url)
