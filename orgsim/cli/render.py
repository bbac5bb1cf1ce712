"""`orgsim render`: the chart on a day as a picture (SVG, PNG, PDF) drawn by Graphviz, or as DOT,
Mermaid or GraphML (all four written from one drawing, `render.drawing`).

`picture_bytes` and `write_output` are shared with any command that draws (e.g. a diff picture):
DOT needs no Graphviz; the other formats run the real `dot` and fail in one line when it is missing.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import graphviz
import typer

from orgsim.application import open_store
from orgsim.cli import terminal
from orgsim.cli.common import AtOpt, OrgOpt, StoreOpt, app, at_day, moment, output_file, write_output
from orgsim.errors import RenderError
from orgsim.render.dot import dot_graph
from orgsim.render.drawing import Drawing, drawing
from orgsim.render.graphml import graphml_bytes
from orgsim.render.mermaid import mermaid_text

__all__ = ["ChartFormat", "Format", "Lang", "chart_bytes", "output_format", "picture_bytes"]

INSTALL_HINT = (
    "Graphviz's `dot` program is not installed or not on PATH: install Graphviz "
    "(Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; or run `make setup`), "
    "or ask for --format dot"
)


class Format(str, Enum):
    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"


class ChartFormat(str, Enum):
    """What `render` writes: Graphviz's formats, and Mermaid and GraphML for other tools."""

    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"
    mermaid = "mermaid"
    graphml = "graphml"


class Lang(str, Enum):
    en = "en"
    ja = "ja"


_EXTENSIONS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
_CHART_EXTENSIONS = {**_EXTENSIONS, ".mmd": "mermaid", ".mermaid": "mermaid", ".graphml": "graphml"}


def output_format(
    fmt: Format | ChartFormat | None, output: Path | None, extensions: dict[str, str] = _EXTENSIONS
) -> str:
    """--format when given, else the output file's extension (one of `extensions`), else DOT (stdout: no -o, or `-o -`)."""
    if fmt is not None:
        return fmt.value
    output = output_file(output)
    if output is None:
        return "dot"
    ext = output.suffix.lower()
    if ext not in extensions:
        known = [e for e in extensions if e != ".gv"]
        raise typer.BadParameter(
            f"cannot tell the format from {output.name!r}: use {', '.join(known[:-1])} or {known[-1]}, "
            "or pass --format",
            param_hint="'-o' / '--output'",
        )
    return extensions[ext]


def picture_bytes(graph: graphviz.Digraph, fmt: str) -> bytes:
    """The graph as DOT source (no Graphviz needed) or drawn by the real `dot` program."""
    if fmt == "dot":
        return graph.source.encode("utf-8")
    try:
        return graph.pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound:
        raise RenderError(INSTALL_HINT) from None
    except graphviz.CalledProcessError as err:
        detail = (err.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz could not draw the {fmt}: {detail[0] if detail else err}") from None


def chart_bytes(drawn: Drawing, fmt: str) -> bytes:
    """A chart's drawing in `fmt`: Mermaid or GraphML text, else DOT or what Graphviz draws from it."""
    if fmt == "mermaid":
        return mermaid_text(drawn).encode("utf-8")
    if fmt == "graphml":
        return graphml_bytes(drawn)
    return picture_bytes(dot_graph(drawn), fmt)


@app.command()
def render(
    at: AtOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write here (format from the extension); default or -: stdout."),
    ] = None,
    fmt: Annotated[
        ChartFormat | None,
        typer.Option("--format", help="svg, png, pdf, dot, mermaid or graphml (default: from -o, else dot)."),
    ] = None,
    root: Annotated[
        str | None, typer.Option("--root", help="Draw only this person's part of the chart (id, name or alias).")
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option("--depth", min=0, help="Levels drawn below the top (deeper people fold into 'N reports below')."),
    ] = None,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Names as the sources spell them: en, or ja (the Japanese alias).")
    ] = Lang.en,
    alumni: Annotated[
        bool, typer.Option("--alumni", help="Add a panel of who had left by that day, when, and where to.")
    ] = False,
    as_known_at: Annotated[
        str | None, typer.Option("--as-known-at", help="Draw only what the store knew at this recording time.")
    ] = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
) -> None:
    """Draw the chart on a day with Graphviz (DOT to stdout unless -o), or as Mermaid or GraphML.

    A legend, on-leave and partly-dated people marked, lines nobody reported grouped apart, and in
    SVG each box's sources on hover. Mermaid (-o chart.mmd) is a flowchart GitHub draws in Markdown;
    GraphML (-o chart.graphml) opens in yEd and Gephi, each box's sources in its data.

    Example: orgsim render --at 2024-10-15 -o openai.svg --alumni
    """
    kind = output_format(fmt, output, _CHART_EXTENSIONS)
    with terminal.busy("Drawing the chart"):
        chart, timeline, person = open_store(store).drawing(at_day(at), org, moment(as_known_at), root)
        drawn = drawing(chart, timeline, root=person, depth=depth, lang=lang.value, alumni=alumni)
        data = chart_bytes(drawn, kind)
    write_output(data, output, kind)
    if output_file(output) is not None:
        typer.echo(f"Wrote {output} ({kind}).", err=True)
