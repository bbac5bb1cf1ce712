"""Pure: the frames of a timeline — which days to draw, and which events took effect between them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from orgsim.errors import OrgsimError
from orgsim.facts import Fact, Timeline

__all__ = ["EVERY", "Frame", "frame_days", "frames"]

EVERY = ("day", "week", "month", "changes")


@dataclass(frozen=True)
class Frame:
    day: date
    events: tuple[Fact, ...]  # effective after the previous frame's day, up to and including this one


def _add_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def frame_days(timeline: Timeline, start: date | None, end: date | None, every: str = "changes") -> list[date]:
    """The days to draw. `changes`: the first day, each day a change took effect, and the last day."""
    if every not in EVERY:
        raise OrgsimError(
            f"a frame every {every!r}: use one of day, week, month (or one at each change)", fields=("every",)
        )
    effective = timeline.effective()
    if not effective and (start is None or end is None):
        raise OrgsimError("the organisation has no events to draw")
    start = start or effective[0].on.start
    end = end or max(f.on.start for f in effective)
    if end < start:
        raise OrgsimError(f"the last day {end} is before the first {start}", fields=("from", "to"))
    if every == "changes":
        return sorted({start, end} | {f.on.start for f in effective if start < f.on.start <= end})
    step: Callable[[date], date] = {
        "day": lambda d: d + timedelta(days=1),
        "week": lambda d: d + timedelta(days=7),
        "month": _add_month,
    }[every]
    days: list[date] = []
    d = start
    while d <= end:
        days.append(d)
        d = step(d)
        if len(days) > 2000:
            raise OrgsimError(
                "more than 2000 frames: choose fewer frames or a shorter range", fields=("every", "from", "to")
            )
    return days


def frames(timeline: Timeline, days: list[date]) -> list[Frame]:
    """Each day with the events that took effect since the previous frame (the first: on that day)."""
    effective = timeline.effective()
    out: list[Frame] = []
    previous: date | None = None
    for day in days:
        low = previous  # the first frame: that day's own events
        events = tuple(f for f in effective if (f.on.start == day if low is None else low < f.on.start <= day))
        out.append(Frame(day, events))
        previous = day
    return out
