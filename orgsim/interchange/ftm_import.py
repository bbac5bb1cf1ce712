"""FollowTheMoney in: FtM entities (one JSON object a line) back as cited orgsim records, through the
same parsing and checks as JSON Lines (`jsonl.parse_line`), one `Dataset` per organisation.

Every entity is checked against the `followthemoney` model first: a known schema, properties that
schema has, values its types take, references to entities in the file (`FILE:LINE: reason`).

An interval orgsim wrote (`description` starting `orgsim: `, see `ftm`) gives back the records it
carries: the events that began and ended it (each event once, however many intervals it began or
ended), in the organisation's effective order. An `Occupancy` from elsewhere becomes events from its
dates and sources: its start an appointment to its `Position` (`also` when the holder already holds
another post that day), its end a departure from that post, or from the organisation when the holder
holds no other post after that day. A `Position`'s `organization` names the organisation (or a unit:
an `Organization` with a `parent`). Other entities are counted, not used (`FtmRead.unused`).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model, registry
from followthemoney.proxy import EntityProxy

from orgsim.dates import PartialDate
from orgsim.errors import OrgsimError, RecordError
from orgsim.interchange.documents import file_documents
from orgsim.interchange.ftm import MARK
from orgsim.interchange.jsonl import json_lines, parse_line, read_text
from orgsim.interchange.records import Command, Dataset, PersonRecord
from orgsim.names import slugify

__all__ = ["FtmRead", "read_ftm"]

#: The schemas orgsim reads; an interval of the last four only when orgsim wrote it (it carries its records).
_READ = {"Person", "Organization", "Position", "Document", "Occupancy", "Employment", "UnknownLink", "Event"}


@dataclass
class FtmRead:
    """What a FtM file gives: one dataset per organisation, and how many entities of each schema it
    holds that orgsim does not use."""

    sections: list[Dataset]
    unused: Counter[str] = field(default_factory=Counter)

    def note(self) -> str | None:
        if not self.unused:
            return None
        kinds = ", ".join(f"{n} {schema}" for schema, n in sorted(self.unused.items()))
        return f"Note: {sum(self.unused.values())} entities not used (orgsim reads people, posts and their dates): {kinds}."


def _checked(obj: Any, where: str) -> EntityProxy:
    """One line as an entity the model knows: its schema, every property and every value checked."""
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or not obj["id"]:
        raise RecordError(f"{where}: a FollowTheMoney entity is an object with an 'id', a 'schema' and 'properties'")
    schema = model.get(str(obj.get("schema")))
    if schema is None:
        raise RecordError(f"{where}: unknown FollowTheMoney schema {obj.get('schema')!r}")
    props = obj.get("properties") or {}
    if not isinstance(props, dict):
        raise RecordError(f"{where}: 'properties' must be an object")
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None:
            raise RecordError(f"{where}: {schema.name} has no property {name!r}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RecordError(f"{where}: {schema.name} {name}: a list of strings is expected")
        for value in values:
            if not prop.type.validate(value):
                raise RecordError(f"{where}: {schema.name} {name}: {value!r} is not a valid {prop.type.name}")
    return model.get_proxy({"id": obj["id"], "schema": schema.name, "properties": props}, cleaned=True)


def _entities(path: Path) -> list[tuple[str, EntityProxy]]:
    """Every entity of the file with where it is, each reference checked to be in the file."""
    text = read_text(path)
    found: list[tuple[str, EntityProxy]] = []
    for number, line in enumerate(json_lines(text), start=1):
        if line.strip():
            where = f"{path}:{number}"
            try:
                found.append((where, _checked(json.loads(line), where)))
            except json.JSONDecodeError as err:
                raise RecordError(f"{where}: not valid JSON ({err.msg} at column {err.colno})") from None
    first: dict[str, str] = {}
    for where, entity in found:  # (FtM tools write an entity's parts as lines of one id; merged, they are one)
        seen = first.setdefault(str(entity.id), where)
        if seen != where:
            raise RecordError(
                f"{where}: entity {entity.id!r} is given again (first at {seen}): merge its parts first (`ftm aggregate`)"
            )
    ids = set(first)
    for where, entity in found:
        for prop, value in entity.itervalues():
            if prop.type == registry.entity and value not in ids:
                raise RecordError(f"{where}: {entity.schema.name} {prop.name}: no entity {value!r} in the file")
    if not found:
        raise RecordError(f"{path}: the file holds no entities")
    return found


def _carried(entity: EntityProxy, where: str) -> Any:
    """The orgsim records an entity's `description` carries (None: it carries none)."""
    text = next((d for d in entity.get("description") if d.startswith(MARK)), None)
    try:
        return None if text is None else json.loads(text[len(MARK) :])
    except json.JSONDecodeError as err:
        raise RecordError(f"{where}: description: the orgsim records are not valid JSON ({err.msg})") from None


