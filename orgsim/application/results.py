"""The values the use cases return: what a comparison found (`Compared`), what a command recorded
(`Recorded`), what a retraction or correction changed (`Amendment`), what a load added (`LoadReport`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from orgsim.chart import OrgChart
from orgsim.diff import ChartDiff
from orgsim.facts import Citation, Fact, Retraction, Timeline

__all__ = ["Amendment", "Compared", "Corroboration", "LoadReport", "Recorded"]


@dataclass(frozen=True)
class Compared:
    """What changed between two days: the diff, the facts its changes cite (id → Fact), the names of
    the managers its rows name that are not among them, and (for a picture) the timeline."""

    diff: ChartDiff
    facts: Mapping[str, Fact]
    names: Mapping[str, str]
    timeline: Timeline | None = None


@dataclass(frozen=True)
class Recorded:
    """What one command did (or, on a dry run, would do): the fact and the charts on its day (on the
    read model's fast path, only the part of them the change touches: its people and their managers)."""

    fact: Fact
    before: OrgChart
    after: OrgChart
    stored: bool
    facts: Mapping[str, Fact] = field(default_factory=dict)  # the facts that count by id, the new one included
    known_from: str | None = None  # the organisation its person was copied from, when new here and known there


@dataclass(frozen=True)
class Amendment:
    """What `retract` or `correct` did (or, on a dry run, would do): the retraction, the fact withdrawn
    (`target`), the corrected fact (None for a retraction), and the whole chart before and after on
    each day concerned (the withdrawn fact's first day, and the corrected one's), with the facts that
    explain the changes (`diff.diff` of each pair with `facts`)."""

    retraction: Retraction
    target: Fact
    fact: Fact | None
    effects: tuple[tuple[date, OrgChart, OrgChart], ...]
    facts: Mapping[str, Fact]
    stored: bool


@dataclass(frozen=True)
class Corroboration:
    """What `cite` did (or, on a dry run, would do): the citation, and the fact with every source it now has."""

    citation: Citation
    fact: Fact
    stored: bool
    names: Mapping[str, str] = field(default_factory=dict)  # the display names of its person and manager


@dataclass(frozen=True)
class LoadReport:
    organisation: str
    people_added: int
    events_added: int
    events_already_stored: int
    known_from: Mapping[str, int] = field(default_factory=dict)  # of the people added, how many copied from where
