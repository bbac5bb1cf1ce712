"""Pure: a command's change as a value, before the rules check it — the fact a new change makes
(`new_fact`: its fields parsed and checked, its id) and the fields a correction leaves (`corrected_fields`).

The aggregate (`domain.Organisation`) calls these, then checks the result against its `Record`
through the rules and triggers the event. No I/O, no rules of the chart here.
"""

from __future__ import annotations

from typing import Any

from orgsim.dates import PartialDate, within_reach
from orgsim.errors import DuplicateFactError, RecordError, RuleError, UnknownPersonError
from orgsim.facts import KINDS, Fact, clean_sources, fact_id, hashed_sources
from orgsim.record import Record

__all__ = ["corrected_fields", "new_fact", "source_key"]

#: The fields a correction may set, and those each kind of fact has (besides its date and sources).
CORRECTABLE = {
    "on",
    "announced",
    "title",
    "manager",
    "destination",
    "until",
    "source",
    "also",
    "acting",
    "unit",
    "post",
}
_FITTING = {
    "appointed": {"title", "manager", "also", "acting", "unit"},
    "departed": {"destination", "post", "unit"},
    "on_leave": {"until"},
    "returned": {"title", "manager"},
    "reports_to": {"manager"},
}


def source_key(source: dict[str, str]) -> tuple:
    """A source as a value to compare (two sources are the same when all their parts are)."""
    return tuple(sorted(source.items()))


def new_fact(
    record: Record,
    organisation: str,
    seq: int,
    kind: str,
    person: str,
    on: str | PartialDate,
    *,
    title: str | None = None,
    manager: str | None = None,
    destination: str | None = None,
    until: str | PartialDate | None = None,
    announced: str | PartialDate | None = None,
    source: Any = None,
    also: bool = False,
    acting: bool = False,
    unit: str | None = None,
    post: str | None = None,
) -> Fact:
    """The fact a change makes at place `seq` of the organisation's log, its fields parsed and checked
    against the record's people (not yet against the rules); a fact already recorded is refused."""
    if kind not in KINDS:
        raise RecordError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    when = within_reach(PartialDate.parse(on))
    title = title.strip() or None if isinstance(title, str) else title  # "" means not reported
    end = within_reach(PartialDate.parse(until)) if until not in (None, "") else None
    told = within_reach(PartialDate.parse(announced)) if announced not in (None, "") else None
    people = record.people
    if person not in people:
        raise UnknownPersonError(f"unknown person {person!r} in {organisation}")
    if manager is not None and manager not in people:
        raise UnknownPersonError(f"unknown manager {manager!r} in {organisation}")
    if kind == "reports_to" and manager is None:
        raise RecordError("a reports_to change needs a manager")
    if end is not None and end.end < when.start:
        raise RuleError(f"{people[person]['name']} ({person}) {when.dated}: leave ends ({end.shown}) before it starts")
    post = post.strip() or None if isinstance(post, str) else post
    _check_post_fields(kind, title, destination, also, acting, unit, post)
    sources = clean_sources(source)
    if len(set(map(source_key, sources))) < len(sources):
        raise RecordError("the same source is given twice")
    fields: dict[str, Any] = {
        "title": title if kind in ("appointed", "returned") else None,
        "manager": manager if kind in ("appointed", "returned", "reports_to") else None,
        "destination": destination if kind == "departed" else None,
        "until": end if kind == "on_leave" else None,
        "also": also,
        "acting": acting,
        "unit": unit,
        "post": post,
    }
    # (posts' fields hashed only when set: the ids of facts without them stay as they were)
    details = {k: (str(v) if isinstance(v, PartialDate) else v) for k, v in fields.items() if v not in (None, False)}
    if told is not None:  # (hashed only when given: the ids of facts without it stay as they were)
        details["announced"] = str(told)
    fid = fact_id(kind, person, str(when), details, hashed_sources(sources))
    if record.has_fact(fid):
        raise DuplicateFactError(f"{people[person]['name']} ({person}) {when.dated}: already recorded as event {fid}")
    first, more = (sources[0], sources[1:]) if sources else ({}, ())
    return Fact(
        id=fid, kind=kind, person=person, on=when, source=first, seq=seq, more_sources=more, announced=told, **fields
    )


def _check_post_fields(
    kind: str,
    title: str | None,
    destination: str | None,
    also: bool,
    acting: bool,
    unit: str | None,
    post: str | None,
) -> None:
    """The posts' fields fit the kind: `also`, `acting` and `unit` an appointment's (`unit` also a
    departure from one post's), `post` a departure's, without a destination."""
    if kind != "appointed" and (also or acting):
        raise RecordError(f"only an appointment adds a post (--also) or names an acting holder (--acting), not {kind}")
    if kind == "appointed" and also and title is None:
        raise RecordError("--also adds a post: give its title", fields=("title",))
    if unit is not None and not (kind == "appointed" or (kind == "departed" and post is not None)):
        raise RecordError("a unit is the place of a post: give it with an appointment, or with --post on a departure")
    if post is not None and kind != "departed":
        raise RecordError(f"--post names the post a departure ends, not a post of {kind}")
    if post is not None and destination is not None:
        raise RecordError(
            "ending one post (--post) is not leaving the organisation: a destination (--to) is for leaving it",
            fields=("post", "destination"),
        )


def corrected_fields(target: Fact, changes: dict[str, Any]) -> dict[str, Any]:
    """The fields of the fact that corrects `target`: `changes` may set `on`, `announced`, `title`,
    `manager`, `destination`, `until`, `source` (every source: one, or a list; a key given with
    None clears that field) and the posts' `also`, `acting`, `unit`, `post`; the rest is kept, the sources included (those cited since too). A field
    the kind has not, or a correction that changes nothing, is refused."""
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise RecordError(f"cannot correct {', '.join(sorted(unknown))}")
    fields: dict[str, Any] = {
        "on": target.on,
        "announced": target.announced,
        "title": target.title,
        "manager": target.manager,
        "destination": target.destination,
        "until": target.until,
        "source": target.all_sources,  # (a corrected fact keeps every source, those cited since too)
        "also": target.also,  # (the posts' fields are kept too: a new date keeps a step-down one)
        "acting": target.acting,
        "unit": target.unit,
        "post": target.post,
    }
    fitting = _FITTING.get(target.kind, set()) | {"on", "announced", "source"}
    misfit = {k for k, v in changes.items() if v not in (None, False)} - fitting
    if misfit:
        article = "an" if target.kind[0] in "aeiou" else "a"
        raise RecordError(
            f"event {target.id} is {article} {target.kind} event: it has no {', '.join(sorted(misfit))} to correct"
        )
    changes = {k: v for k, v in changes.items() if k in fitting}
    if changes.get("on") is None:
        changes.pop("on", None)
    if "source" in changes:
        changes["source"] = clean_sources(changes["source"])
    for key in ("on", "until", "announced"):
        if changes.get(key) is not None:
            changes[key] = PartialDate.parse(changes[key])
    if all(fields[k] == v for k, v in changes.items()):
        changeable = tuple(k for k in ("on", "title", "manager", "destination", "until") if k in fitting)
        raise RecordError(f"the correction changes nothing in event {target.id}", fields=changeable)
    return {**fields, **changes}
