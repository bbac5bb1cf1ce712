"""A change dated before the last one, a retraction or a correction, on a store with a fresh read
model, is checked and applied without a replay (`readmodel.ReplayFromDay`): the state on its day (or the day
before the withdrawn fact's) from the model, then every later fact through the same rules. It must
accept and refuse exactly what a replay does, print the same change, and leave the model as a whole
rebuild would make it.

Real SQLite files (and a PostgreSQL store's local model); the replay side is a `:memory:` store given
the same commands (or a copy of the file read without its model), and `build` over the aggregate's
timeline, compared table by table.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties_application import COMMAND, JOINS
from test_readmodel import days_of

from orgsim.application import OrgsimApp, open_store
from orgsim.chart import chart_at
from orgsim.dates import PartialDate
from orgsim.diff import diff
from orgsim.domain import organisation_id
from orgsim.errors import OrgsimError, RuleError
from orgsim.interchange import Dataset, EventRecord, PersonRecord
from orgsim.readmodel import ReadModel, View, build
from orgsim.render.text import diff_text


def replays_of(app_, monkeypatch) -> list:
    """The aggregates `app_` replays from now on (the organisations' ids; the directory's are left out)."""
    seen: list = []
    get = app_.replayed

    def replayed(org=None, whole=False):
        found = get(org, whole)
        seen.append(organisation_id(found.name))
        return found

    monkeypatch.setattr(app_, "replayed", replayed)
    return seen


def tables(path: str, org: str) -> tuple:
    """The model's row and alumni versions, each row with the events and opens of its tenure as it had
    them then; tenure numbers left out (a change in place numbers new tenures after the old ones)."""
    conn = sqlite3.connect(path)
    oid = organisation_id(org).hex
    rows = conn.execute(
        "SELECT r.person, r.valid_from, r.valid_to, r.title, r.status, r.reports_to, r.since, r.leave_since, "
        "r.leave_until, r.n_events, r.n_touched, t.events, t.opens FROM orgsim_rm_rows r "
        "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure WHERE r.org_id = ?",
        (oid,),
    ).fetchall()
    rows = sorted((*r[:11], tuple(r[11].split(" ")[: r[9]]), r[12]) for r in rows)
    alumni = sorted(conn.execute("SELECT * FROM orgsim_rm_alumni WHERE org_id = ?", (oid,)).fetchall())
    orphans = conn.execute(
        "SELECT count(*) FROM orgsim_rm_tenures t WHERE org_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM orgsim_rm_rows r WHERE r.org_id = t.org_id AND r.tenure = t.tenure)",
        (oid,),
    ).fetchone()[0]
    conn.close()
    return rows, alumni, orphans


def the_rest(path: str, org: str) -> tuple:
    """What `tables` leaves out: the facts, the people (in registration order), the name index, the
    version and the meta, without what a change in place may keep otherwise (the next tenure number,
    the log hash it leaves to compute, the version of the last whole build)."""
    conn = sqlite3.connect(path)
    oid = organisation_id(org).hex
    facts = sorted(conn.execute("SELECT * FROM orgsim_rm_facts WHERE org_id = ?", (oid,)))
    people = conn.execute("SELECT * FROM orgsim_rm_people WHERE org_id = ? ORDER BY rowid", (oid,)).fetchall()
    names = sorted(conn.execute("SELECT * FROM orgsim_rm_names WHERE org_id = ?", (oid,)))
    version, data = conn.execute("SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (oid,)).fetchone()
    conn.close()
    meta = {k: v for k, v in json.loads(data).items() if k not in ("tenures", "log_hash", "built_at")}
    return facts, people, names, version, meta


def rebuilt(app_, tmp_path, org: str) -> str:
    """A file holding only a model built whole from the store's timeline (tagged as the store's model is)."""
    path = str(tmp_path / f"rebuilt-{len(list(tmp_path.iterdir()))}.db")
    organisation = app_.replayed(org)
    other = open_store(path, create=True)
    model = other.read_model()
    model.connect().close()  # the tables
    built = build(organisation.timeline(), organisation.version)
    mine = app_.read_model()
    if mine is not None and mine.log is not None:  # a PostgreSQL store's copy: tagged with the log's last event
        built.meta["tag"] = mine.log.tag(organisation_id(organisation.name).hex, organisation.version)
    model.write(organisation_id(organisation.name).hex, built, organisation.version)
    return path


def rebuilt_tables(app_, tmp_path, org: str) -> tuple:
    """`tables` of a model built whole from the store's timeline (another file)."""
    return tables(rebuilt(app_, tmp_path, org), org)


