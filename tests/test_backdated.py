"""A change dated before the last one, a retraction or a correction, on a store with a fresh read
model, is checked and applied without a replay (`readmodel.Refold`): the state on its day (or the day
before the withdrawn fact's) from the model, then every later fact through the same rules. It must
accept and refuse exactly what a replay does, print the same change, and leave the model as a whole
rebuild would make it.

Real SQLite files; the replay side is a `:memory:` store given the same commands, and `build` over
the aggregate's timeline.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgsim.application import open_store
from orgsim.chart import chart_at
from orgsim.diff import diff
from orgsim.domain import organisation_id
from orgsim.errors import OrgsimError, RuleError
from orgsim.interchange import Dataset, EventRecord, PersonRecord
from orgsim.readmodel import ReadModel, build

from test_properties_application import COMMAND, JOINS
from test_readmodel import days_of, seeded_file  # noqa: F401  (a fixture)


def replays_of(app_, monkeypatch) -> list:
    """The aggregates `app_` replays from now on (the organisations' ids; the directory's are left out)."""
    seen: list = []
    get = app_._get
    monkeypatch.setattr(app_, "_get", lambda aggregate_id: (seen.append(aggregate_id), get(aggregate_id))[1])
    return seen


def tables(path: str, org: str) -> tuple:
    """The model's row and alumni versions, each row with the events and opens of its tenure as it had
    them then, and its meta; tenure numbers left out (a change in place numbers new tenures after the
    old ones), and in the meta what a change in place leaves to be found again (the log hash), the
    next tenure number and what only a whole build or a log apart records (`built_at`, `tag`)."""
    conn = sqlite3.connect(path)
    oid = organisation_id(org).hex
    meta = json.loads(conn.execute("SELECT data FROM orgsim_rm_meta WHERE org_id = ?", (oid,)).fetchone()[0])
    for key in ("log_hash", "tenures", "built_at", "tag"):
        meta.pop(key, None)
    rows = conn.execute(
        "SELECT r.person, r.valid_from, r.valid_to, r.title, r.status, r.reports_to, r.since, r.leave_since, "
        "r.leave_until, r.n_events, r.n_touched, t.events, t.opens FROM orgsim_rm_rows r "
        "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure WHERE r.org_id = ?", (oid,)).fetchall()
    rows = sorted((*r[:11], tuple(r[11].split(" ")[: r[9]]), r[12]) for r in rows)
    alumni = sorted(conn.execute("SELECT * FROM orgsim_rm_alumni WHERE org_id = ?", (oid,)).fetchall())
    orphans = conn.execute("SELECT count(*) FROM orgsim_rm_tenures t WHERE org_id = ? AND NOT EXISTS "
                           "(SELECT 1 FROM orgsim_rm_rows r WHERE r.org_id = t.org_id AND r.tenure = t.tenure)",
                           (oid,)).fetchone()[0]
    conn.close()
    return rows, alumni, orphans, meta


def rebuilt_tables(app_, tmp_path, org: str) -> tuple:
    """`tables` of a model built whole from the store's timeline (another file)."""
    path = str(tmp_path / f"rebuilt-{len(list(tmp_path.iterdir()))}.db")
    organisation = app_.organisation(org)
    other = open_store(path, create=True)
    model = other.read_model()
    model.connect().close()  # the tables
    model.write(organisation.id.hex, build(organisation.timeline(), organisation.version), organisation.version)
    return tables(path, org)


def assert_model_is_the_replay(app_, org: str, tmp_path) -> None:
    timeline = app_.timeline(org)
    view = app_.view(org)
    with view:
        for day in days_of(timeline):
            assert view.chart(day) == chart_at(timeline, day), day
    assert tables(app_.read_model().path, org) == rebuilt_tables(app_, tmp_path, org)


