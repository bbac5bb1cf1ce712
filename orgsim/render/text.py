"""A chart as an indented tree, and a diff as grouped lines, for a terminal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from orgsim.chart import OrgChart, Row
from orgsim.dates import shown
from orgsim.diff import CHANGE_KINDS, ChartDiff
from orgsim.facts import Fact
from orgsim.orgchart import seated_in, shown_title
from orgsim.render.style import leave_until

__all__ = [
    "chart_tree",
    "diff_blocks",
    "diff_heading",
    "diff_sections",
    "diff_text",
    "row_label",
    "source_line",
    "when",
]


def row_label(row: Row, at: date | None = None) -> str:
    title = shown_title(row)
    label = f"{row.name} — {title}  [{row.id}]"
    if row.status == "on_leave":
        label += f"  (on leave since {shown(row.leave_since or '')}" + (
            f", {leave_until(row, at)})" if row.leave_until else ")"
        )
    if row.uncertain:
        label += "  *"
    return label


def chart_tree(chart: OrgChart) -> str:
    """Managers at the top with their reports below; people with no reported line listed apart."""
    reports: dict[str, list[Row]] = {}
    for row in chart.rows:
        if row.reports_to is not None:
            reports.setdefault(row.reports_to, []).append(row)
    tops = [r for r in chart.rows if r.reports_to is None and r.id in reports]
    # (someone only a unit's member, with no reports, is named on the unit's line)
    loose = [r for r in chart.rows if r.reports_to is None and r.id not in reports and seated_in(r) is None]
    n = len(chart.rows)
    lines = [f"{chart.organisation} on {chart.at.isoformat()} — {n} {'person' if n == 1 else 'people'}"]

    def walk(row: Row, prefix: str, last: bool) -> None:
        lines.append(prefix + ("└── " if last else "├── ") + row_label(row, chart.at))
        kids = reports.get(row.id, [])
        for i, kid in enumerate(kids):
            walk(kid, prefix + ("    " if last else "│   "), i == len(kids) - 1)

    rows = {r.id: r for r in chart.rows}
    for unit in chart.units:  # a unit first (the board), its members named, the people who report to it below
        members = ", ".join(
            f"{rows[p].name} ({post}){' *' if rows[p].uncertain else ''}" for p, post in unit.members if p in rows
        )
        lines.append(f"{unit.name} (unit){' — ' + members if members else ''}  [{unit.id}]")
        kids = reports.get(unit.id, [])
        for i, kid in enumerate(kids):
            walk(kid, "", i == len(kids) - 1)
    for top in tops:
        lines.append(row_label(top, chart.at))
        kids = reports.get(top.id, [])
        for i, kid in enumerate(kids):
            walk(kid, "", i == len(kids) - 1)
    if loose:
        lines.append("Reporting line not reported:")
        lines.extend("  " + row_label(r, chart.at) for r in loose)
    open_departures = [a for a in chart.alumni if a.uncertain]
    if open_departures:  # gone from the tree, but the date is only a month or year still open today
        lines.append(
            "Left, on a date known only within bounds (may still be here): "
            + ", ".join(f"{a.name} ({shown(a.departed_on)})" for a in open_departures)
        )
    if any(r.uncertain for r in chart.rows):
        lines.append(
            "* a change on this row has a date known only within bounds (a month, a year, a range of days), still open on this day"
        )
    return "\n".join(lines)


# --- a diff as text ----------------------------------------------------------------------------

_HEADINGS = {
    "left": "Left",
    "joined": "Joined",
    "rejoined": "Rejoined",
    "on_leave": "On leave",
    "returned": "Returned",
    "title_changed": "New title",
    "manager_changed": "New manager",
}
#: Two timelines on one day (a retraction's or correction's preview): nobody left or joined in between,
#: a person is in the organisation that day in one and not in the other.
_SAME_DAY_HEADINGS = {
    **_HEADINGS,
    "left": "No longer in the organisation that day",
    "joined": "Now in the organisation that day",
}


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def when(fact: Fact) -> str:
    """`on 2024-09-25`, or `between 2024-08-01 and 2024-08-31` for a date known to its month, its year
    or a range of days, or `on or before 2024-08-05` (`on or after …`) for an open bound."""
    on = fact.on
    if on.precision == "day":
        return f"on {on}"
    if on.bound is not None:
        return on.shown
    return f"between {on.start.isoformat()} and {on.end.isoformat()}"


def source_line(fact: Fact) -> str:
    """Where a fact comes from: its first source's document (or URL) and a short quote, else the note
    (and how many other sources it has)."""
    sources = fact.all_sources
    src = sources[0] if sources else {}
    where = src.get("document") or src.get("url") or ""
    said = f"“{_excerpt(src['quote'])}”" if src.get("quote") else (_excerpt(src["note"]) if src.get("note") else "")
    text = " ".join(part for part in (where, said) if part) or "no source recorded"
    more = f" (+{len(sources) - 1} more source{'s' if len(sources) > 2 else ''})" if len(sources) > 1 else ""
    return f"source: {text}{more}  [event {fact.id}]"


def _names(d: ChartDiff) -> dict[str, str]:
    names: dict[str, str] = {}
    for chart in (d.from_chart, d.to_chart):
        names.update({a.id: a.name for a in chart.alumni})
        names.update({r.id: r.name for r in chart.rows})
    return names


def _state(
    row: Row | None,
    change: str,
    names: dict[str, str],
    facts: Mapping[str, Fact],
    events,
    same_day: bool = False,
    at: date | None = None,
) -> str:
    """A row's state as a diff line says it on day `at`, for one kind of change."""
    if row is None:
        if change == "left" and not same_day:
            dest = [
                facts[e].destination
                for e in events
                if e in facts and facts[e].kind == "departed" and facts[e].destination
            ]
            return "left" + (f" → {dest[0]}" if dest else "")
        return "not in the organisation"
    if change in ("on_leave", "returned"):
        if row.status == "on_leave":
            return "on leave" + (f" ({leave_until(row, at)})" if row.leave_until else "")
        return "active"
    if change == "manager_changed":
        return (
            f"reports to {names.get(row.reports_to, row.reports_to)}"
            if row.reports_to
            else "reporting line not reported"
        )
    title = shown_title(row)
    if change in ("left", "joined", "rejoined"):
        if row.reports_to:
            title += f", reporting to {names.get(row.reports_to, row.reports_to)}"
        if row.status == "on_leave":  # (their whole state: joining and going on leave in between is one change)
            title += ", on leave" + (f" ({leave_until(row, at)})" if row.leave_until else "")
    return title


