"""The log, a person's history and "why" as text for a terminal: every line with its sources and quotes.

Pure: returns strings, never prints. Japanese quotes are kept as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from orgsim.dates import shown
from orgsim.history import History, LogEntry, Span, Why
from orgsim.orgchart import shown_title
from orgsim.render.style import leave_until

__all__ = ["entry_lines", "history_text", "log_text", "short_time", "why_text"]


def short_time(moment: datetime | None) -> str:
    """A recording time to the second, in UTC: `2024-08-01 09:30:00Z`."""
    if moment is None:
        return "unknown"
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment.utcoffset() is not None else moment.isoformat()


def _source_lines(source: dict[str, str], indent: str) -> list[str]:
    out = []
    doc, quote = source.get("document"), source.get("quote")
    if doc or quote:
        out.append(indent + " ".join(x for x in (doc, f"「{quote}」" if quote else None) if x))
    if source.get("url"):
        out.append(indent + "url: " + source["url"])
    if source.get("note"):
        out.append(indent + "note: " + source["note"])
    if not out:
        out.append(indent + "(no source given)")
    return out


def entry_lines(entry: LogEntry, indent: str = "  ", who: bool = True, recorded: bool = True) -> list[str]:
    """One event: effective date, person, what it says (its kind in words), id; then when it was recorded, its source, any retraction."""
    f = entry.fact
    head = f"{indent}{f.on.shown:<10}  "
    head += (f"{entry.name} [{f.person}]: " if who else "") + f"{entry.summary}  [{f.id}]"
    pad = indent + " " * 12
    lines = [head]
    if f.announced is not None:
        lines.append(f"{pad}announced {f.announced.shown}")
    if recorded:
        lines.append(f"{pad}recorded {short_time(f.recorded_at)}")
    sources = f.all_sources
    if len(sources) <= 1:
        lines += _source_lines(sources[0] if sources else {}, pad)
    else:  # several: each numbered
        for n, source in enumerate(sources, start=1):
            first, *rest = _source_lines(source, "")
            lines += [f"{pad}[{n}] {first}", *(f"{pad}    {line}" for line in rest)]
    if entry.retraction is not None:
        r = entry.retraction
        lines.append(f"{pad}RETRACTED {short_time(r.recorded_at)}: {r.reason}  (not counted)")
    return lines


def _known(as_known_at: datetime | None) -> str:
    return f"as known at {short_time(as_known_at)}" if as_known_at else "as known now"


def log_lines(entries: list[LogEntry], order: str = "effective", as_known_at: datetime | None = None) -> Iterator[str]:
    """The log's lines one by one (a long log need not be one string in memory)."""
    by = "effective date" if order == "effective" else "recording time"
    yield f"{len(entries)} event{'s' if len(entries) != 1 else ''}, by {by}, {_known(as_known_at)}"
    for e in entries:
        yield from entry_lines(e, indent="")


def log_text(entries: list[LogEntry], order: str = "effective", as_known_at: datetime | None = None) -> str:
    return "\n".join(log_lines(entries, order, as_known_at))


def _span(s: Span, label: str, width: int = 24) -> str:
    end = s.end.on.shown if s.end is not None else "now"
    ids = ", ".join(s.events)
    return f"  {s.start.on.shown + ' → ' + end:<{width}} {label}  [{ids}]"


def history_text(h: History, as_known_at: datetime | None = None) -> str:
    lines = [f"{h.name} [{h.person}] — {h.organisation}, {_known(as_known_at)}"]
    if h.aliases:
        lines.append("Also known as: " + ", ".join(h.aliases))
    lines.append("In the organisation")
    for i, s in enumerate(h.stints):
        label = "rejoined" if i else "joined"
        if s.end is not None:
            label += "; departed" + (f" → {s.end.destination}" if s.end.destination else " (destination not reported)")
        lines.append(_span(s, label))
    if not h.stints:
        lines.append("  no event known")
    lines.append("Titles")
    lines += [_span(s, s.value or "title not reported") for s in h.titles] or ["  none"]
    lines.append("Managers")
    lines += [_span(s, f"reports to {h.names.get(s.value, s.value)} [{s.value}]") for s in h.managers] or [
        "  not reported"
    ]
    lines.append("Leaves")
    for s in h.leaves:
        label = "on leave" + (f", expected until {s.start.until.shown}" if s.start.until else "")
        if s.end is not None:
            label += "; returned" if s.end.kind == "returned" else "; ended by departure"
        lines.append(_span(s, label))
    if not h.leaves:
        lines.append("  none")
    cited = h.cited()
    if cited:
        lines.append("Sources")
        for e in cited:
            lines += entry_lines(e, who=False, recorded=False)
    if h.retracted:
        lines.append("Retracted (not counted)")
        for rid in h.retracted:
            lines += entry_lines(h.entries[rid], who=False)
    return "\n".join(lines)


def why_text(w: Why, as_known_at: datetime | None = None) -> str:
    lines = [f"{w.name} [{w.person}] on {w.at.isoformat()} — {w.organisation}, {_known(as_known_at)}"]

    def cause(field: str) -> str:
        return f"   ← [{w.because[field]}]" if w.because.get(field) else ""

    row, gone = w.row, w.alumnus
    if row is not None:
        status = (
            "active"
            if row.status == "active"
            else f"on leave since {shown(row.leave_since or '')}"
            + (f", {leave_until(row, w.at)}" if row.leave_until else "")
        )
        lines.append(f"  status: {status}{cause('status')}")
        lines.append(f"  title: {row.title or shown_title(row).replace('title ', '')}{cause('title')}")
        boss = w.names.get(row.reports_to, row.reports_to) if row.reports_to else None
        lines.append(
            f"  reports to: {boss + ' [' + row.reports_to + ']' if boss and row.reports_to else 'not reported'}{cause('reports_to')}"
        )
        if row.uncertain:
            lines.append(
                "  * a change on this row has a date known only within bounds (a month, a year, a range of days), still open on this day"
            )
    elif gone is not None:
        where = f" → {gone.destination}" if gone.destination else " (destination not reported)"
        lines.append(f"  status: departed {shown(gone.departed_on)}{where}{cause('status')}")
        lines.append(f"  last title: {gone.title or 'not reported'}{cause('title')}")
    else:
        lines.append("  status: not in the organisation on this day (no event known before it)")
    if w.events:
        lines.append("Events behind this row, in effective order:")
        for e in w.events:
            lines += entry_lines(e)
    return "\n".join(lines)
