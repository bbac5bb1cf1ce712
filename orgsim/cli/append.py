"""`orgsim append KIND PERSON …`: record one cited change from the command line (or `--dry-run` it).

Each sub-command builds one `EventRecord` and hands it to `OrgsimApp.record`; the output is the change
it makes to the chart on its day, as `orgsim diff` prints it, and the new event's id. A `--quote` is
checked first against its `--document` when that file is found (`interchange.command_documents`).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Annotated, Any

import typer

from orgsim.application import Recorded, open_store
from orgsim.chart import OrgChart
from orgsim.cli import terminal
from orgsim.cli.common import JsonOpt, OrgOpt, OrgsimGroup, StoreOpt, app, partial_date, print_json
from orgsim.diff import diff
from orgsim.errors import RecordError
from orgsim.facts import Fact
from orgsim.interchange import EventRecord, command_documents
from orgsim.render.text import diff_text

__all__ = ["append_app", "names_in", "said", "sources_of", "unchecked_quote_note", "unchecked_quotes_notes", "who"]

append_app = typer.Typer(
    cls=OrgsimGroup,  # (usage errors name `orgsim append departed --help`, not the group's)
    help="Record one cited change: appointed, departed, on-leave, returned, reports-to.",
    no_args_is_help=True,
)
app.add_typer(append_app, name="append")


def names_in(*charts: OrgChart) -> dict[str, str]:
    """Display names, by id, of everyone in or gone from these charts."""
    names: dict[str, str] = {}
    for chart in charts:  # (the later of two entries for one id wins)
        names.update((a.id, a.name) for a in chart.alumni)
        names.update((r.id, r.name) for r in chart.rows)
    return names


def who(fact: Fact, names: dict[str, str]) -> str:
    """`Mark Chen (mark-chen)`: the person a fact is about, as a command's first line names them."""
    return f"{names.get(fact.person, fact.person)} ({fact.person})"


def said(fact: Fact, names: dict[str, str]) -> str:
    """What a fact says (`Fact.describe`), its manager by name."""
    return (replace(fact, manager=names.get(fact.manager, fact.manager)) if fact.manager else fact).describe()


