"""What a picture of the chart shows, decided once for every format (pure: no Graphviz, no I/O).

`drawing()` takes the layout (`render.layout`: who is drawn, which lines, what folds) and gives
every box its text and the events and quotes behind it, the groups drawn apart, the panel below and
the small print. The writers — DOT (`render.dot`), Mermaid (`render.mermaid`), GraphML
(`render.graphml`) — only say it in their own syntax, so every format shows the same people and lines.

Everything is in sorted order; box ids are person and unit ids (folded boxes: `_below_<id>`,
`_more_<id>`, `_unreported_more`).
"""

from __future__ import annotations

from dataclasses import dataclass

from orgsim import dates
from orgsim.chart import OrgChart, Row
from orgsim.facts import Timeline
from orgsim.orgchart import shown_title
from orgsim.render.layout import MAX_NODES, MAX_REPORTS, Layout, layout
from orgsim.render.provenance import event_lines, footer_lines
from orgsim.render.style import UNREPORTED, display_name, grid, person_lines

__all__ = ["LEGEND", "LEGEND_CAPTION", "LEGEND_UNIT", "Box", "Drawing", "Group", "Line", "Panel", "drawing"]

#: The legend's caption and its samples: (the kind of box it shows, its lines).
LEGEND_CAPTION = "Legend — a line joins a manager (above) to a report; only reported lines are drawn"
LEGEND: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("active", ("Name", "Title")),
    ("leave", ("On leave", "since … until …")),
    ("uncertain", ("date partly known:", "a month, a year or a range", "of days, still open")),
    ("more", ("N more reports", "(folded to stay readable)")),
)
LEGEND_UNIT = ("unit", ("A unit (the board):", "who reports to it below"))


@dataclass(frozen=True)
class Box:
    """One box: a person, a unit, or a stand-in for people folded away (`kind`: person, unit, fold)."""

    id: str
    kind: str
    lines: tuple[str, ...]  # what the box says, line by line
    tooltip: tuple[str, ...]  # who it is and the events behind it, each with its sources (or who is folded)
    sources: tuple[str, ...] = ()  # a person's events, each with its quote, document, web address and note
    name: str = ""  # the person's or unit's name as drawn (empty for a fold)
    posts: tuple[str, ...] = ()  # a person's title line; a unit's posts ("Name — post")
    on_leave: bool = False
    uncertain: bool = False
    events: tuple[str, ...] = ()  # the facts behind a person's row
    hidden: tuple[str, ...] = ()  # a fold's people, not drawn


@dataclass(frozen=True)
class Line:
    """A line from `top` to `bottom`: a reported line to a report (`reports`), or to a folded box (`fold`)."""

    top: str
    bottom: str
    kind: str
    tooltip: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # the event that reported the line, with its sources


@dataclass(frozen=True)
class Group:
    """Boxes drawn apart, unconnected, in rows: a unit's members, or the people with no reported line."""

    key: str  # stable: `unit_0`, `unit_1`… in the units' order, or `unreported`
    title: str
    rows: tuple[tuple[str, ...], ...]

    @property
    def members(self) -> list[str]:
        return [m for row in self.rows for m in row]


@dataclass(frozen=True)
class Panel:
    """Text below the chart: the alumni (`alumni`), or who left on a date still open (`left_open`)."""

    key: str
    lines: tuple[str, ...]
    tooltip: tuple[str, ...]


@dataclass(frozen=True)
class Drawing:
    """Everything a picture of the chart shows, in the order it is drawn."""

    title: tuple[str, ...]
    boxes: dict[str, Box]  # every box, by id
    trees: tuple[str, ...]  # the boxes of the trees (not their folded boxes), sorted
    lines: tuple[Line, ...]  # the reported lines (sorted), then the lines to folded boxes
    groups: tuple[Group, ...]  # the units' members (by unit name), then the people with no reported line
    legend: tuple[tuple[str, tuple[str, ...]], ...]
    legend_caption: str
    panel: Panel | None
    footer: tuple[str, ...]
    anchor: str | None  # the trees' lowest level's middle box: what the bands below hang from

    def people(self) -> list[str]:
        """The ids of every person's box, sorted."""
        return sorted(b.id for b in self.boxes.values() if b.kind == "person")


