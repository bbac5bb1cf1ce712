"""History and provenance through the pure module and the application: the log, tenures, why, and the
second clock (`as_known_at`) on a store whose events were recorded at controlled times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import accepted_organisation
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import COMMAND, PEOPLE

from orgsim.application import open_store
from orgsim.chart import chart_at
from orgsim.dates import PartialDate
from orgsim.domain import Organisation
from orgsim.errors import DateError, RecordError, UnknownPersonError
from orgsim.facts import Timeline
from orgsim.history import Span, history, log, select, why
from orgsim.interchange import Dataset, EventRecord, PersonRecord
from orgsim.record import Replayed

UTC = UTC


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the seeds --------------------------------------------------------------------------------------
def test_schulman_history_shows_his_departure_to_anthropic_with_its_quote(dataset_app):
    h = dataset_app.history("john-schulman")
    (stint,) = h.stints
    assert (str(stint.start.on), str(stint.end.on), stint.end.destination) == ("2015", "2024-08", "Anthropic")
    assert "Anthropicに入社" in stint.end.source["quote"]
    assert [s.value for s in h.titles] == ["Co-founder", "Co-founder; leads the remaining Superalignment team"]
    assert h.titles[-1].end is stint.end and h.managers == () and h.leaves == ()
    data = h.as_json()
    assert data["stints"] == [
        {
            "from": "2015",
            "to": "2024-08",
            "rejoined": False,
            "destination": "Anthropic",
            "events": [stint.start.id, stint.end.id],
        }
    ]
    quotes = {e["id"]: e["source"]["quote"] for e in data["events"]}
    assert "Anthropicに入社" in quotes[stint.end.id]


def test_altman_left_and_rejoined(dataset_app):
    stints = dataset_app.history("アルトマン").as_json()["stints"]
    assert [(s["from"], s["to"], s["rejoined"]) for s in stints] == [
        ("2019", "2023-11-17", False),
        ("2023-11-29", None, True),
    ]


def test_zoph_reported_to_mcgrew_until_they_left_and_brockman_is_on_leave(dataset_app):
    (line,) = dataset_app.history("barret-zoph").as_json()["managers"]
    assert (line["manager"], line["name"], line["from"], line["to"]) == (
        "bob-mcgrew",
        "Bob McGrew",
        "2022",
        "2024-09-25",
    )
    (leave,) = dataset_app.history("greg-brockman").as_json()["leaves"]
    assert leave == {"since": "2024-08", "until": "2024-12", "returned": None, "ended": None, "events": leave["events"]}
    chen = dataset_app.history("Mark").as_json()
    assert [t["title"] for t in chen["titles"]] == [None, "SVP of Research"]
    assert [(m["manager"], m["from"], m["to"]) for m in chen["managers"]] == [("sam-altman", "2024-09-25", None)]


def test_why_brockman_on_leave_gives_the_leave_event_and_its_quote(dataset_app):
    w = dataset_app.why("greg-brockman", date(2024, 9, 1))
    assert w.status == "on_leave"
    leave = [e for e in w.events if e.fact.kind == "on_leave"]
    assert len(leave) == 1 and w.because["status"] == leave[0].id
    assert leave[0].fact.source["quote"] == "私は今年の終わりまで1年間の休暇を取る予定です。"
    data = w.as_json()
    assert (data["title"], data["leave_since"], data["leave_until"]) == ("President", "2024-08", "2024-12")
    assert [e["kind"] for e in data["events"]] == ["appointed", "on_leave"]


def test_why_by_japanese_alias_before_and_after_murati_left(dataset_app):
    before = dataset_app.why("ミラ・ムラティ", date(2024, 9, 1)).as_json()
    assert (before["person"], before["status"], before["title"]) == ("mira-murati", "active", "CTO")
    after = dataset_app.why("ミラ・ムラティ", date(2024, 10, 1)).as_json()
    assert (after["status"], after["departed_on"], after["title"]) == ("departed", "2024-09-25", "CTO")
    assert after["because"]["status"] == after["events"][-1]["id"]
    assert after["events"][-1]["source"]["quote"] == "熟考の末、OpenAl を離れるという難しい決断をしました。"
    assert dataset_app.why("kevin-weil", date(2023, 1, 1)).as_json()["status"] == "not_joined"


def test_why_a_line_ended_names_the_managers_departure(dataset_app):
    # Zoph and McGrew both leave on 2024-09-25; the day before, Zoph reports to McGrew by a reports_to event.
    w = dataset_app.why("barret-zoph", date(2024, 9, 24))
    assert w.row.reports_to == "bob-mcgrew"
    assert next(e for e in w.events if e.id == w.because["reports_to"]).fact.kind == "reports_to"


def test_log_filters(dataset_app):
    everything = dataset_app.log_entries()
    assert len(everything) == 40
    assert [e.fact.order for e in everything] == sorted(e.fact.order for e in everything)
    mira = dataset_app.log_entries(person="MIRA MURATI")
    assert {e.fact.person for e in mira} == {"mira-murati"} and len(mira) == 2
    departed = dataset_app.log_entries(kinds=("departed",))
    assert {e.fact.kind for e in departed} == {"departed"} and len(departed) == 7
    august = dataset_app.log_entries(start=PartialDate.parse("2024-08"), end=PartialDate.parse("2024-08"))
    assert {str(e.fact.on) for e in august} == {"2024-08"} and len(august) == 4
    # a month overlaps a range that starts inside it; a year-wide --to reaches its end
    mid = dataset_app.log_entries(start=PartialDate.parse("2024-08-15"), end=PartialDate.parse("2024-09-01"))
    assert {str(e.fact.on) for e in mid} == {"2024-08"}
    to_2015 = dataset_app.log_entries(end=PartialDate.parse("2015"))
    assert {str(e.fact.on) for e in to_2015} == {"2015"} and len(to_2015) == 3
    both = dataset_app.log_entries(person="ジョン", kinds=("departed", "appointed"), start=PartialDate.parse("2024"))
    assert [e.fact.kind for e in both] == ["appointed", "departed"]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"kinds": ("fired",)}, RecordError, "unknown kind 'fired'"),
        ({"start": PartialDate.parse("2024-09"), "end": PartialDate.parse("2024-08")}, DateError, "before it starts"),
        ({"person": "nobody"}, UnknownPersonError, "unknown person"),
        ({"order": "alphabetical"}, RecordError, "unknown order"),
    ],
)
def test_log_rejects_bad_filters(dataset_app, kwargs, error, message):
    with pytest.raises(error, match=message):
        dataset_app.log_entries(**kwargs)


def _covering(spans: tuple[Span, ...], day: date) -> list[Span]:
    return [s for s in spans if s.start.on.start <= day and (s.end is None or day < s.end.on.start)]


def assert_history_agrees_with_charts(timeline, days) -> None:
    """Every person's tenures say, on every day, exactly what the chart says."""
    charts = {day: chart_at(timeline, day) for day in days}
    for person in timeline.people:
        h = history(timeline, person)
        for day, chart in charts.items():
            row = chart.row(person)
            stints, titles, bosses = (_covering(x, day) for x in (h.stints, h.titles, h.managers))
            leaves = _covering(h.leaves, day)
            if row is None:
                assert stints == titles == bosses == leaves == [], (person, day)
                continue
            assert len(stints) == 1 and len(titles) == 1, (person, day)
            assert titles[0].value == row.title
            assert (bosses[0].value if bosses else None) == row.reports_to
            assert (row.status == "on_leave") == bool(leaves)
            w = why(timeline, person, day)
            assert [e.id for e in w.events] == sorted(row.events, key=lambda i: timeline.fact_map()[i].order)
            assert {i for i in w.because.values() if i} <= set(row.events)


