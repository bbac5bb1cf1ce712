from datetime import date

import pytest

from orgsim.dates import PartialDate, parse_day
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