PersonArg = Annotated[str, typer.Argument(metavar="PERSON", help="An id, a display name or an alias (any case).")]
AnnouncedOpt = Annotated[
    str | None, typer.Option("--announced", help="When it was announced, when reported (any form --on takes).")
]
OnOpt = Annotated[
    str,
    typer.Option(
        "--on",
        help="Effective date: YYYY, YYYY-MM, YYYY-MM-DD, some day in a range YYYY-MM-DD..YYYY-MM-DD, "
        "..YYYY-MM-DD (on or before) or YYYY-MM-DD.. (on or after).",
    ),
]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option("--source", help="Where this comes from (a note, or with --document a note on it; repeatable)."),
]
DocumentOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--document",
        help="The cited document: a file name, looked up in the current folder, then the bundled seeds' folder"
        " (repeatable).",
    ),
]
QuoteOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--quote",
        help="The exact sentence of the document this rests on; refused when the document is found and lacks it"
        " (repeatable: the n-th quote is from the n-th --document, or with no --document the n-th --url).",
    ),
]
UrlOpt = Annotated[list[str] | None, typer.Option("--url", help="The cited article's address (repeatable).")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Print the change it would make; store nothing.")]


def sources_of(
    notes: list[str] | None, documents: list[str] | None, quotes: list[str] | None, urls: list[str] | None
) -> list[dict[str, str]]:
    """The command line's source options as sources (empty values left out). Each option given at most
    once: one source of every part given, as ever. Any of them repeated: each --document is a source,
    with the --quote of the same place in order (the n-th quote is from the n-th document; with no
    --document, the quotes pair with the --urls so), each other --url a source, each --source note one;
    quotes that do not pair one to one are refused."""
    notes, documents, quotes, urls = ([v for v in vs or () if v] for vs in (notes, documents, quotes, urls))
    if max(len(notes), len(documents), len(quotes), len(urls)) <= 1:
        one = {"document": documents, "quote": quotes, "url": urls, "note": notes}
        source = {k: v[0] for k, v in one.items() if v}
        return [source] if source else []
    anchors = documents or urls
    if quotes and len(quotes) != len(anchors):
        paired = "--document" if documents else "--url"
        raise RecordError(
            f"{len(quotes)} --quote for {len(anchors)} {paired}: give one --quote for each {paired}, in the same order"
            + (" (or no --quote)" if anchors else " (a quote is from a document or a web address)")
        )
    quoted = [{"quote": q} for q in quotes] or [{} for _ in anchors]
    if documents:
        found = [{"document": d, **q} for d, q in zip(documents, quoted)] + [{"url": u} for u in urls]
    else:
        found = [{"url": u, **q} for u, q in zip(urls, quoted)]
    return found + [{"note": n} for n in notes]


def unchecked_quote_note(source: dict[str, str]) -> str | None:
    """Check a command line source's quote against its document before anything is stored: a quote
    the found document does not hold is a RecordError; a quote that could not be checked (no document
    cited, or not found) gives the note to print."""
    reason = command_documents().check(source)
    return f"Note: the quote was not checked ({reason})." if reason else None


def unchecked_quotes_notes(sources: list[dict[str, str]]) -> list[str]:
    """`unchecked_quote_note` of each source, each quote against the document it cites: the notes to print."""
    return [note for note in dict.fromkeys(map(unchecked_quote_note, sources)) if note]


def _run(rec: EventRecord, store: str | None, org: str | None, dry_run: bool, json: bool) -> None:
    notes = unchecked_quotes_notes(list(rec.sources))
    app_ = open_store(store)
    if sys.stderr.isatty():
        n = app_.slow_check_ahead(rec, org)
        if n is not None:
            typer.echo(
                f"Dated before the last change: checking it against the {n:,} facts after it (a few seconds "
                "on a store this size)…",
                err=True,
            )
    with terminal.busy("Checking the change against the history"):
        recorded: Recorded = app_.record(rec, org, dry_run=dry_run)
    for note in notes:
        typer.echo(note, err=True)
    fact = recorded.fact
    d = diff(recorded.before, recorded.after, recorded.facts)
    known = names_in(recorded.before, recorded.after)
    if recorded.known_from is not None:
        typer.echo(
            f"{who(fact, known)} is known from {recorded.known_from}: {'would be added' if dry_run else 'added'} "
            f"to {recorded.after.organisation} with the same id, name, aliases and source.",
            err=True,
        )
    if json:
        print_json(
            {
                "event": fact.id,
                "stored": recorded.stored,
                "record": fact.as_record(),
                "changes": d.as_json()["changes"],
                "known_from": recorded.known_from,
            }
        )
        return
    verb = "Would record" if dry_run else "Recorded"
    if fact.manager is not None and fact.manager not in known:  # a unit (the board): named as the register names it
        known[fact.manager] = app_.units(recorded.after.organisation).get(fact.manager, fact.manager)
    heading = f"{verb}: {who(fact, known)} {said(fact, known)}, {fact.on.shown}"
    typer.echo(diff_text(d, recorded.facts, heading=heading, names=known))
    if not fact.source:
        typer.echo("Warning: no source given (--source, --document/--quote, --url): this fact cites nothing.", err=True)
    typer.echo(f"Event id: {fact.id}" + (" (not stored)" if dry_run else ""))
    if dry_run:
        typer.echo("Dry run: nothing was stored.", err=True)


def _record(kind: str, person: str, on: str, sources: list[dict[str, str]], **fields: Any) -> EventRecord:
    partial_date(on, "--on", bounds=True)  # a malformed date names its option
    partial_date(fields.get("until"), "--until", bounds=True)
    partial_date(fields.get("announced"), "--announced", bounds=True)
    first, more = (sources[0], tuple(sources[1:])) if sources else ({}, ())
    return EventRecord(kind=kind, person=person, on=on, source=first, more_sources=more, where="", **fields)


@append_app.command()
def appointed(
    person: PersonArg,
    title: Annotated[str, typer.Option("--title", help="The title the source gives.")],
    on: OnOpt,
    announced: AnnouncedOpt = None,
    reports_to: Annotated[str | None, typer.Option("--reports-to", help="Their manager (id, name or alias).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name of a new person (default: PERSON).")] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another spelling of a new person's name (repeatable).")
    ] = None,
    also: Annotated[
        bool,
        typer.Option("--also", help="Another post: keep the posts they hold (without: the new post replaces them)."),
    ] = False,
    acting: Annotated[bool, typer.Option("--acting", help="An acting or interim holder of the post.")] = False,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help='The unit the post sits in, e.g. "Board of Directors" (a new one is added).'),
    ] = None,
    source: SourceOpt = None,
    document: DocumentOpt = None,
    quote: QuoteOpt = None,
    url: UrlOpt = None,
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Someone takes a post (joining, new posts, or with --also one more); an unknown PERSON is created.

    A PERSON another organisation of the store knows is copied from there: the same id, name, aliases and source.

    Example: orgsim append appointed "Jane Doe" --title COO --reports-to sam-altman --on 2024-11 --source "Press release"
    Example: orgsim append appointed mira-murati --title CEO --acting --also --on 2023-11-17 --url https://…
    """
    rec = _record(
        "appointed",
        person,
        on,
        sources_of(source, document, quote, url),
        announced=announced,
        title=title,
        manager=reports_to,
        name=name,
        aliases=tuple(alias or ()),
        also=also,
        acting=acting,
        unit=unit,
    )
    _run(rec, store, org, dry_run, json)


@append_app.command()
def departed(
    person: PersonArg,
    on: OnOpt,
    announced: AnnouncedOpt = None,
    to: Annotated[str | None, typer.Option("--to", help="Where they went, when reported.")] = None,
    post: Annotated[
        str | None,
        typer.Option("--post", help="End this post only (its title): they stay in the organisation."),
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="The unit of the --post, where titles repeat.")] = None,
    source: SourceOpt = None,
    document: DocumentOpt = None,
    quote: QuoteOpt = None,
    url: UrlOpt = None,
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Someone leaves the organisation (the reporting lines to them end; none is guessed), or with
    --post steps down from one post.

    Example: orgsim append departed john-schulman --on 2024-08 --to Anthropic --source "He joins Anthropic"
    Example: orgsim append departed greg-brockman --post Chairman --unit "Board of Directors" --on 2023-11-17 --url …
    """
    _run(
        _record(
            "departed",
            person,
            on,
            sources_of(source, document, quote, url),
            destination=to,
            announced=announced,
            post=post,
            unit=unit,
        ),
        store,
        org,
        dry_run,
        json,
    )


