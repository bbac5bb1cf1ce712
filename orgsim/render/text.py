"""A chart as an indented tree for a terminal."""

from __future__ import annotations

from orgsim.chart import OrgChart, Row

__all__ = ["chart_tree", "row_label"]


def row_label(row: Row) -> str:
    title = row.title or "title not reported"
    label = f"{row.name} — {title}  [{row.id}]"
    if row.status == "on_leave":
        label += f"  (on leave since {row.leave_since}" + (f", until {row.leave_until})" if row.leave_until else ")")
    if row.uncertain:
        label += "  *"
    return label


def chart_tree(chart: OrgChart) -> str:
    """Managers at the top with their reports below; people with no reported line listed apart."""
    reports: dict[str, list[Row]] = {}
    for row in chart.rows:
        if row.reports_to is not None:
            reports.setdefault(row.reports_to, []).append(row)
    tops = [r for r in chart.rows if r.reports_to is None and r.id in reports]
    loose = [r for r in chart.rows if r.reports_to is None and r.id not in reports]
    lines = [f"{chart.organisation} on {chart.at.isoformat()} — {len(chart.rows)} people"]

    def walk(row: Row, prefix: str, last: bool) -> None:
        lines.append(prefix + ("└── " if last else "├── ") + row_label(row))
        kids = reports.get(row.id, [])
        for i, kid in enumerate(kids):
            walk(kid, prefix + ("    " if last else "│   "), i == len(kids) - 1)

    for top in tops:
        lines.append(row_label(top))
        kids = reports.get(top.id, [])
        for i, kid in enumerate(kids):
            walk(kid, "", i == len(kids) - 1)
    if loose:
        lines.append("Reporting line not reported:")
        lines.extend("  " + row_label(r) for r in loose)
    if any(r.uncertain for r in chart.rows):
        lines.append("* a change on this row has a date known only to its month or year, still open on this day")
    return "\n".join(lines)
