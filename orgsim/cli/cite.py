"""`orgsim cite EVENT_ID`: add a corroborating source to a stored event, which is otherwise unchanged."""

from __future__ import annotations

from typing import Annotated

import typer

from orgsim.application import open_store
from orgsim.cli import terminal
from orgsim.cli.append import DryRunOpt, said, unchecked_quote_note, who
from orgsim.cli.common import JsonOpt, OrgOpt, StoreOpt, app, print_json
from orgsim.cli.correct import EventArg


@app.command()
def cite(
    event_id: EventArg,
    url: Annotated[str | None, typer.Option("--url", help="The corroborating article's address.")] = None,
    document: Annotated[
        str | None,
        typer.Option("--document", help="The corroborating document: a file name, looked up as `append` does."),
    ] = None,
    quote: Annotated[
        str | None, typer.Option("--quote", help="Its exact sentence; checked against --document when found.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note on the source.")] = None,
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Add a source to a stored event (it keeps every other): a document or a web address, with a quote or a note.

    JSON: {citation, event, source, sources, stored}.

    Example: orgsim cite 4e78e425a366 --url https://example.com/news --quote "Mira Murati is leaving"
    """
    source = {k: v for k, v in {"document": document, "quote": quote, "url": url, "note": note}.items() if v}
    check = unchecked_quote_note(source)  # (before anything is stored)
    with terminal.busy("Checking the citation"):
        result = open_store(store).cite(event_id, source, org, dry_run=dry_run)
    if check:
        typer.echo(check, err=True)
    fact, citation = result.fact, result.citation
    if json:
        print_json(
            {
                "citation": citation.id,
                "event": fact.id,
                "source": citation.source,
                "sources": [dict(s) for s in fact.all_sources],
                "stored": result.stored,
            }
        )
        return
    verb = "Would cite" if dry_run else "Cited"
    n, names = len(fact.all_sources), dict(result.names)
    where = citation.source.get("document") or citation.source.get("url")
    typer.echo(
        f"{verb} {where} for {who(fact, names)}: {said(fact, names)} {fact.on.dated} [event {fact.id}], "
        f"which has {n} source{'s' if n != 1 else ''} now"
    )
    if dry_run:
        typer.echo("Dry run: nothing was stored.", err=True)
    else:
        typer.echo(f"Citation id: {citation.id}")
