"""The chart at a date as a Graphviz graph (pure: no I/O, no `dot` needed to build it).

What is drawn is decided in `render.drawing`; this module says it in DOT: boxes in the house style,
clusters for the groups, a legend, tooltips with each box's events and quotes, and invisible edges
that stack the bands below the trees. Output is deterministic: node ids are person ids.
"""

from __future__ import annotations

import graphviz

from orgsim.chart import OrgChart
from orgsim.facts import Timeline
from orgsim.render.drawing import Box, Drawing, drawing
from orgsim.render.layout import MAX_REPORTS
from orgsim.render.style import (
    add_footer,
    add_group_cluster,
    add_legend_cluster,
    collapsed_attrs,
    label,
    new_graph,
    panel_attrs,
    person_attrs,
    tooltip,
)

__all__ = ["UNIT", "chart_graph", "dot_graph"]

#: How a unit of the organisation (its board) is drawn: a folder, not a person's rounded box.
UNIT = {"shape": "folder", "style": "filled", "fillcolor": "#eef2f8", "color": "#4A6FA5"}

#: The legend's sample boxes, drawn as the picture draws each kind.
_SAMPLES = {
    "active": person_attrs(False, False),
    "leave": person_attrs(True, False),
    "uncertain": person_attrs(False, True),
    "more": collapsed_attrs(),
    "unit": UNIT,
}


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
    return dot_graph(
        drawing(chart, timeline, root=root, depth=depth, lang=lang, alumni=alumni, max_reports=max_reports)
    )


def _box(container: graphviz.Digraph, box: Box) -> None:
    if box.kind == "unit":
        container.node(box.id, label(box.lines), id=f"unit-{box.id}", tooltip=tooltip(box.tooltip), **UNIT)
    elif box.kind == "person":
        container.node(
            box.id,
            label(box.lines),
            id=f"person-{box.id}",
            tooltip=tooltip(box.tooltip),
            **person_attrs(box.on_leave, box.uncertain),
        )
    elif box.kind == "fold":
        container.node(box.id, label(box.lines), tooltip=tooltip(box.tooltip), **collapsed_attrs())
    else:
        raise ValueError(f"no DOT for a box of kind {box.kind!r}")


def dot_graph(d: Drawing) -> graphviz.Digraph:
    """The drawing in DOT: the trees, then, below them top to bottom, the groups, the legend and the
    panel, then the footer. Invisible edges stack the bands, so a wide chart grows down, not sideways."""
    g = new_graph("orgchart", list(d.title))
    for pid in d.trees:
        _box(g, d.boxes[pid])
    for line in d.lines:
        if line.kind == "reports":
            g.edge(line.top, line.bottom, tooltip=tooltip(line.tooltip))
    for line in d.lines:
        if line.kind == "fold":
            _box(g, d.boxes[line.bottom])
            g.edge(line.top, line.bottom, style="dashed")

    def draw(container: graphviz.Digraph, box_id: str) -> None:
        _box(container, d.boxes[box_id])

    anchor = d.anchor
    for group in d.groups:
        name = f"cluster_{group.key}"
        anchor = add_group_cluster(g, name, group.title, [list(r) for r in group.rows], draw, anchor)

    samples = [(f"_legend_{kind}", list(lines), _SAMPLES[kind]) for kind, lines in d.legend]
    legend = add_legend_cluster(g, samples, d.legend_caption)
    if anchor is not None:
        g.edge(anchor, legend, style="invis")
    if d.panel is not None:
        node_id = f"_{d.panel.key}"
        g.node(node_id, label(d.panel.lines, align="left"), tooltip=tooltip(d.panel.tooltip), **panel_attrs())
        if anchor is not None:
            g.edge(anchor, node_id, style="invis")
    add_footer(g, list(d.footer), legend)
    return g
