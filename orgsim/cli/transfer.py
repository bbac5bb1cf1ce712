"""`orgsim import FILE` and `orgsim export`: the store's history as JSON Lines (or CSV), in and out.

Import is all or nothing: every line is parsed and checked against the whole timeline first, then
every event is written in ONE transaction (`OrgsimApp.load`), so a bad line, Ctrl-C or a kill leaves
the store exactly as it was.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from orgsim.application import bulk_allocation, open_store, removed_if_failed
from orgsim.cli import terminal
from orgsim.cli.common import (
    JsonOpt,
    OrgOpt,
    StoreOpt,
    app,
    compact_json,
    json_text,
    known_from,
    output_file,
    print_json,
    unchecked_quotes_note,
    write_output,
)
from orgsim.errors import RecordError, StoreError
from orgsim.interchange import Dataset, csv_text, jsonl_text, read_csv_sections, read_sections
from orgsim.interchange.popolo import popolo_document


class ImportFormat(str, Enum):
    """The formats `import` reads (default: from the file's extension, else jsonl)."""

    jsonl = "jsonl"  # orgsim's own
    csv = "csv"  # a spreadsheet of changes, the JSON Lines fields as columns
    ftm = "ftm"  # FollowTheMoney entities, one a line (orgsim.interchange.ftm_import)


class ExportFormat(str, Enum):
    """The formats `export` writes (default: from the file's extension, else jsonl)."""

    jsonl = "jsonl"  # the backup: every record, `import` reads it back
    csv = "csv"  # the same records as rows, `import` reads them back too
    ftm = "ftm"  # FollowTheMoney entities, one a line (orgsim.interchange.ftm)
    popolo = "popolo"  # one Popolo JSON document (orgsim.interchange.popolo)


_WRITE = {"jsonl": jsonl_text, "csv": csv_text}  # the store's records as the file's text


def _format(fmt: ImportFormat | ExportFormat | None, file: Path | None) -> str:
    """`--format`, else the file's extension (`.csv`), else JSON Lines."""
    if fmt is not None:
        return fmt.value
    return "csv" if file is not None and file.suffix.lower() == ".csv" else "jsonl"


def _read(kind: str, file: Path, default: str | None) -> tuple[list[Dataset], str | None]:
    """The file's parts, one per organisation, and a note to print after the import (or None)."""
    if kind == "ftm":
        from orgsim.interchange.ftm_import import (
            read_ftm,
        )  # (here: every command started in 1.08-1.31 s with followthemoney, 0.27-0.35 s without)

        read = read_ftm(file, default)
        return read.sections, read.note()
    return (read_csv_sections if kind == "csv" else read_sections)(file, default), None


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
    file: Annotated[Path, typer.Argument(help="A JSON Lines file (one event a line) or a CSV file (see README).")],
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
    fmt: Annotated[
        ImportFormat | None,
        typer.Option(
            "--format", help="jsonl, csv or ftm (default: csv for a .csv file, else jsonl).", show_default=False
        ),
    ] = None,
) -> None:
    """Import events from JSON Lines, CSV or FollowTheMoney, all or nothing: a bad line rejects the file (FILE:LINE: reason).

    --format csv (the default for a .csv FILE): a spreadsheet whose header names JSON Lines fields (source.document, source.quote, source.url, source.note for a source), a change a row; errors count the header as row 1.

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
            sections, format_note = _read(_format(fmt, file), file, default)
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
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default or -: stdout).")
    ] = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", help="jsonl, csv, ftm or popolo (default: csv for -o FILE.csv, else jsonl).", show_default=False
        ),
    ] = None,
) -> None:
    """Back up the store as JSON Lines (each organisation, its people, its events; `import` reads it back), or write it as CSV, FollowTheMoney or Popolo.

    --format csv (the default for -o FILE.csv): the same records as rows of a spreadsheet, which `import` reads back too.
    --format ftm: FollowTheMoney entities (people, organisations, positions, occupancies, employments), one a line.
    --format popolo: one Popolo JSON document (persons, organizations, posts, memberships; see README).

    Example: orgsim export -o history.jsonl
    """
    kind = _format(fmt, output)
    if kind == "popolo":
        with terminal.busy("Writing the Popolo document"):
            document = popolo_document(open_store(store).timelines(org))
        write_output((json_text(document) + "\n").encode("utf-8"), output, "json")
        if output_file(output) is not None:
            typer.echo(f"Exported {len(document['memberships'])} memberships to {output}.", err=True)
        return
    if kind == "ftm":
        with terminal.busy("Writing the FollowTheMoney entities"):
            timelines = {t.organisation: t for t in open_store(store).timelines(org)}
            from orgsim.interchange.ftm import ftm_entities  # (as in `_read`: only when asked for)

            ftm = [compact_json(e) + "\n" for e in ftm_entities(timelines)]
        write_output("".join(ftm).encode("utf-8"), output, kind)
        if output_file(output) is not None:
            typer.echo(f"Exported {len(ftm)} entities to {output}.", err=True)
        return
    with terminal.busy("Reading the history"):
        records = list(open_store(store).export(org))
    write_output(_WRITE[kind](records).encode("utf-8"), output, kind)  # atomic: a crash never leaves half a file
    if output_file(output) is None:
        return
    what = "lines" if kind == "jsonl" else "rows, after the header,"
    typer.echo(f"Exported {len(records)} {what} to {output}.", err=True)
