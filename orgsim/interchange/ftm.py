"""FollowTheMoney out: a store's organisations as FtM entities, one JSON object a line (what `ftm`
tools and Aleph read), built and checked by the `followthemoney` model itself.

Each organisation is an `Organization`, each unit of it (its board) an `Organization` whose `parent`
is the organisation, each person a `Person` (`alias` for aliases), each titled post a `Position`
(its `organization`: the unit it sits in, else the organisation), and each span (`spans.spans`) an
interval: time in the organisation an `Employment`, a post held an `Occupancy` (`status` "acting"
for an acting holder), a reporting line an `UnknownLink` (role "reports to"), a leave an `Event`.
Dates are the FtM prefix dates (`PartialDate.prefix`; none where no prefix holds every day the date
may mean); sources are `sourceUrl`, `proof` (a `Document` named by the cited file) and, with every
quote and note and the exact dates, the `summary` a reader sees. `description` carries the orgsim
records an entity was made from (`orgsim: {json}`), so that `import --format ftm` rebuilds exactly
the same history (`ftm_import`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from followthemoney import model, registry
from followthemoney.proxy import EntityProxy

from orgsim.facts import Fact, Timeline
from orgsim.names import organisation_id
from orgsim.orgchart import unit_names
from orgsim.spans import Span, SpanKind, spans

__all__ = ["MARK", "ftm_entities"]

#: How `description` starts when it carries the orgsim records an entity was made from.
MARK = "orgsim: "

#: The FtM schema each kind of span becomes, and the properties naming its person and what it links to.
_INTERVAL = {
    SpanKind.MEMBER: ("Employment", "employee", "employer"),
    SpanKind.POST: ("Occupancy", "holder", "post"),
    SpanKind.LINE: ("UnknownLink", "subject", "object"),
    SpanKind.LEAVE: ("Event", "involved", "involved"),
}


def _entity(schema: str, key: str | tuple[str, ...], **props: Any) -> EntityProxy:
    """An entity of `schema` with those properties (a value of None or [] is left out), its id `key`
    (a tuple, or a text the id type does not take, `000_x.txt`: the model's hash of it, `make_id`);
    the model refuses a property the schema does not have and drops a value its type does not take."""
    entity = model.make_entity(schema)
    if isinstance(key, str) and registry.entity.validate(key):
        entity.id = key
    else:
        entity.make_id(*(key if isinstance(key, tuple) else (key,)))
    for prop, value in props.items():
        if value not in (None, "", []):
            entity.add(prop, value)
    return entity


def _carried(record: Any) -> str:
    return MARK + json.dumps(record, ensure_ascii=False, sort_keys=True)


def _said(fact: Fact) -> str:
    """A fact as a reader reads it: what happened, when, and every source's quote, document, address and note."""
    cited = [
        " ".join(
            part
            for part in (
                f"“{s['quote']}”" if s.get("quote") else "",
                s.get("document", ""),
                s.get("url", ""),
                f"({s['note']})" if s.get("note") else "",
            )
            if part
        )
        for s in fact.all_sources
    ]
    return f"{fact.describe()} {fact.on.dated}" + (": " + "; ".join(cited) if cited else " (no source)")


def _record(fact: Fact) -> dict[str, Any]:
    """The fact as an import record, with every source it has (those `cite` added since too)."""
    record = {k: v for k, v in fact.as_record().items() if k not in ("source", "sources")}
    sources = [dict(s) for s in fact.all_sources]
    return {**record, **({"sources": sources} if len(sources) > 1 else {"source": sources[0] if sources else {}})}


class _Export:
    """The entities of one export, made once each, in the order they are written."""

    def __init__(self) -> None:
        self.heads: dict[str, EntityProxy] = {}  # organisations, units, documents, people, positions
        self.intervals: list[EntityProxy] = []
        # the id made for each (organisation, person or unit) and each organisation's units by name:
        # an export of 200,000 events took 269 s building each person again for every span, 48 s so (measured)
        self.made: dict[tuple[str, str], str] = {}
        self.units: dict[str, dict[str, str]] = {}
        self.registers: dict[str, list[str]] = {}  # a person's id → the organisations whose register holds them

    def once(self, entity: EntityProxy) -> str:
        assert entity.id is not None
        self.heads.setdefault(entity.id, entity)
        return entity.id

    def cite(self, entity: EntityProxy, sources: Any) -> None:
        for source in sources:
            if source.get("url"):
                entity.add("sourceUrl", source["url"])
            if source.get("document"):
                doc = _entity("Document", f"orgsim-document-{source['document']}", name=source["document"])
                entity.add("proof", self.once(doc))

    def organisation(self, timeline: Timeline) -> str:
        org = timeline.organisation
        return self.once(_entity("Organization", f"orgsim-org-{organisation_id(org).hex}", name=org))

    def member(self, timeline: Timeline, pid: str) -> str:
        """The entity of a person or a unit (a unit: an `Organization` whose parent is the organisation)."""
        key = (timeline.organisation, pid)
        if key not in self.made:
            self.made[key] = self._member(timeline, pid)
        return self.made[key]

    def _member(self, timeline: Timeline, pid: str) -> str:
        entry = timeline.people.get(pid, {"name": pid})
        kind = "unit" if entry.get("unit") else "person"
        record = {
            "kind": kind,
            kind: pid,
            "name": entry["name"],
            "aliases": list(entry.get("aliases") or []),
            "source": dict(entry.get("source") or {}),
        }
        if kind == "person":  # (one entity for a person of several organisations: each register gets them back)
            record["organisations"] = self.registers.get(pid, [timeline.organisation])
        if kind == "unit":
            org = self.organisation(timeline)
            entity = _entity("Organization", f"{org}-unit-{pid}", name=entry["name"], parent=org)
        else:
            entity = _entity("Person", f"orgsim-person-{pid}", name=entry["name"])
        entity.add("alias", record["aliases"])
        entity.add("description", _carried(record))
        self.cite(entity, [record["source"]] if record["source"] else [])
        return self.once(entity)

    def position(self, timeline: Timeline, span: Span) -> str:
        assert span.post is not None and span.post.title is not None
        org = self.organisation(timeline)
        if timeline.organisation not in self.units:
            self.units[timeline.organisation] = {name: p for p, name in unit_names(timeline.people).items()}
        unit = self.units[timeline.organisation].get(span.post.unit or "")
        where = self.member(timeline, unit) if unit is not None else org
        entity = _entity("Position", (where, span.post.title.casefold()), name=span.post.title)
        entity.add("organization", where)
        return self.once(entity)

    def interval(self, timeline: Timeline, span: Span, order: Mapping[str, int]) -> None:
        schema, person_prop, other_prop = _INTERVAL[span.kind]
        person, org = self.member(timeline, span.person), self.organisation(timeline)
        other = {
            SpanKind.MEMBER: lambda: org,
            SpanKind.POST: lambda: self.position(timeline, span),
            SpanKind.LINE: lambda: self.member(timeline, span.manager or ""),
            SpanKind.LEAVE: lambda: org,
        }[span.kind]()
        ends = [f for f in (span.start, span.end) if f is not None]
        what = {
            SpanKind.MEMBER: "in the organisation",
            SpanKind.POST: span.post.text() if span.post else "",
            SpanKind.LINE: f"reports to {timeline.name_of(span.manager or '')}",
            SpanKind.LEAVE: "on leave",
        }[span.kind]
        summary = f"{timeline.name_of(span.person)}, {what} ({timeline.organisation}). From: {_said(span.start)}. " + (
            f"Until: {_said(span.end)}." if span.end is not None else "Still so."
        )
        entity = _entity(
            schema,
            ("orgsim", timeline.organisation, span.kind.value, span.person, other, span.start.id),
            startDate=span.start.on.prefix,
            endDate=span.end.on.prefix if span.end is not None else None,
            summary=summary,
            description=_carried(
                {
                    "organisation": timeline.organisation,
                    "start": {"order": order[span.start.id], "record": _record(span.start)},
                    "end": {"order": order[span.end.id], "record": _record(span.end)} if span.end else None,
                }
            ),
        )
        entity.add(person_prop, person)
        entity.add(other_prop, other)
        if span.kind is SpanKind.POST and span.post is not None and span.post.acting:
            entity.add("status", "acting")
        if span.kind is SpanKind.LINE:
            entity.add("role", "reports to")
        if span.kind is SpanKind.LEAVE:
            entity.add("name", "On leave")
        self.cite(entity, [s for f in ends for s in f.all_sources])
        self.intervals.append(entity)

    def event(self, timeline: Timeline, fact: Fact, order: Mapping[str, int]) -> None:
        """A fact no span begins or ends, as an `Event` of its own (so that no fact is left out)."""
        entity = _entity(
            "Event",
            ("orgsim", timeline.organisation, "event", fact.id),
            name=fact.describe(),
            date=fact.on.prefix,
            summary=f"{timeline.name_of(fact.person)} ({timeline.organisation}): {_said(fact)}.",
            description=_carried(
                {
                    "organisation": timeline.organisation,
                    "start": {"order": order[fact.id], "record": _record(fact)},
                    "end": None,
                }
            ),
        )
        entity.add("involved", [self.member(timeline, fact.person), self.organisation(timeline)])
        self.cite(entity, fact.all_sources)
        self.intervals.append(entity)


def ftm_entities(timelines: Mapping[str, Timeline]) -> Iterator[dict[str, Any]]:
    """Every organisation's people, units, posts and spans as FtM entities (`to_dict()`): the
    organisations, documents, people, units and positions first, then the intervals."""
    out = _Export()
    for timeline in timelines.values():
        for pid in timeline.people:
            out.registers.setdefault(pid, []).append(timeline.organisation)
    for timeline in timelines.values():
        out.organisation(timeline)
        for pid in timeline.people:  # everyone in the register, even people no span names
            out.member(timeline, pid)
        order = {f.id: n for n, f in enumerate(timeline.effective())}
        held = set()
        for span in spans(timeline):
            out.interval(timeline, span, order)
            held |= {f.id for f in (span.start, span.end) if f is not None}
        for fact in timeline.effective():
            if fact.id not in held:  # a stint or post begun and ended on one day, a change that changed nothing
                out.event(timeline, fact, order)
    for entity in [*out.heads.values(), *out.intervals]:
        yield entity.to_dict()
