"""Property tests through the application: random append / retract / correct sequences keep every
rule, and export → import rebuilds the same history."""

import json
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import assert_invariants

from orgsim.application import open_store
from orgsim.chart import chart_at, check
from orgsim.errors import OrgsimError
from orgsim.interchange import Dataset, EventRecord, PersonRecord, parse_line

PEOPLE = ["ann", "bob", "cat", "dan", "eve"]
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 12, 31))
BOUND = st.one_of(DAYS.map(lambda d: ".." + d.isoformat()), DAYS.map(lambda d: d.isoformat() + ".."))  # open bounds
ON = st.one_of(DAYS.map(lambda d: d.isoformat()), DAYS.map(lambda d: d.isoformat()[:7]), st.just("2020"), BOUND)
WHO = st.sampled_from(PEOPLE)
MAYBE_WHO = st.one_of(st.none(), WHO)

RECORD = st.one_of(
    st.builds(
        lambda p, on, t, m: EventRecord("appointed", p, on, title=t, manager=m, name=p.title()),
        WHO,
        ON,
        st.sampled_from(["CEO", "CTO", None]),
        MAYBE_WHO,
    ),
    st.builds(
        lambda p, on, to: EventRecord("departed", p, on, destination=to), WHO, ON, st.sampled_from([None, "Acme"])
    ),
    st.builds(lambda p, on, u: EventRecord("on_leave", p, on, until=u), WHO, ON, st.one_of(st.none(), ON)),
    st.builds(lambda p, on: EventRecord("returned", p, on), WHO, ON),
    st.builds(lambda p, on, m: EventRecord("reports_to", p, on, manager=m), WHO, ON, WHO),
)
COMMAND = st.one_of(
    st.tuples(st.just("record"), RECORD),
    st.tuples(st.just("retract"), st.integers(0, 30)),
    st.tuples(
        st.just("correct"),
        st.integers(0, 30),
        st.one_of(ON.map(lambda on: {"on": on}), st.sampled_from([{"title": "COO"}, {"destination": "Elsewhere"}])),
    ),
)


# People join first (early in the year), then anything may happen.
JOINS = st.lists(
    st.builds(
        lambda p, on: ("record", EventRecord("appointed", p, on, title="Staff", name=p.title())),
        WHO,
        st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 2, 1)).map(date.isoformat),
    ),
    min_size=1,
    max_size=5,
)
SEQUENCES = st.builds(lambda a, b: a + b, JOINS, st.lists(COMMAND, max_size=25))


def apply_command(app, command, label: str) -> None:
    """One generated command through the application; a refused one must change nothing stored."""
    before = app.event_count()
    try:
        if command[0] == "record":
            app.record(replace(command[1], source={"note": label}))
            return
        facts = app.timeline().facts
        if not facts:
            return
        target = facts[command[1] % len(facts)].id
        if command[0] == "retract":
            app.retract(target, f"reason {label}")
        else:
            app.correct(target, f"reason {label}", command[2])
    except OrgsimError:
        assert app.event_count() == before


def run(commands):
    """Every command through the application on an in-memory store; a refused one must change nothing."""
    app = open_store(":memory:")
    app.load(Dataset("Prop", (PersonRecord("ann", "Ann"),), ()))
    for n, command in enumerate(commands):
        apply_command(app, command, f"step {n}")
    return app


def history(app):
    t = app.timeline()
    days = sorted(
        {f.on.start for f in t.facts} | {f.on.last_named + timedelta(days=1) for f in t.facts} | {date(2021, 1, 1)}
    )
    return (
        t.people,
        [(f.id, f.kind, f.person, str(f.on), f.title, f.manager, f.destination, f.until, f.source) for f in t.facts],
        [(r.id, r.target, r.reason, r.replaced_by) for r in t.retractions],
        [chart_at(t, d) for d in days],
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SEQUENCES)
def test_accepted_commands_keep_every_rule_and_round_trip(commands):
    app = run(commands)
    timeline = app.timeline()
    check(timeline)
    for chart in history(app)[3]:
        assert_invariants(chart)

    lines = [json.dumps(r, ensure_ascii=False) for r in app.export()]
    assert json.loads(lines[0]) == {"kind": "organisation", "name": "Prop"}  # a backup opens with its organisation
    records = [parse_line(json.loads(line), f"export:{i}") for i, line in enumerate(lines[1:], 2)]
    people = tuple(r for r in records if isinstance(r, PersonRecord))
    events = tuple(r for r in records if not isinstance(r, PersonRecord))
    copy = open_store(":memory:")
    report = copy.load(Dataset("Prop", people, events))
    assert report.events_added == len(events)
    assert history(copy) == history(app)
    assert [json.dumps(r, ensure_ascii=False) for r in copy.export()] == lines
