"""`orgsim log`, `orgsim history`, `orgsim why`: the event log, a person's tenures, and why a row is drawn so.

Each takes `--as-known-at` (the second clock) and `--json`; people are named by id, name or alias.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import typer

from orgsim.application import open_store
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
    moment,
    one_table_format,
    partial_date,
    print_csv,
    print_json,
    print_json_list,
    with_as_known_at,
)
from orgsim.facts import KINDS
from orgsim.render.csv_tables import history_rows
from orgsim.render.history_text import history_text, log_lines, why_text

PersonArg = Annotated[str, typer.Argument(help="The person: an id, a name or an alias, in any case (ミラ・ムラティ).")]


@app.command("log")
def log_command(
    person: Annotated[
        str | None, typer.Option("--person", help="Only events about this person (id, name or alias).")
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option("--from", help="Only events whose effective date overlaps from here (YYYY[-MM[-DD]])."),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="…up to here, inclusive (YYYY[-MM[-DD]]; 2024 means to its end).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help=f"Only this kind (repeatable): {', '.join(KINDS)}.")
    ] = None,
    recorded: Annotated[
        bool, typer.Option("--recorded", help="Order by recording time instead of effective date.")
    ] = False,
    as_known_at: AsKnownAtOpt = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
    csv: CsvOpt = False,
) -> None:
    """The stored events, retracted ones marked, each with its dates (effective and recorded), source and quote.

    JSON: a list of {id, kind, person, name, summary, details, on, precision, recorded_at, source, retracted, retraction}.
    --csv: a row per event, its organisation first.

    Example: orgsim log --person ミラ・ムラティ --from 2024-08 --to 2024-09 --json
    """
    one_table_format("log", json, csv)
    order = "recorded" if recorded else "effective"
    known = moment(as_known_at)
    with terminal.busy("Reading the log"):
        logs = open_store(store).logs(
            org,
            as_known_at=known,
            order=order,
            person=person,
            start=partial_date(from_, "--from"),
            end=partial_date(to, "--to"),
            kinds=tuple(kind or ()),
        )
    if csv:
        print_csv("log", ({"organisation": name, **e.as_json()} for name, entries in logs.items() for e in entries))
        return
    if len(logs) == 1:  # one organisation: today's output
        (entries,) = logs.values()
        if json:
            print_json_list(e.as_json() for e in entries)
        else:
            terminal.show(log_lines(entries, order, known))
        return
    if json:  # several: every entry names its organisation
        print_json_list({**e.as_json(), "organisation": name} for name, entries in logs.items() for e in entries)
        return
    terminal.show(_each_log(logs, order, known))


def _each_log(logs: dict[str, list[Any]], order: str, known: Any) -> Iterator[str]:
    """Each organisation's log, its heading line naming it, a blank line between them."""
    for n, (name, entries) in enumerate(logs.items()):
        lines = log_lines(entries, order, known)
        if n:
            yield ""
        yield f"{name}: {next(lines)}"
        yield from lines


@app.command("history")
def history_command(
    person: PersonArg,
    as_known_at: AsKnownAtOpt = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
    csv: CsvOpt = False,
) -> None:
    """A person's tenures: each time in the organisation (departure and destination, re-joins), each title, manager and leave with from/to, every line with the events and quotes behind it.

    JSON: {organisation, person, name, aliases, as_known_at, stints, titles, managers, leaves, events, retracted};
    on a store of several organisations, without --org, every organisation whose register names the
    person: {person, name, as_known_at, histories: [one such object each]}.
    --csv: a row per stint, title, manager and leave line (column `line`), in each organisation.

    Example: orgsim history john-schulman
    """
    one_table_format("history", json, csv)
    known = moment(as_known_at)
    with terminal.busy("Reading the history"):
        found = open_store(store).histories(person, org, as_known_at=known)
    if csv:
        print_csv("history", (row for h in found for row in history_rows(h.as_json())))
        return
    if len(found) == 1:
        h = found[0]
        if json:
            print_json(with_as_known_at(h.as_json(), known, after="aliases"))
        else:
            terminal.show(history_text(h, known))
        return
    if json:
        each = [with_as_known_at(h.as_json(), known, after="aliases") for h in found]
        print_json(
            {"person": found[0].person, "name": found[0].name, "as_known_at": each[0]["as_known_at"], "histories": each}
        )
    else:
        terminal.show("\n\n".join(history_text(h, known) for h in found))


@app.command("why")
def why_command(
    person: PersonArg,
    at: AtOpt = None,
    as_known_at: AsKnownAtOpt = None,
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
) -> None:
    """Why a person's row is as it is on a day: its title, manager and status, the event behind each, and every event that produced the row, in effective order, with its quote.

    JSON: {organisation, person, name, at, as_known_at, status, title, reports_to, uncertain, since, leave_since, leave_until, departed_on, destination, because, events} (see the README).

    Example: orgsim why greg-brockman --at 2024-09-01
    """
    known = moment(as_known_at)
    with terminal.busy("Tracing the row"):
        w = open_store(store).why(person, at_day(at), org, as_known_at=known)
    if json:
        print_json(with_as_known_at(w.as_json(), known))
    else:
        terminal.show(why_text(w, known))