def _boxes(lay: Layout) -> int:
    """How many boxes a layout draws: people, "N more"/"N below" boxes and the not-reported group."""
    seated = sum(len(members) for members in lay.seated.values())
    return len(lay.drawn) + len(lay.folded) + len(lay.unreported) + bool(lay.unreported_hidden) + seated


def _subtree(chart: OrgChart, top: Row) -> list[Row]:
    kids: dict[str, list[Row]] = {}
    for r in chart.rows:
        if r.reports_to is not None:
            kids.setdefault(r.reports_to, []).append(r)
    out: list[Row] = []
    stack = [top]
    while stack:
        row = stack.pop()
        out.append(row)
        stack.extend(kids.get(row.id, ()))
    return out


def _title(
    chart: OrgChart, timeline: Timeline, lay: Layout, root: str | None, depth: int | None, lang: str
) -> tuple[str, str]:
    first = f"{chart.organisation} on {chart.at.isoformat()}"
    if root is not None:
        first += f" — {display_name(root, lay.rows[root].name, timeline.people, lang)} and their reports"
    if depth is not None:
        first += f", {depth} level{'s' if depth != 1 else ''} below the top" if depth else ", top only"
    rows = list(chart.rows) if root is None else _subtree(chart, lay.rows[root])
    on_leave = sum(r.status == "on_leave" for r in rows)
    if root is None:
        second = f"{len(rows)} people in the organisation"
    else:
        second = f"{len(rows)} of the organisation's {len(chart.rows)} people"
    if on_leave:
        second += f" · {on_leave} on leave"
    if root is None:
        second += f" · {len(lay.unreported) + len(lay.unreported_hidden)} with no reported reporting line"
    return first, second


def _more_label(why: str, hidden: list[str], total: int, noun: str = "reports") -> tuple[str, ...]:
    first = f"{len(hidden)} {noun} below" if why == "below" else f"+{len(hidden)} more {noun}"
    return (first,) + ((f"({total} people in all)",) if total != len(hidden) else ())


def _names_tooltip(ids: list[str], names: dict[str, str], limit: int = 40) -> tuple[str, ...]:
    shown = [names[i] for i in ids[:limit]] + ([f"… and {len(ids) - limit} more"] if len(ids) > limit else [])
    return ("Not drawn here:", *shown)


def _fitted_layout(
    chart: OrgChart, root: str | None, depth: int | None, max_reports: int | None
) -> tuple[Layout, int | None]:
    """The layout asked for and its depth; with no depth and too many boxes to read, the levels that fit."""
    lay = layout(chart, root, depth, max_reports)
    if depth is None and _boxes(lay) > MAX_NODES:
        fits = 0
        while fits < 64 and _boxes(layout(chart, root, fits + 1, max_reports)) <= MAX_NODES:
            fits += 1
        return layout(chart, root, fits, max_reports), fits
    return lay, depth