def diff_blocks(
    d: ChartDiff, facts: Mapping[str, Fact], names: Mapping[str, str] | None = None, two_timelines: bool = False
) -> dict[str, list[tuple[str, str]]]:
    """Each change's text (its line, then its source lines) with its person, by kind, in the diff's
    order. `names`: display names of the managers the rows name that are not in the charts (the read
    model's part charts); the charts' own rows and alumni name the rest."""
    known_names = _names(d)
    if names:
        known_names = {**names, **known_names}
    same_day = two_timelines and d.from_chart.at == d.to_chart.at
    late = max(d.from_chart.at, d.to_chart.at)
    span = (
        d.from_chart.at != d.to_chart.at
    )  # (one day under two timelines, e.g. append's preview: no span to fall short of)
    undoing = (
        "undoing the change " if d.from_chart.at > d.to_chart.at else ""
    )  # (a reverse diff: "joined" undoes a departure, "left" a comeback)
    blocks: dict[str, list[tuple[str, str]]] = {}
    for kind, changes in d.by_kind().items():
        out = blocks[kind] = []
        for c in changes:  # (written for speed: a year of a 10,000-person organisation is 12,000 changes)
            known = [facts[e] for e in c.events if e in facts]
            if len(known) == 1:
                dates = when(known[0])
            else:
                dates = "; ".join(dict.fromkeys([when(f) for f in known])) or "date not recorded"
            before = _state(c.before, c.change, known_names, facts, c.events, same_day, d.from_chart.at)
            after = _state(c.after, c.change, known_names, facts, c.events, same_day, d.to_chart.at)
            when_ = (
                "" if same_day and not known else f", {undoing if known else ''}{dates}"
            )  # (a start moved past that day: no date of its own)
            if span and any(f.on.is_open_on(late) for f in known):
                when_ += f" (may not have happened yet on {late.isoformat()})"  # as `show` says of that day
            lines = [f"  {c.name} [{c.person}]: {before} → {after}{when_}"]
            lines += ["      " + source_line(f) for f in known]
            if len(known) != len(c.events):
                lines += [f"      event {e} (not in this timeline)" for e in c.events if e not in facts]
            out.append((c.person, "\n".join(lines)))
    return blocks


def diff_heading(organisation: str, a: date, b: date, count: int) -> str:
    """`OpenAI: 3 changes from 2024-01-01 to 2024-10-15` (and a word when FROM is later than TO)."""
    heading = f"{organisation}: {count} change{'s' if count != 1 else ''} from {a.isoformat()} to {b.isoformat()}"
    return heading + (" (backwards: FROM is later than TO)" if a > b else "")


def diff_sections(heading: str, blocks: Mapping[str, list[tuple[str, str]]], same_day: bool = False) -> str:
    """The heading, then each kind's heading with its count and its changes' blocks (`diff_blocks`)."""
    if not any(blocks.values()):
        return f"{heading}\nNo changes."
    headings = _SAME_DAY_HEADINGS if same_day else _HEADINGS
    lines = [heading]
    for kind in CHANGE_KINDS:
        found = blocks.get(kind)
        if found:
            lines += ["", f"{headings[kind]} ({len(found)})"]
            lines += [block for _, block in found]
    return "\n".join(lines)


def diff_text(
    d: ChartDiff,
    facts: Mapping[str, Fact],
    heading: str | None = None,
    two_timelines: bool = False,
    names: Mapping[str, str] | None = None,
) -> str:
    """Changes grouped by kind; each names the person, before → after, the dates and the sources of its
    events. `two_timelines`: the charts are one day under two timelines (a retraction's or correction's
    preview), so a person is in or out of the organisation that day rather than leaving or joining."""
    a, b = d.from_chart.at, d.to_chart.at
    if heading is None:
        heading = diff_heading(d.organisation, a, b, len(d.changes))
    return diff_sections(heading, diff_blocks(d, facts, names, two_timelines), two_timelines and a == b)
