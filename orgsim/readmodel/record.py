"""The `record.Record` a fresh read model answers for a command (`ModelRecord`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from orgsim.chart import OrgChart
from orgsim.facts import Citation, Fact, Retraction
from orgsim.names import people_keys
from orgsim.readmodel.replay_from_day import ReplayFromDay, chart_after
from orgsim.readmodel.view import View, cited_by_diff
from orgsim.record import find_fact, short_ref


class ModelRecord:
    """A `record.Record` answered from a fresh read model (`View`): people, names and stored facts
    looked up in its tables. A fact that lands after every effective one is checked against the
    fold's state after them all (`View.latest_state`: the open intervals, read person by person as the rules
    ask); any other change through `ReplayFromDay`, the same fold from the state at the end of the day before
    it through every later fact. What the command then adds is kept for writing the model after the
    save (`ReadModel.append` or `ReadModel.write_replay`)."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.name = view.name
        self.version = view.version
        self.people = view.people
        self.latest, self.tenure_of = view.latest_state()
        self.replay: ReplayFromDay | None = None  # set when a change did not land after every effective fact
        self.touched: set[str] = set()  # whose state the facts added at the end changed
        self.new_people: dict[str, dict[str, Any]] = {}
        self.new_facts: list[Fact] = []
        self.new_retractions: list[Retraction] = []
        self.new_citations: list[Citation] = []
        self._retractions = view.retractions()

    def named(self, key: str) -> set[str]:
        return set(self.view.keys.get(key) or ())

    def resolve(self, text: str) -> str:
        return self.view.resolve(text)

    def fact(self, ref: str) -> Fact:
        key = ref.strip().lower()
        if key in self.view.facts:
            return self.view.facts[key]
        key = short_ref(ref)
        rows = self.view.conn.execute(
            "SELECT id FROM orgsim_rm_facts WHERE org_id = ? AND id >= ? AND id < ?",
            (self.view.org_id, key, key + "\uffff"),
        )
        return self.view.facts[find_fact(key, [fid for (fid,) in rows])]

    def has_fact(self, fid: str) -> bool:
        return fid in self.view.facts

    def retracted_ids(self) -> set[str]:
        return {r.target for r in self._retractions}

    def check(self, adding: Fact | None, dropping: Fact | None = None) -> None:
        latest = self.latest
        if adding is not None and dropping is None and self.lands_last(adding):
            latest.validate(adding)
            return
        replay = ReplayFromDay(self.view)
        replay(adding, dropping)
        self.replay = replay

    def added_person(self, person: str, entry: dict[str, Any]) -> None:
        self.people[person] = entry
        for key, ids in people_keys({person: entry}).items():
            self.view.keys[key] = set(self.view.keys.get(key) or ()) | ids
        self.new_people[person] = entry
        self.version += 1

    def added(self, fact: Fact) -> None:
        self.view.facts[fact.id] = fact
        self.new_facts.append(fact)
        self.version += 1
        if self.replay is None:
            self.touched |= self.latest.touches(fact)
            self.latest.apply(fact, checked=True)

    def withdrawn(self, retraction: Retraction) -> None:
        self._retractions.append(retraction)
        self.new_retractions.append(retraction)
        self.version += 1

    def cited(self, citation: Citation) -> None:
        fact = self.view.facts[citation.target]
        self.view.facts[fact.id] = replace(fact, cited=fact.cited + (citation.source,))
        self.new_citations.append(citation)
        self.version += 1

    def lands_last(self, fact: Fact) -> bool:
        """Whether `fact` comes after every effective fact (checked and written at the end)."""
        return self.latest.last is None or fact.order >= self.latest.last

    def around(self, fact: Fact) -> tuple[OrgChart, OrgChart, Mapping[str, Fact]]:
        """The charts on the day of `fact`, just added, before and after it: only the part of them it
        touches (its people and their managers, for names: a diff of the two, and what `append`
        prints, are the same as with the whole charts), and the facts they cite."""
        view, replay = self.view, self.replay
        touched, fold = (replay.touched, replay.after) if replay is not None else (self.touched, self.latest)
        day = fact.on.start
        managers = {m for p in touched if p in fold.rows and (m := fold.rows[p].reports_to) is not None}
        before = view.chart(day, alumni=False, persons=touched)  # (the model is not written yet)
        managers |= {r.reports_to for r in before.rows if r.reports_to is not None}
        before = view.chart(day, persons=touched | managers)  # (with their alumni entries: a comeback "rejoined")
        after = chart_after(before, fold, touched, view.name_of)
        view.facts.fetch(cited_by_diff(before, after))
        return before, after, view.facts.fetched()

    def amended(
        self, retraction: Retraction, fact: Fact | None
    ) -> tuple[Fact, tuple[tuple[date, OrgChart, OrgChart], ...], Mapping[str, Fact]]:
        """What a retraction (and the corrected `fact`) just added changed: the fact withdrawn, the
        whole charts before and after on each day concerned, and the facts that explain the changes."""
        view, replay = self.view, self.replay
        assert replay is not None  # (a retraction is always checked from the day before it)
        effects = tuple((day, view.chart(day), chart) for day, chart in sorted(replay.charts.items()))
        for _, before, after in effects:
            view.facts.fetch(cited_by_diff(before, after))
        return view.facts[retraction.target], effects, view.facts.fetched()

    def written(self) -> None:
        """What was added is in the model now (`ReadModel.write_changes` at the end)."""
        self.touched, self.new_people, self.new_facts, self.new_citations = set(), {}, [], []
