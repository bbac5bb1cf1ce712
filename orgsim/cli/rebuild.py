"""`orgsim rebuild`: the read model made anew from the stored events."""

from __future__ import annotations

import typer

from orgsim.application import open_store
from orgsim.cli import terminal
from orgsim.cli.common import OrgOpt, StoreOpt, app


@app.command()
def rebuild(store: StoreOpt = None, org: OrgOpt = None) -> None:
    """Make the organisation's read model anew from its stored events.

    The read model (the chart as dated row intervals) is a projection of the event log: every
    command keeps it in step, and a stale one is rebuilt on first use. Rebuilding loses nothing.

    Example: orgsim rebuild --store team.db
    """
    with terminal.busy("Rebuilding the read model"):
        rebuilt = open_store(store).rebuild(org, replace=True)
    if rebuilt is None:
        typer.echo("This store keeps no read model (a memory store): nothing to rebuild.", err=True)
        return
    typer.echo(f"Rebuilt the read model of {rebuilt.name} from its {rebuilt.version} stored events.", err=True)