def test_history_agrees_with_the_chart_on_every_month_of_the_seeds(dataset_app):
    timeline = dataset_app.timeline()
    days = [date(y, m, d) for y in range(2015, 2026) for m in range(1, 13) for d in (1, 20)]
    days += sorted({f.on.start for f in timeline.facts})
    assert_history_agrees_with_charts(timeline, days)


@settings(max_examples=60, deadline=None)
@given(st.lists(COMMAND, max_size=20))
def test_history_agrees_with_the_chart_for_any_accepted_sequence(commands):
    timeline = accepted_organisation(commands, PEOPLE).timeline()
    days = {f.on.start for f in timeline.facts} | {f.on.last_named for f in timeline.facts}
    days |= {d + timedelta(days=1) for d in days} | {date(2019, 12, 31)}
    assert_history_agrees_with_charts(timeline, sorted(days))


# --- the second clock -------------------------------------------------------------------------------
T1, T2, T3, T4 = (
    at("2024-05-01T09:00:00"),
    at("2024-07-01T09:00:00"),
    at("2024-08-15T09:00:00"),
    at("2024-09-01T09:00:00"),
)


@pytest.fixture
def bitemporal(tmp_path) -> str:
    """Acme, recorded in four steps: the start (T1), Bob's leave (T2), Carol's departure recorded
    three months late (T3, backdated to 20 May), and Bob's leave retracted as misreported (T4)."""
    path = str(tmp_path / "acme.db")
    app_ = open_store(path, create=True)
    src = {"document": "acme-news.txt", "quote": "Acme's leadership"}
    app_.load(
        Dataset(
            "Acme",
            (
                PersonRecord("alice", "Alice Smith", ("アリス",)),
                PersonRecord("bob", "Bob Jones"),
                PersonRecord("carol", "Carol White"),
            ),
            (
                EventRecord("appointed", "alice", "2020", src, title="CEO"),
                EventRecord("appointed", "bob", "2021", src, title="CTO", manager="alice"),
                EventRecord("appointed", "carol", "2022-03", src, title="VP Research", manager="bob"),
            ),
        ),
        timestamp=T1,
    )
    leave = app_.record(
        EventRecord("on_leave", "bob", "2024-06-10", {"quote": "Bob takes leave"}, until="2024-12"), timestamp=T2
    )
    app_.record(
        EventRecord("departed", "carol", "2024-05-20", {"quote": "Carol left in May"}, destination="Globex"),
        timestamp=T3,
    )
    app_.retract(leave.fact.id, "the leave was misreported", timestamp=T4)
    return path


