"""The read model (orgsim/readmodel/) answers exactly as a replay does, and is never used when stale.

Real SQLite files; the replay side is `chart_at` over the aggregate's timeline (what PostgreSQL and
memory stores still do), or a `:memory:` store given the same commands.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.application import open_store
from orgsim.chart import chart_at
from orgsim.diff import diff
from orgsim.domain import organisation_id
from orgsim.interchange import EventRecord
from orgsim.readmodel import FORMAT, View
from orgsim.render.dot import chart_graph
from orgsim.render.text import diff_text


def days_of(timeline, step: int = 1) -> list[date]:
    """Every effective start and end, the days around them, and a day long after."""
    found = {date(2100, 1, 1)}
    for f in timeline.facts:
        # (`last_named`: an open "on or after" ends on no day, so its day and the days around it)
        for d in (f.on.start, f.on.last_named) + ((f.until.start, f.until.last_named) if f.until else ()):
            found.update((d - timedelta(days=1), d, d + timedelta(days=1)))
    return sorted(found)[::step]


def assert_same_as_replay(app_, step: int = 1) -> int:
    timeline = app_.timeline()
    view = app_.view()
    assert isinstance(view, View)
    days = days_of(timeline, step)
    opened_days = 0
    with view:
        for day in days:
            replayed, modelled = chart_at(timeline, day), view.chart(day)
            assert modelled.as_json() == replayed.as_json(), day
            assert modelled.alumni == replayed.alumni, day
            assert modelled == replayed, day
            opened = view.chart(day, alumni="open").alumni  # what the text tree reads
            assert opened == tuple(a for a in replayed.alumni if a.uncertain), day
            opened_days += bool(opened)
    assert opened_days or step > 1  # the seeds have departures known to a month (Karpathy, 2024-02)
    return len(days)


def fresh(app_) -> bool:
    model = app_.read_model()
    found = model.view(organisation_id(app_.organisations()[0]).hex)
    if isinstance(found, View):
        found.close()
        return True
    return False


def test_load_builds_a_fresh_model_equal_to_replay_on_every_day(seeded_file):
    assert fresh(seeded_file)
    assert assert_same_as_replay(seeded_file) > 50


def test_generated_history_model_equals_replay(generated):
    app_ = open_store(generated)
    assert fresh(app_)
    assert assert_same_as_replay(app_, step=7) > 100


def test_memory_store_has_no_model_and_still_answers(dataset):
    app_ = open_store(":memory:", create=True)
    app_.load(dataset)
    assert app_.read_model() is None and app_.view() is None
    assert app_.chart(date(2024, 10, 15)).row("sam-altman") is not None


def test_render_dot_is_byte_identical_to_the_replay_path(cli, seeded_file, generated):
    for app_, store, root in ((seeded_file, None, "sam-altman"), (open_store(generated), generated, None)):
        store = store or app_.read_model().path
        timeline = app_.timeline()
        for day in ("2016-03-01", "2020-06-30", "2024-10-15", "2025-01-01"):
            for args, kwargs in (([], {}), (["--alumni"], {"alumni": True})):
                out = cli("render", "--at", day, "--format", "dot", "--store", store, *args)
                assert out.exit_code == 0, out.stderr
                want = chart_graph(chart_at(timeline, date.fromisoformat(day)), timeline, **kwargs).source
                assert out.stdout == want
        if root:
            out = cli(
                "render",
                "--at",
                "2024-10-15",
                "--root",
                root,
                "--depth",
                "1",
                "--lang",
                "ja",
                "--format",
                "dot",
                "--store",
                store,
            )
            person = app_.replayed().resolve(root)
            want = chart_graph(chart_at(timeline, date(2024, 10, 15)), timeline, root=person, depth=1, lang="ja").source
            assert out.exit_code == 0 and out.stdout == want


def test_diff_json_text_and_dot_identical_to_the_replay_path(cli, seeded_file, generated):
    rejoined = 0  # people who left and came back between the two days (the departures come from the model)
    for store in (seeded_file.read_model().path, generated):
        for a, b in (
            ("2023-01-01", "2024-10-15"),
            ("2024-10-15", "2019-05-01"),
            ("2018-01", "2018-02"),
            ("2023-11-10", "2023-12-01"),
            ("2023-11-20", "2023-12-01"),  # Altman gone on the first day, back on the second: "rejoined"
            ("2016-01-01", "2024-12-31"),
        ):
            modelled = cli("diff", a, b, "--json", "--store", store)
            replayed = cli("diff", a, b, "--json", "--store", store, "--as-known-at", "2999-01-01")
            assert modelled.exit_code == 0 and replayed.exit_code == 0, modelled.stderr + replayed.stderr
            m, r = json.loads(modelled.stdout), json.loads(replayed.stdout)
            assert m.pop("as_known_at") is None and r.pop("as_known_at")
            assert m == r
            changes = [(c["person"], c["change"]) for c in m["changes"]]
            both = {p for p, k in changes if k == "left"} & {p for p, k in changes if k in ("joined", "rejoined")}
            rejoined += len(both)
            assert all(c["events"] for c in m["changes"] if c["person"] in both and c["change"] == "left")
            assert (
                cli("diff", a, b, "--store", store, "--format", "dot").stdout
                == cli("diff", a, b, "--store", store, "--as-known-at", "2999-01-01", "--format", "dot").stdout
            )
            text, known = (
                cli("diff", a, b, "--store", store, *extra).stdout.splitlines()
                for extra in ([], ["--as-known-at", "2999-01-01"])
            )
            assert text == known[:-1] and known[-1].startswith("As known at 2999-01-01")
    assert rejoined >= 2  # Altman in November 2023, and the generated history's rehires


COMMANDS = [
    EventRecord("appointed", "Jane Doe", "2024-11", title="COO", manager="sam-altman", source={"note": "press"}),
    EventRecord("reports_to", "jane-doe", "2024-11-20", manager="mark-chen", source={"note": "memo"}),
    EventRecord("on_leave", "jane-doe", "2024-12", until="2025-02", source={"note": "leave"}),
    EventRecord("returned", "jane-doe", "2025-02-10", source={"note": "back"}),
    EventRecord("departed", "sam-altman", "2025-03", destination="Elsewhere", source={"note": "made up for a test"}),
    EventRecord("appointed", "sam-altman", "2025-06-01", title="CEO", source={"note": "back again"}),
    EventRecord(
        "appointed", "John Roe", "2023-05", title="Engineer", manager="greg-brockman", source={"note": "backdated"}
    ),
]


def test_appends_fast_and_backdated_keep_the_model_equal_to_replay(seeded_file, dataset):
    memory = open_store(":memory:", create=True)
    memory.load(dataset)
    for rec in COMMANDS:
        for dry in (True, False):
            got = seeded_file.record(rec, dry_run=dry)
            want = memory.record(rec, dry_run=dry)
            assert got.fact.id == want.fact.id and got.stored == want.stored == (not dry)
            # the fast path's charts hold the rows the change touches and their managers' (for names):
            # each one as the whole chart has it, and every row the change alters among them
            for part, whole in ((got.before, want.before), (got.after, want.after)):
                assert set(part.rows) <= set(whole.rows)
            changed = {r.id for r in set(want.before.rows) ^ set(want.after.rows)}
            assert changed <= {r.id for r in got.before.rows} | {r.id for r in got.after.rows}
            for r in (*got.before.rows, *got.after.rows):  # a changed row's manager is there, to be named
                if r.id in changed and r.reports_to is not None:
                    assert r.reports_to in {m.id for m in (*got.before.rows, *got.after.rows)}
            gone = {a.id for a in got.after.alumni}  # the fast path keeps only the alumni the change makes
            assert set(got.after.alumni) == {a for a in want.after.alumni if a.id in gone}
            assert set(got.after.alumni) >= set(want.after.alumni) - set(want.before.alumni)
            d_got, d_want = diff(got.before, got.after, got.facts), diff(want.before, want.after, want.facts)
            assert d_got.as_json() == d_want.as_json()
        assert fresh(seeded_file)  # updated in place, or (backdated) rebuilt from the replayed aggregate
        assert_same_as_replay(seeded_file, step=3)
        assert fresh(seeded_file)
    assert seeded_file.event_count() == memory.event_count()


def test_the_fast_path_refuses_what_the_replay_refuses(seeded_file, dataset):
    memory = open_store(":memory:", create=True)
    memory.load(dataset)
    bad = [
        EventRecord("returned", "sam-altman", "2025-01-01", source={"note": "x"}),
        EventRecord("reports_to", "sam-altman", "2025-01-01", manager="mark-chen", source={"note": "x"}),
        EventRecord("departed", "mira-murati", "2025-01-01", source={"note": "x"}),
    ]
    for rec in bad:
        with pytest.raises(Exception) as fast:
            seeded_file.record(rec)
        with pytest.raises(Exception) as slow:
            memory.record(rec)
        assert type(fast.value) is type(slow.value) and str(fast.value) == str(slow.value)
    assert seeded_file.event_count() == memory.event_count()


def test_retraction_and_correction_then_model_equals_replay(seeded_file):
    app_ = seeded_file
    target = app_.record(COMMANDS[0]).fact
    app_.correct(target.id, "the month was wrong", {"on": "2024-10"})
    assert fresh(app_)  # rebuilt from the aggregate the command had replayed anyway
    assert_same_as_replay(app_, step=2)
    departure = next(f for f in app_.timeline().effective() if f.kind == "departed")
    app_.retract(departure.id, "not reported after all")
    assert_same_as_replay(app_, step=2)


def test_a_stale_model_is_rebuilt_never_used(seeded_file, tmp_path):
    """Events written without touching the model (as an older orgsim or another tool would) make it stale."""
    app_ = seeded_file
    store = app_.read_model().path
    day = date(2025, 3, 1)
    before = app_.chart(day)
    org, record = app_.organisation(), app_.replayed()
    fact = org.propose(record, "departed", "mark-chen", "2025-02-01", source={"note": "test"})
    org.record(record, fact)
    app_.save(org)  # the library's save only: the model still says the old version
    assert not fresh(app_)
    with sqlite3.connect(store) as conn:
        version = conn.execute("SELECT version FROM orgsim_rm_meta").fetchone()[0]
    assert version == org.version - 1
    after = app_.chart(day)  # rebuilt, not read stale
    assert before.row("mark-chen") is not None and after.row("mark-chen") is None
    assert after == chart_at(app_.timeline(), day)
    assert fresh(app_)


def test_cli_show_uses_the_model_and_matches_replay(cli, generated):
    for day in ("2017-07-01", "2024-06-30"):
        modelled = cli("show", "--at", day, "--json", "--store", generated)
        replayed = cli("show", "--at", day, "--json", "--store", generated, "--as-known-at", "2999-01-01")
        m, r = json.loads(modelled.stdout), json.loads(replayed.stdout)
        m.pop("as_known_at"), r.pop("as_known_at")
        assert m == r and len(m["people"]) > 50
        assert (
            cli("show", "--at", day, "--store", generated).stdout.splitlines()[1:]
            == cli("show", "--at", day, "--store", generated, "--as-known-at", "2999-01-01").stdout.splitlines()[1:-1]
        )


@settings(max_examples=40, deadline=None)
@given(st.dates(date(2015, 1, 1), date(2025, 6, 1)), st.dates(date(2015, 1, 1), date(2025, 6, 1)))
def test_diff_charts_give_the_diff_of_the_whole_days(generated, a, b):
    """`View.diff_charts` reads only the rows that differ (and their managers' names): same changes,
    same causes, same text."""
    app_ = open_store(generated)
    timeline = app_.timeline()
    facts = timeline.fact_map()
    view = app_.view()
    with view:
        part_a, part_b, names = view.diff_charts(a, b)
        whole_a, whole_b = chart_at(timeline, a), chart_at(timeline, b)
        assert set(part_a.rows) <= set(whole_a.rows) and set(part_b.rows) <= set(whole_b.rows)
        whole = diff(whole_a, whole_b, facts)
        assert diff(part_a, part_b, facts).as_json() == whole.as_json()
        assert diff(part_a, part_b, view.facts).as_json() == whole.as_json()
        assert diff_text(diff(part_a, part_b, facts), facts, names=names) == diff_text(whole, facts)


def test_diff_finds_a_departure_and_return_on_one_day_and_never_a_retracted_one(cli, db):
    """Someone who leaves and comes back on one day has no alumni interval in the model; a corrected
    departure's first version no longer counts. Model and replay name the same departures."""
    steps = [
        ("append", "departed", "mark-chen", "--on", "2025-02-01", "--source", "a"),
        (
            "append",
            "appointed",
            "mark-chen",
            "--title",
            "Chief Research Officer",
            "--reports-to",
            "sam-altman",
            "--on",
            "2025-02-01",
            "--source",
            "b",
        ),
        ("append", "departed", "kevin-weil", "--on", "2025-02-01", "--source", "c"),
        ("append", "appointed", "kevin-weil", "--title", "CPO", "--on", "2025-03-01", "--source", "d"),
    ]
    for step in steps:
        assert cli(*step, "--store", db).exit_code == 0
    first = json.loads(cli("log", "--person", "kevin-weil", "--kind", "departed", "--json", "--store", db).stdout)[0][
        "id"
    ]
    assert cli("correct", first, "--on", "2025-02-10", "--reason", "the memo's date", "--store", db).exit_code == 0
    modelled = json.loads(cli("diff", "2025-01-01", "2025-04-01", "--json", "--store", db).stdout)
    replayed = json.loads(
        cli("diff", "2025-01-01", "2025-04-01", "--json", "--store", db, "--as-known-at", "2999-01-01").stdout
    )
    modelled.pop("as_known_at"), replayed.pop("as_known_at")
    assert modelled == replayed
    left = {c["person"]: c["events"] for c in modelled["changes"] if c["change"] == "left"}
    assert [modelled["sources"][e]["on"] for e in left["mark-chen"]] == ["2025-02-01"]
    assert [modelled["sources"][e]["on"] for e in left["kevin-weil"]] == ["2025-02-10"]
    assert first not in modelled["sources"]
    text = cli("diff", "2025-01-01", "2025-04-01", "--store", db).stdout
    known = cli("diff", "2025-01-01", "2025-04-01", "--store", db, "--as-known-at", "2999-01-01").stdout
    assert text.splitlines() == known.splitlines()[:-1]


def test_a_long_check_is_announced_only_when_it_will_happen(generated, tmp_path):
    """`append` warns on a terminal before a backdated change goes through many later facts again;
    the count is of the facts after its day."""
    import shutil

    store = str(tmp_path / "copy.db")
    shutil.copy(generated, store)
    app_ = open_store(store)
    early = EventRecord("appointed", "Late News", "2016-03-01", title="Engineer", source={"note": "t"})
    late = EventRecord("appointed", "Late News", "2030-03-01", title="Engineer", source={"note": "t"})
    facts = app_.timeline().effective()
    after = sum(1 for f in facts if f.on.start > date(2016, 3, 1))
    assert app_.slow_check_ahead(early, over=1000) == after
    middle = EventRecord("appointed", "Late News", "2020-06-15", title="Engineer", source={"note": "t"})
    fewer = sum(1 for f in facts if f.on.start > date(2020, 6, 15))
    assert app_.slow_check_ahead(middle, over=0) == fewer and fewer < after  # only the facts after its own day
    assert app_.slow_check_ahead(early, over=after) is None  # few enough to be quick
    assert app_.slow_check_ahead(late, over=0) is None  # lands last: nothing after it
    assert open_store(":memory:", create=True).slow_check_ahead(early, over=0) is None  # no model
    withdrawn = next(f for f in reversed(facts) if f.on.start > date(2020, 6, 15))
    app_.retract(withdrawn.id, "a test: retracted facts are not gone through again")
    assert open_store(store).slow_check_ahead(middle, over=0) == fewer - 1  # only the facts that count


def test_a_store_with_the_older_model_layout_is_migrated_on_first_use(cli, db):
    """A file written by an earlier orgsim (the day indexes before the covering ones, model format 2,
    no facts index) is read right: the schema is brought up to date and the model rebuilt."""
    conn = sqlite3.connect(db)
    for name in ("orgsim_rm_rows_day", "orgsim_rm_alumni_day", "orgsim_rm_facts_start"):
        conn.execute(f"DROP INDEX {name}")
    conn.execute("CREATE INDEX orgsim_rm_rows_when ON orgsim_rm_rows (org_id, valid_to, valid_from)")
    conn.execute("CREATE INDEX orgsim_rm_alumni_when ON orgsim_rm_alumni (org_id, valid_to, valid_from)")
    conn.execute("UPDATE orgsim_rm_meta SET data = json_set(data, '$.format', 2)")
    conn.commit()
    conn.close()
    modelled = cli("show", "--at", "2024-10-15", "--json", "--store", db)
    replayed = cli("show", "--at", "2024-10-15", "--json", "--store", db, "--as-known-at", "2999-01-01")
    m, r = json.loads(modelled.stdout), json.loads(replayed.stdout)
    m.pop("as_known_at"), r.pop("as_known_at")
    assert m == r and len(m["people"]) > 5
    names = {n for (n,) in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE name LIKE 'orgsim_rm%'")}
    assert {"orgsim_rm_rows_day", "orgsim_rm_alumni_day", "orgsim_rm_facts_start"} <= names
    assert not names & {"orgsim_rm_rows_when", "orgsim_rm_alumni_when"}
    data = sqlite3.connect(db).execute("SELECT data FROM orgsim_rm_meta").fetchone()[0]
    assert json.loads(data)["format"] == FORMAT


def test_a_model_table_laid_out_with_a_rowid_is_made_anew_and_the_model_rebuilt(cli, db):
    """The facts and tenures tables are WITHOUT ROWID since 2026-11-29. A file whose facts table still
    has a rowid (the layout before) gets the new table and a rebuilt model on first use; the stored
    events are untouched and the answers are a replay's."""
    events_before = (
        sqlite3.connect(db).execute("SELECT * FROM stored_events ORDER BY originator_id, originator_version").fetchall()
    )
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE orgsim_rm_facts")
    conn.execute(
        "CREATE TABLE orgsim_rm_facts (org_id TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, "
        "start TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (org_id, id))"
    )
    conn.execute("CREATE INDEX orgsim_rm_facts_start ON orgsim_rm_facts (org_id, start)")
    conn.commit()
    conn.close()
    modelled = cli("diff", "2023-11-01", "2024-10-15", "--json", "--store", db)
    replayed = cli("diff", "2023-11-01", "2024-10-15", "--json", "--store", db, "--as-known-at", "2999-01-01")
    assert modelled.exit_code == 0, modelled.output
    m, r = json.loads(modelled.stdout), json.loads(replayed.stdout)
    m.pop("as_known_at", None), r.pop("as_known_at")
    assert m == r and len(m["changes"]) > 10
    conn = sqlite3.connect(db)
    layout = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'orgsim_rm%'"))
    assert layout["orgsim_rm_facts"].endswith("WITHOUT ROWID") and layout["orgsim_rm_tenures"].endswith("WITHOUT ROWID")
    assert conn.execute("SELECT count(*) FROM orgsim_rm_facts").fetchone()[0] == 40  # rebuilt: every seeded fact
    assert (
        conn.execute("SELECT * FROM stored_events ORDER BY originator_id, originator_version").fetchall()
        == events_before
    )


def test_an_index_of_a_model_name_laid_out_otherwise_is_made_anew_once(cli, db):
    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX orgsim_rm_rows_person")
    conn.execute("CREATE INDEX orgsim_rm_rows_person ON orgsim_rm_rows (person)")  # same name, other columns
    conn.execute("CREATE INDEX orgsim_rm_facts_mine ON orgsim_rm_facts (seq)")  # a user's own: left alone
    conn.commit()
    conn.close()
    result = cli("history", "Mira Murati", "--store", db)  # (its query names that index: INDEXED BY)
    assert result.exit_code == 0 and "Murati" in result.stdout, result.stderr
    sql = dict(sqlite3.connect(db).execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'orgsim_rm%'"))
    assert sql["orgsim_rm_rows_person"] == "CREATE INDEX orgsim_rm_rows_person ON orgsim_rm_rows (org_id, person)"
    assert "orgsim_rm_facts_mine" in sql


@pytest.mark.parametrize("table", ["orgsim_rm_facts", "orgsim_rm_people", "orgsim_rm_rows", "orgsim_rm_tenures"])
def test_a_dropped_model_table_rebuilds_the_model_and_export_loses_nothing(cli, db, table):
    """Deleting a model table is harmless: the model is rebuilt from the event log, so export, show and
    history answer as before (a table made anew but empty, under the old meta, would look fresh)."""
    before = {
        args: cli(*args, "--store", db).stdout
        for args in (("export",), ("show", "--at", "2024-10-15"), ("history", "Mira Murati"))
    }
    assert before[("export",)].count("\n") > 50
    conn = sqlite3.connect(db)
    conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    for args, text in before.items():
        result = cli(*args, "--store", db)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == text, args
