"""`orgsim diff FROM TO`: what changed between two days, every change traced to its events and sources."""

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
    OrgOpt,
    StoreOpt,
    app,
    moment,
    one_table_format,
    output_file,
    print_csv,
    print_json,
    with_as_known_at,
    write_output,
)
from orgsim.cli.render import Format, Lang, output_format, picture_bytes
from orgsim.dates import parse_day, within_reach
from orgsim.errors import DateError, OrgsimError
from orgsim.history import iso
from orgsim.render.text import diff_text


def _day(text: str, name: str):
    try:
        return within_reach(parse_day(text), text)
    except DateError as err:
        raise DateError(f"{name}: {err}") from None


@app.command()
def diff(
    from_: Annotated[
        str, typer.Argument(metavar="FROM", help="The first day (YYYY-MM-DD; YYYY or YYYY-MM mean their first day).")
    ],
    to: Annotated[str, typer.Argument(metavar="TO", help="The second day; earlier than FROM gives the reverse diff.")],
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the diff picture here (format from the extension; -: stdout)."),
    ] = None,
    fmt: Annotated[
        Format | None, typer.Option("--format", help="Draw a picture of both days: svg, png, pdf or dot.")
    ] = None,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Names in the picture: en, or ja (the Japanese alias).")
    ] = Lang.en,
    as_known_at: AsKnownAtOpt = None,
    csv: CsvOpt = False,
) -> None:
    """What changed between two days: left, joined, on leave, returned, new title, new manager.

    JSON: {organisation, from, to, changes[person, name, change, before, after, events], sources{event id: record}}.
    --csv: a row per change.

    With --format or -o: one picture of both days (who left, joined, went on leave or returned, new
    titles, moved reporting lines), with a legend.

    Example: orgsim diff 2024-09-01 2024-10-15 --format png -o shakeup.png
    """
    one_table_format("diff", json, csv)
    if (json or csv) and (output is not None or fmt is not None):
        raise OrgsimError("choose --json or --csv (the changes as data) or --format/-o (a picture), not both")
    a, b = _day(from_, "FROM"), _day(to, "TO")
    known = moment(as_known_at)
    picture = output is not None or fmt is not None
    with terminal.busy("Comparing the two days"):
        compared = open_store(store).compare(a, b, org, as_known_at=known, whole=picture)
    d, facts = compared.diff, compared.facts
    if picture:
        from orgsim.render.diff_dot import diff_graph

        assert compared.timeline is not None  # (asked for with whole=True)
        kind = output_format(fmt, output)
        with terminal.busy("Drawing the diff"):
            drawn = picture_bytes(diff_graph(d, compared.timeline, lang=lang.value), kind)
        write_output(drawn, output, kind)
        if output_file(output) is not None:
            typer.echo(f"Wrote {output} ({kind}).", err=True)
    elif csv:
        head = {"organisation": d.organisation, "from": a.isoformat(), "to": b.isoformat(), "as_known_at": iso(known)}
        print_csv("diff", ({**head, **c.as_json()} for c in d.changes))
    elif json:
        cited = sorted({e for c in d.changes for e in c.events if e in facts})
        data = {"organisation": d.organisation, "from": a.isoformat(), "to": b.isoformat()}
        data["changes"] = [c.as_json() for c in d.changes]
        data = with_as_known_at(data, known, after="to")
        data["sources"] = {e: {"id": e, **facts[e].as_record()} for e in cited}
        print_json(data)
    else:
        text = diff_text(d, facts, names=compared.names)
        if known is not None:
            text += f"\nAs known at {iso(known)}: events and retractions recorded later are not counted."
        terminal.show(text)
