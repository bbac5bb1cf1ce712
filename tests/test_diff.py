"""diff: the seeds' story and the algebra (empty on equal days, reversible, applies a → b)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.chart import Row, chart_at
from orgsim.diff import apply_changes, diff, fresh_events


def _diff(app_, a, b):
    timeline = app_.timeline()
    facts = {f.id: f for f in timeline.facts}
    return diff(chart_at(timeline, date.fromisoformat(a)), chart_at(timeline, date.fromisoformat(b)), facts)


def kinds(d):
    return {(c.person, c.change) for c in d.changes}


def test_september_shakeup(seeded):
    d = _diff(seeded, "2024-09-01", "2024-10-15")
    k = kinds(d)
    assert {("mira-murati", "left"), ("bob-mcgrew", "left"), ("barret-zoph", "left")} <= k
    assert ("mark-chen", "title_changed") in k
    for pid in ("mark-chen", "jakub-pachocki", "kevin-weil", "srinivas-narayanan", "matt-knight", "josh-achiam"):
        assert (pid, "manager_changed") in k
    murati = [c for c in d.changes if c.person == "mira-murati"][0].as_json()
    assert murati["before"]["title"] == "CTO" and murati["after"] is None and len(murati["events"]) == 1
    facts = {f.id: f for f in seeded.timeline().facts}
    assert facts[murati["events"][0]].kind == "departed"
    mark = [c for c in d.changes if c.person == "mark-chen" and c.change == "title_changed"][0]
    assert [facts[e].kind for e in mark.events] == ["appointed"]


def test_summer_2024(seeded):
    d = _diff(seeded, "2024-07-01", "2024-09-01")
    assert {("john-schulman", "left"), ("greg-brockman", "on_leave")} <= kinds(d)


def test_equal_days_give_no_changes(seeded):
    assert _diff(seeded, "2024-09-01", "2024-09-01").changes == ()


DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 1, 1))


@settings(max_examples=60, deadline=None)
@given(DAYS, DAYS)
def test_diff_algebra_on_the_seeds(dataset_app, a, b):
    timeline = dataset_app.timeline()
    ca, cb = chart_at(timeline, a), chart_at(timeline, b)
    forward, backward = diff(ca, cb), diff(cb, ca)
    assert apply_changes(ca, forward) == {r.id: (r.title, r.status, r.reports_to) for r in cb.rows}
    flip = {"left": "joined", "joined": "left", "rejoined": "left", "on_leave": "returned", "returned": "on_leave"}
    # the reverse of a comeback is "left"; the reverse of that "left" is "joined" (undoing it), not "rejoined"
    arrival = {"rejoined": "joined"}
    assert {(p, arrival.get(k, k)) for p, k in kinds(backward)} == {
        (p, arrival.get(flip.get(k, k), flip.get(k, k))) for p, k in kinds(forward)
    }
    assert diff(ca, ca).changes == ()


def test_a_departure_and_return_between_the_days_is_shown(seeded):
    d = _diff(seeded, "2023-11-10", "2023-12-01")
    altman = [c for c in d.changes if c.person == "sam-altman"]
    assert [c.change for c in altman] == ["left", "rejoined"]
    facts = seeded.timeline().fact_map()
    assert [facts[e].on.start.isoformat() for e in altman[0].events] == ["2023-11-17"]
    assert [str(facts[e].on) for e in altman[1].events] == ["2023-11-29"]
    back = _diff(seeded, "2023-12-01", "2023-11-10")  # undoing the comeback ("left") and the departure ("joined")
    assert [c.change for c in back.changes if c.person == "sam-altman"] == ["left", "joined"]


def test_someone_gone_on_the_first_day_and_back_on_the_second_rejoined(seeded):
    """Altman left on 2023-11-17 and was appointed CEO again on 2023-11-29: a comeback, not a first arrival."""
    assert [(c.person, c.change) for c in _diff(seeded, "2023-11-20", "2023-12-01").changes] == [
        ("sam-altman", "rejoined")
    ]
    assert [(c.person, c.change) for c in _diff(seeded, "2023-12-01", "2023-11-20").changes] == [("sam-altman", "left")]
    first = {(c.person, c.change) for c in _diff(seeded, "2000-01-01", "2023-12-01").changes}
    assert ("sam-altman", "joined") in first  # not there on the first day: a first arrival


ids = st.lists(st.text("0123456789abcdef", min_size=3, max_size=3), max_size=6, unique=True).map(tuple)


def _row(events):
    return Row("p", "P", "Engineer", "active", None, events=tuple(events))


@given(ids, ids)
def test_fresh_events_are_the_later_rows_events_the_earlier_lacks(before, after):
    expected = tuple(e for e in after if e not in before)
    assert fresh_events(_row(before), _row(after)) == expected
    grown = before + tuple(e for e in after if e not in before)  # a row's events never repeat
    assert fresh_events(_row(before), _row(grown)) == expected


def test_fresh_events_of_a_grown_row_is_its_tail():
    assert fresh_events(_row(["a", "b"]), _row(["a", "b", "c", "d"])) == ("c", "d")
    assert fresh_events(_row(["a", "b"]), _row(["b", "a", "c"])) == ("c",)  # not a prefix: compared one by one
    assert fresh_events(_row([]), _row(["a"])) == ("a",)
