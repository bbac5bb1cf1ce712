"""Property tests: whatever sequence of commands is accepted replays to charts that keep every rule."""

from datetime import date

from conftest import accepted_organisation
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.chart import OrgChart, chart_at, check

PEOPLE = ["ann", "bob", "cat", "dan", "eve"]
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 12, 31))
BOUND = st.one_of(DAYS.map(lambda d: ".." + d.isoformat()), DAYS.map(lambda d: d.isoformat() + ".."))  # open bounds
ON = st.one_of(DAYS.map(lambda d: d.isoformat()), DAYS.map(lambda d: d.isoformat()[:7]), st.just("2020"), BOUND)

COMMAND = st.one_of(
    st.tuples(
        st.just("appointed"),
        st.sampled_from(PEOPLE),
        ON,
        st.sampled_from(["CEO", "CTO", None]),
        st.one_of(st.none(), st.sampled_from(PEOPLE)),
    ),
    st.tuples(st.just("departed"), st.sampled_from(PEOPLE), ON, st.none(), st.none()),
    st.tuples(st.just("on_leave"), st.sampled_from(PEOPLE), ON, st.none(), st.none()),
    st.tuples(st.just("returned"), st.sampled_from(PEOPLE), ON, st.none(), st.none()),
    st.tuples(st.just("reports_to"), st.sampled_from(PEOPLE), ON, st.none(), st.sampled_from(PEOPLE)),
)


def assert_invariants(chart: OrgChart) -> None:
    ids = chart.ids()
    for row in chart.rows:
        assert row.status in ("active", "on_leave")
        if row.reports_to is not None:
            assert row.reports_to in ids and row.reports_to != row.id
        seen, boss = {row.id}, row.reports_to
        while boss is not None:  # no cycles
            assert boss not in seen
            seen.add(boss)
            boss = chart.row(boss).reports_to
    assert not ids & {a.id for a in chart.alumni}


@settings(max_examples=150, deadline=None)
@given(st.lists(COMMAND, max_size=25))
def test_every_accepted_sequence_replays_to_valid_charts(commands):
    org = accepted_organisation(commands, PEOPLE)
    timeline = org.timeline()
    check(timeline)
    for day in {f.on.start for f in timeline.facts} | {f.on.last_named for f in timeline.facts} | {date(2021, 1, 1)}:
        assert_invariants(chart_at(timeline, day))
