"""The fast constructors and shortcuts the read model's diff uses give exactly what the plain ones give."""

import dataclasses
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.chart import Row
from orgsim.dates import PartialDate
from orgsim.diff import fresh_events
from orgsim.facts import Fact

text = st.none() | st.text(max_size=8)
ids = st.lists(st.text("0123456789abcdef", min_size=3, max_size=3), max_size=6, unique=True).map(tuple)
partial = st.sampled_from(["2023", "2024-05", "2024-09-25", "1999-12-31"]).map(PartialDate.parse)


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(
        st.text(min_size=1, max_size=8),
        st.text(max_size=8),
        text,
        st.sampled_from(["active", "on_leave"]),
        text,
        st.booleans(),
        text,
        text,
        text,
        ids,
    )
)
def test_row_of_is_the_row_the_dataclass_builds(fields):
    fast, plain = Row.of(*fields), Row(*fields)
    assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
    assert fast.as_json() == plain.as_json()
    assert dataclasses.replace(fast, title="X") == dataclasses.replace(plain, title="X")
    with pytest.raises(dataclasses.FrozenInstanceError):  # still frozen
        fast.title = "changed"


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(
        st.text(min_size=1, max_size=12),
        st.sampled_from(["appointed", "departed", "on_leave", "returned", "reports_to"]),
        st.text(min_size=1, max_size=8),
        partial,
        st.dictionaries(st.sampled_from(["document", "quote", "note"]), st.text(max_size=5)),
        text,
        text,
        text,
        st.none() | partial,
        st.integers(0, 10**6),
        st.none() | st.just(datetime(2026, 11, 22, 14, 28, tzinfo=UTC)),
    )
)
def test_fact_of_is_the_fact_the_dataclass_builds(fields):
    fast, plain = Fact.of(*fields), Fact(*fields)
    assert fast == plain and repr(fast) == repr(plain)
    assert fast.order == plain.order == (plain.on.start, plain.seq)
    assert fast.as_record() == plain.as_record() and fast.describe() == plain.describe()
    with pytest.raises(dataclasses.FrozenInstanceError):  # still frozen
        fast.kind = "departed"


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
