"""One timeline frame as a Graphviz graph whose layout is the same in every frame.

Every frame holds the same nodes (everyone present in any frame) and the same edges (every reporting
line drawn in any frame), in the same order, with each box sized to the widest label that person
has in any frame. People absent on a frame's day, and lines not in force, are invisible — Graphviz
still lays them out — so everyone keeps their position and only what changed looks different.
Only reported lines are drawn; a box with no line has no reported reporting line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import graphviz

from orgsim.chart import OrgChart, Row
from orgsim.facts import Timeline
from orgsim.orgchart import shown_title
from orgsim.render.provenance import event_lines, footer_lines
from orgsim.render.style import (
    add_footer,
    add_group_cluster,
    add_legend_cluster,
    display_name,
    grid,
    label,
    middle,
    new_graph,
    person_attrs,
    person_lines,
    tooltip,
)

__all__ = ["Cast", "cast_of", "frame_graph"]


@dataclass(frozen=True)
class Cast:
    """Who and which lines appear across all frames, and each box's size (inches)."""

    people: tuple[str, ...]
    lines: tuple[tuple[str, str], ...]
    size: dict[str, tuple[float, float]]
    first_row: dict[str, Row]
    units: dict[str, str] = field(default_factory=dict)  # the units people report to in a frame: id → name


def _text_width(line: str) -> float:
    return sum(0.2 if ord(ch) > 0x2E7F else 0.092 for ch in line)  # CJK glyphs are about twice as wide


def cast_of(charts: list[OrgChart], timeline: Timeline, lang: str = "en") -> Cast:
    """Everyone and every drawn line over the frames, with the widest/tallest label per person."""
    people: dict[str, Row] = {}
    lines: set[tuple[str, str]] = set()
    size: dict[str, tuple[float, float]] = {}
    units: dict[str, str] = {}
    for chart in charts:
        ids = chart.ids()
        for unit in chart.units:  # a unit (the board) people report to: a box of its own, the same in every frame
            units.setdefault(unit.id, unit.name)
            w = _text_width(unit.name) + 0.45
            old = size.get(unit.id, (0.0, 0.0))
            size[unit.id] = (max(old[0], w, _text_width("(unit of the organisation)") + 0.45), max(old[1], 0.6))
        ids |= {u.id for u in chart.units}
        for row in chart.rows:
            people.setdefault(row.id, row)
            if row.reports_to in ids:
                lines.add((row.reports_to, row.id))
            text = person_lines(row, display_name(row.id, row.name, timeline.people, lang), chart.at)
            w = max(_text_width(t) for t in text) + 0.45
            h = 0.19 * len(text) + 0.22
            old = size.get(row.id, (0.0, 0.0))
            size[row.id] = (max(old[0], w), max(old[1], h))
    return Cast(tuple(sorted(people.keys() | units.keys())), tuple(sorted(lines)), size, people, units)


def _deepest(cast: Cast) -> str | None:
    """The middle person of the lowest level of the union trees: the band below hangs from it."""
    level = {p: 0 for p in cast.people if any(p in line for line in cast.lines)}
    for _ in range(len(level)):  # longest path from a root; lines over time may even form a cycle
        changed = False
        for manager, report in cast.lines:
            if level[report] < level[manager] + 1 <= len(level):
                level[report], changed = level[manager] + 1, True
        if not changed:
            break
    if not level:
        return None
    low = max(level.values())
    return middle(sorted(p for p, lv in level.items() if lv == low))


def frame_graph(chart: OrgChart, timeline: Timeline, cast: Cast, lang: str = "en") -> graphviz.Digraph:
    """The chart on one frame's day, laid out exactly like every other frame of the same cast."""
    facts = timeline.fact_map()
    rows = {r.id: r for r in chart.rows}
    on_leave = sum(r.status == "on_leave" for r in chart.rows)
    g = new_graph(
        "timeline_frame",
        [
            f"{chart.organisation} on {chart.at.isoformat()}",
            f"{len(chart.rows)} people in the organisation · {on_leave} on leave",
        ],
    )

    here = {u.id for u in chart.units}

    def person(container: graphviz.Digraph, pid: str) -> None:
        width, height = cast.size[pid]
        if pid in cast.units:  # a unit's box, unseen on a day no one reports to it or holds a post in it
            text = label([display_name(pid, cast.units[pid], timeline.people, lang), "(unit of the organisation)"])
            seen = {"shape": "folder"} if pid in here else {"shape": "folder", "style": "invis"}
            container.node(pid, text, width=f"{width:.2f}", height=f"{height:.2f}", id=f"unit-{pid}", **seen)
            return
        row = rows.get(pid)
        shown = row or cast.first_row[pid]
        name = display_name(pid, shown.name, timeline.people, lang)
        common = {"width": f"{width:.2f}", "height": f"{height:.2f}", "id": f"person-{pid}"}
        if row is None:  # not in the organisation that day: keeps its place, unseen
            container.node(pid, label(person_lines(shown, name)), style="invis", **common)
            return
        tip = [f"{name} ({pid})", f"({shown_title(row)})" if row.title is None else row.title, ""] + event_lines(
            row.events, facts, timeline
        )
        container.node(
            pid,
            label(person_lines(row, name, chart.at)),
            tooltip=tooltip(tip),
            **common,
            **person_attrs(row.status == "on_leave", row.uncertain),
        )

    linked = {p for line in cast.lines for p in line}
    for pid in cast.people:
        if pid in linked:
            person(g, pid)
    for manager, report in cast.lines:
        row = rows.get(report)
        if row is not None and row.reports_to == manager and (manager in rows or manager in here):
            g.edge(manager, report)
        else:
            g.edge(manager, report, style="invis")
    anchor = _deepest(cast)
    loose = [p for p in cast.people if p not in linked]
    if loose:
        anchor = add_group_cluster(
            g, "cluster_unreported", "No reporting line reported in this period", grid(loose), person, anchor
        )
    samples = [
        ("_legend_active", ["Name", "Title"], person_attrs(False, False)),
        ("_legend_leave", ["On leave", "since … until …"], person_attrs(True, False)),
        (
            "_legend_uncertain",
            ["date partly known:", "a month, a year or a range", "of days, still open"],
            person_attrs(False, True),
        ),
    ]
    legend = add_legend_cluster(
        g,
        samples,
        "Legend — a line joins a manager (above) to a report; only reported lines are drawn: "
        "a box without a line has no reported reporting line that day",
    )
    if anchor is not None:
        g.edge(anchor, legend, style="invis")
    ids = [f.id for f in timeline.effective()]
    add_footer(g, footer_lines(ids, facts, timeline), legend)
    return g