def drawing(
    chart: OrgChart,
    timeline: Timeline,
    *,
    root: str | None = None,
    depth: int | None = None,
    lang: str = "en",
    alumni: bool = False,
    max_reports: int | None = MAX_REPORTS,
) -> Drawing:
    """What the picture of `chart` shows: `root`'s part or the whole, `depth` levels, names in `lang`,
    the alumni panel when asked (else who left on a date still open), every box's sources."""
    facts = timeline.fact_map()
    lay, depth = _fitted_layout(chart, root, depth, max_reports)
    names = {r.id: display_name(r.id, r.name, timeline.people, lang) for r in chart.rows}
    units = {u.id: u for u in chart.units}
    names.update((u.id, display_name(u.id, u.name, timeline.people, lang)) for u in chart.units)
    boxes: dict[str, Box] = {}
    cited: list[str] = []

    def person(pid: str) -> None:
        if pid in units:  # a unit's box: its name, and the posts held in it (its members only, drawn apart)
            unit = units[pid]
            apart = set(lay.seated.get(unit.name, ()))
            members = [f"{names.get(p, p)} — {post}" for p, post in unit.members]
            shown = tuple(f"{names.get(p, p)} — {post}" for p, post in unit.members if p not in apart)
            boxes[pid] = Box(
                pid,
                "unit",
                (names[pid], "(unit of the organisation)", *shown),
                (f"{names[pid]} ({pid}): a unit", *members),
                name=names[pid],
                posts=shown,
            )
            return
        row = lay.rows[pid]
        cited.extend(row.events)
        title = row.title or f"({shown_title(row)})"
        sources = tuple(event_lines(row.events, facts, timeline))
        boxes[pid] = Box(
            pid,
            "person",
            tuple(person_lines(row, names[pid], chart.at)),
            (f"{names[pid]} ({pid})", title, "", *sources),
            sources=sources,
            name=names[pid],
            posts=(title,),
            on_leave=row.status == "on_leave",
            uncertain=row.uncertain,
            events=row.events,
        )

    for pid in lay.drawn:
        person(pid)
    lines: list[Line] = []
    for manager, report in lay.edges:
        said = [f for f in (facts.get(e) for e in lay.rows[report].events) if f and f.manager == manager]
        behind = [said[-1].id] if said else []
        sources = tuple(event_lines(behind, facts, timeline))
        tip = (f"{names[report]} reports to {names[manager]}", "", *sources)
        lines.append(Line(manager, report, "reports", tip, sources))
    for parent, why, hidden, total in lay.folded:
        fold = f"_{why}_{parent}"
        boxes[fold] = Box(
            fold, "fold", _more_label(why, hidden, total), _names_tooltip(hidden, names), hidden=tuple(hidden)
        )
        lines.append(Line(parent, fold, "fold"))

    groups: list[Group] = []
    for n, (unit_name, members) in enumerate(sorted(lay.seated.items())):  # each unit's members, a group apart
        for pid in members:
            person(pid)
        groups.append(Group(f"unit_{n}", f"{unit_name}: members", tuple(map(tuple, grid(members)))))
    if lay.unreported or lay.unreported_hidden:
        for pid in lay.unreported:
            person(pid)
        loose = list(lay.unreported)
        if lay.unreported_hidden:
            hidden = lay.unreported_hidden
            more = "_unreported_more"
            label = _more_label("more", hidden, len(hidden), "people")
            boxes[more] = Box(more, "fold", label, _names_tooltip(hidden, names), hidden=tuple(hidden))
            loose.append(more)
        groups.append(Group("unreported", UNREPORTED, tuple(map(tuple, grid(loose)))))

    legend = LEGEND + ((LEGEND_UNIT,) if chart.units else ())  # (a chart with none keeps its legend as it was)
    panel = _panel(chart, timeline, facts, lang, alumni)
    if panel is not None:
        cited.extend(panel[1])
    return Drawing(
        title=_title(chart, timeline, lay, root, depth, lang),
        boxes=boxes,
        trees=tuple(lay.drawn),
        lines=tuple(lines),
        groups=tuple(groups),
        legend=legend,
        legend_caption=LEGEND_CAPTION,
        panel=panel[0] if panel else None,
        footer=tuple(footer_lines(cited, facts, timeline)),
        anchor=lay.deepest(),
    )


def _panel(chart: OrgChart, timeline: Timeline, facts: dict, lang: str, alumni: bool) -> tuple[Panel, list[str]] | None:
    """The alumni panel (when asked), else who left on a date still open (as `show` says), with its events."""
    if alumni:
        gone = sorted(chart.alumni, key=lambda a: (a.departed_on, a.id))
        at = chart.at.isoformat()
        lines = [f"Alumni — had left by {at}:"] if gone else [f"Alumni — no one had left by {at}"]
        for a in gone:
            name = display_name(a.id, a.name, timeline.people, lang)
            where = f" → {a.destination}" if a.destination else " (destination not reported)"
            lines.append(
                f"{name}, {a.title or 'title not reported'}: left {dates.shown(a.departed_on)}{where}"
                + (" (date partly known)" if a.uncertain else "")
            )
        events = [a.event for a in gone]
        tip = ("Departures", *event_lines(events, facts, timeline))
        return Panel("alumni", tuple(lines), tip), events
    open_ = sorted((a for a in chart.alumni if a.uncertain), key=lambda a: (a.departed_on, a.id))
    if not open_:
        return None
    lines = ["Left, on a date known only within bounds (may still be here):"] + [
        f"{display_name(a.id, a.name, timeline.people, lang)}, {a.title or 'title not reported'}: "
        f"left {dates.shown(a.departed_on)}"
        for a in open_
    ]
    events = [a.event for a in open_]
    tip = ("Departures on a date still open", *event_lines(events, facts, timeline))
    return Panel("left_open", tuple(lines), tip), events
