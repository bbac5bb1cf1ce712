"""`orgsim init`, `orgsim org add` and `orgsim org list`: the organisations a store holds."""

from __future__ import annotations

import shlex
from typing import Annotated

import typer

from orgsim.application import DEFAULT_STORE, open_store, redact, removed_if_failed
from orgsim.cli.common import JsonOpt, StoreOpt, app, print_json
from orgsim.errors import StoreError

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


@app.command()
def init(
    org: Annotated[
        str, typer.Option("--org", help="Your organisation's name, as the sources write it.", show_default=False)
    ],
    store: StoreOpt = None,
) -> None:
    """Start a store for your own organisation: an empty store holding it (as `org add` makes), and what to do next.

    A store that already holds it is left as it is (exit 0); one that holds another organisation is
    refused (`org add` adds a second one).

    Example: orgsim init --org Acme --store acme.db
    """
    if store is not None and store.strip() == ":memory:":
        raise StoreError("a :memory: store lasts one command: init needs a file (--store NAME.db) or a PostgreSQL URL")
    with removed_if_failed(store):
        app_ = open_store(store, create=True)
        name, added = app_.start_organisation(org)
        several = len(app_.organisations()) > 1  # (then every command on it needs --org)
    flag = f" --store {shlex.quote(redact(store))}" if store else ""
    flag += f" --org {shlex.quote(name)}" if several else ""
    shown = redact(store) if store else DEFAULT_STORE
    said = f"Started {name} in {shown}" if added else f"{shown} already holds {name}: nothing to do"
    typer.echo(
        f"{said}. Record its news, each change with its source, then see the chart:\n"
        f'  orgsim append appointed "Jane Doe" --title CEO --on 2024-05 --url https://example.com/news{flag}\n'
        f"  orgsim show{flag}\n"
        f"A file of changes: orgsim import FILE{flag} (JSON Lines or CSV: `orgsim import -h`).",
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
