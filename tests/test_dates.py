import json
from datetime import date

import pytest

from orgsim.dates import PartialDate, parse_day, within_reach
from orgsim.errors import DateError


@pytest.mark.parametrize(
    "text, precision, start, end",
    [
        ("2024", "year", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", "month", date(2023, 2, 1), date(2023, 2, 28)),
        ("2024-09-25", "day", date(2024, 9, 25), date(2024, 9, 25)),
    ],
)
def test_partial_dates_know_their_precision_and_range(text, precision, start, end):
    d = PartialDate.parse(text)
    assert (d.precision, d.start, d.end, str(d)) == (precision, start, end, text)


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "2024-02-30", "24-01-01", "2024/01/01", "", "2024-1"])
def test_malformed_dates_are_rejected(bad):
    with pytest.raises(DateError):
        PartialDate.parse(bad)


def test_a_partial_date_is_open_only_inside_its_range():
    d = PartialDate.parse("2024-08")
    assert d.is_open_on(date(2024, 8, 1)) and d.is_open_on(date(2024, 8, 31))
    assert not d.is_open_on(date(2024, 9, 1)) and not d.is_open_on(date(2024, 7, 31))
    assert not PartialDate.parse("2024-08-05").is_open_on(date(2024, 8, 5))


def test_a_day_for_at_is_the_first_day_of_a_partial_date():
    assert parse_day("2024-10") == date(2024, 10, 1)


@pytest.mark.parametrize("text", ["9999", "9999-12", "9999-12-31", "9999-01-01"])
def test_the_year_9999_is_out_of_reach_as_input_the_read_model_keeps_its_last_day_for_still_open(text):
    with pytest.raises(DateError, match="orgsim holds dates up to 9998-12-31"):
        within_reach(PartialDate.parse(text))
    assert PartialDate.parse(text).year == 9999  # (a stored date still parses: older stores read on)
    assert within_reach(PartialDate.parse("9998-12-31")).end == date(9998, 12, 31)


def test_the_last_day_orgsim_holds_reads_the_same_from_the_model_and_a_replay(cli, db):
    """(On 9999-12-31 the model's open intervals, which end that day, used to read as closed: 0 people.)"""
    assert (
        cli(
            "append", "departed", "sam-altman", "--on", "9998-12-31", "--source", "a far-off test", "--store", db
        ).exit_code
        == 0
    )
    for args in (
        ("show", "--at", "9998-12-31"),
        ("diff", "2024-10-15", "9998-12-31"),
        ("diff", "9998-12-31", "9998-12-30"),
    ):
        modelled = cli(*args, "--json", "--store", db)
        replayed = cli(*args, "--json", "--store", db, "--as-known-at", "2999-01-01")
        m, r = json.loads(modelled.stdout), json.loads(replayed.stdout)
        m.pop("as_known_at"), r.pop("as_known_at")
        assert m == r, args
    chart = json.loads(cli("show", "--at", "9998-12-31", "--json", "--store", db).stdout)
    assert len(chart["people"]) > 5 and "sam-altman" not in {p["id"] for p in chart["people"]}
    refused = cli("show", "--at", "9999-12-31", "--store", db)
    assert refused.exit_code != 0 and "up to 9998-12-31" in refused.stderr and refused.stdout == ""


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("2024", "2024"),
        ("2024-05", "2024-05"),
        ("2024-05-14", "2024-05-14"),
        ("[2023-11-21..2023-11-29]", "2023-11"),
        ("[2023-11-21..2023-12-02]", "2023"),
        ("[2023-12-30..2024-01-02]", None),
        ("..2023-11-16", None),
        ("2024-05-14..", None),
    ],
)
def test_the_prefix_date_of_a_partial_date_holds_every_day_it_may_mean(text, prefix):
    assert PartialDate.parse(text).prefix == prefix
