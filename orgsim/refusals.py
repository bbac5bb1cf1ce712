"""How the chart's rules say a fact is refused: one line naming the person, the day and the reason
(`refused`), or both facts whose order the dates cannot tell, with the days that would settle it
(`ambiguous`). The rules themselves are in `chart`; the error keeps the fact that broke them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from orgsim.errors import RuleError
from orgsim.facts import Fact

__all__ = ["ambiguous", "refused"]


def refused(fact: Fact, people: Mapping[str, dict[str, Any]], reason: str) -> RuleError:
    name = people.get(fact.person, {}).get("name", fact.person)
    err = RuleError(f"{name} ({fact.person}) {fact.on.dated}: {reason}")
    err.fact = fact  # which fact broke the timeline: lets the domain name a later stored event
    return err


def _days(first: date, last: date) -> str:
    if first == date.min or last == date.max:  # an open side: the bound it would be
        return f"..{last.isoformat()}" if first == date.min else f"{first.isoformat()}.."
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


def ambiguous(earlier: Any, fact: Fact, people: Mapping[str, dict[str, Any]]) -> RuleError:
    """Two facts of one person whose order matters and cannot be told from their dates: both named,
    and for the partly dated one the days it would have if it came after the other, or before."""
    name = people.get(fact.person, {}).get("name", fact.person)
    # the hint is for the partly dated one, an open bound first (its open side is what overlaps)
    vague_earlier = fact.on.precision == "day" or (earlier.on.bound is not None and fact.on.bound is None)
    vague, other = (earlier, fact) if vague_earlier else (fact, earlier)
    options = []
    if other.on.end < vague.on.end:
        options.append(f"{_days(other.on.end + timedelta(days=1), vague.on.end)} if it came after")
    if vague.on.earliest < other.on.earliest:  # (none before an open "on or before": it may be any day)
        options.append(f"{_days(vague.on.earliest, other.on.earliest - timedelta(days=1))} if before")
    hint = f" (event {vague.id}: {', '.join(options)})" if options else ""
    err = RuleError(
        f"{name} ({fact.person}): which came first cannot be told from the dates of event {earlier.id} "
        f"({earlier.kind}, {earlier.on.shown}) and event {fact.id} ({fact.kind}, {fact.on.shown}): give one of them a "
        f"more precise date, or a range of days that does not overlap the other's{hint}"
    )
    err.fact = fact  # (as `refused`)
    err.both = (earlier.id, fact.id)  # type: ignore[attr-defined]  # names both: nothing to add (`record.explained`)
    return err
