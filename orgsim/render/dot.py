"""The chart at a date as a Graphviz graph (pure: no I/O, no `dot` needed to build it).

Managers sit above their reports. People with neither a reported manager nor reports are grouped
apart under "Reporting line not reported", never attached to a guessed manager. Large teams and
everything below `depth` fold into "N more" boxes so very large organisations stay readable.
Output is deterministic: nodes and edges are added in sorted order, node ids are person ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import graphviz

from orgsim import dates
from orgsim.chart import OrgChart, Row
from orgsim.errors import UnknownPersonError
from orgsim.facts import Timeline
from orgsim.orgchart import seated_in, shown_title
from orgsim.render.provenance import event_lines, footer_lines
from orgsim.render.style import (
    UNREPORTED,
    add_footer,
    add_group_cluster,
    add_legend_cluster,
    collapsed_attrs,
    display_name,
    grid,
    label,
    middle,
    new_graph,
    panel_attrs,
    person_attrs,
    person_lines,
)

__all__ = ["MAX_NODES", "MAX_REPORTS", "MAX_UNREPORTED", "Layout", "chart_graph", "layout"]

#: How a unit of the organisation (its board) is drawn: a folder, not a person's rounded box.
UNIT = {"shape": "folder", "style": "filled", "fillcolor": "#eef2f8", "color": "#4A6FA5"}

#: A manager with more direct reports than this shows the first ones and one "N more" box.
MAX_REPORTS = 12
#: The "not reported" group shows at most this many people, then one "N more" box.
MAX_UNREPORTED = 48
#: A picture with no --depth draws at most about this many boxes: past it, the deepest levels that do
#: not fit fold into "N reports below" boxes (readable, and Graphviz lays it out in seconds).
MAX_NODES = 1500


@dataclass
class Layout:
    """Which people a picture draws, which lines, and what is folded away."""

    rows: dict[str, Row]
    tops: list[str]  # roots of the trees drawn
    unreported: list[str]  # no manager reported and no reports
    drawn: list[str] = field(default_factory=list)  # people drawn in the trees
    edges: list[tuple[str, str]] = field(default_factory=list)
    folded: list[tuple[str, str, list[str], int]] = field(default_factory=list)  # (parent, why, hidden ids, all hidden)
    unreported_hidden: list[str] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)  # drawn node → its level below its top
    seated: dict[str, list[str]] = field(default_factory=dict)  # unit name → its members only, no line, no reports

    def deepest(self) -> str | None:
        """The middle node of the trees' lowest level (folded boxes included): what goes below hangs from it."""
        if not self.levels:
            return None
        low = max(self.levels.values())
        return middle(sorted(n for n, lv in self.levels.items() if lv == low))


def layout(
    chart: OrgChart,
    root: str | None = None,
    depth: int | None = None,
    max_reports: int | None = MAX_REPORTS,
    max_unreported: int | None = MAX_UNREPORTED,
) -> Layout:
    """Choose what to draw: the whole chart, or `root`'s subtree, down to `depth` levels below the top."""
    rows = {r.id: r for r in chart.rows}
    kids: dict[str, list[str]] = {}
    for r in chart.rows:  # rows are sorted by id, so every list of reports is too
        if r.reports_to is not None:
            kids.setdefault(r.reports_to, []).append(r.id)
    if root is not None:
        if root not in rows:
            gone = [a for a in chart.alumni if a.id == root]
            why = f": {gone[0].name} left {dates.PartialDate.parse(gone[0].departed_on).dated}" if gone else ""
            raise UnknownPersonError(f"{root} is not in {chart.organisation} on {chart.at.isoformat()}{why}")
        out = Layout(rows, [root], [])
    else:
        # a unit (the board) tops its tree: the people who report to it below it
        tops = [u.id for u in chart.units] + [r.id for r in chart.rows if r.reports_to is None and r.id in kids]
        loose = [r.id for r in chart.rows if r.reports_to is None and r.id not in kids and seated_in(r) is None]
        out = Layout(rows, tops, loose)
        for r in chart.rows:  # an outside director: drawn with their unit's members
            unit = seated_in(r) if r.id not in kids else None
            if unit is not None:
                out.seated.setdefault(unit, []).append(r.id)
        if max_unreported is not None and len(loose) > max_unreported:
            out.unreported, out.unreported_hidden = loose[: max_unreported - 1], loose[max_unreported - 1 :]

    sizes: dict[str, int] = {}

    def size(pid: str) -> int:  # people in pid's subtree, pid included
        if pid not in sizes:
            sizes[pid] = 1 + sum(size(k) for k in kids.get(pid, ()))
        return sizes[pid]

    stack = [(t, 0) for t in reversed(out.tops)]
    while stack:  # iterative: a 10,000-person chain must not hit the recursion limit
        pid, level = stack.pop()
        out.drawn.append(pid)
        out.levels[pid] = level
        children = kids.get(pid, [])
        if not children:
            continue
        if depth is not None and level >= depth:
            out.folded.append((pid, "below", children, sum(size(k) for k in children)))
            out.levels[f"_below_{pid}"] = level + 1
            continue
        shown = children
        if max_reports is not None and len(children) > max_reports:
            keep = sorted(children, key=lambda k: (-size(k), k))[: max_reports - 1]
            shown = [k for k in children if k in keep]
            hidden = [k for k in children if k not in keep]
            out.folded.append((pid, "more", hidden, sum(size(k) for k in hidden)))
            out.levels[f"_more_{pid}"] = level + 1
        for k in shown:
            out.edges.append((pid, k))
        stack.extend((k, level + 1) for k in reversed(shown))
    out.drawn.sort()
    out.edges.sort()
    out.folded.sort()
    return out


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
) -> list[str]:
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
    return [first, second]


