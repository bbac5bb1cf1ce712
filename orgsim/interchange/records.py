"""The records a seed file or a JSON Lines line holds (people, events, retractions, corrections) and
their parsing: each field checked, every error naming where it happened (`FILE:LINE: field: reason`).
A record's `source` is a string or an object with `document`, `quote`, `url`, `note` (an event's
`sources`, a list of them, for several); each quote is checked by the `Documents` it is read with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date as date_type
from pathlib import Path
from sys import intern
from typing import Any, Literal, overload

from orgsim.dates import PartialDate, within_reach
from orgsim.errors import OrgsimError, RecordError
from orgsim.facts import KINDS, clean_source
from orgsim.interchange.documents import Documents, _check_file_name

__all__ = [
    "CitationRecord",
    "Command",
    "CorrectionRecord",
    "Dataset",
    "EventRecord",
    "PersonRecord",
    "RetractionRecord",
    "parse_citation",
    "parse_event",
    "parse_person",
]

_EVENT_KEYS = {
    "appointed": {"title"},
    "departed": set(),
    "on_leave": set(),
    "returned": set(),
    "reports_to": {"manager"},
}
_OPTIONAL = {
    "appointed": {"reports_to", "name", "aliases", "also", "acting", "unit"},
    "departed": {"to", "post", "unit"},
    "on_leave": {"until"},
    "returned": {"title", "reports_to"},  # a comeback's, when reported
    "reports_to": set(),
}
_COMMON = {"kind", "person", "on", "announced", "source", "sources", "id", "note"}


@dataclass(frozen=True)
class PersonRecord:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    source: dict[str, str] = field(default_factory=dict)
    where: str = ""
    unit: bool = False  # a unit of the organisation (its board), not a person


@dataclass(frozen=True, slots=True)  # slots: a 200,000-event import peaks at 520 MB, not 533 (measured)
class EventRecord:
    """One change as a record says it; people are named as the record names them (id, name or alias)."""

    kind: str
    person: str
    on: str
    source: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    manager: str | None = None  # `reports_to` on appointed, `manager` on reports_to
    destination: str | None = None
    until: str | None = None
    announced: str | None = None  # when it was announced (`on`: when it took effect)
    name: str | None = None
    aliases: tuple[str, ...] = ()
    where: str = ""
    more_sources: tuple[dict[str, str], ...] = ()  # its other sources, after `source` (the first)
    also: bool = False  # another post, the others kept
    acting: bool = False  # as acting or interim holder
    unit: str | None = None  # the unit (its name, id or alias) the post sits in
    post: str | None = None  # a departure from this post only

    @property
    def sources(self) -> tuple[dict[str, str], ...]:
        return ((self.source,) if self.source else ()) + self.more_sources


@dataclass(frozen=True)
class CitationRecord:
    """`{"kind": "cited", "target": <event id>, "source": …}`: a source added to a stored event."""

    target: str
    source: dict[str, str]
    where: str = ""


@dataclass(frozen=True)
class RetractionRecord:
    """`{"kind": "retracted", "target": <event id>, "reason": …}`: withdraw a stored event."""

    target: str
    reason: str
    where: str = ""


@dataclass(frozen=True)
class CorrectionRecord:
    """An event line with `corrects` and `reason`: retract `target` and record `replacement`, in one step."""

    target: str
    reason: str
    replacement: EventRecord
    where: str = ""


Command = EventRecord | RetractionRecord | CorrectionRecord | CitationRecord


@dataclass(frozen=True)
class Dataset:
    organisation: str
    people: tuple[PersonRecord, ...]
    events: tuple[Command, ...]
    path: Path | None = None
    #: quotes not checked against a document: `{document name or "": count}` ("": no document cited)
    unchecked_quotes: Mapping[str, int] = field(default_factory=dict)
    #: where cited documents were looked for, as a message says it ("beside the file", …)
    documents_place: str = ""


@overload
def _text(obj: dict, key: str, where: str, required: Literal[True]) -> str: ...
@overload
def _text(obj: dict, key: str, where: str, required: bool = False) -> str | None: ...
def _text(obj: dict, key: str, where: str, required: bool = False) -> str | None:
    value = obj.get(key)
    if value.__class__ is str and value:  # the usual case: interned, the ids, kinds and titles a file repeats
        return intern(value.strip())  # are kept once: a 200,000-event import peaks at 464 MB, not 511 MB
    if value is None or value == "":
        if required:
            raise RecordError(f"{where}: missing field {key!r}")
        return None
    if isinstance(value, date_type) and key in ("on", "until", "announced"):  # an unquoted YAML date: 2024-09-25
        return value.isoformat()
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise RecordError(f"{where}: field {key!r} must be a string")
    return str(value).strip()


def _sources(obj: dict, where: str, documents: Documents | None) -> tuple[dict[str, str], ...]:
    """An event's sources: its `source` (one), or its `sources` (a list of them), each checked."""
    if "sources" not in obj:
        one = _source(obj, where, documents)
        return (one,) if one else ()
    raw = obj["sources"]
    if "source" in obj:
        raise RecordError(f"{where}: give 'source' (one) or 'sources' (a list), not both")
    if not isinstance(raw, list) or not all(isinstance(s, (str, dict)) for s in raw):
        raise RecordError(f"{where}: field 'sources' must be a list of strings or objects")
    found = [  # (a record-level note joins the first source, as it joins `source`)
        _source({"source": s, **({"note": obj.get("note")} if n == 0 else {})}, where, documents)
        for n, s in enumerate(raw)
    ]
    return tuple(s for s in found if s)


