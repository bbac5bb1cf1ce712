"""`orgsim retract` and `orgsim correct`: fix a mistake with new events, never by editing old ones."""

from __future__ import annotations

from typing import Annotated

import typer

from orgsim.application import Amendment, open_store
from orgsim.cli import terminal
from orgsim.cli.append import (
    DocumentOpt,
    DryRunOpt,
    QuoteOpt,
    SourceOpt,
    UrlOpt,
    names_in,
    said,
    sources_of,
    unchecked_quote_note,
    who,
)
from orgsim.cli.common import JsonOpt, OrgOpt, StoreOpt, app, print_json
from orgsim.diff import ChartDiff, diff
from orgsim.render.text import diff_text

ReasonOpt = Annotated[str, typer.Option("--reason", help="Why: it is stored with the retraction.")]
EventArg = Annotated[
    str, typer.Argument(metavar="EVENT_ID", help="The event's id (or a unique prefix of 4+ characters).")
]


def _changes(result: Amendment) -> list[tuple[str, ChartDiff]]:
    """The chart's changes on each day concerned, from before the command to after it."""
    return [(day.isoformat(), diff(before, after, result.facts)) for day, before, after in result.effects]


@app.command()
def retract(
    event_id: EventArg,
    reason: ReasonOpt,
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Withdraw a stored event: it stays in the log with the retraction, and stops counting from now on.

    JSON: {retraction, target, reason, stored, changes[{on, changes}]}.

    Example: orgsim retract 4e78e425a366 --reason "wrong person"
    """
    with terminal.busy("Checking the retraction against the history"):
        result = open_store(store).retract(event_id, reason, org, dry_run=dry_run)
    retraction, target = result.retraction, result.target
    report = _changes(result)
    if json:
        print_json(
            {
                "retraction": retraction.id,
                "target": target.id,
                "reason": retraction.reason,
                "stored": result.stored,
                "changes": [{"on": day, "changes": d.as_json()["changes"]} for day, d in report],
            }
        )
        return
    verb = "Would retract" if dry_run else "Retracted"
    known = names_in(*(chart for _, *charts in result.effects for chart in charts))
    typer.echo(
        f"{verb} {who(target, known)}: {said(target, known)} {target.on.dated} [event {target.id}] — {retraction.reason}"
    )
    for day, d in report:
        typer.echo(diff_text(d, result.facts, heading=f"Effect on the chart on {day}:", two_timelines=True))
    if dry_run:
        typer.echo("Dry run: nothing was stored.", err=True)
    else:
        typer.echo(f"Retraction id: {retraction.id}")


@app.command()
def correct(
    event_id: EventArg,
    reason: ReasonOpt,
    on: Annotated[str | None, typer.Option("--on", help="The right effective date.")] = None,
    announced: Annotated[str | None, typer.Option("--announced", help="The right date it was announced.")] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="The right title (appointed, a comeback's returned).")
    ] = None,
    manager: Annotated[
        str | None, typer.Option("--manager", help="The right manager (appointed, a comeback's returned, reports_to).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="The right destination (departed).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="The right end of leave (on_leave).")] = None,
    source: SourceOpt = None,
    document: DocumentOpt = None,
    quote: QuoteOpt = None,
    url: UrlOpt = None,
    replace_sources: Annotated[
        bool, typer.Option("--replace-sources", help="The sources given replace the event's (default: added to them).")
    ] = False,
    dry_run: DryRunOpt = False,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Correct a stored event: its retraction and the corrected event, stored together in one step.

    The corrected event keeps the event's sources, and a source given is added to them (with
    --replace-sources, it replaces them); a new --quote or --source alone amends the event's one source.

    Example: orgsim correct 4e78e425a366 --on 2024-09-26 --reason "the memo is dated the 26th"
    """
    given = {"on": on, "announced": announced, "title": title, "manager": manager, "destination": to, "until": until}
    changes: dict[str, str | list[dict[str, str]]] = {k: v for k, v in given.items() if v is not None}
    cited = sources_of(source, document, quote, url)
    if cited:
        changes["source"] = cited
    notes: list[str | None] = []
    with terminal.busy("Checking the correction against the history"):
        result = open_store(store).correct(
            event_id,
            reason,
            changes,
            org,
            dry_run=dry_run,
            check_source=lambda one: notes.append(unchecked_quote_note(one)),
            replace_sources=replace_sources,
        )
    for note in dict.fromkeys(notes):  # (once, though a retried command checks again)
        if note:
            typer.echo(note, err=True)
    old, new = result.target, result.fact
    assert new is not None
    report = _changes(result)
    if json:
        print_json(
            {
                "retracted": old.id,
                "retraction": result.retraction.id,
                "event": new.id,
                "record": new.as_record(),
                "stored": result.stored,
                "changes": [{"on": day, "changes": d.as_json()["changes"]} for day, d in report],
            }
        )
        return
    verb = "Would correct" if dry_run else "Corrected"
    known = names_in(*(chart for _, *charts in result.effects for chart in charts))
    typer.echo(
        f"{verb} {who(old, known)}: {said(old, known)} {old.on.dated} [event {old.id}] → {said(new, known)} {new.on.dated} "
        f"[event {new.id}]"
    )
    for day, d in report:
        typer.echo(diff_text(d, result.facts, heading=f"Effect on the chart on {day}:", two_timelines=True))
    if not cited and new.on != old.on and new.source.get("note"):
        typer.echo(
            "Note: the corrected event keeps the old source and its note; pass --source/--quote to update them.",
            err=True,
        )
    if dry_run:
        typer.echo("Dry run: nothing was stored.", err=True)
    else:
        typer.echo(f"Event id: {new.id}")
