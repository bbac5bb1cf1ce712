"""Partial dates: a year, a month, a day, some day in a closed range of days, or a day known only on
one side (an open bound), as the news reports them.

A partial date takes effect from its first day (`start`) and is *open* (uncertain) on every day up
to its last day (`end`). Ordering is by first day; equal first days are ordered by the caller
(orgsim uses recording order).

A range is written `2023-11-21..2023-11-30` (or, as ISO 8601-2 / EDTF writes "one of a set",
`[2023-11-21..2023-11-30]`, its stored and exported form); EDTF's interval `a/b` means the whole
span, not some day in it, so it is not taken.

An open bound has one day, its end on the other side open (written with or without EDTF's brackets,
stored and exported with them):

- `..2024-08-05`, stored `[..2024-08-05]`, *on or before* that day: the change has certainly happened
  by then. With no first day it has no other place in effective order, so it counts from that day,
  the first day it is certain, like a change dated to it; nothing before it is guessed, and it is
  never open (uncertain).
- `2024-05-14..`, stored `[2024-05-14..]`, *on or after* that day: it counts from that day and is
  open on every day from it on (as a month is through its month), so the rows it touches stay
  uncertain.

For the ordering rule (`chart`), an open bound may mean any day on its open side (`earliest` to
`end`): before its day for `..D`, after it for `D..`. Text outputs show them as "on or before D" and
"on or after D" (`shown`); JSON keeps the stored form. The day of an open bound is a day
(`..2024-08` is refused: give `..2024-08-31`), so that every bound counts from a day it names.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from orgsim.errors import DateError

__all__ = [
    "LAST_YEAR",
    "ON_OR_AFTER",
    "ON_OR_BEFORE",
    "PartialDate",
    "asked_about",
    "parse_day",
    "shown",
    "within_reach",
]

#: The last year a date may have: the read model keeps 9999-12-31 for "still open".
LAST_YEAR = 9998
#: The precision (and `bound`) of an open bound: `..D`, on or before D; `D..`, on or after D.
ON_OR_BEFORE, ON_OR_AFTER = "on_or_before", "on_or_after"

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_RANGE = re.compile(r"^\[?([^\[\]]*)\.\.([^\[\]]*?)\]?$")  # a..b or [a..b]; either end may be empty (an open bound)
_FORMS = (
    "use YYYY, YYYY-MM, YYYY-MM-DD, a range of days YYYY-MM-DD..YYYY-MM-DD, "
    "..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after)"
)
_BOUND = "an open bound is one day, ..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after)"
_PARSED: dict[str, PartialDate] = {}


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a year, a month, a day, to some day from year-month-day to `last`, or to a day
    on one side of year-month-day (`bound`: on or before it, or on or after it)."""

    year: int
    month: int | None = None
    day: int | None = None
    last: date | None = None  # a range's last day (its first is year-month-day)
    bound: str | None = None  # an open bound (ON_OR_BEFORE, ON_OR_AFTER) of the day year-month-day
    # `start`, `end`, the open days and the text, computed once: a fold of 200,000 facts asks for them
    # millions of times
    _first: date = field(init=False, repr=False, compare=False)
    _end: date = field(init=False, repr=False, compare=False)
    _open: tuple[date, date] | None = field(init=False, repr=False, compare=False)
    _text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first = date(self.year, self.month or 1, self.day or 1)
        end, text = first, f"{self.year:04d}"
        if self.bound is not None and (self.day is None or self.last is not None or self.bound not in _BOUNDS):
            raise ValueError(f"an open bound ({self.bound!r}) is of one day")
        if self.bound == ON_OR_BEFORE:
            text = f"[..{first.isoformat()}]"
        elif self.bound == ON_OR_AFTER:
            end, text = date.max, f"[{first.isoformat()}..]"
        elif self.last is not None:
            end, text = self.last, f"[{first.isoformat()}..{self.last.isoformat()}]"
        elif self.day is not None:
            text = first.isoformat()
        elif self.month is not None:
            end, text = (
                date(self.year, self.month, calendar.monthrange(self.year, self.month)[1]),
                text + f"-{self.month:02d}",
            )
        else:
            end = date(self.year, 12, 31)
        object.__setattr__(self, "_first", first)
        object.__setattr__(self, "_end", end)
        open_days = None if self.bound == ON_OR_BEFORE or end == first else (first, end)
        object.__setattr__(self, "_open", open_days)
        object.__setattr__(self, "_text", text)

    @classmethod
    def parse(cls, text: object) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, a range `YYYY-MM-DD..YYYY-MM-DD` or an open bound
        `..YYYY-MM-DD`, `YYYY-MM-DD..` (each also in `[…]`); anything else raises DateError."""
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
        if not first_text and not last_text:
            raise DateError(f"{text!r} is not a date: {_BOUND}")
        try:
            first = cls._parse(first_text) if first_text else None
            last = cls._parse(last_text) if last_text else None
        except DateError as err:  # the day that is not one, named in the whole text
            raise DateError(f"{text!r} is not a date: {str(err).split(': ', 1)[-1]}") from None
        if first is None or last is None:  # an open bound: on or before `last`, or on or after `first`
            day = last if first is None else first
            assert day is not None  # (not both empty: refused above)
            if day.precision != "day":
                raise DateError(f"{text!r} is not a date: {_BOUND}")
            return cls(day.year, day.month, day.day, bound=ON_OR_BEFORE if first is None else ON_OR_AFTER)
        if first.precision != "day" or last.precision != "day":
            raise DateError(f"{text!r} is not a date: a range is two days, YYYY-MM-DD..YYYY-MM-DD")
        if last.start < first.start:
            raise DateError(f"{text!r} is not a date: its start ({first}) is after its end ({last})")
        if last.start == first.start:
            return first  # some day from d to d is d
        return cls(first.year, first.month, first.day, last.start)

    @property
    def precision(self) -> str:
        """`year`, `month`, `day`, `range`, `on_or_before` or `on_or_after`."""
        if self.bound is not None:
            return self.bound
        if self.last is not None:
            return "range"
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def start(self) -> date:
        """The first day the change counts from: the first day the date may mean, or an open bound's day."""
        return self._first

    @property
    def end(self) -> date:
        """The last day the date may mean (`date.max` for an open "on or after")."""
        return self._end

    @property
    def earliest(self) -> date:
        """The first day the date may mean: `start`, but `date.min` for an open "on or before" (it may be
        any day up to its day; the ordering rule reads this, the chart counts it from `start`)."""
        return date.min if self.bound == ON_OR_BEFORE else self._first

    @property
    def last_named(self) -> date:
        """The last day the text names: `end`, but an open "on or after" names only its first day."""
        return self._first if self.bound == ON_OR_AFTER else self._end

    @property
    def open_days(self) -> tuple[date, date] | None:
        """The first and last day the date is open (the change may or may not have happened yet), or
        None when it never is (a day; an open "on or before", certain from its day)."""
        return self._open

    def is_open_on(self, day: date) -> bool:
        """True when `day` falls inside a partial range: the change may or may not have happened yet."""
        open_days = self._open
        return open_days is not None and open_days[0] <= day <= open_days[1]

    @property
    def shown(self) -> str:
        """The date as text outputs show it: `on or before 2024-08-05`, `on or after 2024-05-14` for an
        open bound, else as stored (`2024-08`, `[2023-11-21..2023-11-30]`)."""
        if self.bound == ON_OR_BEFORE:
            return f"on or before {self._first.isoformat()}"
        if self.bound == ON_OR_AFTER:
            return f"on or after {self._first.isoformat()}"
        return self._text

    @property
    def prefix(self) -> str | None:
        """The most precise reduced ISO 8601 date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, the prefix dates of
        FollowTheMoney and Popolo) that holds every day this date may mean: a range's month or year
        (`[2023-11-21..2023-11-29]`: `2023-11`); None when no such date does (an open bound, a range
        across two years)."""
        if self.bound is not None:
            return None
        if self.last is None:
            return self._text
        first = self._first
        if (first.year, first.month) == (self.last.year, self.last.month):
            return f"{first.year:04d}-{first.month:02d}"
        return f"{first.year:04d}" if first.year == self.last.year else None

    @property
    def dated(self) -> str:
        """`on 2024-08`, as a sentence says when: an open bound says `on or before 2024-08-05` itself."""
        return self.shown if self.bound is not None else f"on {self._text}"

    def __str__(self) -> str:
        return self._text


