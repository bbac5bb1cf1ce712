"""The chart's drawing as a Mermaid flowchart, which GitHub draws inside Markdown (pure: text out).

Same boxes, lines, groups and folds as the DOT (`render.drawing` decides them): a rounded box per
person, a double-bordered one per unit, a plain line from a manager to a report, a dotted line to a
folded "N more" box, a subgraph per group (a unit's members, "Reporting line not reported"), the
legend, the alumni panel and the footer naming the sources; on leave, partly known dates and folds
styled as in the SVG. Mermaid has no hover text on GitHub, so the quotes stay in the SVG and GraphML.

Every piece of text is escaped with Mermaid's entity codes (`#34;` for a quote, `#35;` for `#`,
`#60;`/`#62;` for `<`/`>`, `#38;` for `&`, `#96;` for a backtick), a line break is `<br>`: a name is
always text, never markup or syntax. Node ids are stable: `p_`, `u_`, `f_` and the box's id.
"""

from __future__ import annotations

import json
import re

from orgsim.render.drawing import Box, Drawing
from orgsim.render.style import (
    ACTIVE_BORDER,
    ACTIVE_FILL,
    INK,
    LEAVE_BORDER,
    LEAVE_FILL,
    LINE,
    MUTED,
    PANEL_FILL,
    UNCERTAIN_BORDER,
)

__all__ = ["mermaid_text", "node_id", "text"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Written as entity codes: markup, quotes, and `%` and braces (`%%{init: …}%%` in a label is a directive
#: that restyles the whole diagram: a new user's trial did so with a title).
_ENTITIES = {
    "&": "#38;",
    '"': "#34;",
    "#": "#35;",
    "<": "#60;",
    ">": "#62;",
    "`": "#96;",
    "%": "#37;",
    "{": "#123;",
    "}": "#125;",
}
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")

#: How each kind of box is styled (the SVG's colours and borders).
_CLASSES = {
    "person": f"fill:{ACTIVE_FILL},stroke:{ACTIVE_BORDER},color:{INK}",
    "leave": f"fill:{LEAVE_FILL},stroke:{LEAVE_BORDER},color:#374151,stroke-dasharray:6 3",
    "uncertain": f"fill:{ACTIVE_FILL},stroke:{UNCERTAIN_BORDER},stroke-width:2px,color:{INK},stroke-dasharray:2 2",
    "leaveUncertain": f"fill:{LEAVE_FILL},stroke:{UNCERTAIN_BORDER},stroke-width:2px,color:#374151,"
    "stroke-dasharray:2 2",
    "fold": f"fill:#ffffff,stroke:{MUTED},color:{MUTED},stroke-dasharray:6 3",
    "unit": "fill:#eef2f8,stroke:#4A6FA5",
    "panel": f"fill:{PANEL_FILL},stroke:#D6D3D1,text-align:left",
    "note": f"fill:#ffffff,stroke:#ffffff,color:{MUTED}",
}
_LEGEND_CLASS = {"active": "person", "leave": "leave", "uncertain": "uncertain", "more": "fold", "unit": "unit"}


def text(lines: tuple[str, ...] | list[str]) -> str:
    """Lines of user text as a quoted Mermaid label: every character literal, lines joined by `<br>`."""
    out = []
    for line in lines:
        s = _CONTROL.sub(" ", str(line).replace("\r\n", "\n").replace("\r", "\n"))
        out.append(_SPECIAL.sub(lambda m: _ENTITIES[m.group()], s).replace("\n", "<br>"))
    return '"' + "<br>".join(out) + '"'


def _id_part(raw: str) -> str:
    """An id as Mermaid id characters: a-z and 0-9 kept, `-` as `_`, anything else as `U<hex>U` (one to one)."""
    return "".join(
        ch if ("a" <= ch <= "z" or "0" <= ch <= "9") else "_" if ch in "-_" else f"U{ord(ch):x}U" for ch in raw
    )


def node_id(box: Box) -> str:
    """A box's stable Mermaid id: `p_sam_altman`, `u_board_of_directors`, `f_below_sam_altman`."""
    prefix = {"person": "p_", "unit": "u_", "fold": "f_"}
    if box.kind not in prefix:
        raise ValueError(f"no Mermaid id for a box of kind {box.kind!r}")
    return prefix[box.kind] + _id_part(box.id.lstrip("_") if box.kind == "fold" else box.id)


def _node(box: Box) -> str:
    shape = {"person": "({})", "unit": "[[{}]]", "fold": "({})"}[box.kind]
    return node_id(box) + shape.format(text(box.lines))


def _class_of(box: Box) -> str:
    if box.kind != "person":
        return box.kind
    if box.on_leave:
        return "leaveUncertain" if box.uncertain else "leave"
    return "uncertain" if box.uncertain else "person"


def mermaid_text(d: Drawing) -> str:
    """The drawing as a Mermaid `flowchart TB` (a title in the front matter; ends with a newline)."""
    ids = {box_id: node_id(box) for box_id, box in d.boxes.items()}
    out = ["---", "title: " + json.dumps(" · ".join(d.title), ensure_ascii=False), "---", "flowchart TB"]
    out += [f"    {_node(d.boxes[pid])}" for pid in d.trees]
    out += [f"    {_node(d.boxes[line.bottom])}" for line in d.lines if line.kind == "fold"]
    for line in d.lines:
        if line.kind not in ("reports", "fold"):
            raise ValueError(f"no Mermaid line for a line of kind {line.kind!r}")
        link = "---" if line.kind == "reports" else "-.-"
        out.append(f"    {ids[line.top]} {link} {ids[line.bottom]}")
    below = ids[d.anchor] if d.anchor is not None else None  # the bands below, stacked by invisible links
    for group in d.groups:
        out.append(f"    subgraph g_{group.key}[{text([group.title])}]")
        out.append("        direction TB")
        out += [f"        {_node(d.boxes[m])}" for m in group.members]
        for above, under in zip(group.rows, group.rows[1:]):  # the rows of the grid, one under the other
            out += [f"        {ids[a]} ~~~ {ids[b]}" for a, b in zip(above, under)]
        out.append("    end")
        if below is not None:
            out.append(f"    {below} ~~~ g_{group.key}")
        below = f"g_{group.key}"
    out.append(f"    subgraph legend[{text([d.legend_caption])}]")
    out.append("        direction TB")
    out += [f"        legend_{kind}({text(lines)})" for kind, lines in d.legend]
    out.append("    end")
    if below is not None:
        out.append(f"    {below} ~~~ legend")
    if d.panel is not None:
        out.append(f"    {d.panel.key}[{text(d.panel.lines)}]")
        out.append(f"    legend ~~~ {d.panel.key}")
    out.append(f"    footer[{text(d.footer)}]")
    out.append(f"    {d.panel.key if d.panel is not None else 'legend'} ~~~ footer")

    members: dict[str, list[str]] = {}
    for box_id, box in sorted(d.boxes.items()):
        members.setdefault(_class_of(box), []).append(ids[box_id])
    for kind, _ in d.legend:
        members.setdefault(_LEGEND_CLASS[kind], []).append(f"legend_{kind}")
    if d.panel is not None:
        members.setdefault("panel", []).append(d.panel.key)
    members.setdefault("note", []).append("footer")
    out += [f"    classDef {name} {style}" for name, style in _CLASSES.items()]
    out += [f"    class {','.join(members[name])} {name}" for name in _CLASSES if name in members]
    out.append(f"    linkStyle default stroke:{LINE}")
    return "\n".join(out) + "\n"