def _people(chart) -> dict[str, tuple]:
    return {r.id: (r.title, r.status, r.reports_to) for r in chart.rows}


def test_the_same_day_as_known_at_different_times(bitemporal):
    app_ = open_store(bitemporal)
    day = date(2024, 6, 15)
    assert _people(app_.chart(day, as_known_at=at("2024-04-30T00:00:00"))) == {}
    assert _people(app_.chart(day, as_known_at=at("2024-06-01T00:00:00"))) == {
        "alice": ("CEO", "active", None),
        "bob": ("CTO", "active", "alice"),
        "carol": ("VP Research", "active", "bob"),
    }
    assert _people(app_.chart(day, as_known_at=at("2024-08-01T00:00:00"))) == {
        "alice": ("CEO", "active", None),
        "bob": ("CTO", "on_leave", "alice"),
        "carol": ("VP Research", "active", "bob"),
    }
    late = app_.chart(day, as_known_at=at("2024-08-20T00:00:00"))  # the backdated departure now counts
    assert _people(late) == {"alice": ("CEO", "active", None), "bob": ("CTO", "on_leave", "alice")}
    assert [(a.id, a.destination) for a in late.alumni] == [("carol", "Globex")]
    now = {"alice": ("CEO", "active", None), "bob": ("CTO", "active", "alice")}  # the leave is retracted
    assert _people(app_.chart(day, as_known_at=at("2024-09-02T00:00:00"))) == now
    assert _people(app_.chart(day)) == now


def test_the_log_shows_both_clocks_and_the_retraction_when_it_was_known(bitemporal):
    app_ = open_store(bitemporal)
    effective = [(e.fact.person, e.fact.kind) for e in app_.log_entries()]
    recorded = [(e.fact.person, e.fact.kind) for e in app_.log_entries(order="recorded")]
    assert effective[-2:] == [("carol", "departed"), ("bob", "on_leave")]
    assert recorded[-2:] == [("bob", "on_leave"), ("carol", "departed")]
    (leave,) = app_.log_entries(person="bob", kinds=("on_leave",))
    assert leave.as_json()["recorded_at"] == "2024-07-01T09:00:00Z"
    assert leave.as_json()["retraction"] == {
        "id": leave.retraction.id,
        "reason": "the leave was misreported",
        "recorded_at": "2024-09-01T09:00:00Z",
    }
    (before,) = app_.log_entries(person="bob", kinds=("on_leave",), as_known_at=at("2024-08-31T00:00:00"))
    assert not before.retracted and before.as_json()["retraction"] is None
    assert len(app_.log_entries(as_known_at=at("2024-08-01T00:00:00"))) == 4


def test_why_and_history_under_the_second_clock(bitemporal):
    app_ = open_store(bitemporal)
    day = date(2024, 6, 15)
    then = app_.why("bob", day, as_known_at=at("2024-08-01T00:00:00"))
    assert then.status == "on_leave" and then.events[-1].fact.source["quote"] == "Bob takes leave"
    now = app_.why("bob", day)
    assert now.status == "active" and [e.fact.kind for e in now.events] == ["appointed"]
    carol_then = app_.history("carol", as_known_at=at("2024-08-01T00:00:00")).as_json()
    assert [(s["from"], s["to"]) for s in carol_then["stints"]] == [("2022-03", None)]
    carol_now = app_.history("Carol White").as_json()
    assert [(s["from"], s["to"], s["destination"]) for s in carol_now["stints"]] == [
        ("2022-03", "2024-05-20", "Globex")
    ]
    assert [(m["manager"], m["to"]) for m in carol_now["managers"]] == [("bob", "2024-05-20")]
    bob = app_.history("bob").as_json()
    assert bob["leaves"] == [] and [r["retraction"]["reason"] for r in bob["retracted"]] == [
        "the leave was misreported"
    ]
    assert app_.history("bob", as_known_at=at("2024-08-01T00:00:00")).as_json()["leaves"][0]["since"] == "2024-06-10"


def test_log_of_a_plain_timeline_puts_unrecorded_times_first():
    org = Organisation("Tiny")
    record = Replayed(Timeline("Tiny", {}, ()), org.version)
    org.add_person(record, "ann", "Ann")
    org.record(record, org.propose(record, "appointed", "ann", "2020", title="CEO", source="a note"))
    (entry,) = select(log(record.timeline(), "recorded"), person="ann")
    assert entry.as_json()["source"] == {"note": "a note"} and entry.as_json()["precision"] == "year"
