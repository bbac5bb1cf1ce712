"""Spans: each stretch of time a person held something in the organisation, from the fact that began it
to the one that ended it — their time in the organisation, each post, each reporting line, each leave.

What interchange formats that think in intervals (FollowTheMoney's occupancies, Popolo's memberships)
and `holders` read. Pure: a fold of a timeline's facts (`chart.ChartState`, the one rule set), read at
the end of each day a fact takes effect, so that a change and its undoing on the same day leave no
span, and a departure and a successor's appointment on the same day leave no gap. Only the people a
day's facts touch are compared (`ChartState.touches`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import groupby

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


def _ending(facts: list[Fact], span: Span) -> Fact:
    """The fact of the day that ended a span: the person's departure (from the post or the organisation),
    return from leave, new appointment or new line; a line's, else its manager's departure (a line to a
    leaver ends with them); else any fact of the person's that day."""
    mine = [f for f in facts if f.person == span.person]
    wanted = {
        SpanKind.MEMBER: ("departed",),
        SpanKind.POST: ("departed", "appointed"),
        SpanKind.LINE: ("reports_to", "appointed", "departed"),
        SpanKind.LEAVE: ("returned", "departed"),
    }[span.kind]
    for want in wanted:
        found = next((f for f in mine if f.kind == want and _may_end(f, span)), None)
        if found is not None:
            return found
    if span.kind is SpanKind.LINE:
        found = next((f for f in facts if f.person == span.manager and f.kind == "departed"), None)
        if found is not None:
            return found
    return (mine or facts)[-1]


def _may_end(fact: Fact, span: Span) -> bool:
    """Whether a fact of the kind a span looks for may be the one that ended it: a departure from one post
    ends only that post (stepping down as chair and quitting on one day: the quitting ends the rest), and
    an appointment ends a line only when it names a manager."""
    if fact.kind == "departed" and fact.post is not None:
        post = span.post
        return (
            post is not None
            and (post.title or "").casefold() == fact.post.casefold()
            and (fact.unit is None or (post.unit or "").casefold() == fact.unit.casefold())
        )
    return fact.kind != "appointed" or span.kind is not SpanKind.LINE or fact.manager is not None


def _beginning(facts: list[Fact], person: str, kind: SpanKind, post: Post | None) -> Fact:
    """The fact of the day that began a span: the appointment that gave the post, the fact that set the
    line or the leave, the joining; else the person's first fact that day."""
    mine = [f for f in facts if f.person == person] or facts
    if post is not None:
        return next((f for f in mine if f.id in post.events), mine[0])
    wanted = {
        SpanKind.MEMBER: ("appointed", "returned"),
        SpanKind.LINE: ("reports_to", "appointed", "returned"),
        SpanKind.LEAVE: ("on_leave",),
    }[kind]
    return next((f for want in wanted for f in mine if f.kind == want), mine[0])


def _days(timeline: Timeline) -> Iterator[tuple[list[Fact], ChartState, set[str]]]:
    """Each day a fact takes effect: its facts, the fold at the end of it, and who they touched."""
    fold = ChartState(timeline.people)
    for _day, group in groupby(timeline.effective(), key=lambda f: f.on.start):
        facts, touched = list(group), set()
        for fact in facts:
            touched |= fold.touches(fact)
            fold.apply(fact)
        yield facts, fold, touched


def spans(timeline: Timeline) -> list[Span]:
    """Every span of every person, in order of their start (and of the fact that began them)."""
    out: list[Span] = []
    open_: dict[str, dict[_Key, Span]] = {}
    for facts, fold, touched in _days(timeline):
        for person in sorted(touched):
            now = _held(fold.rows.get(person))
            mine = open_.setdefault(person, {})
            for key in [k for k in mine if k not in now]:
                span = mine.pop(key)
                span.end = _ending(facts, span)
                span.events.append(span.end.id)
            for key, (post, manager) in now.items():
                if key not in mine:
                    start = _beginning(facts, person, key[0], post)
                    mine[key] = Span(key[0], person, start, post=post, manager=manager, events=[start.id])
                    out.append(mine[key])
    return sorted(out, key=lambda s: s.start.order)
