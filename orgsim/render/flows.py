"""People's moves between organisations (`flows.moves`) as text and as a Graphviz picture: each
organisation a cluster, each move an arrow from the post a person left to the post they took."""

from __future__ import annotations

import graphviz

from orgsim.flows import End, Move
from orgsim.render.style import MUTED, label, new_graph
from orgsim.render.text import source_line

__all__ = ["flows_dot", "flows_text"]


def _end(end: End) -> str:
    where = end.organisation if end.linked else f"{end.organisation} (not in this store)"
    if not end.linked:
        return where
    return f"{where}, {end.title or 'title not reported'}"


def _dates(move: Move) -> str:
    left = move.origin.fact
    arrived = move.destination.fact
    out = f"left {left.on.shown}" if left is not None else "left (date not recorded)"
    if move.destination.linked:
        out += f"; joined {arrived.on.shown}" if arrived is not None else "; no appointment there recorded"
    return out


def flows_text(moves: list[Move], organisations: list[str]) -> str:
    """Each move: who, from which organisation and post to which, when, and the sources of both ends."""
    count = f"{len(moves)} move{'s' if len(moves) != 1 else ''} between organisations"
    lines = [f"{count} (the store holds {', '.join(organisations)})"]
    for move in moves:
        lines.append(f"  {move.name} [{move.person}]: {_end(move.origin)} → {_end(move.destination)}, {_dates(move)}")
        lines += ["      " + source_line(fact) for fact in move.facts()]
    if not moves:
        lines.append("No moves: no departure names a destination.")
    return "\n".join(lines)


def flows_dot(moves: list[Move], organisations: list[str]) -> graphviz.Digraph:
    """Organisations as clusters (those the store does not hold dashed), each person's post at each
    end a box, each move an arrow labelled with its dates."""
    g = new_graph("flows", ["Moves between organisations", f"{len(moves)} move{'s' if len(moves) != 1 else ''}"])
    g.attr(rankdir="LR")
    g.attr("edge", arrowhead="normal")
    held = list(organisations)
    outside = sorted({m.destination.organisation for m in moves if not m.destination.linked})
    boxes: dict[str, list[tuple[str, str]]] = {name: [] for name in held + outside}
    for n, move in enumerate(moves):
        for side, end in (("from", move.origin), ("to", move.destination)):
            title = end.title or ("title not reported" if end.linked else "")
            boxes[end.organisation].append((f"m{n}-{side}", "\n".join(x for x in (move.name, title) if x)))
    for i, name in enumerate(held + outside):
        with g.subgraph(name=f"cluster_org{i}") as c:
            dashed = name in outside and name not in held
            c.attr(
                label=label([name + (" (not in this store)" if dashed else "")]),
                style="rounded,dashed" if dashed else "rounded",
                color=MUTED,
            )
            for node, text in boxes[name]:
                c.node(node, label(text.split("\n")))
            if not boxes[name]:
                c.node(f"org{i}-none", label(["no moves"]), style="dotted", color=MUTED)
    for n, move in enumerate(moves):
        g.edge(f"m{n}-from", f"m{n}-to", label=label([_dates(move)]))
    return g
