"""`orgsim flows`: people's moves between the organisations of a store, as text, JSON or a picture."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.application import open_store
from orgsim.cli import terminal
from orgsim.cli.common import (
    AsKnownAtOpt,
    CsvOpt,
    JsonOpt,
    StoreOpt,
    app,
    moment,
    one_table_format,
    partial_date,
    print_csv,
    print_json,
    write_output,
)
from orgsim.cli.render import Format, output_format, picture_bytes
from orgsim.render.flows import flows_dot, flows_text


@app.command()
def flows(
    from_: Annotated[
        str | None, typer.Option("--from", help="Only departures whose date overlaps from here (YYYY[-MM[-DD]]).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only departures whose date overlaps up to here.")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Draw the moves: a .svg, .png, .pdf or .dot file (-: stdout).")
    ] = None,
    fmt: Annotated[Format | None, typer.Option("--format", help="The picture's format (default: from -o).")] = None,
    json_output: JsonOpt = False,
    csv: CsvOpt = False,
    as_known_at: AsKnownAtOpt = None,
    store: StoreOpt = None,
) -> None:
    """Every move between organisations: who left which post for which, when, and the sources.

    A departure's destination (`--to`) links to an organisation the store holds, and to the person's
    first post there; one it does not hold is shown as written. Needs no --org. --csv: a row per move.

    Example: orgsim flows --from 2024 --json
    """
    one_table_format("flows", json_output, csv)
    start, end = partial_date(from_, "--from"), partial_date(to, "--to")
    with terminal.busy("Following the moves"):
        found, organisations = open_store(store).flows(
            start.start if start is not None else None, end.end if end is not None else None, moment(as_known_at)
        )
    if output is not None or fmt is not None:
        kind = output_format(fmt, output)
        with terminal.busy("Drawing the moves"):
            data = picture_bytes(flows_dot(found, organisations), kind)
        write_output(data, output, kind)
        return
    if csv:
        print_csv("flows", (m.as_json() for m in found))
        return
    if json_output:
        print_json({"organisations": organisations, "moves": [m.as_json() for m in found]})
        return
    terminal.show(flows_text(found, organisations))
