"""Which people a picture of the chart draws, which lines join them, and what folds away (pure).

Managers sit above their reports. People with neither a reported manager nor reports are grouped
apart under "Reporting line not reported", never attached to a guessed manager; an outside director
(every post in one unit, no line, no reports) is drawn with their unit's members. Large teams and
everything below `depth` fold into "N more" boxes so very large organisations stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orgsim import dates
from orgsim.chart import OrgChart, Row
from orgsim.errors import UnknownPersonError
from orgsim.orgchart import seated_in
from orgsim.render.style import middle

__all__ = ["MAX_NODES", "MAX_REPORTS", "MAX_UNREPORTED", "Layout", "layout"]

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