def assert_model_is_the_replay(app_, org: str, tmp_path) -> None:
    """The model is fresh, answers every day that matters as a replay, and is, table by table, the model
    a whole rebuild makes (tenure numbers aside)."""
    timeline = app_.timeline(org)
    view = app_.view(org)
    assert isinstance(view, View)
    with view:
        for day in days_of(timeline):
            assert view.chart(day) == chart_at(timeline, day), day
    path, whole = app_.read_model().path, rebuilt(app_, tmp_path, org)
    assert tables(path, org) == tables(whole, org)
    assert the_rest(path, org) == the_rest(whole, org)


def test_a_backdated_append_is_applied_without_a_replay_and_the_model_is_a_rebuilds(
    seeded_file, dataset, monkeypatch, tmp_path
):
    memory = open_store(":memory:", create=True)
    memory.load(dataset)
    replays = replays_of(seeded_file, monkeypatch)
    records = [
        EventRecord(
            "appointed", "John Roe", "2023-05", title="Engineer", manager="greg-brockman", source={"note": "t"}
        ),
        EventRecord(
            "reports_to", "john-roe", "2023-11-20", manager="sam-altman", source={"note": "t"}
        ),  # Altman away then?
        EventRecord("on_leave", "greg-brockman", "2019-06-03", until="2019-07", source={"note": "t"}),
        EventRecord("departed", "john-roe", "2024-01-15", destination="Elsewhere", source={"note": "t"}),
    ]
    for rec in records:
        try:
            want = memory.record(rec)
        except OrgsimError as err:
            with pytest.raises(type(err)) as got:
                seeded_file.record(rec)
            assert str(got.value) == str(err)
            continue
        got = seeded_file.record(rec)
        assert got.fact.id == want.fact.id and got.stored
        assert diff(got.before, got.after, got.facts).as_json() == diff(want.before, want.after, want.facts).as_json()
        meta = sqlite3.connect(seeded_file.read_model().path).execute("SELECT data FROM orgsim_rm_meta").fetchone()[0]
        assert '"log_hash": null' in meta  # changed in place, not rebuilt (a rebuild computes the hash)
    assert organisation_id("OpenAI") not in replays
    assert seeded_file.event_count() == memory.event_count()
    assert_model_is_the_replay(seeded_file, "OpenAI", tmp_path)


def test_a_backdated_change_that_breaks_a_later_event_is_refused_as_the_replay_refuses(
    seeded_file, dataset, monkeypatch
):
    memory = open_store(":memory:", create=True)
    memory.load(dataset)
    path = seeded_file.read_model().path
    before = tables(path, "OpenAI")
    replays = replays_of(seeded_file, monkeypatch)
    rec = EventRecord("departed", "mira-murati", "2023-01-10", source={"note": "made up for a test"})
    with pytest.raises(RuleError) as slow:
        memory.record(rec)
    with pytest.raises(RuleError) as fast:
        seeded_file.record(rec)
    assert str(fast.value) == str(slow.value)
    assert "would make the stored event" in str(fast.value)  # a later stored event about her breaks
    assert organisation_id("OpenAI") not in replays
    assert seeded_file.event_count() == memory.event_count()
    assert tables(path, "OpenAI") == before  # nothing written


def test_a_correction_of_the_last_fact_leaves_the_meta_as_a_rebuild_has_it(seeded_file, monkeypatch, tmp_path):
    """(From a review.) The corrected fact is stored after its `Corrected` event: the model's last
    fact (`meta.last`) is it at that place in the log, not the one before."""
    ada = seeded_file.record(
        EventRecord("appointed", "Ada Example", "2030-01-01", name="Ada Example", title="T1", source={"note": "t"})
    ).fact
    replays = replays_of(seeded_file, monkeypatch)
    done = seeded_file.correct(ada.id, "the full title", {"title": "T2"})
    assert organisation_id("OpenAI") not in replays
    assert seeded_file.replayed().timeline().facts[-1].seq == done.retraction.seq + 1
    assert_model_is_the_replay(seeded_file, "OpenAI", tmp_path)


