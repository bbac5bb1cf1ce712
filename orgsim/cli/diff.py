"""`orgsim diff FROM TO`: what changed between two days, every change traced to its events and sources."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from orgsim.application import open_store
from orgsim.chart import chart_at
from orgsim.cli.common import (
    AsKnownAtOpt,
    Encoded,
    JsonOpt,
    OrgOpt,
    StoreOpt,
    app,
    compact_json,
    moment,
    print_json,
    with_as_known_at,
    write_output,
)
from orgsim.cli.render import Format, Lang, output_format, picture_bytes
from orgsim.dates import parse_day, within_reach
from orgsim.diff import CHANGE_KINDS, ChartDiff
from orgsim.diff import diff as chart_diff
from orgsim.errors import DateError, OrgsimError
from orgsim.forked import in_two
from orgsim.history import iso
from orgsim.readmodel import View, cited_by_diff
from orgsim.render.text import diff_blocks, diff_heading, diff_sections, diff_text

T = TypeVar("T")


def _day(text: str, name: str):
    try:
        return within_reach(parse_day(text), text)
    except DateError as err:
        raise DateError(f"{name}: {err}") from None


@app.command()
def diff(
    from_: Annotated[
        str, typer.Argument(metavar="FROM", help="The first day (YYYY-MM-DD; YYYY or YYYY-MM mean their first day).")
    ],
    to: Annotated[str, typer.Argument(metavar="TO", help="The second day; earlier than FROM gives the reverse diff.")],
    store: StoreOpt = None,
    org: OrgOpt = None,
    json: JsonOpt = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the diff picture here (format from the extension).")
    ] = None,
    fmt: Annotated[
        Format | None, typer.Option("--format", help="Draw a picture of both days: svg, png, pdf or dot.")
    ] = None,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Names in the picture: en, or ja (the Japanese alias).")
    ] = Lang.en,
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
        app_.close()  # the model is all it reads now (a PostgreSQL store's pool threads end: a fork may follow)
        with view:
            if output is not None or fmt is not None:  # a picture draws both whole days
                chart_a, chart_b = view.chart(a), view.chart(b)
            else:  # text and JSON: the rows that differ, in two processes when there are many
                shares = _in_shares(view, a, b, _json_share if json else _text_share)
                if json:
                    _print_json(view.name, a, b, shares, None)
                else:
                    blocks = {kind: _merged(share[kind] for share in shares) for kind in CHANGE_KINDS}
                    typer.echo(diff_sections(diff_heading(view.name, a, b, sum(map(len, blocks.values()))), blocks))
                return
            view.facts.fetch(cited_by_diff(chart_a, chart_b))
            _show(chart_a, chart_b, view.facts, view.timeline, json, output, fmt, lang, known)
        return
    timeline = app_.timeline(org, as_known_at=known)
    _show(
        chart_at(timeline, a),
        chart_at(timeline, b),
        timeline.counted_map(),
        lambda cited: timeline,
        json,
        output,
        fmt,
        lang,
        known,
    )


#: From this many people whose row differs, a diff's text or JSON is worked out in two processes at
#: once, each taking every other one of them (`forked.in_two`): its time goes in Python on each change.
SPLIT_AT = 1500


def _in_shares(view: View, a: date, b: date, work: Callable[[View, date, date, list[str]], T]) -> list[T]:
    """`work(view, a, b, people)` for the people whose row differs between days `a` and `b`; when
    there are many, in two shares at once, every other person each, the child's on a twin view of the
    same model version. Each share's result is sorted by person within a kind, to merge; splitting
    changes the time, not the result (the parent works out the child's share whenever it cannot)."""
    people = sorted(view.changed(a, b))
    if len(people) < SPLIT_AT:
        return [work(view, a, b, people)]
    mine, theirs = people[0::2], people[1::2]

    def there() -> bytes:
        twin = view.twin()
        if twin is None:
            raise OrgsimError("the read model moved on")  # (the parent works out this share itself)
        with twin:
            return pickle.dumps(work(twin, a, b, theirs), protocol=pickle.HIGHEST_PROTOCOL)

    share, data = in_two(lambda: work(view, a, b, mine), there)
    return [share, pickle.loads(data) if data is not None else work(view, a, b, theirs)]


def _diff_of(view: View, a: date, b: date, people: list[str]) -> tuple[ChartDiff, dict, dict[str, str]]:
    """The diff of `people` between days `a` and `b` from the read model, the facts its changes cite
    (id → Fact), and the names of the managers its rows name."""
    chart_a, chart_b, names = view.diff_charts(a, b, people)
    view.facts.fetch(cited_by_diff(chart_a, chart_b))
    facts = view.facts.fetched()
    d = chart_diff(chart_a, chart_b, facts)
    view.facts.fetch({e for c in d.changes for e in c.events})
    return d, facts, names


def _text_share(view: View, a: date, b: date, people: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The text of the changes of `people`, by kind (`diff_blocks`)."""
    d, facts, names = _diff_of(view, a, b, people)
    return diff_blocks(d, facts, names)


def _json_share(view: View, a: date, b: date, people: list[str]) -> tuple[list, list]:
    """The changes of `people` and the sources they cite, as JSON lines (`_json_lines`)."""
    d, facts, _ = _diff_of(view, a, b, people)
    return _json_lines(d, facts)


def _json_lines(d: ChartDiff, facts) -> tuple[list[tuple], list[tuple]]:
    """A diff's changes as (kind's rank, person, JSON line), and the sources they cite as (event id,
    JSON line), each sorted: the pieces `_print_json` puts together, from one share or several."""
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    changes = [(order[c.change], c.person, compact_json(c.as_json())) for c in d.changes]
    cited = sorted({e for c in d.changes for e in c.events if e in facts})
    return changes, [(e, compact_json({"id": e, **facts[e].as_record()})) for e in cited]


def _merged(runs: Iterable[list[tuple]]) -> list[tuple]:
    """Sorted lists of tuples, merged in order (`sorted` merges runs in C). Whole tuples are compared:
    their first items are unique across the lists (a person is in one share; a source cited by two
    shares is the same record), or they are equal."""
    return sorted(item for run in runs for item in run)


def _print_json(organisation: str, a: date, b: date, shares: list[tuple[list, list]], known) -> None:
    """The diff's JSON from the `_json_lines` of its shares (one, or one per process)."""
    changes = [Encoded(line) for *_, line in _merged(changes for changes, _ in shares)]
    sources = {e: Encoded(line) for e, line in _merged(sources for _, sources in shares)}
    data = {"organisation": organisation, "from": a.isoformat(), "to": b.isoformat(), "changes": changes}
    data = with_as_known_at(data, known, after="to")
    data["sources"] = sources
    print_json(data)


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
        _print_json(d.organisation, chart_a.at, chart_b.at, [_json_lines(d, facts)], known)
    else:
        typer.echo(diff_text(d, facts))
        if known is not None:
            typer.echo(f"As known at {iso(known)}: events and retractions recorded later are not counted.")
