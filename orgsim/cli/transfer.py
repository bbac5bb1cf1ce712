"""`orgsim import FILE` and `orgsim export`: the store's history as JSON Lines, in and out.

Import is all or nothing: every line is parsed and checked against the whole timeline first, then
every event is written in ONE transaction (`OrgsimApp.load`), so a bad line, Ctrl-C or a kill leaves
the store exactly as it was.
"""

from __future__ import annotations

import json as jsonlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from orgsim.application import bulk_allocation, open_store, removed_if_failed
from orgsim.cli.common import JsonOpt, OrgOpt, StoreOpt, app, print_json, unchecked_quotes_note, write_output
from orgsim.errors import StoreError
from orgsim.interchange import read_jsonl


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal (and the file is long enough to need one)."""
    if not sys.stderr.isatty() or total < 50:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("checking", total=total)

        def advance(n: int) -> None:
            bar.update(task, completed=n, description="saving" if n >= total else "checking")
            if n >= total:
                bar.refresh()  # show "saving" now: the one save that follows writes everything

        yield advance


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A JSON Lines file: one event a line (see README).")],
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Import events from JSON Lines, all or nothing: a bad line rejects the file (FILE:LINE: reason).

    A quote whose cited document is found (beside FILE, in the current folder, or beside the bundled seeds) must occur in it verbatim; other quotes are imported and counted as not checked. --org naming an organisation the store does not hold adds it beside the others (with a note).

    Example: orgsim import history.jsonl --org OpenAI
    """
    with removed_if_failed(store):
        try:
            app_ = open_store(store, create=org is not None)  # a new store needs --org to name its organisation
        except StoreError as err:
            raise StoreError(f"{err}; or pass --org NAME to start a new store with this file") from None
        name = org
        known = app_.organisations()
        if name is None:
            if len(known) != 1:
                raise StoreError(
                    "pass --org NAME: the store holds "
                    + (f"several organisations ({', '.join(known)})" if known else "no organisation yet")
                )
            name = known[0]
        with bulk_allocation():
            dataset = read_jsonl(file, name)
            with _progress(len(dataset.events)) as progress:
                report = app_.load(dataset, progress=progress)
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
        f"Imported {file} into {report.organisation}: {report.events_added} events and {report.people_added} "
        f"people added, {report.events_already_stored} already stored.",
        err=True,
    )
    note = unchecked_quotes_note(dataset.unchecked_quotes, dataset.documents_place)
    if note:
        typer.echo(note, err=True)
    if known and report.organisation not in known:  # (a typo in --org must not pass unnoticed)
        typer.echo(
            f"Note: {report.organisation} is a new organisation in this store, beside {', '.join(known)}: "
            "commands on this store now need --org.",
            err=True,
        )


@app.command()
def export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
) -> None:
    """Write the store's history as JSON Lines (people, then events in recording order); `import` reads it back.

    Example: orgsim export -o history.jsonl
    """
    lines = [jsonlib.dumps(r, ensure_ascii=False) + "\n" for r in open_store(store).export(org)]
    write_output("".join(lines).encode("utf-8"), output, "jsonl")  # atomic: a crash never leaves half a file
    if output is None:
        return
    typer.echo(f"Exported {len(lines)} lines to {output}.", err=True)