def _source(obj: dict, where: str, documents: Documents | None) -> dict[str, str]:
    raw = obj.get("source")
    if raw is not None and not isinstance(raw, (str, dict)):
        raise RecordError(f"{where}: field 'source' must be a string or an object")
    if isinstance(raw, dict):
        raw = {k: v for k, v in raw.items() if k != "__line__"}
        unknown = set(raw) - {"document", "quote", "url", "note"}
        if unknown:
            raise RecordError(f"{where}: source has unknown field(s) {', '.join(sorted(unknown))}")
        wrong = sorted(k for k, v in raw.items() if v is not None and not isinstance(v, str))
        if wrong:  # (a quote given as an object was stored as its Python text)
            raise RecordError(f"{where}: source {wrong[0]}: must be a string, not {type(raw[wrong[0]]).__name__}")
    source = clean_source(raw)
    note = obj.get("note")
    if note not in (None, ""):  # a record-level note is part of its source, never dropped
        if not isinstance(note, str):
            raise RecordError(f"{where}: field 'note' must be a string")
        source["note"] = (source["note"] + " " + note.strip()) if source.get("note") else note.strip()
    if documents is None:  # nowhere to look: the document's name is checked, not its quote
        _check_file_name(source.get("document"), f"{where}: ", "beside the file")
    else:
        documents.check(source, where)
    return source


def parse_event(obj: Any, where: str, documents: Documents | None = None) -> EventRecord:
    """One event record (the import format) → EventRecord, or RecordError naming `where`."""
    if not isinstance(obj, dict):
        raise RecordError(f"{where}: an event must be an object")
    kind = _text(obj, "kind", where, required=True)
    if kind not in KINDS:
        raise RecordError(f"{where}: unknown kind {kind!r} (use {', '.join(KINDS)})")
    allowed = _COMMON | _EVENT_KEYS[kind] | _OPTIONAL[kind]
    unknown = set(obj) - allowed - {"__line__"}
    if unknown:
        raise RecordError(f"{where}: field(s) {', '.join(sorted(unknown))} do not belong to a {kind} event")
    person = _text(obj, "person", where, required=True)
    on = _text(obj, "on", where, required=True)
    try:
        within_reach(PartialDate.parse(on))
    except OrgsimError as err:
        raise RecordError(f"{where}: on: {err}") from None
    until, announced = _text(obj, "until", where), _text(obj, "announced", where)
    for key, value in (("until", until), ("announced", announced)):
        if value is not None:
            try:
                within_reach(PartialDate.parse(value))
            except OrgsimError as err:
                raise RecordError(f"{where}: {key}: {err}") from None
    if kind == "appointed" and "title" not in obj:
        raise RecordError(f"{where}: missing field 'title' (null when the title was not reported)")
    aliases = obj.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise RecordError(f"{where}: field 'aliases' must be a list of strings")
    sources = _sources(obj, where, documents)
    for key in ("also", "acting") if "also" in obj or "acting" in obj else ():
        if not isinstance(obj.get(key, False), bool):
            raise RecordError(f"{where}: field {key!r} must be true or false")
    return EventRecord(
        kind=kind,
        person=person,
        on=on,
        source=sources[0] if sources else {},
        more_sources=sources[1:],
        title=_text(obj, "title", where),
        manager=_text(
            obj, "reports_to" if kind in ("appointed", "returned") else "manager", where, required=kind == "reports_to"
        ),
        destination=_text(obj, "to", where),
        until=until,
        announced=announced,
        name=_text(obj, "name", where),
        aliases=tuple(aliases),
        where=where,
        also=obj.get("also", False),
        acting=obj.get("acting", False),
        unit=_text(obj, "unit", where) if "unit" in obj else None,  # (most records have no post fields)
        post=_text(obj, "post", where) if "post" in obj else None,
    )


def parse_citation(obj: dict, where: str, documents: Documents | None = None) -> CitationRecord:
    """A `cited` line: the event it adds a source to, and that source (checked like any other)."""
    unknown = set(obj) - {"kind", "target", "source", "id", "__line__"}
    if unknown:
        raise RecordError(f"{where}: field(s) {', '.join(sorted(unknown))} do not belong to a cited line")
    return CitationRecord(_text(obj, "target", where, required=True), _source(obj, where, documents), where)


def parse_person(obj: Any, where: str, documents: Documents | None = None, unit: bool = False) -> PersonRecord:
    """A person's record (`unit`: a unit's, with the same fields)."""
    if not isinstance(obj, dict):
        raise RecordError(f"{where}: a {'unit' if unit else 'person'} must be an object")
    unknown = set(obj) - {"id", "name", "aliases", "source", "__line__"}
    if unknown:
        raise RecordError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} on a person")
    aliases = obj.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise RecordError(f"{where}: field 'aliases' must be a list of strings")
    return PersonRecord(
        id=_text(obj, "id", where, required=True),
        name=_text(obj, "name", where, required=True),
        aliases=tuple(aliases),
        source=_source(obj, where, documents),
        where=where,
        unit=unit,
    )
