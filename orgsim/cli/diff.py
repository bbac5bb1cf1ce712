"""`orgsim diff FROM TO`: what changed between two days, every change traced to its events and sources."""

from __future__ import annotations

from typing import Annotated

import typer

from orgsim.application import open_store
from orgsim.chart import chart_at
from orgsim.cli.common import JsonOpt, OrgOpt, StoreOpt, app, print_json
from orgsim.dates import parse_day
from orgsim.diff import diff as chart_diff
from orgsim.errors import DateError
from orgsim.render.text import diff_text


def _day(text: str, name: str):
    try:
        return parse_day(text)
    except DateError as err:
        raise DateError(f"{name}: {err}") from None


@app.command()
def diff(
    from_: Annotated[str, typer.Argument(metavar="FROM", help="The first day (YYYY-MM-DD; YYYY or YYYY-MM mean their first day).")],
    to: Annotated[str, typer.Argument(metavar="TO", help="The second day; earlier than FROM gives the reverse diff.")],
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
    # The diff picture (`--format svg|png|pdf|dot -o PATH`) plugs in here: the same `d` and `facts`
    # go to the picture renderer instead of `diff_text`.
) -> None:
    """What changed between two days: left, joined, on leave, returned, new title, new manager.

    JSON: {organisation, from, to, changes[person, name, change, before, after, events], sources{event id: record}}.

    Example: orgsim diff 2024-09-01 2024-10-15
    """
    a, b = _day(from_, "FROM"), _day(to, "TO")
    timeline = open_store(store).timeline(org)
    facts = timeline.fact_map()
    d = chart_diff(chart_at(timeline, a), chart_at(timeline, b), facts)
    if json:
        data = d.as_json()
        cited = sorted({e for c in d.changes for e in c.events if e in facts})
        data["sources"] = {e: {"id": e, **facts[e].as_record()} for e in cited}
        print_json(data)
    else:
        typer.echo(diff_text(d, facts))
