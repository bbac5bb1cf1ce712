"""The chart's drawing as GraphML, for yEd, Gephi and any graph tool (pure: bytes out).

Same boxes and lines as the DOT (`render.drawing` decides them), as plain GraphML (no yFiles
extension): a node per box (person, unit, or a folded "N more" box), an edge per line (a reported
line, or the line to a folded box), and `<key>`-declared data a tool can show, filter or partition
by: each node's `label`, `name`, `posts`, `kind`, `status`, `uncertain`, `group` and `sources` (the
events behind it, each with its quote, document, web address and note; a folded box names who it
holds), each edge's `kind` (`reports`, `fold`) and `sources`, and the graph's `title`, `panel` (the alumni) and `footer`.
Written with `xml.etree.ElementTree`: every piece of text is XML-escaped by the library.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from orgsim.render.drawing import Drawing

__all__ = ["GRAPHML", "KEYS", "graphml_bytes"]

GRAPHML = "http://graphml.graphdrawing.org/xmlns"

#: Every data key: (id, for, attr.name, attr.type).
KEYS = (
    ("title", "graph", "title", "string"),
    ("panel", "graph", "panel", "string"),
    ("panel_sources", "graph", "panel_sources", "string"),
    ("footer", "graph", "footer", "string"),
    ("label", "node", "label", "string"),
    ("name", "node", "name", "string"),
    ("posts", "node", "posts", "string"),
    ("kind", "node", "kind", "string"),
    ("status", "node", "status", "string"),
    ("uncertain", "node", "uncertain", "boolean"),
    ("group", "node", "group", "string"),
    ("sources", "node", "sources", "string"),
    ("edge_kind", "edge", "kind", "string"),
    ("edge_sources", "edge", "sources", "string"),
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML 1.0


def _data(parent: ET.Element, key: str, lines: tuple[str, ...] | list[str] | str) -> None:
    value = lines if isinstance(lines, str) else "\n".join(lines)
    ET.SubElement(parent, "data", key=key).text = _CONTROL.sub(" ", value)


def graphml_bytes(d: Drawing) -> bytes:
    """The drawing as a GraphML document (UTF-8, indented, deterministic, ends with a newline)."""
    root = ET.Element("graphml", xmlns=GRAPHML)  # (the namespace of every element below)
    for key, for_, name, type_ in KEYS:
        ET.SubElement(root, "key", {"id": key, "for": for_, "attr.name": name, "attr.type": type_})
    graph = ET.SubElement(root, "graph", id="orgchart", edgedefault="directed")
    _data(graph, "title", d.title)
    if d.panel is not None:
        _data(graph, "panel", d.panel.lines)
        _data(graph, "panel_sources", d.panel.tooltip)
    _data(graph, "footer", d.footer)
    group_of = {m: g.title for g in d.groups for m in g.members}
    order = list(d.trees) + [line.bottom for line in d.lines if line.kind == "fold"] + list(group_of)
    for box_id in order:
        box = d.boxes[box_id]
        node = ET.SubElement(graph, "node", id=box.id)
        _data(node, "label", box.lines)
        if box.kind != "fold":
            _data(node, "name", box.name)
            _data(node, "posts", box.posts)
        _data(node, "kind", box.kind)
        if box.kind == "person":
            _data(node, "status", "on_leave" if box.on_leave else "active")
            _data(node, "uncertain", "true" if box.uncertain else "false")
        if box_id in group_of:
            _data(node, "group", group_of[box_id])
        _data(node, "sources", box.sources if box.kind == "person" else box.tooltip)
    for n, line in enumerate(d.lines):
        edge = ET.SubElement(graph, "edge", id=f"e{n}", source=line.top, target=line.bottom)
        _data(edge, "edge_kind", line.kind)
        if line.sources:
            _data(edge, "edge_sources", line.sources)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
