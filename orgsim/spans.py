"""Spans: each stretch of time a person held something in the organisation, from the fact that began it
to the one that ended it — their time in the organisation, each post, each reporting line, each leave.

What interchange formats that think in intervals (FollowTheMoney's occupancies, Popolo's memberships)
and `holders` read. Pure: a fold of a timeline's facts (`chart.ChartState`, the one rule set), read
after each fact, in effective order, so that a span begins with the fact that made it so and ends with
the one that ended it (a departure from one post ends that post; quitting, the rest), and a stretch that
began and ended on one day is kept: someone who held a post on or before a day and left that day (Jan
Leike at OpenAI, 14 May 2024) held it, as `history` says. Only the people a fact touches are compared
(`ChartState.touches`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from orgsim.chart import ChartState, PersonState
from orgsim.facts import Fact, Timeline
from orgsim.orgchart import Post

__all__ = ["Span", "SpanKind", "spans"]


class SpanKind(StrEnum):
    MEMBER = "member"  # in the organisation (from joining, or a comeback, to a departure)
    POST = "post"  # holding a post (`Span.post`)
    LINE = "line"  # reporting to someone, or to a unit (`Span.manager`)
    LEAVE = "leave"  # on leave


@dataclass
class Span:
    """One stretch: begun by `start`, ended by `end` (None: still so on the last day the timeline knows);
    `events`, the facts behind it, in order (the start's, then the end's)."""

    kind: SpanKind
    person: str
    start: Fact
    end: Fact | None = None
    post: Post | None = None  # a POST span's post (its first appointment's `since` and events)
    manager: str | None = None  # a LINE span's manager
    events: list[str] = field(default_factory=list)


#: What a span is keyed by among one person's: their posts by title (without case), unit and acting.
_Key = tuple[SpanKind, str, str | None, bool]


def _held(state: PersonState | None) -> dict[_Key, tuple[Post | None, str | None]]:
    """What a person's state holds, each with its post or manager."""
    if state is None:
        return {}
    out: dict[_Key, tuple[Post | None, str | None]] = {(SpanKind.MEMBER, "", None, False): (None, None)}
    for post in state.posts:
        if post.title is not None:
            out[(SpanKind.POST, post.title.casefold(), post.unit, post.acting)] = (post, None)
    if state.reports_to is not None:
        out[(SpanKind.LINE, state.reports_to, None, False)] = (None, state.reports_to)
    if state.status == "on_leave":
        out[(SpanKind.LEAVE, "", None, False)] = (None, None)
    return out


def spans(timeline: Timeline) -> list[Span]:
    """Every span of every person, in order of their start (and of the fact that began them)."""
    out: list[Span] = []
    open_: dict[str, dict[_Key, Span]] = {}
    fold = ChartState(timeline.people)
    for fact in timeline.effective():
        touched = fold.touches(fact)
        fold.apply(fact)
        for person in sorted(touched):
            now = _held(fold.rows.get(person))
            mine = open_.setdefault(person, {})
            for key in [k for k in mine if k not in now]:
                span = mine.pop(key)
                span.end = fact
                span.events.append(fact.id)
            for key, (post, manager) in now.items():
                if key not in mine:
                    mine[key] = Span(key[0], person, fact, post=post, manager=manager, events=[fact.id])
                    out.append(mine[key])
    return sorted(out, key=lambda s: s.start.order)
