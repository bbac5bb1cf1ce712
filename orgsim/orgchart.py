"""The chart's values: a person's row on a day, someone who had left by then, and the organisation on
that day (`OrgChart`). What `chart` computes and every renderer reads; no rules here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = [
    "Alumnus",
    "OrgChart",
    "Post",
    "Row",
    "Unit",
    "posts_title",
    "seated_in",
    "shown_title",
    "unit_names",
    "units_on",
]


@dataclass(frozen=True, slots=True)
class Post:
    """One post a person holds: its title (None: not reported), whether they hold it as an acting or
    interim holder, the unit of the organisation it sits in (its name, e.g. "Board of Directors"),
    since when, and the facts behind it."""

    title: str | None
    acting: bool = False
    unit: str | None = None
    since: str = ""
    events: tuple[str, ...] = ()

    def text(self) -> str:
        """The post as a person would write it: `acting CEO`, `Chair (Board of Directors)`."""
        text = self.title or "title not reported"
        if self.acting:
            text = f"acting {text}"
        return f"{text} ({self.unit})" if self.unit else text

    def same_post(self, title: str | None, unit: str | None, any_unit: bool = False) -> bool:
        """Whether this is the post of that title in that unit (titles compared without case; with
        `any_unit` and no unit given, in whichever unit)."""
        if (self.title or "").casefold() != (title or "").casefold():
            return False
        return (any_unit and unit is None) or (self.unit or "") == (unit or "")

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "acting": self.acting,
            "unit": self.unit,
            "since": self.since,
            "events": list(self.events),
        }


def posts_title(posts: tuple[Post, ...]) -> str | None:
    """The posts joined as a person would write them (`CTO and acting CEO`; `A, B and C`); None for one
    post whose title is not reported, or for no post."""
    if len(posts) == 1:
        one = posts[0]
        return None if one.title is None and not one.acting and one.unit is None else one.text()
    if not posts:
        return None
    texts = [p.text() for p in posts]
    return ", ".join(texts[:-1]) + " and " + texts[-1]


@dataclass(frozen=True)
class Row:
    """One person in the organisation on the chart's date."""

    id: str
    name: str
    title: str | None
    status: str  # "active" | "on_leave"
    reports_to: str | None  # None: no reporting line reported (never guessed)
    uncertain: bool = False
    since: str | None = None  # effective date of the (last) joining
    leave_since: str | None = None
    leave_until: str | None = None
    events: tuple[str, ...] = ()  # ids of the facts behind this row, in effective order
    #: The posts they hold (`title` joins them); none: every post ended, still in the organisation.
    posts: tuple[Post, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "posts": [p.as_json() for p in self.posts],
            "status": self.status,
            "reports_to": self.reports_to,
            "uncertain": self.uncertain,
            "since": self.since,
            "leave_since": self.leave_since,
            "leave_until": self.leave_until,
            "events": list(self.events),
        }


def seated_in(row: Row) -> str | None:
    """The unit whose member someone only is (every post of theirs sits in it) when they report to no
    one (an outside director): shown with their unit, not among people with no reported line."""
    units = {p.unit for p in row.posts}
    if row.reports_to is not None or len(units) != 1 or None in units:
        return None
    return units.pop()


def shown_title(row: Row) -> str:
    """What a row's box says of its posts: their title, "title not reported", or "no post"."""
    if row.title is not None:
        return row.title
    return "no post" if not row.posts else "title not reported"


@dataclass(frozen=True)
class Alumnus:
    """Someone who had left by the chart's date."""

    id: str
    name: str
    title: str | None
    departed_on: str
    destination: str | None
    uncertain: bool
    event: str


@dataclass(frozen=True)
class Unit:
    """A unit of the organisation on the chart's day (its board): a box of its own, with the posts held
    in it (`members`: person id and post) and the people who report to it (their rows say so)."""

    id: str
    name: str
    members: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "members": [{"person": p, "post": t} for p, t in self.members]}


def unit_names(people: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The units of a register, id → name (the entries flagged `unit`)."""
    return {pid: p["name"] for pid, p in people.items() if p.get("unit")}


def units_on(rows: Iterable[Row], units: Mapping[str, str]) -> tuple[Unit, ...]:
    """The units a day's rows name, as managers or as the place of a post, sorted by id (`units`: the
    register's units, id → name)."""
    if not units:
        return ()
    members: dict[str, list[tuple[str, str]]] = {}
    managers: set[str] = set()
    for r in rows:
        if r.reports_to is not None and r.reports_to in units:
            managers.add(r.reports_to)
        for p in r.posts:
            if p.unit is not None:
                members.setdefault(p.unit, []).append((r.id, Post(p.title, p.acting).text()))
    by_name = {name: uid for uid, name in units.items()}
    ids = managers | {by_name[name] for name in members if name in by_name}
    return tuple(Unit(uid, units[uid], tuple(sorted(members.get(units[uid], ())))) for uid in sorted(ids))


@dataclass(frozen=True)
class OrgChart:
    """The organisation on one day: its rows sorted by person id."""

    organisation: str
    at: date
    rows: tuple[Row, ...]
    alumni: tuple[Alumnus, ...] = ()
    units: tuple[Unit, ...] = ()  # the units its rows name (`units_on`)

    def row(self, person: str) -> Row | None:
        for r in self.rows:
            if r.id == person:
                return r
        return None

    def ids(self) -> set[str]:
        return {r.id for r in self.rows}

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "at": self.at.isoformat(),
            "people": [r.as_json() for r in self.rows],
            "units": [u.as_json() for u in self.units],
        }