class _Reading:
    def __init__(self, path: Path, organisation: str | None) -> None:
        self.path, self.default = path, organisation
        self.entities = _entities(path)
        self.by_id = {str(e.id): (where, e) for where, e in self.entities}
        self.people: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}  # organisation → id → (where, record)
        self.events: dict[str, dict[str, tuple[tuple, str, dict[str, Any]]]] = {}  # organisation → key → event
        self.foreign: list[tuple[str, EntityProxy]] = []
        self.unused: Counter[str] = Counter()
        self.pids: dict[str, str] = {}  # a foreign Person entity's id → the person id made for it

    def organisation_of(self, entity_id: str, where: str) -> tuple[str, str | None]:
        """The organisation an `Organization` entity is (a unit: its parent's, and the unit's name)."""
        org = self.by_id[entity_id][1]
        if org.schema.name != "Organization":
            raise RecordError(f"{where}: {entity_id!r} is a {org.schema.name}, not an Organization")
        parent = org.first("parent")
        if parent is not None:
            return self.organisation_of(str(parent), where)[0], org.caption
        return org.caption, None

    def person_record(self, entity: EntityProxy, where: str) -> dict[str, Any]:
        carried = _carried(entity, where)
        if isinstance(carried, dict) and carried.get("kind") in ("person", "unit"):
            return carried
        if entity.id not in self.pids:  # two people of one name (namesakes) are two people: -2, -3 …
            base = slugify(entity.caption) or slugify(entity.id or "")
            if not base:
                raise RecordError(f"{where}: {entity.caption!r}: no id can be made from the name or the entity id")
            taken, pid, n = set(self.pids.values()), base, 1
            while pid in taken:
                n += 1
                pid = f"{base}-{n}"
            self.pids[str(entity.id)] = pid
        record: dict[str, Any] = {"kind": "person", "person": self.pids[str(entity.id)], "name": entity.caption}
        record["aliases"] = sorted(entity.get("alias"))
        if entity.get("sourceUrl") or entity.get("proof"):
            record["source"] = _sources(entity, self.by_id)[0]  # (a register entry keeps one source)
        return record

    def add_person(self, org: str, entity_id: str) -> str:
        where, entity = self.by_id[entity_id]
        record = {k: v for k, v in self.person_record(entity, where).items() if k != "organisations"}
        self.people.setdefault(org, {}).setdefault(record[record["kind"]], (where, record))
        return str(record[record["kind"]])

    def read(self) -> None:
        for where, entity in self.entities:
            schema = entity.schema.name
            carried = _carried(entity, where) if schema in ("Occupancy", "Employment", "UnknownLink", "Event") else None
            if isinstance(carried, dict) and "start" in carried:
                self.carried_interval(where, entity, carried)
            elif schema == "Occupancy":
                self.foreign.append((where, entity))
            elif schema not in _READ or schema in ("Employment", "UnknownLink", "Event"):
                self.unused[schema] += 1
        self.foreign_occupancies()
        named = {pid for people in self.people.values() for pid in people}
        first = next(iter(self.events), self.default)
        for where, entity in self.entities:  # people no interval names: in the registers orgsim's export
            if entity.schema.name != "Person":  # names, else (a file from elsewhere) the first organisation
                continue
            record = self.person_record(entity, where)
            registers = record.pop("organisations", None)
            if not isinstance(registers, list) or not all(isinstance(o, str) and o for o in registers):
                registers = [first] if first is not None and record["person"] not in named else []
            for org in registers:
                self.people.setdefault(org, {}).setdefault(record["person"], (where, record))

    def carried_interval(self, where: str, entity: EntityProxy, carried: dict[str, Any]) -> None:
        org = carried.get("organisation")
        if not isinstance(org, str) or not org:
            raise RecordError(f"{where}: {entity.schema.name}: which organisation is this for?")
        for prop, value in entity.itervalues():  # the people and units it names join the register
            target = self.by_id[value][1] if prop.type == registry.entity else None
            if target is not None and target.schema.name == "Position" and target.first("organization"):
                value, target = str(target.first("organization")), self.by_id[str(target.first("organization"))][1]
            if target is not None and (target.schema.name == "Person" or target.first("parent")):
                self.add_person(org, value)
        for end in (carried.get("start"), carried.get("end")):
            if end is not None:
                record = end.get("record") if isinstance(end, dict) else None
                if not isinstance(record, dict) or not isinstance(end.get("order"), int):
                    raise RecordError(f"{where}: description: an end must hold its 'order' and 'record'")
                key = json.dumps(record, sort_keys=True)
                try:
                    on = PartialDate.parse(record.get("on")).start
                except OrgsimError as err:
                    raise RecordError(f"{where}: on: {err}") from None
                self.events.setdefault(org, {}).setdefault(key, ((on, end["order"], 0), where, record))

    def foreign_occupancies(self) -> None:
        """Occupancies from elsewhere: each start an appointment, each end a departure (see the module)."""
        held: dict[tuple[str, str], list[tuple[str, str | None, str, str | None, bool, list, str]]] = {}
        for where, entity in self.foreign:
            post_id, holder_id = entity.first("post"), entity.first("holder")
            start = entity.first("startDate")
            if post_id is None or holder_id is None or start is None:
                self.unused["Occupancy (no holder, post or startDate)"] += 1
                continue
            post, holder = self.by_id[str(post_id)][1], self.by_id[str(holder_id)][1]
            if not post.schema.is_a("Position") or not holder.schema.is_a("Person"):
                wrong = "post" if not post.schema.is_a("Position") else "holder"
                kind = post if wrong == "post" else holder
                want = "a Position" if wrong == "post" else "a Person"
                article = "an" if kind.schema.name[:1] in "AEIOU" else "a"
                raise RecordError(
                    f"{where}: Occupancy {wrong}: {kind.id!r} is {article} {kind.schema.name}, not {want}"
                )
            if post.first("organization") is not None:
                org, unit = self.organisation_of(str(post.first("organization")), where)
            elif self.default is not None:
                org, unit = self.default, None
            else:
                raise RecordError(f"{where}: which organisation is this for? pass --org NAME")
            person = self.add_person(org, str(holder_id))
            end = entity.first("endDate")
            if end is not None and PartialDate.parse(str(end)[:10]).end < PartialDate.parse(str(start)[:10]).start:
                raise RecordError(f"{where}: Occupancy endDate {end} is before its startDate {start}")
            acting = any("acting" in s.casefold() or "interim" in s.casefold() for s in entity.get("status"))
            sources = _sources(entity, self.by_id)
            held.setdefault((org, person), []).append(
                (str(start)[:10], str(end)[:10] if end else None, post.caption, unit, acting, sources, where)
            )
        for (org, person), posts in held.items():
            events = self.events.setdefault(org, {})
            for n, (start, end, title, unit, acting, sources, where) in enumerate(posts):
                begins = PartialDate.parse(start).start
                also = _also_on(posts, n)
                record: dict[str, Any] = {
                    "kind": "appointed",
                    "person": person,
                    "title": title,
                    "on": start,
                    "sources": sources,
                }
                record.update({k: v for k, v in (("also", also), ("acting", acting), ("unit", unit)) if v})
                events[f"{where}:start"] = ((begins, 1, n), where, record)
                handed_over = end is not None and any(  # a post begun that day, not as another: it replaces this one
                    s == end and m != n and not _also_on(posts, m) for m, (s, *_) in enumerate(posts)
                )
                if end is not None and not handed_over:
                    ends = PartialDate.parse(end).start
                    stays = any(
                        PartialDate.parse(s).start <= ends and (e is None or PartialDate.parse(e).start > ends)
                        for m, (s, e, *_) in enumerate(posts)
                        if m != n
                    )
                    left: dict[str, Any] = {"kind": "departed", "person": person, "on": end, "sources": sources}
                    left.update({"post": title, **({"unit": unit} if unit else {})} if stays else {})
                    events[f"{where}:end"] = ((ends, 0, n), where, left)

    def sections(self) -> list[Dataset]:
        docs = file_documents(self.path)
        out = []
        for org in dict.fromkeys([*self.people, *self.events]):
            people: list[PersonRecord] = []
            for where, record in self.people.get(org, {}).values():
                parsed = parse_line(record, where, docs)
                assert isinstance(parsed, PersonRecord)
                people.append(parsed)
            commands: list[Command] = []
            for _, where, record in sorted(self.events.get(org, {}).values(), key=lambda e: e[0]):
                parsed_event = parse_line(record, where, docs)
                assert not isinstance(parsed_event, PersonRecord)
                commands.append(parsed_event)
            out.append(Dataset(org, tuple(people), tuple(commands), self.path, docs.unchecked, docs.place))
        return out


