"""`orgsim load`, `orgsim show`, `orgsim people`: fill the store and read the chart."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from orgsim.application import open_store, removed_if_failed
from orgsim.cli import terminal
from orgsim.cli.common import (
    AsKnownAtOpt,
    AtOpt,
    CsvOpt,
    JsonOpt,
    OrgOpt,
    StoreOpt,
    app,
    at_day,
    known_from,
    moment,
    one_table_format,
    print_csv,
    print_json,
    unchecked_quotes_note,
    with_as_known_at,
)
from orgsim.history import iso
from orgsim.interchange import bundled_seeds, read_yaml
from orgsim.render.text import chart_tree


@app.command()
def load(
    file: Annotated[Path | None, typer.Argument(help="A seed YAML file (default: the bundled OpenAI seeds).")] = None,
    store: StoreOpt = None,
    json: JsonOpt = False,
) -> None:
    """Load a seed file into the store, all or nothing. Loading the same file twice stores nothing new.

    Every cited document must lie beside FILE and hold its quote verbatim.

    Example: orgsim load seeds/openai.yaml --store team.db
    """
    dataset = read_yaml(file or bundled_seeds())
    with removed_if_failed(store), terminal.busy("Checking and storing the file"):
        report = open_store(store, create=True).load(dataset)
    if json:
        print_json(
            {
                "organisation": report.organisation,
                "people_added": report.people_added,
                "events_added": report.events_added,
                "events_already_stored": report.events_already_stored,
            }
        )
    typer.echo(
        f"Loaded {report.organisation} from {dataset.path}: {report.events_added} events and "
        f"{report.people_added} people added{known_from(report)}, {report.events_already_stored} events already stored.",
        err=True,
    )
    note = unchecked_quotes_note(dataset.unchecked_quotes, f"beside {dataset.path}")
    if note:
        typer.echo(note, err=True)


@app.command()
def show(
    at: AtOpt = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
    as_known_at: AsKnownAtOpt = None,
    json: JsonOpt = False,
    csv: CsvOpt = False,
) -> None:
    """The organisation on a day: a tree, or JSON {organisation, at, as_known_at, people[id, name, title, status, reports_to, uncertain]}.

    With --as-known-at, the chart on that day as the store knew it then (a bitemporal query). --csv: a row per person.

    Example: orgsim show --at 2024-06-01 --as-known-at 2024-08-01 --json
    """
    one_table_format("show", json, csv)
    known = moment(as_known_at)
    app_ = open_store(store)
    data = json or csv
    with terminal.busy("Reading the chart"):
        chart = app_.chart(
            at_day(at), org, as_known_at=known, alumni=False if data else "open", events=data
        )  # the tree names departures still open that day, and no event ids
    if csv:
        head = {"organisation": chart.organisation, "at": chart.at.isoformat(), "as_known_at": iso(known)}
        print_csv("show", ({**head, **p} for p in chart.as_json()["people"]))
    elif json:
        print_json(with_as_known_at(chart.as_json(), known))
    else:
        text = chart_tree(chart)
        if known is not None:
            text += f"\nAs known at {iso(known)}: events and retractions recorded later are not counted."
            if not chart.rows and not app_.timeline(org, as_known_at=known).facts:  # (an empty chart, explained)
                text += f"\nNothing about {chart.organisation} had been recorded by then."
        terminal.show(text)


@app.command()
def people(store: StoreOpt = None, org: OrgOpt = None, json: JsonOpt = False, csv: CsvOpt = False) -> None:
    """Everyone the store knows, with ids, names and aliases (any of which names them in every command).

    --csv: a row per person, with the organisations that name them.

    Example: orgsim people --json
    """
    one_table_format("people", json, csv)
    with terminal.busy("Reading the register"):
        organisations, rows = open_store(store).everyone(org)
    several = len(organisations) > 1
    if csv:
        print_csv("people", rows)  # (each with the organisations that name them, as with several)
        return
    if json:
        if several:
            print_json({"organisations": organisations, "people": rows})
        else:
            print_json({"organisation": organisations[0], "people": [_one_register(r) for r in rows]})
        return
    terminal.show(_register_line(r, several) for r in rows)


def _register_line(r: dict[str, Any], several: bool) -> str:
    aliases = ", ".join(r["aliases"])
    where = f"  [{', '.join(r['organisations'])}]" if several else ""
    return f"{r['id']:<22} {r['name']}" + (f"  ({aliases})" if aliases else "") + where


def _one_register(entry: dict[str, Any]) -> dict[str, Any]:
    """A person as `people --json` lists them for one organisation (no `organisations` key)."""
    return {k: v for k, v in entry.items() if k != "organisations"}