def _more_label(why: str, hidden: list[str], total: int, noun: str = "reports") -> list[str]:
    first = f"{len(hidden)} {noun} below" if why == "below" else f"+{len(hidden)} more {noun}"
    return [first] + ([f"({total} people in all)"] if total != len(hidden) else [])


def _names_tooltip(ids: list[str], names: dict[str, str], limit: int = 40) -> str:
    shown = [names[i] for i in ids[:limit]] + ([f"… and {len(ids) - limit} more"] if len(ids) > limit else [])
    return label(["Not drawn here:"] + shown)


def chart_graph(
    chart: OrgChart,
    timeline: Timeline,
    *,
    root: str | None = None,
    depth: int | None = None,
    lang: str = "en",
    alumni: bool = False,
    max_reports: int | None = MAX_REPORTS,
) -> graphviz.Digraph:
    """The chart as a Graphviz Digraph, with a legend, provenance tooltips and a footer naming the data."""
    facts = timeline.fact_map()
    lay = layout(chart, root, depth, max_reports)
    if depth is None and _boxes(lay) > MAX_NODES:  # too big to read: draw the levels that fit
        fits = 0
        while fits < 64 and _boxes(layout(chart, root, fits + 1, max_reports)) <= MAX_NODES:
            fits += 1
        depth = fits
        lay = layout(chart, root, depth, max_reports)
    names = {r.id: display_name(r.id, r.name, timeline.people, lang) for r in chart.rows}
    units = {u.id: u for u in chart.units}
    names.update((u.id, display_name(u.id, u.name, timeline.people, lang)) for u in chart.units)
    g = new_graph("orgchart", _title(chart, timeline, lay, root, depth, lang))
    cited: list[str] = []

    def person(container: graphviz.Digraph, pid: str) -> None:
        if pid in units:  # a unit's box: its name, and the posts held in it (its members only, drawn apart)
            unit = units[pid]
            apart = set(lay.seated.get(unit.name, ()))
            members = [f"{names.get(p, p)} — {post}" for p, post in unit.members]
            shown = [f"{names.get(p, p)} — {post}" for p, post in unit.members if p not in apart]
            container.node(
                pid,
                label([names[pid], "(unit of the organisation)", *shown]),
                id=f"unit-{pid}",
                tooltip=label([f"{names[pid]} ({pid}): a unit", *members]),
                **UNIT,
            )
            return
        row = lay.rows[pid]
        cited.extend(row.events)
        tip = [f"{names[pid]} ({pid})", row.title or f"({shown_title(row)})", ""] + event_lines(
            row.events, facts, timeline
        )
        container.node(
            pid,
            label(person_lines(row, names[pid], chart.at)),
            id=f"person-{pid}",
            tooltip=label(tip),
            **person_attrs(row.status == "on_leave", row.uncertain),
        )

    for pid in lay.drawn:
        person(g, pid)
    for manager, report in lay.edges:
        row = lay.rows[report]
        line = [f for f in (facts.get(e) for e in row.events) if f and f.manager == manager]
        tip = [f"{names[report]} reports to {names[manager]}", ""] + event_lines(
            [line[-1].id] if line else [], facts, timeline
        )
        g.edge(manager, report, tooltip=label(tip))
    for parent, why, hidden, total in lay.folded:
        node_id = f"_{why}_{parent}"
        g.node(
            node_id, label(_more_label(why, hidden, total)), tooltip=_names_tooltip(hidden, names), **collapsed_attrs()
        )
        g.edge(parent, node_id, style="dashed")

    # Below the trees, top to bottom: the "not reported" group, then the legend and alumni, then the
    # footer. Invisible edges stack the bands, so a wide chart grows down, not sideways.
    anchor = lay.deepest()
    for n, (unit, members) in enumerate(sorted(lay.seated.items())):  # each unit's members, a group apart
        anchor = add_group_cluster(g, f"cluster_unit_{n}", f"{unit}: members", grid(members), person, anchor)
    if lay.unreported or lay.unreported_hidden:
        members = list(lay.unreported) + (["_unreported_more"] if lay.unreported_hidden else [])

        def draw(container: graphviz.Digraph, node_id: str) -> None:
            if node_id == "_unreported_more":
                container.node(
                    node_id,
                    label(_more_label("more", lay.unreported_hidden, len(lay.unreported_hidden), "people")),
                    tooltip=_names_tooltip(lay.unreported_hidden, names),
                    **collapsed_attrs(),
                )
            else:
                person(container, node_id)

        anchor = add_group_cluster(g, "cluster_unreported", UNREPORTED, grid(members), draw, anchor)

    samples = [
        ("_legend_active", ["Name", "Title"], person_attrs(False, False)),
        ("_legend_leave", ["On leave", "since … until …"], person_attrs(True, False)),
        (
            "_legend_uncertain",
            ["date partly known:", "a month, a year or a range", "of days, still open"],
            person_attrs(False, True),
        ),
        ("_legend_more", ["N more reports", "(folded to stay readable)"], collapsed_attrs()),
    ]
    if chart.units:  # (a chart with none keeps its legend as it was)
        samples.append(("_legend_unit", ["A unit (the board):", "who reports to it below"], UNIT))
    legend = add_legend_cluster(
        g, samples, "Legend — a line joins a manager (above) to a report; only reported lines are drawn"
    )
    if anchor is not None:
        g.edge(anchor, legend, style="invis")

    if alumni:
        gone = sorted(chart.alumni, key=lambda a: (a.departed_on, a.id))
        lines = (
            [f"Alumni — had left by {chart.at.isoformat()}:"]
            if gone
            else [f"Alumni — no one had left by {chart.at.isoformat()}"]
        )
        for a in gone:
            name = display_name(a.id, a.name, timeline.people, lang)
            where = f" → {a.destination}" if a.destination else " (destination not reported)"
            lines.append(
                f"{name}, {a.title or 'title not reported'}: left {dates.shown(a.departed_on)}{where}"
                + (" (date partly known)" if a.uncertain else "")
            )
        cited.extend(a.event for a in gone)
        tip = ["Departures"] + event_lines([a.event for a in gone], facts, timeline)
        g.node("_alumni", label(lines, align="left"), tooltip=label(tip), **panel_attrs())
        if anchor is not None:
            g.edge(anchor, "_alumni", style="invis")
    elif any(a.uncertain for a in chart.alumni):  # gone from the chart, on a date still open: say so, as `show` does
        open_ = sorted((a for a in chart.alumni if a.uncertain), key=lambda a: (a.departed_on, a.id))
        lines = ["Left, on a date known only within bounds (may still be here):"] + [
            f"{display_name(a.id, a.name, timeline.people, lang)}, {a.title or 'title not reported'}: "
            f"left {dates.shown(a.departed_on)}"
            for a in open_
        ]
        cited.extend(a.event for a in open_)
        tip = ["Departures on a date still open"] + event_lines([a.event for a in open_], facts, timeline)
        g.node("_left_open", label(lines, align="left"), tooltip=label(tip), **panel_attrs())
        if anchor is not None:
            g.edge(anchor, "_left_open", style="invis")

    add_footer(g, footer_lines(cited, facts, timeline), legend)
    return g
