"""`orgsim diff FROM TO`: what changed between two days, every change traced to its events and sources."""

from __future__ import annotations

import heapq
import pickle
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from orgsim.application import open_store
from orgsim.chart import chart_at
from orgsim.cli.common import (
    AsKnownAtOpt, JsonOpt, OrgOpt, StoreOpt, app, moment, print_json, with_as_known_at, write_output,
)
from orgsim.cli.render import Format, Lang, output_format, picture_bytes
from orgsim.dates import parse_day
from orgsim.diff import diff as chart_diff
from orgsim.errors import DateError, OrgsimError
from orgsim.history import iso
from orgsim.forked import in_two
from orgsim.readmodel import View, cited_by_diff
from orgsim.render.text import diff_blocks, diff_heading, diff_sections, diff_text


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
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the diff picture here (format from the extension).")] = None,
    fmt: Annotated[Optional[Format], typer.Option("--format", help="Draw a picture of both days: svg, png, pdf or dot.")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Names in the picture: en, or ja (the Japanese alias).")] = Lang.en,
    as_known_at: AsKnownAtOpt = None,
) -> None:
    """What changed between two days: left, joined, on leave, returned, new title, new manager.

    JSON: {organisation, from, to, changes[person, name, change, before, after, events], sources{event id: record}}.

    With --format or -o: one picture of both days (who left, joined, went on leave or returned, new
    titles, moved reporting lines), with a legend.

    Example: orgsim diff 2024-09-01 2024-10-15 --format png -o shakeup.png
    """
    if json and (output is not None or fmt is not None):
        raise OrgsimError("choose --json (the changes as data) or --format/-o (a picture), not both")
    a, b = _day(from_, "FROM"), _day(to, "TO")
    known = moment(as_known_at)
    app_ = open_store(store)
    view = app_.view(org) if known is None else None  # the read model (SQLite), else a replay
    if view is not None:
        with view:
            if output is not None or fmt is not None:  # a picture draws both whole days
                chart_a, chart_b = view.chart(a), view.chart(b)
            elif json:  # JSON reads only the rows that differ
                chart_a, chart_b, _ = view.diff_charts(a, b)
            else:  # text: the rows that differ (and their managers' names), in two processes when many
                typer.echo(_text_of(view, a, b))
                return
            view.facts.fetch(cited_by_diff(chart_a, chart_b))
            _show(chart_a, chart_b, view.facts, view.timeline, json, output, fmt, lang, known)
        return
    timeline = app_.timeline(org, as_known_at=known)
    _show(chart_at(timeline, a), chart_at(timeline, b), timeline.counted_map(), lambda cited: timeline,
          json, output, fmt, lang, known)


#: From this many people whose row differs, a text diff is worked out in two processes, each taking
#: every other one of them (`forked.in_two`): the time goes in Python on each change.
SPLIT_AT = 1500


def _text_of(view: View, a: date, b: date) -> str:
    """The text diff of two days from the read model; with many changes, half of them worked out in a
    child process on a view of the same version of the model (the same text, sooner)."""
    people = sorted(view.changed(a, b))
    if len(people) < SPLIT_AT:
        blocks = _blocks(view, a, b, people)
    else:
        mine, theirs = people[0::2], people[1::2]

        def there() -> bytes:
            twin = view.twin()
            if twin is None:
                raise OrgsimError("the read model moved on")  # (the parent does this part itself)
            with twin:
                return pickle.dumps(_blocks(twin, a, b, theirs), protocol=pickle.HIGHEST_PROTOCOL)

        blocks, data = in_two(lambda: _blocks(view, a, b, mine), there)
        other = pickle.loads(data) if data is not None else _blocks(view, a, b, theirs)
        blocks = {kind: list(heapq.merge(found, other[kind])) for kind, found in blocks.items()}  # by person
    return diff_sections(diff_heading(view.name, a, b, sum(map(len, blocks.values()))), blocks)


def _blocks(view: View, a: date, b: date, people: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The text of the changes of `people` between days `a` and `b`, by kind (`diff_blocks`)."""
    chart_a, chart_b, names = view.diff_charts(a, b, people)
    view.facts.fetch(cited_by_diff(chart_a, chart_b))
    facts = view.facts.fetched()
    d = chart_diff(chart_a, chart_b, facts)
    view.facts.fetch({e for c in d.changes for e in c.events})
    return diff_blocks(d, facts, names)


def _show(chart_a, chart_b, facts, timeline_of, json, output, fmt, lang, known) -> None:
    """Print or draw the diff of two charts; `timeline_of(cited ids)` gives the renderer's timeline."""
    lookup = facts if hasattr(facts, "fetched") else None  # the read model's: read the fetched ones as a dict
    if lookup is not None:
        facts = lookup.fetched()
    d = chart_diff(chart_a, chart_b, facts)
    if lookup is not None:  # every fact a change cites, then a plain dict again
        lookup.fetch({e for c in d.changes for e in c.events})
        facts = lookup.fetched()
    if output is not None or fmt is not None:
        from orgsim.render.diff_dot import diff_graph

        kind = output_format(fmt, output)
        cited = {e for c in d.changes for e in c.events} | {x.event for x in (*chart_a.alumni, *chart_b.alumni)}
        graph = diff_graph(d, timeline_of(cited), lang=lang.value)
        write_output(picture_bytes(graph, kind), output, kind)
        if output is not None:
            typer.echo(f"Wrote {output} ({kind}).", err=True)
    elif json:
        data = with_as_known_at(d.as_json(), known, after="to")
        cited = sorted({e for c in d.changes for e in c.events if e in facts})
        data["sources"] = {e: {"id": e, **facts[e].as_record()} for e in cited}
        print_json(data)
    else:
        typer.echo(diff_text(d, facts))
        if known is not None:
            typer.echo(f"As known at {iso(known)}: events and retractions recorded later are not counted.")