@append_app.command("on-leave")
def on_leave(
    person: PersonArg,
    on: OnOpt,
    announced: AnnouncedOpt = None,
    until: Annotated[str | None, typer.Option("--until", help="The expected end of the leave, when reported.")] = None,
    source: SourceOpt = None,
    document: DocumentOpt = None,
    quote: QuoteOpt = None,
    url: UrlOpt = None,
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Someone goes on leave.

    Example: orgsim append on-leave greg-brockman --on 2024-08 --until 2024-12 --source "A year off"
    """
    _run(
        _record("on_leave", person, on, sources_of(source, document, quote, url), until=until, announced=announced),
        store,
        org,
        dry_run,
        json,
    )


@append_app.command()
def returned(
    person: PersonArg,
    on: OnOpt,
    title: Annotated[
        str | None, typer.Option("--title", help="A comeback's title, when reported (not on a return from leave).")
    ] = None,
    reports_to: Annotated[
        str | None,
        typer.Option("--reports-to", help="A comeback's manager (id, name or alias), when reported."),
    ] = None,
    announced: AnnouncedOpt = None,
    source: SourceOpt = None,
    document: DocumentOpt = None,
    quote: QuoteOpt = None,
    url: UrlOpt = None,
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Someone returns from leave, or comes back after a departure (a comeback: with the title and
    manager reported, if any; none is guessed).

    Example: orgsim append returned greg-brockman --on 2024-11-12 --source "Brockman is back"
    Example: orgsim append returned sam-altman --on 2023-11-22 --title CEO --source "Altman returns as CEO"
    """
    rec = _record(
        "returned",
        person,
        on,
        sources_of(source, document, quote, url),
        title=title,
        manager=reports_to,
        announced=announced,
    )
    _run(rec, store, org, dry_run, json)


@append_app.command("reports-to")
def reports_to(
    person: PersonArg,
    manager: Annotated[str, typer.Option("--manager", help="The new manager (id, name or alias).")],
    on: OnOpt,
    announced: AnnouncedOpt = None,
    source: SourceOpt = None,
    document: DocumentOpt = None,
    quote: QuoteOpt = None,
    url: UrlOpt = None,
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Someone reports to a (new) manager from a date on.

    Example: orgsim append reports-to sarah-friar --manager sam-altman --on 2024-07 --source "Reports to Sam"
    """
    _run(
        _record(
            "reports_to", person, on, sources_of(source, document, quote, url), manager=manager, announced=announced
        ),
        store,
        org,
        dry_run,
        json,
    )
