"""The visual language shared by every Graphviz picture, and the one way user text enters DOT.

Labels are plain DOT strings (never HTML-like), built only through `label()`: backslashes are
doubled (so `\\N`, `\\l`, `\\G` stay literal), quotes are escaped by the graphviz package, a newline
in a name becomes a line break, and the result is marked `nohtml` so `<script>` is text, not markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import graphviz

from orgsim.chart import Row
from orgsim.dates import PartialDate, shown
from orgsim.orgchart import shown_title

__all__ = [
    "FONT",
    "INK",
    "MUTED",
    "UNREPORTED",
    "add_footer",
    "add_group_cluster",
    "add_legend_cluster",
    "collapsed_attrs",
    "display_name",
    "grid",
    "label",
    "middle",
    "new_graph",
    "note_attrs",
    "panel_attrs",
    "person_attrs",
    "person_lines",
    "tooltip",
]

#: The group of people with neither a reported manager nor reports.
UNREPORTED = "Reporting line not reported"

FONT = "Helvetica"
INK = "#1F2933"  # text and active borders
MUTED = "#6B7280"  # secondary text, lines
LINE = "#7B8794"  # reporting lines
ACTIVE_FILL = "#EAF1FB"
ACTIVE_BORDER = "#3E6FB0"
LEAVE_FILL = "#E5E7EB"
LEAVE_BORDER = "#6B7280"
UNCERTAIN_BORDER = "#B7791F"
PANEL_FILL = "#FAFAF9"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _escape(text: object, sep: str, backslash: str = "\\\\") -> str:
    """One piece of user text as escString content: each backslash as `backslash`, `&` as `&amp;`
    (Graphviz reads `&lt;` in any label as `<`), newlines as `sep`."""
    s = str(text).replace("\\", backslash).replace("&", "&amp;").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", s).replace("\n", sep)


def label(lines: Iterable[object], align: str = "center") -> str:
    """A DOT label from lines of text, every character literal (a tooltip: `tooltip`).

    `align="left"` left-justifies every line (`\\l`); quotes are escaped by graphviz's own quoting,
    which is exact once every backslash is doubled; `nohtml` stops `<…>` being read as HTML.
    """
    sep = "\\l" if align == "left" else "\\n"
    body = sep.join(_escape(line, sep) for line in lines)
    return graphviz.nohtml(body + sep if align == "left" else body)


def tooltip(lines: Iterable[object]) -> str:
    """A DOT tooltip from lines of text, every character literal. Graphviz reads a tooltip's escapes
    twice (`\\\\N` came out as the node's name, `\\\\\\\\` as one backslash: measured with
    `dot -Tsvg`), so each backslash is written four times."""
    return graphviz.nohtml("\\n".join(_escape(line, "\\n", backslash="\\" * 4) for line in lines))


def new_graph(name: str, title_lines: list[str]) -> graphviz.Digraph:
    """An empty top-down graph with the house fonts and colours and a title on top."""
    g = graphviz.Digraph(name=name)
    g.attr(
        "graph",
        label=label(title_lines),
        labelloc="t",
        labeljust="c",
        fontname=FONT + " Bold",
        fontsize="16",
        fontcolor=INK,
        rankdir="TB",
        nodesep="0.3",
        ranksep="0.55",
        newrank="true",
        pad="0.3",
        bgcolor="white",
        compound="true",
    )
    g.attr(
        "node",
        shape="box",
        style="rounded,filled",
        fontname=FONT,
        fontsize="11",
        fontcolor=INK,
        color=ACTIVE_BORDER,
        fillcolor=ACTIVE_FILL,
        penwidth="1.2",
        margin="0.14,0.06",
    )
    g.attr("edge", color=LINE, arrowhead="none", penwidth="1.2", fontname=FONT, fontsize="9", fontcolor=MUTED)
    return g


def display_name(pid: str, name: str, people: Mapping[str, dict[str, Any]], lang: str = "en") -> str:
    """The name to print: in `ja`, the first alias the sources spell in non-ASCII characters."""
    if lang == "ja":
        for alias in (people.get(pid) or {}).get("aliases", ()):
            if any(ord(ch) > 127 for ch in alias):
                return alias
    return name


def leave_until(row: Row, at: date | None = None) -> str:
    """`until 2024-12`; when that date has passed by day `at` and still no return is reported, it says so
    (the row stays on leave: a return is never guessed)."""
    text = f"until {shown(row.leave_until or '')}"
    if at is not None and row.leave_until and PartialDate.parse(row.leave_until).end < at:
        text += ", passed: no return reported"
    return text


def person_lines(row: Row, name: str, at: date | None = None) -> list[str]:
    """The lines of a person's box: name, title, and the notes that qualify the row on day `at`."""
    lines = [name, row.title or f"({shown_title(row)})"]
    if row.status == "on_leave":
        lines.append(f"on leave since {shown(row.leave_since or '')}")
        lines.append(leave_until(row, at) if row.leave_until else "return not reported")
    if row.uncertain:
        lines.append("date partly known")
    return lines


