"""A change that does not land after every effective fact, checked by the fold from the state at the
end of the day before it through every later fact (`ReplayFromDay`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from orgsim.chart import ChartState, OrgChart, PersonState, alumnus_of, row_of
from orgsim.facts import Fact
from orgsim.readmodel.building import Builder, Versions
from orgsim.readmodel.view import View


class ReplayFromDay:
    """A change that does not land after every effective fact, checked without a replay (the domain's
    `_refold` hook): a fact dated before the model's last one, a retraction, or a correction (both).
    The fold's state at the end of a day (`View.fold_on`): the new fact's first day, or the day before
    the withdrawn fact's, whichever is earlier; then every fact that counts from a later day but the
    withdrawn one, in effective order, with the new fact in its place, each through the rules. That is
    the replay of the whole timeline so changed, from the same state on: the new fact has the highest
    `seq`, so it comes after every fact of its own day. A rule broken raises `RuleError`, naming the
    fact that broke (`err.fact`), as the replay does.

    Kept for the command and the model: `touched` (whose state the new fact changed) and `after` (their
    states right after it, for an append's before/after charts); for a retraction or correction the
    whole chart at the end of each day concerned (`charts`: the withdrawn fact's first day and the new
    one's); and the row and alumni versions after the seed day (`versions`), for `ReadModel.write_replay`."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.fact: Fact | None = None
        self.done = False

    def __call__(self, fact: Fact | None, dropping: Fact | None = None) -> None:
        self.done = False
        view = self.view
        starts: list[date | None] = [fact.on.start] if fact is not None else []
        if dropping is not None:  # (a fact of year 1's first day has none before it: None, before every day)
            starts.append(dropping.on.start - timedelta(days=1) if dropping.on.start > date.min else None)
        day = None if None in starts else min(starts)  # type: ignore[type-var]
        fold, tenure_of, rewritten = view.fold_on(day)
        out = Versions(fold, first_tenure=view.meta["tenures"])
        out.tenure_no.update(tenure_of)
        out.first, out.written = {}, dict(rewritten)  # (tenures with events after the day: rewritten, whatever comes)
        builder = Builder(fold, out)
        watched = sorted({f.on.start for f in (fact, dropping) if f is not None}) if dropping is not None else []
        charts: dict[date, OrgChart] = {}
        names: dict[str, str] | None = None
        touched: set[str] = set()
        after = ChartState(fold.people)
        pending = fact
        gone = dropping.id if dropping is not None else None

        def apply_new(new: Fact) -> None:
            touched.update(fold.touches(new))
            builder.apply(new)
            for person in touched:  # copies: the later facts go on changing the states
                if person in fold.rows:
                    after.rows[person] = _copied(fold.rows[person])
                elif person in fold.alumni:
                    f, state = fold.alumni[person]
                    after.alumni[person] = (f, _copied(state))

        def name_of(person: str) -> str:
            return (names or {}).get(person) or view.name_of(person)

        def snapshot(upto: date) -> None:  # the chart at the end of each watched day up to `upto`
            nonlocal names
            while watched and watched[0] < upto:
                names = names if names is not None else view.names()
                at = watched.pop(0)
                charts[at] = _chart_of(view.name, fold, at, name_of)

        if pending is not None and pending.on.start == day:
            apply_new(pending)
            pending = None
        for later in view.facts_after(day):
            if later.id == gone:
                continue
            if pending is not None and later.on.start > pending.on.start:
                snapshot(pending.on.start)
                apply_new(pending)
                pending = None
            snapshot(later.on.start)
            builder.apply(later)
        if pending is not None:
            snapshot(pending.on.start)
            apply_new(pending)
        snapshot(date.max)
        builder.finish_days()
        self.fact, self.day, self.touched, self.after, self.charts = fact, day, touched, after, charts
        self.fold, self.versions, self.tenure_of, self.done = fold, out, tenure_of, True


def _chart_of(organisation: str, fold: ChartState, at: date, name_of: Callable[[str], str]) -> OrgChart:
    """The whole chart on day `at` from a fold that has applied every fact up to its end."""
    rows = [row_of(p, s, name_of(p), at) for p, s in fold.rows.items()]
    gone = [alumnus_of(p, f, s, name_of(p), at) for p, (f, s) in fold.alumni.items()]
    return OrgChart(organisation, at, tuple(sorted(rows, key=lambda r: r.id)), tuple(sorted(gone, key=lambda a: a.id)))


def _copied(state: PersonState) -> PersonState:
    return replace(state, events=list(state.events), touched_by=list(state.touched_by))


def chart_after(before: OrgChart, fold: ChartState, touched: Iterable[str], name_of: Any) -> OrgChart:
    """The chart on `before`'s day after facts on that day that land last: `before` with the touched
    persons' rows (or alumni entries) taken from `fold`."""
    at = before.at
    rows = {r.id: r for r in before.rows}
    gone = {a.id: a for a in before.alumni}
    for person in touched:
        rows.pop(person, None)
        gone.pop(person, None)
        if person in fold.rows:
            rows[person] = row_of(person, fold.rows[person], name_of(person), at)
        elif person in fold.alumni:
            f, s = fold.alumni[person]
            gone[person] = alumnus_of(person, f, s, name_of(person), at)
    return OrgChart(
        before.organisation,
        at,
        tuple(sorted(rows.values(), key=lambda r: r.id)),
        tuple(sorted(gone.values(), key=lambda a: a.id)),
    )