def test_a_fact_dated_in_year_one_is_retracted_and_corrected_as_the_replay_does(tmp_path, monkeypatch):
    """(From a review.) Year 1 is a date the parser takes, and its first day has no day before it
    (`date.min`): a retraction or correction of a fact starting then is checked from before every fact."""
    people = (PersonRecord("ann", "Ann"), PersonRecord("bob", "Bob"))
    file_app, memory = open_store(str(tmp_path / "store.db"), create=True), open_store(":memory:")
    for app_ in (file_app, memory):
        app_.load(Dataset("Prop", people, ()))
        app_.record(EventRecord("appointed", "ann", "0001", title="Founder", source={"note": "t"}))
        app_.record(EventRecord("appointed", "bob", "2020-01-01", title="Staff", manager="ann", source={"note": "t"}))
    replays = replays_of(file_app, monkeypatch)
    ann = next(f for f in memory.timeline().facts if f.person == "ann")
    bob = next(f for f in memory.timeline().facts if f.person == "bob")
    for command in (
        lambda a: a.correct(ann.id, "r", {"title": "CEO"}),
        lambda a: a.retract(ann.id, "r"),
        lambda a: a.retract(memory.timeline().facts[-1].id, "r"),
        lambda a: a.retract(bob.id, "r"),
        lambda a: a.retract(memory.timeline().facts[-1].id, "r"),
    ):
        outcomes = []
        for app_ in (file_app, memory):
            try:
                done = command(app_)
                outcomes.append((done.target.id, done.fact and done.fact.id, done.effects))
            except OrgsimError as err:
                outcomes.append(("refused", str(err)))
        assert outcomes[0] == outcomes[1]
    assert organisation_id("Prop") not in replays
    path, whole = file_app.read_model().path, rebuilt(file_app, tmp_path, "Prop")
    assert tables(path, "Prop") == tables(whole, "Prop") and the_rest(path, "Prop") == the_rest(whole, "Prop")


def test_a_backdated_append_through_the_cli_says_what_changed_that_day(cli, db):
    result = cli(
        "append",
        "appointed",
        "John Roe",
        "--name",
        "John Roe",
        "--title",
        "Engineer",
        "--reports-to",
        "Greg Brockman",
        "--on",
        "2023-05",
        "--source",
        "test",
        "--store",
        db,
    )
    assert result.exit_code == 0, result.stderr
    assert "John Roe [john-roe]: not in the organisation → Engineer, reporting to Greg Brockman" in result.stdout
    assert "John Roe — Engineer  [john-roe]" in cli("show", "--at", "2023-06-01", "--store", db).stdout
    modelled = cli.json("show", "--at", "2023-06-01", "--store", db)
    replayed = cli.json("show", "--at", "2023-06-01", "--store", db, "--as-known-at", "2999-01-01")
    modelled.pop("as_known_at"), replayed.pop("as_known_at")
    assert modelled == replayed


# --- any sequence: the same answers as a replay, and the model a rebuild's ---------------------------
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.builds(lambda a, b: a + b, JOINS, st.lists(COMMAND, min_size=1, max_size=20)))
def test_any_commands_on_a_file_store_answer_as_a_replay_and_keep_the_model_a_rebuilds(tmp_path_factory, commands):
    where = tmp_path_factory.mktemp("backdated")
    people = (PersonRecord("ann", "Ann"),)
    file_app = open_store(str(where / "store.db"), create=True)
    file_app.load(Dataset("Prop", people, ()))
    memory = open_store(":memory:")
    memory.load(Dataset("Prop", people, ()))
    replays: list = []
    get = file_app.replayed

    def replayed(org=None, whole=False):
        found = get(org, whole)
        replays.append(organisation_id(found.name))
        return found

    file_app.replayed = replayed
    for n, command in enumerate(commands):
        label = {"note": f"step {n}"}
        outcomes = []
        for app_ in (file_app, memory):
            try:
                if command[0] == "record":
                    got = app_.record(replace(command[1], source=label))
                    outcomes.append(("recorded", got.fact.id, diff(got.before, got.after, got.facts).as_json()))
                    continue
                facts = memory.timeline().facts  # (the same on both: the file store's would replay)
                if not facts:
                    outcomes.append(("nothing",))
                    continue
                target = facts[command[1] % len(facts)].id
                if command[0] == "retract":
                    done = app_.retract(target, f"reason {n}")
                else:
                    done = app_.correct(target, f"reason {n}", command[2])
                outcomes.append(
                    (
                        "done",
                        done.target.id,
                        done.retraction.id,
                        done.fact and done.fact.id,
                        [(day, diff(b, a, done.facts).as_json()) for day, b, a in done.effects],
                    )
                )
            except OrgsimError as err:
                outcomes.append(("refused", type(err).__name__, str(err)))
        assert outcomes[0] == outcomes[1], command
        assert file_app.event_count() == memory.event_count()
    assert organisation_id("Prop") not in replays  # appends, retractions and corrections: none replayed
    timeline = file_app.timeline()
    view = file_app.view()
    with view:
        for day in days_of(timeline) + [date(2019, 12, 31)]:
            assert view.chart(day) == chart_at(timeline, day), day
    path, whole = file_app.read_model().path, rebuilt(file_app, where, "Prop")
    assert tables(path, "Prop") == tables(whole, "Prop")
    assert the_rest(path, "Prop") == the_rest(whole, "Prop")


