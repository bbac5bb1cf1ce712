"""Two dates in one picture (pure, no I/O): the union of both charts with every change marked.

Who left, joined, rejoined, went on leave, returned or got a new title is drawn in that change's colour; a
reporting line that appeared is green, one that ended is red and dashed, one that held is grey.
Each box's tooltip lists its changes with the events (and quotes) that caused them. Input is a
`ChartDiff` from `orgsim.diff.diff(chart_a, chart_b, timeline.fact_map())`; FROM later than TO
draws the reverse diff. Boxes, bands, legend and footer are the chart picture's (`style.py`).
"""

from __future__ import annotations

import graphviz

from orgsim.chart import Row
from orgsim.dates import shown
from orgsim.diff import CHANGE_KINDS, Change, ChartDiff
from orgsim.facts import Timeline
from orgsim.orgchart import shown_title
from orgsim.render.provenance import event_lines, footer_lines
from orgsim.render.style import (
    UNREPORTED,
    add_footer,
    add_group_cluster,
    add_legend_cluster,
    display_name,
    grid,
    label,
    leave_until,
    middle,
    new_graph,
    person_attrs,
    tooltip,
)

__all__ = ["CHANGE_STYLES", "LINE_STYLES", "diff_graph"]

#: How a box looks for each kind of change (first matching kind in CHANGE_KINDS order wins).
CHANGE_STYLES: dict[str, dict[str, str]] = {
    "left": {
        "style": "rounded,filled",
        "fillcolor": "#FDE8E8",
        "color": "#C53030",
        "penwidth": "2",
        "fontcolor": "#7F1D1D",
    },
    "joined": {"style": "rounded,filled", "fillcolor": "#E3F4E8", "color": "#2F855A", "penwidth": "2"},
    "rejoined": {
        "style": "rounded,filled",
        "fillcolor": "#E3F4E8",
        "color": "#2F855A",
        "penwidth": "2",
        "peripheries": "2",
    },
    "on_leave": {**person_attrs(True, False), "penwidth": "2"},
    "returned": {"style": "rounded,filled", "fillcolor": "#E0F2F1", "color": "#2C7A7B", "penwidth": "2"},
    "title_changed": {"style": "rounded,filled", "fillcolor": "#EAF1FB", "color": "#6B46C1", "penwidth": "2"},
    "unchanged": {"style": "rounded,filled", "fillcolor": "white", "color": "#9CA3AF", "fontcolor": "#4B5563"},
}
#: Reporting lines: one that appeared, one that ended, one that held on both dates.
LINE_STYLES: dict[str, dict[str, str]] = {
    "new": {"color": "#2F855A", "penwidth": "2.2"},
    "ended": {"color": "#C53030", "style": "dashed", "penwidth": "1.6"},
    "kept": {"color": "#9CA3AF"},
}
_PLURAL = {
    "left": ("left", "left"),
    "joined": ("joined", "joined"),
    "rejoined": ("rejoined", "rejoined"),
    "on_leave": ("went on leave", "went on leave"),
    "returned": ("returned", "returned"),
    "title_changed": ("new title", "new titles"),
    "manager_changed": ("changed reporting line", "changed reporting lines"),
}


def _lines_of(rows: tuple[Row, ...]) -> set[tuple[str, str]]:
    return {(r.reports_to, r.id) for r in rows if r.reports_to is not None}


