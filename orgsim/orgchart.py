"""The chart's values: a person's row on a day, someone who had left by then, and the organisation on
that day (`OrgChart`). What `chart` computes and every renderer reads; no rules here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["Alumnus", "OrgChart", "Row"]


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

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "reports_to": self.reports_to,
            "uncertain": self.uncertain,
            "since": self.since,
            "leave_since": self.leave_since,
            "leave_until": self.leave_until,
            "events": list(self.events),
        }


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
class OrgChart:
    """The organisation on one day: its rows sorted by person id."""

    organisation: str
    at: date
    rows: tuple[Row, ...]
    alumni: tuple[Alumnus, ...] = ()

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
        }
