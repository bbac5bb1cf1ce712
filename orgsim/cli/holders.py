"""`orgsim holders TITLE`: who held a post, in order, with dates; acting holders marked, gaps as vacancies."""

from __future__ import annotations

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
    print_csv,
    print_json,
)
from orgsim.render.holders import holders_json, holders_text


@app.command()
def holders(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The post's title (any case), e.g. CEO.")],
    unit: Annotated[str | None, typer.Option("--unit", help="Only the post in this unit (its name).")] = None,
    json_output: JsonOpt = False,
    csv: CsvOpt = False,
    as_known_at: AsKnownAtOpt = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
) -> None:
    """Who held a post, in order: each holder's dates and sources, acting holders marked, and the gaps
    between holders as vacancies. --csv: a row per tenure (or vacancy).

    Example: orgsim holders CEO --org OpenAI --json
    """
    one_table_format("holders", json_output, csv)
    with terminal.busy("Reading the post's holders"):
        name, tenures, timeline = open_store(store).holders(title, org, unit, moment(as_known_at))
    if csv:
        data = holders_json(name, title, unit, tenures, timeline)
        print_csv("holders", ({"organisation": name, **t} for t in data["holders"]))
        return
    if json_output:
        print_json(holders_json(name, title, unit, tenures, timeline))
        return
    terminal.show(holders_text(name, title, tenures, timeline))