def _also_on(posts: list[tuple[Any, ...]], n: int) -> bool:
    """Whether the person holds another post on the day post `n` begins (one begun that same day: if
    listed first), so that `n`'s appointment adds a post rather than replacing them."""
    begins = PartialDate.parse(posts[n][0]).start
    return any(
        (PartialDate.parse(s).start, m) < (begins, n) and (e is None or PartialDate.parse(e).start > begins)
        for m, (s, e, *_) in enumerate(posts)
        if m != n
    )


def _sources(entity: EntityProxy, by_id: dict[str, tuple[str, EntityProxy]]) -> list[dict[str, str]]:
    """A foreign entity's sources: each `sourceUrl`, each `proof` document (its address, or its name as
    a note), the `publisher` in a note, and which entity of the file it was."""
    note = f"FollowTheMoney {entity.schema.name} {entity.id}" + "".join(
        f"; publisher: {p}" for p in sorted(entity.get("publisher"))
    )
    found = [{"url": url, "note": note} for url in sorted(entity.get("sourceUrl"))]
    for proof in sorted(entity.get("proof")):
        doc = by_id[proof][1]
        urls = sorted(doc.get("sourceUrl"))
        found += [{"url": u, "note": f"{note}; proof: {doc.caption}"} for u in urls] or [
            {"note": f"{note}; proof: {doc.caption}"}
        ]
    return found or [{"note": note}]


def read_ftm(path: Path, organisation: str | None) -> FtmRead:
    """A FtM file (one entity a line), every entity checked, as one dataset per organisation it names
    (`organisation`: for posts that name none); all or nothing like JSON Lines."""
    reading = _Reading(Path(path), organisation)
    reading.read()
    sections = reading.sections()
    if not any(s.events for s in sections):
        raise RecordError(f"{path}: the file holds no events orgsim can read (no Occupancy with a startDate)")
    return FtmRead(sections, reading.unused)
