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
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from orgsim.application import bulk_allocation, open_store, removed_if_failed
from orgsim.cli.common import (
    JsonOpt,
    OrgOpt,
    StoreOpt,
    app,
    known_from,
    print_json,
    unchecked_quotes_note,
    write_output,
)
from orgsim.errors import RecordError, StoreError
from orgsim.interchange import Dataset, read_sections
from orgsim.interchange.ftm import ftm_entities
from orgsim.interchange.ftm_import import read_ftm


class Format(str, Enum):
    """The formats `import` reads and `export` writes."""

    JSONL = "jsonl"
    FTM = "ftm"


FormatOpt = Annotated[
    Format, typer.Option("--format", help="jsonl (orgsim's own), ftm (FollowTheMoney entities, one a line).")
]


def _read(fmt: Format, file: Path, default: str | None) -> tuple[list[Dataset], str | None]:
    """The file's parts, one per organisation, and a note to print after the import (or None)."""
    if fmt is Format.JSONL:
        return read_sections(file, default), None
    if fmt is Format.FTM:
        read = read_ftm(file, default)
        return read.sections, read.note()
    raise ValueError(f"unknown format {fmt!r}")


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
    fmt: FormatOpt = Format.JSONL,
) -> None:
    """Import events from JSON Lines, all or nothing: a bad line rejects the file (FILE:LINE: reason).

    A quote whose cited document is found (beside FILE, in the current folder, or beside the bundled seeds) must occur in it verbatim; other quotes are imported and counted as not checked. --org naming an organisation the store does not hold adds it beside the others (with a note). --format ftm reads FollowTheMoney entities (an export's, or Person/Position/Occupancy from elsewhere: see README).

    Example: orgsim import history.jsonl --org OpenAI
    """
    with removed_if_failed(store):
        default = org  # the organisation of records before any organisation line
        if default is None:
            try:
                held = open_store(store).organisations()
            except StoreError:
                held = []
            default = held[0] if len(held) == 1 else None
        with bulk_allocation():
            sections, format_note = _read(fmt, file, default)
            if org is not None:  # this organisation's part of a file that names several; one part: imported as it
                sections = _for(file, org, sections)
            app_ = open_store(store, create=True)
            known = app_.organisations()
            if len(sections) > 1:  # every part checked before any is stored
                app_.check_parts(sections)
            reports = []
            for dataset in sections:
                with _progress(len(dataset.events)) as progress:
                    reports.append((dataset, app_.load(dataset, progress=progress)))
    if json:
        found = [
            {
                "organisation": report.organisation,
                "people_added": report.people_added,
                "events_added": report.events_added,
                "events_already_stored": report.events_already_stored,
            }
            for _, report in reports
        ]
        print_json(found[0] if len(found) == 1 else {"organisations": found})
    for _, report in reports:
        typer.echo(
            f"Imported {file} into {report.organisation}: {report.events_added} events and {report.people_added} "
            f"people added{known_from(report)}, {report.events_already_stored} already stored.",
            err=True,
        )
        if known and report.organisation not in known:  # (a typo in --org must not pass unnoticed)
            typer.echo(
                f"Note: {report.organisation} is a new organisation in this store, beside {', '.join(known)}: "
                "commands on this store now need --org.",
                err=True,
            )
    note = unchecked_quotes_note(sections[0].unchecked_quotes, sections[0].documents_place)
    for line in (note, format_note):
        if line:
            typer.echo(line, err=True)


def _for(file: Path, org: str, sections: list[Dataset]) -> list[Dataset]:
    """What --org imports: its own part of the file, or the file's only part, under that name."""
    mine = [s for s in sections if s.organisation.casefold() == org.casefold()]
    if mine:
        return mine
    if len(sections) == 1:
        return [replace(sections[0], organisation=org)]
    names = ", ".join(s.organisation for s in sections)
    raise RecordError(f"{file} holds no records for {org!r} (it holds: {names})")


@app.command()
def export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
    fmt: FormatOpt = Format.JSONL,
) -> None:
    """Back up the store as JSON Lines: each organisation, its people, then its events; `import` reads it back.

    --format ftm writes FollowTheMoney entities instead (people, organisations, positions, occupancies, employments), one a line.

    Example: orgsim export -o history.jsonl
    """
    app_ = open_store(store)
    if fmt is Format.FTM:
        names = [org] if org is not None else app_.organisations()
        records = ftm_entities({n: app_.timeline(n) for n in names})
    else:
        records = app_.export(org)
    lines = [jsonlib.dumps(r, ensure_ascii=False) + "\n" for r in records]
    write_output("".join(lines).encode("utf-8"), output, "jsonl")  # atomic: a crash never leaves half a file
    if output is None:
        return
    typer.echo(f"Exported {len(lines)} lines to {output}.", err=True)
