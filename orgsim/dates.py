"""Partial dates: a year, a month, a day, or some day in a closed range of days, as the news reports them.

A partial date takes effect from its first day (`start`) and is *open* (uncertain) on every day up
to its last day (`end`). Ordering is by first day; equal first days are ordered by the caller
(orgsim uses recording order).

A range is written `2023-11-21..2023-11-30` (or, as ISO 8601-2 / EDTF writes "one of a set",
`[2023-11-21..2023-11-30]`, its stored and exported form); EDTF's interval `a/b` means the whole
span, not some day in it, so it is not taken. Open bounds (`..2024-08-05`, `2024-05-14..`) are
refused: with no first day a change has no place in effective order, and with no last day it would
stay uncertain for ever.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from orgsim.errors import DateError

__all__ = ["LAST_YEAR", "PartialDate", "parse_day", "within_reach"]

#: The last year a date may have: the read model keeps 9999-12-31 for "still open".
LAST_YEAR = 9998

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_RANGE = re.compile(r"^\[?([^\[\]]*)\.\.([^\[\]]*?)\]?$")  # a..b or [a..b]; either end may be empty (refused)
_FORMS = "use YYYY, YYYY-MM, YYYY-MM-DD or a range of days YYYY-MM-DD..YYYY-MM-DD"
_PARSED: dict[str, PartialDate] = {}


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a year, a month, a day, or to some day from year-month-day to `last`."""

    year: int
    month: int | None = None
    day: int | None = None
    last: date | None = None  # a range's last day (its first is year-month-day)
    # `start` and the text, computed once: a fold of 200,000 facts asks for them millions of times
    _first: date = field(init=False, repr=False, compare=False)
    _text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_first", date(self.year, self.month or 1, self.day or 1))
        if self.last is not None:
            text = f"[{self._first.isoformat()}..{self.last.isoformat()}]"
        elif self.day is not None:
            text = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        elif self.month is not None:
            text = f"{self.year:04d}-{self.month:02d}"
        else:
            text = f"{self.year:04d}"
        object.__setattr__(self, "_text", text)

    @classmethod
    def parse(cls, text: object) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or a range `YYYY-MM-DD..YYYY-MM-DD` (also `[…]`);
        anything else raises DateError."""
        if isinstance(text, PartialDate):
            return text
        if isinstance(text, date):
            return cls(text.year, text.month, text.day)
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str):
            raise DateError(f"{text!r} is not a date: {_FORMS}")
        known = _PARSED.get(text)
        if known is not None:
            return known
        parsed = cls._parse(text)
        if len(_PARSED) < 100_000:  # dates repeat across a history: parse each text once
            _PARSED[text] = parsed
        return parsed

    @classmethod
    def _parse(cls, text: str) -> PartialDate:
        bounds = _RANGE.match(text.strip())
        if bounds:
            return cls._range(text, *(b.strip() for b in bounds.groups()))
        match = _PATTERN.match(text.strip())
        if not match:
            raise DateError(f"{text!r} is not a date: {_FORMS}")
        year_text, month_text, day_text = match.groups()  # the pattern: a day only after a month
        year = int(year_text)
        month = int(month_text) if month_text else None
        day = int(day_text) if day_text else None
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"{text!r} is not a date: month {month} does not exist")
        if month is not None and day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateError(f"{text!r} is not a date: {year}-{month:02d} has no day {day}")
        if year < 1:
            raise DateError(f"{text!r} is not a date: year must be 1 or later")
        return cls(year, month, day)

    @classmethod
    def _range(cls, text: str, first_text: str, last_text: str) -> PartialDate:
        if not first_text or not last_text:
            raise DateError(
                f"{text!r}: open bounds (on or before, on or after) are not supported yet: "
                "give a closed range of days, YYYY-MM-DD..YYYY-MM-DD"
            )
        try:
            first, last = cls._parse(first_text), cls._parse(last_text)
        except DateError as err:  # the day that is not one, named in the whole text
            raise DateError(f"{text!r} is not a date: {str(err).split(': ', 1)[-1]}") from None
        if first.precision != "day" or last.precision != "day":
            raise DateError(f"{text!r} is not a date: a range is two days, YYYY-MM-DD..YYYY-MM-DD")
        if last.start < first.start:
            raise DateError(f"{text!r} is not a date: its start ({first}) is after its end ({last})")
        if last.start == first.start:
            return first  # some day from d to d is d
        return cls(first.year, first.month, first.day, last.start)

    @property
    def precision(self) -> str:
        """`year`, `month`, `day` or `range`."""
        if self.last is not None:
            return "range"
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def start(self) -> date:
        """The first day the date may mean; the change takes effect from here."""
        return self._first

    @property
    def end(self) -> date:
        """The last day the date may mean."""
        if self.last is not None:
            return self.last
        if self.day is not None:
            return self.start
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    def is_open_on(self, day: date) -> bool:
        """True when `day` falls inside a partial range: the change may or may not have happened yet."""
        return self.precision != "day" and self.start <= day <= self.end

    def __str__(self) -> str:
        return self._text


Reachable = TypeVar("Reachable", "PartialDate", date)


def within_reach(when: Reachable, text: object = None) -> Reachable:
    """`when`, if orgsim can hold it: a date given as input (a new fact's, a day asked about) must be
    on or before 9998-12-31, as the read model keeps 9999-12-31 for "still open". Stored dates are not
    checked: a store written before this rule still reads, exports and retracts."""
    if (when.end if isinstance(when, PartialDate) else when).year > LAST_YEAR:
        shown = text if text is not None else str(when)
        raise DateError(f"{shown!r} is too far ahead: orgsim holds dates up to {LAST_YEAR}-12-31")
    return when


def parse_day(text: object) -> date:
    """Parse a day for `--at`: a partial date means its first day."""
    if isinstance(text, date):
        return text
    return PartialDate.parse(text).start