def test_a_backdated_append_is_applied_without_a_replay_and_the_model_is_a_rebuilds(seeded_file, dataset,
                                                                                     monkeypatch, tmp_path):
    memory = open_store(":memory:", create=True)
    memory.load(dataset)
    replays = replays_of(seeded_file, monkeypatch)
    records = [
        EventRecord("appointed", "John Roe", "2023-05", title="Engineer", manager="greg-brockman", source={"note": "t"}),
        EventRecord("reports_to", "john-roe", "2023-11-20", manager="sam-altman", source={"note": "t"}),  # Altman away then?
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


def test_a_backdated_change_that_breaks_a_later_event_is_refused_as_the_replay_refuses(seeded_file, dataset,
                                                                                         monkeypatch):
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
    ada = seeded_file.record(EventRecord("appointed", "Ada Example", "2030-01-01", name="Ada Example", title="T1",
                                         source={"note": "t"})).fact
    replays = replays_of(seeded_file, monkeypatch)
    done = seeded_file.correct(ada.id, "the full title", {"title": "T2"})
    assert organisation_id("OpenAI") not in replays
    assert seeded_file.organisation().timeline().facts[-1].seq == done.retraction.seq + 1
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
    for command in (lambda a: a.correct(ann.id, "r", {"title": "CEO"}), lambda a: a.retract(ann.id, "r"),
                    lambda a: a.retract(memory.timeline().facts[-1].id, "r"), lambda a: a.retract(bob.id, "r"),
                    lambda a: a.retract(memory.timeline().facts[-1].id, "r")):
        outcomes = []
        for app_ in (file_app, memory):
            try:
                done = command(app_)
                outcomes.append((done.target.id, done.fact and done.fact.id, done.effects))
            except OrgsimError as err:
                outcomes.append(("refused", str(err)))
        assert outcomes[0] == outcomes[1]
    assert organisation_id("Prop") not in replays
    assert tables(file_app.read_model().path, "Prop") == rebuilt_tables(file_app, tmp_path, "Prop")


def test_a_backdated_append_through_the_cli_says_what_changed_that_day(cli, db):
    result = cli("append", "appointed", "John Roe", "--name", "John Roe", "--title", "Engineer", "--reports-to",
                 "Greg Brockman", "--on", "2023-05", "--source", "test", "--store", db)
    assert result.exit_code == 0, result.stderr
    assert "John Roe [john-roe]: not in the organisation → Engineer, reporting to Greg Brockman" in result.stdout
    assert "John Roe — Engineer  [john-roe]" in cli("show", "--at", "2023-06-01", "--store", db).stdout
    modelled = cli.json("show", "--at", "2023-06-01", "--store", db)
    replayed = cli.json("show", "--at", "2023-06-01", "--store", db, "--as-known-at", "2999-01-01")
    modelled.pop("as_known_at"), replayed.pop("as_known_at")
    assert modelled == replayed


# --- any sequence: the same answers as a replay, and the model a rebuild's ---------------------------
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.builds(lambda a, b: a + b, JOINS, st.lists(COMMAND, min_size=1, max_size=20)))
def test_any_commands_on_a_file_store_answer_as_a_replay_and_keep_the_model_a_rebuilds(tmp_path_factory, commands):
    where = tmp_path_factory.mktemp("backdated")
    people = (PersonRecord("ann", "Ann"),)
    file_app = open_store(str(where / "store.db"), create=True)
    file_app.load(Dataset("Prop", people, ()))
    memory = open_store(":memory:")
    memory.load(Dataset("Prop", people, ()))
    replays: list = []
    get = file_app._get
    file_app._get = lambda aggregate_id: (replays.append(aggregate_id), get(aggregate_id))[1]
    for n, command in enumerate(commands):
        label = {"note": f"step {n}"}
        outcomes = []
        for app_ in (file_app, memory):
            try:
                if command[0] == "record":
                    got = app_.record(EventRecord(**{**command[1].__dict__, "source": label}))
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
                outcomes.append(("done", done.target.id, done.retraction.id, done.fact and done.fact.id,
                                 [(day, diff(b, a, done.facts).as_json()) for day, b, a in done.effects]))
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
    assert tables(file_app.read_model().path, "Prop") == rebuilt_tables(file_app, where, "Prop")


# --- another writer meanwhile: nothing written from a state that is gone ---------------------------
def _model_version(app_, org: str = "OpenAI") -> int:
    conn = sqlite3.connect(app_.read_model().path)
    (version,) = conn.execute("SELECT version FROM orgsim_rm_meta WHERE org_id = ?", (organisation_id(org).hex,)).fetchone()
    conn.close()
    return version


NEWS = EventRecord("appointed", "Ada Example", "2030-01-01", name="Ada Example", title="T", source={"note": "t"})


@pytest.mark.parametrize("other_writes_the_model", [True, False])
def test_a_retraction_whose_model_write_meets_another_writer_writes_nothing(seeded_file, tmp_path, monkeypatch,
                                                                            other_writes_the_model):
    """(From a review.) Another process appends after the retraction is stored and before the model is
    written from the day before the withdrawn fact's: that write must not happen (the model would miss
    the other's fact, or lose it); the next read answers as a replay."""
    other = open_store(seeded_file.read_model().path)
    if not other_writes_the_model:
        other._read_model = None  # (a writer whose model write failed: only the log moved)
    written, refold = [], ReadModel.refold

    def meanwhile(self, *args, **kwargs):
        other.record(NEWS)
        written.append(refold(self, *args, **kwargs))
        return written[-1]

    monkeypatch.setattr(ReadModel, "refold", meanwhile)
    version = seeded_file.organisation().version
    leave = next(f for f in seeded_file.timeline().facts if f.kind == "on_leave")
    seeded_file.retract(leave.id, "misread")
    assert written == [False]
    now = seeded_file.organisation().version  # (the retraction, then the other's new person and fact)
    assert now == version + 3 and _model_version(seeded_file) == (now if other_writes_the_model else version)
    monkeypatch.setattr(ReadModel, "refold", refold)
    assert_model_is_the_replay(seeded_file, "OpenAI", tmp_path)
    assert leave.id in seeded_file.timeline().retracted_ids() and "ada-example" in seeded_file.organisation().people


def test_a_correction_that_meets_another_writer_before_its_save_is_checked_again_without_a_replay(
        seeded_file, tmp_path, monkeypatch):
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
    assert _model_version(seeded_file) == seeded_file.organisation().version
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