def person_attrs(on_leave: bool, uncertain: bool) -> dict[str, str]:
    """Box style: grey dashed for on leave; an amber dotted border when a date is still open."""
    if not on_leave and not uncertain:
        return {}  # the graph's node defaults
    style = ["rounded", "filled"]
    attrs: dict[str, str] = {}
    if on_leave:
        style.append("dashed")
        attrs.update(fillcolor=LEAVE_FILL, color=LEAVE_BORDER, fontcolor="#374151")
    if uncertain:
        style = [s for s in style if s != "dashed"] + ["dotted"]
        attrs["color"] = UNCERTAIN_BORDER
        attrs["penwidth"] = "2"
    attrs["style"] = ",".join(style)
    return attrs


def collapsed_attrs() -> dict[str, str]:
    """A stand-in for people not drawn (a large team, or below --depth)."""
    return {
        "shape": "box",
        "style": "rounded,filled,dashed",
        "fillcolor": "white",
        "color": MUTED,
        "fontcolor": MUTED,
        "fontsize": "10",
    }


def note_attrs() -> dict[str, str]:
    """Small print: the footer."""
    return {"shape": "plaintext", "style": "", "fontsize": "9", "fontcolor": MUTED}


def panel_attrs() -> dict[str, str]:
    """A side panel (alumni): a plain box of left-justified lines."""
    return {
        "shape": "box",
        "style": "filled",
        "fillcolor": PANEL_FILL,
        "color": "#D6D3D1",
        "fontsize": "10",
        "margin": "0.15,0.1",
    }


def add_legend_cluster(
    g: graphviz.Digraph,
    samples: list[tuple[str, list[str], dict[str, str]]],
    caption: str,
    edge_samples: Sequence[tuple[str, dict[str, str]]] = (),
) -> str:
    """A "Legend" cluster: sample boxes drawn exactly as the picture draws them, side by side in one
    row, then sample lines (each between two dots, labelled). Returns the id of a middle sample."""
    with g.subgraph(name="cluster_legend") as c:
        c.attr(
            label=label([caption]),
            labeljust="l",
            fontname=FONT,
            fontsize="10",
            fontcolor=MUTED,
            style="rounded",
            color="#D1D5DB",
            margin="10",
        )
        order = []
        with c.subgraph() as row:
            row.attr(rank="same")
            for node_id, lines, attrs in samples:
                row.node(node_id, label(lines), **attrs)
                order.append(node_id)
            for i, (text, attrs) in enumerate(edge_samples):
                a, b = f"_legend_line{i}_a", f"_legend_line{i}_b"
                for end in (a, b):
                    row.node(end, "", shape="point", width="0.06", color=MUTED, style="filled")
                row.edge(a, b, label=label([text]), minlen="2", **attrs)
                order += [a, b]
        for a, b in zip(order, order[1:]):  # keep the samples in the order given
            if not (a.endswith("_a") and b == a[:-2] + "_b"):
                c.edge(a, b, style="invis")
    return middle([s[0] for s in samples])


def middle(items: list[str]) -> str:
    """The middle item: what a band below hangs from, so it sits centred under the band above."""
    return items[(len(items) - 1) // 2]


def grid(members: list[str]) -> list[list[str]]:
    """Members in balanced rows, wider than tall (one row up to 6)."""
    if not members:
        return []
    cols = len(members) if len(members) <= 6 else math.ceil(math.sqrt(len(members) * 2))
    cols = math.ceil(len(members) / math.ceil(len(members) / cols))
    return [members[i : i + cols] for i in range(0, len(members), cols)]


def add_group_cluster(
    g: graphviz.Digraph,
    name: str,
    title: str,
    rows: list[list[str]],
    draw: Callable[[graphviz.Digraph, str], None],
    anchor: str | None,
) -> str:
    """A dashed cluster of unconnected boxes laid out as a grid below `anchor`; returns its bottom middle."""
    with g.subgraph(name=name) as c:
        c.attr(
            label=label([title]),
            labeljust="l",
            fontname=FONT + " Bold",
            fontsize="12",
            fontcolor=MUTED,
            style="rounded,dashed",
            color="#9CA3AF",
            margin="12",
        )
        for line in rows:
            with c.subgraph() as same:
                same.attr(rank="same")
                for node_id in line:
                    draw(same, node_id)
            for a, b in zip(line, line[1:]):
                c.edge(a, b, style="invis")
        for above, below in zip(rows, rows[1:]):
            c.edge(above[0], below[0], style="invis")
    if anchor is not None:
        g.edge(anchor, middle(rows[0]), style="invis")
    return middle(rows[-1])


def add_footer(g: graphviz.Digraph, lines: list[str], above: str) -> None:
    """Small print under the node `above` (the legend)."""
    g.node("_footer", label(lines), **note_attrs())
    g.edge(above, "_footer", style="invis")
