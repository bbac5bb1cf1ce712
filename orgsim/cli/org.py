"""`orgsim org add` and `orgsim org list`: the organisations a store holds."""

from __future__ import annotations

from typing import Annotated

import typer

from orgsim.application import open_store, removed_if_failed
from orgsim.cli.common import JsonOpt, StoreOpt, app, print_json

org_app = typer.Typer(help="The organisations a store holds: add one, list them.", no_args_is_help=True)
app.add_typer(org_app, name="org")


@org_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The organisation's name, as the sources write it.", metavar="NAME")],
    store: StoreOpt = None,
) -> None:
    """Add an empty organisation to the store (a new store is made).

    Example: orgsim org add Anthropic
    """
    with removed_if_failed(store):
        added = open_store(store, create=True).add_organisation(name)
    typer.echo(
        f"Added the organisation {added}. Record its news with `orgsim append … --org {_quoted(added)}` "
        f"or `orgsim import FILE --org {_quoted(added)}`.",
        err=True,
    )


@org_app.command("list")
def list_(store: StoreOpt = None, json_output: JsonOpt = False) -> None:
    """The organisations the store holds, in the order they were added, with their stored events and units.

    Example: orgsim org list --json
    """
    found = open_store(store).organisation_list()
    if json_output:
        print_json({"organisations": found})
        return
    for entry in found:
        units = f"; units: {', '.join(entry['units'].values())}" if entry["units"] else ""
        typer.echo(f"{entry['name']}  ({entry['events']} stored event{'s' if entry['events'] != 1 else ''}{units})")
    if not found:
        typer.echo("The store holds no organisation yet: `orgsim org add NAME` adds one.", err=True)


def _quoted(name: str) -> str:
    return f"'{name}'" if any(c.isspace() for c in name) else name