def _levels(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Each node's level below the top of its tree (breadth first; a node with no manager is a top)."""
    kids: dict[str, list[str]] = {}
    has_parent = set()
    for a, b in edges:
        kids.setdefault(a, []).append(b)
        has_parent.add(b)
    levels: dict[str, int] = {}
    queue = [(n, 0) for n in nodes if n not in has_parent]
    while queue:
        node, level = queue.pop(0)
        if node in levels:
            continue
        levels[node] = level
        queue.extend((k, level + 1) for k in kids.get(node, ()))
    return levels


def diff_graph(chart_diff: ChartDiff, timeline: Timeline, lang: str = "en") -> graphviz.Digraph:
    """The diff as a Graphviz Digraph: union of both charts, changes marked, a legend and a footer."""
    facts = timeline.fact_map()
    a, b = chart_diff.from_chart, chart_diff.to_chart
    start, end = a.at.isoformat(), b.at.isoformat()
    before = {r.id: r for r in a.rows}
    after = {r.id: r for r in b.rows}
    gone_by_end = {x.id: x for x in b.alumni}
    changes: dict[str, list[Change]] = {}
    for c in chart_diff.changes:
        changes.setdefault(c.person, []).append(c)

    counts = chart_diff.by_kind()
    summary = " · ".join(f"{len(counts[k])} {_PLURAL[k][len(counts[k]) != 1]}" for k in CHANGE_KINDS if counts[k])
    g = new_graph(
        "orgdiff", [f"{chart_diff.organisation}: what changed from {start} to {end}", summary or "no changes"]
    )

    old_lines, new_lines = _lines_of(a.rows), _lines_of(b.rows)
    edges = sorted(old_lines | new_lines)
    people = sorted(before.keys() | after.keys())
    linked = {p for e in edges for p in e}
    cited: list[str] = []

    def name(pid: str) -> str:
        row = after.get(pid) or before.get(pid)
        return display_name(pid, row.name if row else timeline.name_of(pid), timeline.people, lang)

    def draw(container: graphviz.Digraph, pid: str) -> None:
        old, new = before.get(pid), after.get(pid)
        row = new or before[pid]  # (the person is in one of the two charts)
        mine = changes.get(pid, [])
        kinds = [c.change for c in mine]
        lines = [name(pid), row.title or f"({shown_title(row)})"]
        both = "left" in kinds and ("joined" in kinds or "rejoined" in kinds)  # left and came back in between
        if both:
            went = sorted(facts[e].on.shown for c in mine if c.change == "left" for e in c.events if e in facts)
            assert old is not None and new is not None  # left and came back: in both charts
            back = (new if a.at <= b.at else old).since
            lines.append(("left " + ", ".join(went) + "; " if went else "left and ") + f"back {back}")
        elif "left" in kinds:
            alum = gone_by_end.get(pid)
            lines.append(
                f"left {shown(alum.departed_on)}" + (f" → {alum.destination}" if alum.destination else "")
                if alum
                else f"not in the organisation on {end}"
            )
        for joining in ("joined", "rejoined"):
            if joining in kinds and not both:
                assert new is not None  # (re)joined: in the second chart
                lines.append(
                    f"{joining} {shown(new.since)}" if a.at <= b.at and new.since else f"in the organisation on {end}"
                )
        if "on_leave" in kinds:
            assert new is not None  # on leave on the second day
            lines.append(
                f"on leave since {shown(new.leave_since or '')}"
                + (f", {leave_until(new, b.at)}" if new.leave_until else "")
            )
        if "returned" in kinds:
            lines.append("back from leave")
        if "title_changed" in kinds:
            assert old is not None  # a title changed: in both charts
            lines.append(f"was: {old.title or f'({shown_title(old)})'}")
        if "on_leave" not in kinds and row.status == "on_leave":  # on leave on both days (or the one it is in)
            lines.append(
                f"on leave since {shown(row.leave_since or '')}"
                + (f", {leave_until(row, (b if new else a).at)}" if row.leave_until else "")
            )
        if row.uncertain:
            lines.append("date partly known")
        style = (
            CHANGE_STYLES["rejoined" if a.at <= b.at else "joined"]
            if both
            else next(
                (CHANGE_STYLES[k] for k in CHANGE_KINDS if k in kinds and k in CHANGE_STYLES),
                CHANGE_STYLES["unchanged"],
            )
        )
        tip = [f"{name(pid)} ({pid})", ""]
        if mine:
            for c in mine:
                tip.append(f"{_PLURAL[c.change][0]} between {start} and {end}:")
                tip += event_lines(c.events, facts, timeline)
                cited.extend(c.events)
        else:
            tip.append(f"no change between {start} and {end}; the events behind this box:")
            tip += event_lines(row.events, facts, timeline)
            cited.extend(row.events)
        container.node(pid, label(lines), id=f"person-{pid}", tooltip=tooltip(tip), **style)

    for pid in people:
        if pid in linked:
            draw(g, pid)
    units = sorted(linked - before.keys() - after.keys())  # units (the board) that people report to
    for uid in units:
        g.node(uid, label([name(uid), "(unit of the organisation)"]), id=f"unit-{uid}", shape="folder")
    for manager, report in edges:
        if (manager, report) in new_lines and (manager, report) in old_lines:
            kind, text = "kept", f"{name(report)} reports to {name(manager)} on both dates"
        elif (manager, report) in new_lines:
            kind, text = "new", f"{name(report)} reports to {name(manager)} on {end}, not on {start}"
        else:
            kind, text = "ended", f"{name(report)} reported to {name(manager)} on {start}, not on {end}"
        why = [
            e
            for c in changes.get(report, [])
            if c.change in ("manager_changed", "left", "joined", "rejoined")
            for e in c.events
        ]
        g.edge(manager, report, tooltip=tooltip([text, ""] + event_lines(why, facts, timeline)), **LINE_STYLES[kind])

    levels = _levels(units + [p for p in people if p in linked], edges)
    anchor = middle(sorted(n for n, lv in levels.items() if lv == max(levels.values()))) if levels else None
    loose = [p for p in people if p not in linked]
    if loose:
        anchor = add_group_cluster(g, "cluster_unreported", f"{UNREPORTED} (on either date)", grid(loose), draw, anchor)

    samples = [
        ("_legend_unchanged", ["No change", "Title"], CHANGE_STYLES["unchanged"]),
        ("_legend_joined", ["Joined"], CHANGE_STYLES["joined"]),
        ("_legend_rejoined", ["Rejoined", "after leaving"], CHANGE_STYLES["rejoined"]),
        ("_legend_left", ["Left"], CHANGE_STYLES["left"]),
        ("_legend_on_leave", ["Went on leave"], CHANGE_STYLES["on_leave"]),
        ("_legend_returned", ["Back from leave"], CHANGE_STYLES["returned"]),
        ("_legend_title", ["New title", "was: old title"], CHANGE_STYLES["title_changed"]),
    ]
    legend = add_legend_cluster(
        g,
        samples,
        f"Legend — both dates in one chart ({start} → {end}); a line joins a manager (above) to a report",
        [
            ("new line", LINE_STYLES["new"]),
            ("line ended", LINE_STYLES["ended"]),
            ("line on both dates", LINE_STYLES["kept"]),
        ],
    )
    if anchor is not None:
        g.edge(anchor, legend, style="invis")
    add_footer(g, footer_lines(cited, facts, timeline), legend)
    return g