_BOUNDS = (ON_OR_BEFORE, ON_OR_AFTER)
Reachable = TypeVar("Reachable", "PartialDate", date)


def within_reach(when: Reachable, text: object = None) -> Reachable:
    """`when`, if orgsim can hold it: a date given as input (a new fact's, a day asked about) must be
    on or before 9998-12-31, as the read model keeps 9999-12-31 for "still open" (an open "on or after"
    by its day). Stored dates are not checked: a store written before this rule still reads, exports
    and retracts."""
    if (when.last_named if isinstance(when, PartialDate) else when).year > LAST_YEAR:
        shown = text if text is not None else str(when)
        raise DateError(f"{shown!r} is too far ahead: orgsim holds dates up to {LAST_YEAR}-12-31")
    return when


def shown(text: str) -> str:
    """A stored date's text (a row's `since`, an alumnus's `departed_on`) as text outputs show it
    (`PartialDate.shown`)."""
    return PartialDate.parse(text).shown if text.endswith("]") and ".." in text else text


def asked_about(text: object) -> PartialDate:
    """A date asked about (`--at`, `--from`, `--to`): any form but an open bound, which names no
    range to ask about."""
    when = PartialDate.parse(text)
    if when.bound is not None:
        raise DateError(
            f"{text!r} is an open bound: a date asked about is YYYY, YYYY-MM, YYYY-MM-DD or a range of days "
            "YYYY-MM-DD..YYYY-MM-DD"
        )
    return when


def parse_day(text: object) -> date:
    """Parse a day for `--at`: a partial date means its first day (an open bound is refused)."""
    if isinstance(text, date):
        return text
    return asked_about(text).start
