"""`orgsim timeline`: one self-contained HTML page to watch the organisation change, frame by frame."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orgsim.application import open_store
from orgsim.chart import chart_at
from orgsim.cli import terminal
from orgsim.cli.common import AsKnownAtOpt, OrgOpt, StoreOpt, app, moment, output_file, partial_date, write_output
from orgsim.cli.render import Lang, picture_bytes
from orgsim.errors import OrgsimError
from orgsim.render.provenance import fact_text, log_hash
from orgsim.render.style import display_name
from orgsim.render.timeline_dot import cast_of, frame_graph
from orgsim.render.timeline_html import PageFrame, timeline_page
from orgsim.timeline import frame_days, frames

if TYPE_CHECKING:
    from rich.progress import Progress


class Every(str, Enum):
    day = "day"
    week = "week"
    month = "month"


#: Past this many frames the page gets heavy (each frame is a whole SVG): say so.
MANY_FRAMES = 200


@app.command()
def timeline(
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write (-: stdout).")],
    start: Annotated[str | None, typer.Option("--from", help="First frame's day (default: the first change).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last frame's day (default: the last change).")] = None,
    every: Annotated[Every | None, typer.Option("--every", help="A frame every day, week or month.")] = None,
    at_changes: Annotated[
        bool, typer.Option("--at-changes", help="A frame on each day a change took effect (the default).")
    ] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="Names as the sources spell them: en, or ja.")] = Lang.en,
    as_known_at: AsKnownAtOpt = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
) -> None:
    """Write the chart over time as one self-contained HTML page with a date slider.

    Inline SVG, CSS and JS (no network); play/pause and arrow keys, and beside the chart the events
    since the previous frame, with quotes.

    Example: orgsim timeline --from 2023-11-01 --to 2024-12-31 --at-changes -o openai-timeline.html
    """
    if every is not None and at_changes:
        raise OrgsimError("choose one of --every and --at-changes")
    if output_file(output) is not None and output.suffix.lower() not in (".html", ".htm"):
        raise OrgsimError(f"-o {output}: a timeline is an .html file")
    first = partial_date(start, "--from")
    last = partial_date(end, "--to")
    with terminal.busy("Reading the history"):
        tl = open_store(store).timeline(org, moment(as_known_at))
    days = frame_days(
        tl, first.start if first else None, last.end if last else None, every.value if every else "changes"
    )
    if len(days) > MANY_FRAMES:
        typer.echo(
            f"Warning: {len(days)} frames make a large page; a coarser --every or --at-changes is lighter.", err=True
        )
    with terminal.busy(f"Folding {len(days)} charts"):
        charts = [chart_at(tl, day) for day in days]
    cast = cast_of(charts, tl, lang.value)
    name = lambda pid: display_name(pid, tl.name_of(pid), tl.people, lang.value)  # noqa: E731
    page_frames = []
    with _progress(len(days)) as advance:
        for frame, chart in zip(frames(tl, days), charts):
            svg = picture_bytes(frame_graph(chart, tl, cast, lang.value), "svg").decode("utf-8")
            events = [
                {
                    "id": f.id,
                    "on": f.on.shown,  # (shown: `on or before …`)
                    "person": f.person,
                    "name": name(f.person),
                    "text": fact_text(f, tl),
                    "quote": f.source.get("quote"),
                    "document": f.source.get("document") or f.source.get("url"),
                    "note": f.source.get("note"),
                }
                for f in frame.events
            ]
            page_frames.append(PageFrame(frame.day.isoformat(), svg, events))
            advance()
    footer = f"{tl.organisation} · {len(days)} frames · event log sha256 {log_hash(tl)} · drawn by orgsim with Graphviz"
    write_output(timeline_page(tl.organisation, page_frames, footer).encode("utf-8"), output, "html")
    if output_file(output) is not None:
        typer.echo(f"Wrote {output} ({len(days)} frames, {days[0]} → {days[-1]}).", err=True)


class _progress:
    """A progress bar on a terminal (stderr) while frames render; silent otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[], None]:
        if sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = bar = Progress(transient=True)
            bar.start()
            task = bar.add_task("Drawing frames", total=self.total)
            return lambda: bar.advance(task)
        return lambda: None

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