# --- the seeds' own hard days (from a review): partial dates, crowded days, rehires, leavers' reports ---
def _rec(kind: str, person: str, on: str, **fields) -> EventRecord:
    return EventRecord(kind, person, on, source={"note": f"{kind} {person} {on}"}, **fields)


SCENARIOS = {
    # month-dated, under someone who leaves on the seeds' last day (the newcomer's line ends then)
    "a newcomer under a later leaver": [
        _rec("appointed", "Pat New", "2024-09", name="Pat New", title="Engineer", manager="barret-zoph")
    ],
    # 2024-08 holds four facts (a month-dated departure among them): it comes after all of them
    "a crowded month": [_rec("reports_to", "mira-murati", "2024-08", manager="bob-mcgrew")],
    # Schulman left in 2024-08 (a month): back after it is a rehire, inside it is refused
    "a rehire after a month-dated departure": [_rec("appointed", "john-schulman", "2024-09-10", title="Advisor")],
    "a rehire inside a month-dated departure": [_rec("appointed", "john-schulman", "2024-08-20", title="Advisor")],
    "on the first day of a month-dated departure": [
        _rec("appointed", "andrej-karpathy", "2024-02-01", title="Advisor")
    ],
    "a change inside a month-dated departure": [
        _rec("reports_to", "andrej-karpathy", "2024-02-20", manager="sam-altman")
    ],
    # a manager hired, given a report and gone on one earlier day: the report's line ends that day
    "a leaver's report on the seed day": [
        _rec("appointed", "Lee Boss", "2022-03-01", name="Lee Boss", title="Director"),
        _rec("reports_to", "barret-zoph", "2022-03-01", manager="lee-boss"),
        _rec("departed", "lee-boss", "2022-03-01"),
    ],
    "hired and gone the same day": [
        _rec("appointed", "Short Stay", "2024-03-03", name="Short Stay", title="Intern"),
        _rec("departed", "short-stay", "2024-03-03"),
    ],
    "a year-dated newcomer on the first day": [
        _rec("appointed", "Early Bird", "2015", name="Early Bird", title="Engineer", manager="greg-brockman")
    ],
    "under a manager about to leave and come back": [
        _rec("appointed", "Interim", "2023-11-16", name="Interim", title="Chief of Staff", manager="sam-altman")
    ],
    "a manager away that day": [_rec("reports_to", "mira-murati", "2023-11-20", manager="sam-altman")],
    "a tenure seeded on the day that later ends": [_rec("appointed", "mira-murati", "2024-09-01", title="CTO")],
    "a return from a leave before its end": [_rec("returned", "greg-brockman", "2024-09-01")],
    "a leave while on leave": [_rec("on_leave", "greg-brockman", "2024-09-01")],
    "a cycle that day": [_rec("reports_to", "bob-mcgrew", "2024-01-10", manager="barret-zoph")],
    "a cycle a later event makes": [_rec("reports_to", "sam-altman", "2024-09-01", manager="mark-chen")],
    "a departure that strands later events": [_rec("departed", "bob-mcgrew", "2022")],
    "back early": [_rec("appointed", "sam-altman", "2023-11-20", title="CEO")],
    "a rehire and a month-dated departure": [
        _rec("appointed", "ilya-sutskever", "2024-06", title="Advisor"),
        _rec("departed", "ilya-sutskever", "2024-07"),
    ],
    "a title and a leave the same day": [
        _rec("appointed", "aleksander-madry", "2024-07-01", title="Lead"),
        _rec("on_leave", "aleksander-madry", "2024-07-01", until="2024-09"),
    ],
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_backdated_appends_on_the_seeds_hard_days_answer_as_the_replay(seeded_file, dataset, tmp_path, name):
    memory = open_store(":memory:", create=True)
    memory.load(dataset)
    for rec in SCENARIOS[name]:
        outcomes = []
        for app_ in (seeded_file, memory):
            try:
                dry = app_.record(rec, dry_run=True)
                got = app_.record(rec)
                outcomes.append([(r.fact.id, r.stored, diff(r.before, r.after, r.facts).as_json()) for r in (dry, got)])
            except OrgsimError as err:
                outcomes.append([(type(err).__name__, str(err))])
        assert outcomes[0] == outcomes[1], rec
    assert seeded_file.event_count() == memory.event_count()
    assert_model_is_the_replay(seeded_file, "OpenAI", tmp_path)


def test_a_backdated_append_around_retracted_facts(seeded_file, dataset, tmp_path):
    """On a day whose only fact is retracted, and before a retracted fact: what no longer counts is
    neither in the state on that day nor among the facts after it."""
    memory = open_store(":memory:", create=True)
    memory.load(dataset)
    madry = next(f for f in seeded_file.timeline().facts if f.person == "aleksander-madry" and str(f.on) == "2024-07")
    for app_ in (seeded_file, memory):
        app_.retract(madry.id, "not reported after all")
    for rec in (
        _rec("on_leave", "aleksander-madry", "2024-07", until="2024-08"),  # 2024-07: only the retracted fact
        _rec("appointed", "aleksander-madry", "2024-06-10", title="Head of Preparedness and more"),
    ):
        got, want = seeded_file.record(rec), memory.record(rec)
        assert diff(got.before, got.after, got.facts).as_json() == diff(want.before, want.after, want.facts).as_json()
        assert_model_is_the_replay(seeded_file, "OpenAI", tmp_path)


def test_hired_and_gone_the_same_day_at_the_tip_leaves_no_tenure_behind(seeded_file, tmp_path):
    """(The companion change.) Appends at the tip: hired, then gone the same day (twice, the second time
    a rehire): no row version names the tenure, and a whole build has none either."""
    for rec in (
        _rec("appointed", "Flash Person", "2025-04-01", name="Flash Person", title="Intern", manager="mark-chen"),
        _rec("departed", "flash-person", "2025-04-01"),
        _rec("appointed", "flash-person", "2025-05-01", title="Intern"),
        _rec("departed", "flash-person", "2025-05-01", destination="Elsewhere"),
    ):
        seeded_file.record(rec)
        assert tables(seeded_file.read_model().path, "OpenAI")[2] == 0  # no tenure without a row version
    assert_model_is_the_replay(seeded_file, "OpenAI", tmp_path)


# --- the model or the log moving between the check and the write -----------------------------------
LATE = _rec("appointed", "Pat New", "2024-09", name="Pat New", title="Engineer", manager="barret-zoph")


@pytest.mark.parametrize(
    "meanwhile",
    [
        "an append at the tip",
        "a backdated append",
        "an event without the model",
        "a rebuild at the version it started from",
    ],
)
def test_a_backdated_append_writes_nothing_when_the_model_or_log_moved(seeded_file, tmp_path, monkeypatch, meanwhile):
    """Another process acts between this append's save and its write of the model: the write happens
    only onto the very model it was checked against (a rebuild at that version numbers alike), and
    the model is the replay's either way."""
    path = seeded_file.read_model().path
    model = seeded_file.read_model()
    written = []

    def other_first(org_id, old_version, *args, **kwargs):
        other = open_store(path)
        if meanwhile == "an append at the tip":
            other.record(_rec("appointed", "Tip Top", "2025-01-01", name="Tip Top", title="Engineer"))
        elif meanwhile == "a backdated append":
            other.record(_rec("appointed", "Mid Way", "2020-05-05", name="Mid Way", title="Engineer"))
        elif meanwhile == "an event without the model":  # an older orgsim, or another tool
            org, record = other.organisation(), other.replayed()
            org.record(
                record, org.propose(record, "departed", "mark-chen", "2025-02-01", source={"note": "another tool"})
            )
            other.save(org)
        else:  # a process that replayed before this append's save writes its rebuild after it
            timeline = other.replayed().timeline()
            people = {p: e for p, e in timeline.people.items() if p != "pat-new"}
            older = replace(timeline, people=people, facts=tuple(f for f in timeline.facts if f.seq <= old_version))
            other.read_model().write(org_id, build(older, old_version), old_version)
        written.append(ReadModel.write_replay(model, org_id, old_version, *args, **kwargs))
        return written[-1]

    monkeypatch.setattr(model, "write_replay", other_first)
    seeded_file.record(LATE)
    assert written == [meanwhile == "a rebuild at the version it started from"]
    assert_model_is_the_replay(open_store(path), "OpenAI", tmp_path)


# --- two organisations in one file; a PostgreSQL store's local model ------------------------------
def test_a_backdated_append_leaves_the_other_organisations_model_alone(tmp_path, dataset):
    app_ = open_store(str(tmp_path / "two.db"), create=True)
    app_.load(dataset)
    app_.load(replace(dataset, organisation="Twin"))
    path = app_.read_model().path
    twin = tables(path, "Twin"), the_rest(path, "Twin")
    app_.record(LATE, org="OpenAI")
    app_.record(_rec("reports_to", "mira-murati", "2024-08", manager="bob-mcgrew"), org="OpenAI")
    assert (tables(path, "Twin"), the_rest(path, "Twin")) == twin
    assert_model_is_the_replay(app_, "OpenAI", tmp_path)


def test_a_backdated_append_on_postgresql_changes_the_local_model_in_place(pg_store, dataset, tmp_path):
    app_ = open_store(pg_store, create=True)
    app_.load(dataset)
    for rec in (
        LATE,
        _rec("reports_to", "mira-murati", "2024-08", manager="bob-mcgrew"),
        _rec("appointed", "john-schulman", "2024-09-10", title="Advisor"),
    ):
        app_.record(rec)
        model = app_.read_model()
        conn = sqlite3.connect(model.path)
        version, data = conn.execute(
            "SELECT version, data FROM orgsim_rm_meta WHERE org_id = ?", (organisation_id("OpenAI").hex,)
        ).fetchone()
        conn.close()
        meta = json.loads(data)
        organisation = app_.replayed()
        assert version == organisation.version and meta["log_hash"] is None  # in place, not rebuilt
        assert meta["tag"] == model.log.tag(organisation_id(organisation.name).hex, version)
        assert_model_is_the_replay(app_, "OpenAI", tmp_path)


# --- the command line: the same words and JSON as the replay's ----------------------------------------
BACKDATED_COMMANDS = [
    (
        "appointed",
        "Pat New",
        "--name",
        "Pat New",
        "--title",
        "Engineer",
        "--reports-to",
        "Barret Zoph",
        "--on",
        "2024-09",
    ),
    ("departed", "Barret Zoph", "--on", "2024-09-01", "--to", "Elsewhere"),  # refused: he leaves again on 09-25
    ("departed", "Pat New", "--on", "2024-09-10", "--to", "Elsewhere"),
    ("reports-to", "Mira Murati", "--manager", "Bob McGrew", "--on", "2024-08"),
    ("appointed", "John Schulman", "--title", "Advisor", "--on", "2024-08-20"),  # refused: inside his departure's month
    ("appointed", "John Schulman", "--title", "Advisor", "--on", "2024-09-10"),
]


def test_append_with_an_earlier_date_prints_what_the_replay_prints(cli, db, tmp_path, monkeypatch):
    """Text and JSON, dry run and real, accepted and refused: the same bytes as the replay path's."""
    replayed_db = str(tmp_path / "replayed.db")
    shutil.copy(db, replayed_db)
    outputs = {}
    view = OrgsimApp.view
    for store in (db, replayed_db):
        if store == replayed_db:  # no usable read model: checked against a replay
            monkeypatch.setattr(
                OrgsimApp,
                "view",
                lambda self, org=None: None if self.read_model().path == replayed_db else view(self, org),
            )
        runs = []
        for command in BACKDATED_COMMANDS:
            for extra in (["--dry-run"], ["--dry-run", "--json"], []):
                result = cli("append", *command, "--source", "a review", *extra, "--store", store)
                runs.append((result.exit_code, result.stdout, result.stderr))
        outputs[store] = runs
    assert outputs[db] == outputs[replayed_db]
    assert sum(code == 0 for code, _, _ in outputs[db]) == 12  # four accepted, each three times
    meta = sqlite3.connect(db).execute("SELECT data FROM orgsim_rm_meta").fetchone()[0]
    assert json.loads(meta)["log_hash"] is None  # the model was changed in place (`ReplayFromDay`), not rebuilt
    monkeypatch.undo()
    assert_model_is_the_replay(open_store(db), "OpenAI", tmp_path)


# --- random backdated news on a generated history (300 people, 3,000 events) ----------------------------
def _backdated_record(data, timeline, n: int) -> EventRecord:
    """A change on a random day (known to the day, month or year) about the people there that day: a
    newcomer (under someone there, or no one), a new title, a departure, a leave or a return, a new
    line, a rehire. Many are refused (a later stored event about the person no longer fits)."""
    day = data.draw(st.dates(date(2015, 1, 1), date(2024, 12, 31)), label="day")
    forms = [day.isoformat()] * 3 + [day.isoformat()[:7], day.isoformat()[:4], f"..{day}", f"{day}.."]
    on = data.draw(st.sampled_from(forms), label="on")
    chart = chart_at(timeline, PartialDate.parse(on).start)
    rows, alumni, source = chart.rows, chart.alumni, {"note": f"generated news {n}"}

    def one(items):
        return items[data.draw(st.integers(0, len(items) - 1))] if items else None

    kind = data.draw(st.sampled_from(["new", "new", "title", "departed", "leave", "line", "rehire"]), label="kind")
    someone, manager = one(rows), one(rows)
    line = manager.id if manager is not None and data.draw(st.booleans()) else None
    if kind == "new" or someone is None:
        return EventRecord(
            "appointed", f"news-{n}", on, title="Engineer", manager=line, name=f"News {n}", source=source
        )
    if kind == "title":
        return EventRecord("appointed", someone.id, on, title=f"Title {n}", manager=line, source=source)
    if kind == "departed":
        return EventRecord(
            "departed", someone.id, on, destination=data.draw(st.sampled_from([None, "Elsewhere"])), source=source
        )
    if kind == "leave" and someone.status == "on_leave":
        return EventRecord("returned", someone.id, on, source=source)
    if kind == "leave":
        until = (PartialDate.parse(on).start + timedelta(days=data.draw(st.integers(0, 400)))).isoformat()
        return EventRecord(
            "on_leave", someone.id, on, until=data.draw(st.sampled_from([None, until, until[:7]])), source=source
        )
    if kind == "line" or not alumni:
        return EventRecord("reports_to", someone.id, on, manager=manager.id, source=source)
    return EventRecord("appointed", one(alumni).id, on, title="Back", manager=line, source=source)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_random_backdated_news_on_a_generated_history_answers_as_a_replay(generated, tmp_path_factory, data):
    """Each change, dry run and real, on two copies of the store: one changed through `ReplayFromDay`, one
    through a replay (no model); the same answer or refusal, the same change printed, and at the end
    the model is a whole rebuild's."""
    where = tmp_path_factory.mktemp("news")
    shutil.copy(generated, where / "refold.db")
    shutil.copy(generated, where / "replay.db")
    fast, slow = open_store(str(where / "refold.db")), open_store(str(where / "replay.db"))
    slow._read_model = None  # every command replays, as before `ReplayFromDay`
    for n in range(data.draw(st.integers(1, 3), label="changes")):
        rec = _backdated_record(data, slow.timeline(), n)
        outcomes = []
        for app_ in (fast, slow):
            try:
                dry = app_.record(rec, dry_run=True)
                got = app_.record(rec)
                outcomes.append(
                    [
                        (
                            r.fact.id,
                            r.stored,
                            diff(r.before, r.after, r.facts).as_json(),
                            diff_text(diff(r.before, r.after, r.facts), r.facts),
                        )
                        for r in (dry, got)
                    ]
                )
            except OrgsimError as err:
                outcomes.append([(type(err).__name__, str(err))])
        assert outcomes[0] == outcomes[1], rec
    assert fast.event_count() == slow.event_count()
    timeline = fast.timeline()
    days = {f.on.start for f in timeline.facts if f.source.get("note", "").startswith("generated news")}
    view = fast.view()
    assert isinstance(view, View)
    with view:
        for day in sorted(days | {date(2025, 1, 1)}):
            assert view.chart(day) == chart_at(timeline, day), day
    path, whole = fast.read_model().path, rebuilt(fast, where, "Generated")
    assert tables(path, "Generated") == tables(whole, "Generated")
    assert the_rest(path, "Generated") == the_rest(whole, "Generated")


# --- another writer meanwhile: nothing written from a state that is gone ---------------------------
def _model_version(app_, org: str = "OpenAI") -> int:
    conn = sqlite3.connect(app_.read_model().path)
    (version,) = conn.execute(
        "SELECT version FROM orgsim_rm_meta WHERE org_id = ?", (organisation_id(org).hex,)
    ).fetchone()
    conn.close()
    return version


NEWS = EventRecord("appointed", "Ada Example", "2030-01-01", name="Ada Example", title="T", source={"note": "t"})


@pytest.mark.parametrize("other_writes_the_model", [True, False])
def test_a_retraction_whose_model_write_meets_another_writer_writes_nothing(
    seeded_file, tmp_path, monkeypatch, other_writes_the_model
):
    """(From a review.) Another process appends after the retraction is stored and before the model is
    written from the day before the withdrawn fact's: that write must not happen (the model would miss
    the other's fact, or lose it); the next read answers as a replay."""
    other = open_store(seeded_file.read_model().path)
    if not other_writes_the_model:
        other._read_model = None  # (a writer whose model write failed: only the log moved)
    written, refold = [], ReadModel.write_replay

    def meanwhile(self, *args, **kwargs):
        other.record(NEWS)
        written.append(refold(self, *args, **kwargs))
        return written[-1]

    monkeypatch.setattr(ReadModel, "write_replay", meanwhile)
    version = seeded_file.replayed().version
    leave = next(f for f in seeded_file.timeline().facts if f.kind == "on_leave")
    seeded_file.retract(leave.id, "misread")
    assert written == [False]
    now = seeded_file.replayed().version  # (the retraction, then the other's new person and fact)
    assert now == version + 3 and _model_version(seeded_file) == (now if other_writes_the_model else version)
    monkeypatch.setattr(ReadModel, "write_replay", refold)
    assert_model_is_the_replay(seeded_file, "OpenAI", tmp_path)
    assert leave.id in seeded_file.timeline().retracted_ids() and "ada-example" in seeded_file.replayed().people


def test_a_correction_that_meets_another_writer_before_its_save_is_checked_again_without_a_replay(
    seeded_file, tmp_path, monkeypatch
):
    """(From a review.) Another process appends between the correction's read of the model and its
    save: the save conflicts, and the correction is checked again from the model as the other left it."""
    other = open_store(seeded_file.read_model().path)
    save, calls = seeded_file.save, []

    def meanwhile(*aggregates, **kwargs):
        calls.append(len(calls))
        if len(calls) == 1:
            other.record(NEWS)
        return save(*aggregates, **kwargs)

    monkeypatch.setattr(seeded_file, "save", meanwhile)
    replays = replays_of(seeded_file, monkeypatch)
    left = next(f for f in seeded_file.timeline().facts if f.person == "mira-murati" and f.kind == "departed")
    replays.clear()
    done = seeded_file.correct(left.id, "a later report", {"on": "2024-10"})
    assert calls == [0, 1] and done.stored and organisation_id("OpenAI") not in replays
    assert _model_version(seeded_file) == seeded_file.replayed().version
    assert_model_is_the_replay(seeded_file, "OpenAI", tmp_path)


def test_a_retraction_or_correction_in_one_organisation_leaves_the_others_model_alone(tmp_path, dataset, monkeypatch):
    """(From a review.) Two organisations in one store: every statement of a change in place is about
    its own organisation's versions, tenures and meta."""
    from dataclasses import replace

    app_ = open_store(str(tmp_path / "two.db"), create=True)
    app_.load(dataset)
    app_.load(replace(dataset, organisation="Twin"))
    path = app_.read_model().path
    for org in ("OpenAI", "Twin"):
        app_.view(org).close()  # (both models built)
    facts = {(f.person, f.kind): f for f in app_.timeline("OpenAI").facts}  # (the same in both)
    replays = replays_of(app_, monkeypatch)
    twin = tables(path, "Twin")
    app_.retract(facts["sam-altman", "departed"].id, "not so", org="OpenAI")
    app_.correct(facts["greg-brockman", "appointed"].id, "first day", {"title": "Co-founder"}, org="OpenAI")
    assert tables(path, "Twin") == twin
    openai = tables(path, "OpenAI")
    app_.correct(facts["mira-murati", "departed"].id, "later", {"on": "2024-10"}, org="Twin")
    assert tables(path, "OpenAI") == openai
    assert organisation_id("OpenAI") not in replays and organisation_id("Twin") not in replays
    for org in ("OpenAI", "Twin"):
        assert_model_is_the_replay(app_, org, tmp_path)
