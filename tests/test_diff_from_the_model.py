"""`orgsim diff` from the read model (the set-based query over its row intervals) prints what a replay
of the same history prints, on many days and histories: generated ones, and the seeds with partial
dates, rehires, leavers' reports, retractions and a correction.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_backdated import SCENARIOS

from orgsim.application import open_store
from orgsim.errors import OrgsimError


def _both_ways(cli, store: str, a: str, b: str, json: bool) -> None:
    """From the read model and from a replay (`--as-known-at` far ahead): the same bytes, but the
    replay's as-known-at."""
    flags = ["--json"] if json else []
    model = cli("diff", a, b, *flags, "--store", store)
    replayed = cli("diff", a, b, *flags, "--store", store, "--as-known-at", "2999-01-01")
    assert model.exit_code == replayed.exit_code == 0, (model.stderr, replayed.stderr)
    assert model.stderr == "", (a, b)
    if json:
        assert (
            replayed.stdout.replace('"as_known_at": "2999-01-01T23:59:59.999999Z"', '"as_known_at": null')
            == model.stdout
        )
    else:
        assert model.stdout.splitlines() == replayed.stdout.splitlines()[:-1], (a, b)


# --- the same output, on many days ---------------------------------------------------------------
DAYS = st.one_of(
    st.dates(date(2014, 6, 1), date(2026, 6, 1)),
    st.sampled_from([date(1, 1, 1), date(2015, 1, 1), date(2015, 1, 31), date(2020, 2, 29), date(2999, 12, 31)]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DAYS, DAYS, st.booleans())
def test_any_two_days_of_a_generated_history_diff_from_the_model_as_replayed(cli, generated, a, b, json):
    _both_ways(cli, generated, a.isoformat(), b.isoformat(), json)


@pytest.fixture(scope="module")
def hard_seeds(tmp_path_factory):
    """The seeds with the backdated scenarios' appends (partial dates, rehires, leavers' reports, a
    manager hired, given a report and gone on one day), some retractions and a correction."""
    from conftest import SEEDS

    from orgsim.interchange import read_yaml

    store = str(tmp_path_factory.mktemp("hard") / "seeds.db")
    app_ = open_store(store, create=True)
    app_.load(read_yaml(SEEDS))
    appended = refused = 0
    for records in SCENARIOS.values():
        for rec in records:
            try:
                app_.record(rec)
                appended += 1
            except OrgsimError:
                refused += 1  # (a scenario may hold a change the rules refuse after the others)
    facts = list(app_.timeline().facts)
    retracted = []
    for f in random.Random(3).sample(facts, 6):
        try:
            app_.retract(f.id, "a review retracts it")
            retracted.append(f.id)
        except OrgsimError as err:  # (a retraction that would break a later stored event)
            assert "would" in str(err) or "already" in str(err), err
    assert appended > 10 and retracted, (appended, refused, retracted)  # the history really is the hard one
    assert {r.target for r in app_.timeline().retractions} >= set(retracted)
    corrected = 0
    for f in app_.timeline().facts:  # (the first that can be moved a few days on, or to its month)
        for on in ((f.on.start + timedelta(days=3)).isoformat(), f.on.start.isoformat()[:7]):
            try:
                app_.correct(f.id, "a review moves it", {"on": on})
                corrected += 1
                break
            except OrgsimError:
                continue
        if corrected == 2:
            break
    assert corrected == 2
    return store


def _days_around(store: str) -> list[str]:
    facts = open_store(store).timeline().facts
    days = {d + timedelta(days=k) for f in facts for d in (f.on.start, f.on.end) for k in (-1, 0, 1)}
    return sorted(d.isoformat() for d in days) + ["0001-01-01", "2999-12-31", "2024", "2024-08"]


def test_the_seeds_with_partial_dates_rehires_retractions_and_a_correction_diff_as_replayed(cli, hard_seeds):
    days = _days_around(hard_seeds)
    rnd = random.Random(11)
    for a, b in [(rnd.choice(days), rnd.choice(days)) for _ in range(40)] + [
        ("2024-09-01", "2024-10-15"),
        ("2024-10-15", "2024-09-01"),
    ]:
        for json in (False, True):
            _both_ways(cli, hard_seeds, a, b, json)
