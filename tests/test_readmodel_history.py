"""`history`, `why` and `log --person` from the read model answer exactly as the replay does.

Real SQLite files: the model side is the application's (as known now, the store's model fresh), the
replay side the pure functions of `orgsim/history.py` over the aggregate's whole timeline (what
`--as-known-at` and PostgreSQL stores still do). Every person, many days; the seeds amended with
appends, rehires, leaves, a manager who leaves with reports, a same-day hire and departure,
retractions and a correction; and the generated history.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_readmodel import COMMANDS, days_of, fresh

from orgsim.application import open_store
from orgsim.dates import PartialDate
from orgsim.history import ORDERS, history, log, select, why
from orgsim.interchange import EventRecord, export_records, organisation_line
from orgsim.readmodel import View
from orgsim.render.history_text import history_text, log_text, why_text

MORE = [
    # hired and gone the same day: a tenure with no row version of its own
    EventRecord("appointed", "Flash Person", "2025-04-01", title="Intern", manager="mark-chen", source={"note": "t"}),
    EventRecord("departed", "flash-person", "2025-04-01", source={"note": "t"}),
    # a manager hired, given a report and gone the same day: the report's line ends with them
    EventRecord("appointed", "Temp Boss", "2025-05-01", title="Interim", manager="mark-chen", source={"note": "t"}),
    EventRecord("reports_to", "jane-doe", "2025-05-01", manager="temp-boss", source={"note": "t"}),
    EventRecord("departed", "temp-boss", "2025-05-01", destination="Gone", source={"note": "t"}),
    # a title changed twice in one day: the day in between is a change of its own
    EventRecord("appointed", "jane-doe", "2025-07-01", title="CFO", source={"note": "t"}),
    EventRecord("appointed", "jane-doe", "2025-07-01", title="COO again", source={"note": "t"}),
]


@pytest.fixture
def amended(seeded_file):
    """The seeds, then appends (at the tip and backdated), a correction and two retractions."""
    app_ = seeded_file
    for rec in COMMANDS + MORE:
        app_.record(rec)
    facts = app_.timeline().facts
    move = next(f for f in facts if f.person == "jane-doe" and f.kind == "reports_to" and str(f.on) == "2024-11-20")
    app_.correct(move.id, "it was the 25th", {"on": "2024-11-25"})
    leave = next(f for f in facts if f.person == "greg-brockman" and f.kind == "on_leave")
    app_.retract(leave.id, "not reported after all")
    roe = next(f for f in facts if f.person == "john-roe")
    app_.retract(roe.id, "no such person")
    return app_


def own_days(timeline, pid: str, most: int) -> list[date]:
    """Up to `most` days around the person's own facts (their first days, and the day before)."""
    found = sorted({d for f in timeline.facts if f.person == pid for d in (f.on.start, f.on.start - timedelta(days=1))})
    return found[:: max(1, len(found) // most)][:most]


def same_as_replay(app_, people=None, days_of_person=None) -> int:
    """For each person: history, log (both orders) and why on many days, text and JSON, model == replay.
    `days_of_person(timeline, pid)`: the days to ask `why` about (default: every day of `days_of`)."""
    assert fresh(app_) and isinstance(app_.view(), View) and app_.view().close() is None
    timeline = app_.timeline()
    every_day = days_of(timeline)
    logs = {order: log(timeline, order) for order in ORDERS}
    compared = 0
    for pid in people or sorted(timeline.people):
        modelled, replayed = app_.history(pid), history(timeline, pid)
        assert modelled.as_json() == replayed.as_json(), pid
        assert history_text(modelled) == history_text(replayed), pid
        for order in ORDERS:
            m, r = app_.log_entries(person=pid, order=order), select(logs[order], pid)
            assert [e.as_json() for e in m] == [e.as_json() for e in r], pid
            assert log_text(m, order) == log_text(r, order), pid
        for day in every_day if days_of_person is None else days_of_person(timeline, pid):
            m, r = app_.why(pid, day), why(timeline, pid, day)
            assert m.as_json() == r.as_json(), (pid, day)
            assert why_text(m) == why_text(r), (pid, day)
            compared += 1
    return compared


def test_seeds_every_person_every_day(seeded_file):
    assert same_as_replay(seeded_file) > 1000


def test_amended_seeds_every_person_every_day(amended):
    timeline = amended.timeline()
    assert len(timeline.retractions) == 3  # the correction's and two more
    assert same_as_replay(amended) > 1000
    jane = amended.history("jane-doe").as_json()
    assert jane["retracted"] and jane["leaves"] and jane["managers"][-1]["manager"] == "temp-boss"
    assert [t["title"] for t in jane["titles"]][-2:] == ["CFO", "COO again"]
    assert len(amended.history("sam-altman").as_json()["stints"]) == 3  # left and rehired twice
    flash = amended.why("flash-person", date(2025, 4, 2)).as_json()
    assert flash["status"] == "departed" and len(flash["events"]) == 2
    roe = amended.log_entries(person="john-roe")
    assert [e.retracted for e in roe] == [True]


def test_filters_of_one_persons_log_match_the_replay(amended):
    timeline = amended.timeline()
    for pid in ("jane-doe", "sam-altman", "greg-brockman"):
        for start, end, kinds in (
            (None, None, ("departed",)),
            ("2024-11", "2025-02", ()),
            ("2025", None, ("appointed", "on-leave")),
        ):
            a = PartialDate.parse(start) if start else None
            b = PartialDate.parse(end) if end else None
            got = amended.log_entries(person=pid, start=a, end=b, kinds=kinds)
            assert [e.as_json() for e in got] == [e.as_json() for e in select(log(timeline), pid, a, b, kinds)]


RANGES = [
    ("2024-08", "2024-09", ()),
    ("2024", None, ()),
    (None, "2016-03-15", ("departed",)),
    ("2019-07-01", "2019-07-01", ()),
    ("2023-11-17", "2024-02", ("appointed", "on-leave")),
    ("2025-03-02", None, ()),
    ("2024-09", "2024-08", ()),
]


def test_a_range_of_the_log_matches_the_replay(amended, generated):
    """`log --from/--to` (no person) reads the facts that may overlap the range, then the same `select`:
    partial dates that start before the range and reach into it are there too."""
    for app_ in (amended, open_store(generated)):
        timeline = app_.timeline()
        logs = {order: log(timeline, order) for order in ORDERS}
        for first, last, kinds in RANGES:
            a = PartialDate.parse(first) if first else None
            b = PartialDate.parse(last) if last else None
            for order in ORDERS:
                try:
                    want = select(logs[order], None, a, b, kinds)
                except Exception as err:  # the reversed range: the same error both ways
                    with pytest.raises(type(err), match="before it starts"):
                        app_.log_entries(start=a, end=b, kinds=kinds, order=order)
                    continue
                got = app_.log_entries(start=a, end=b, kinds=kinds, order=order)
                assert [e.as_json() for e in got] == [e.as_json() for e in want], (first, last, kinds, order)
                assert log_text(got, order) == log_text(want, order)
    found = amended.log_entries(start=PartialDate.parse("2024-08-15"), end=PartialDate.parse("2024-08-20"))
    assert any(e.fact.on.precision != "day" for e in found)  # a month that started before the range


def test_generated_history_every_person(generated):
    """History and log of every eighth person; why on days around every twentieth person's own facts.
    (The replay side is the slow one: ~40 ms a person for history, ~100 ms a day for why.)"""
    app_ = open_store(generated)
    people = sorted(app_.timeline().people)
    assert len(people) > 300
    assert same_as_replay(app_, people[1::8], days_of_person=lambda t, pid: []) == 0
    assert same_as_replay(app_, people[::20], days_of_person=lambda t, pid: own_days(t, pid, 2)) > 25


REPLAYED: dict[str, object] = {}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.dates(date(2014, 12, 1), date(2025, 3, 1)))
def test_generated_why_on_any_day(generated, n, day):
    app_ = open_store(generated)
    timeline = REPLAYED.get(generated) or REPLAYED.setdefault(generated, app_.timeline())
    people = sorted(timeline.people)
    pid = people[n % len(people)]
    assert app_.why(pid, day).as_json() == why(timeline, pid, day).as_json()


def test_cli_model_and_replay_print_the_same(cli, amended, generated):
    store = amended.read_model().path
    seventh = next(p for p in sorted(open_store(generated).timeline().people) if p.startswith("p00007-"))
    cases = [
        (store, "jane-doe", "2025-05-01"),
        (store, "Sam Altman", "2025-04-01"),
        (store, "flash-person", "2025-04-01"),
        (store, "greg-brockman", "2024-09-01"),
        (generated, seventh, "2020-01-01"),
    ]
    for where, who, day in cases:
        for args in (
            ["history", who],
            ["why", who, "--at", day],
            ["log", "--person", who],
            ["log", "--person", who, "--recorded"],
            ["log", "--from", day[:7], "--to", "2025-12", "--kind", "appointed"],
        ):
            for fmt in ([], ["--json"]):
                modelled = cli(*args, *fmt, "--store", where)
                replayed = cli(*args, *fmt, "--store", where, "--as-known-at", "2999-01-01")
                assert modelled.exit_code == replayed.exit_code == 0, modelled.stderr + replayed.stderr
                if fmt:
                    m, r = json.loads(modelled.stdout), json.loads(replayed.stdout)
                    if isinstance(m, dict):
                        assert m.pop("as_known_at") is None and r.pop("as_known_at")
                    assert m == r, args
                else:
                    assert modelled.stdout.splitlines()[1:] == replayed.stdout.splitlines()[1:], args
    for args in (
        ["history", "jane-do"],
        ["why", "nobody-at-all", "--at", "2024-01-01"],
        ["log", "--person", "jane-do"],
    ):
        modelled = cli(*args, "--store", store)
        replayed = cli(*args, "--store", store, "--as-known-at", "2999-01-01")
        assert modelled.exit_code == replayed.exit_code == 1 and modelled.stderr == replayed.stderr
    assert "did you mean Jane Doe (jane-doe)?" in cli("history", "jane-do", "--store", store).stderr


def test_people_from_the_model_match_the_aggregate(cli, amended):
    store = amended.read_model().path
    data = cli.json("people", "--store", store)
    organisation = amended.replayed()
    assert data["organisation"] == organisation.name
    assert [p["id"] for p in data["people"]] == sorted(organisation.people)
    assert {p["id"]: (p["name"], p["aliases"], p["source"]) for p in data["people"]} == {
        pid: (p["name"], list(p["aliases"]), p.get("source") or {}) for pid, p in organisation.people.items()
    }
    assert "flash-person" in cli("people", "--store", store).stdout


def test_export_from_the_model_is_the_replays_byte_for_byte(cli, amended, generated):
    """`export` streams from the read model; it writes exactly what the replayed timeline's records
    give: people, facts in recording order, retractions and the correction with its reason."""
    for store in (amended.read_model().path, generated):
        app_ = open_store(store)
        assert isinstance(app_.view(), View)  # the model is fresh: export reads it, not a replay
        timeline = app_.timeline()
        records = [organisation_line(timeline.organisation), *export_records(timeline)]
        replayed = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        exported = cli("export", "--store", store)
        assert exported.exit_code == 0, exported.stderr
        assert exported.stdout == replayed
    kinds = [
        json.loads(line)["kind"] for line in cli("export", "--store", amended.read_model().path).stdout.splitlines()
    ]
    assert kinds.count("retracted") == 2 and kinds.count("person") > 10
    assert (
        sum('"corrects"' in line for line in cli("export", "--store", amended.read_model().path).stdout.splitlines())
        == 1
    )
