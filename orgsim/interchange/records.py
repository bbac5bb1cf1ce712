"""Records ⇄ commands: seed YAML files and JSON Lines, parsed and checked at the edge.

Every error names where it happened (`FILE:LINE: field: reason`). A record's `source` is a string or
an object with `document`, `quote`, `url`, `note`. A cited document is a file name (no folder), looked
up in one place (`Documents`): beside the seed or JSON Lines file; for `append` and `correct`, the
current folder, then the bundled seeds' folder. When it is found there, the quote must occur in it
verbatim (`facts.quote_occurs`); a seed file's documents must be found, an import's or a command's
need not be (their quotes are then counted, or reported, as not checked).
"""

from __future__ import annotations

import functools
import heapq
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date as date_type
from pathlib import Path
from sys import intern
from typing import Any, Literal, overload

import yaml

from orgsim.dates import PartialDate, within_reach
from orgsim.errors import OrgsimError, RecordError
from orgsim.facts import KINDS, Fact, Retraction, Timeline, clean_source, quote_occurs, quote_start

__all__ = [
    "CorrectionRecord",
    "Dataset",
    "Documents",
    "EventRecord",
    "PersonRecord",
    "RetractionRecord",
    "bundled_seeds",
    "command_documents",
    "export_records",
    "history_records",
    "parse_event",
    "parse_line",
    "parse_person",
    "read_jsonl",
    "read_yaml",
]

_EVENT_KEYS = {
    "appointed": {"title"},
    "departed": set(),
    "on_leave": set(),
    "returned": set(),
    "reports_to": {"manager"},
}
_OPTIONAL = {
    "appointed": {"reports_to", "name", "aliases"},
    "departed": {"to"},
    "on_leave": {"until"},
    "returned": set(),
    "reports_to": set(),
}
_COMMON = {"kind", "person", "on", "source", "id", "note"}


@dataclass(frozen=True)
class PersonRecord:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    source: dict[str, str] = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
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
    name: str | None = None
    aliases: tuple[str, ...] = ()
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


Command = EventRecord | RetractionRecord | CorrectionRecord


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
    if value.__class__ is str and value:  # the usual case, first
        return intern(value.strip())
    if value is None or value == "":
        if required:
            raise RecordError(f"{where}: missing field {key!r}")
        return None
    if isinstance(value, date_type) and key in ("on", "until"):  # an unquoted YAML date: 2024-09-25
        return value.isoformat()
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise RecordError(f"{where}: field {key!r} must be a string")
    return intern(str(value).strip())


@functools.lru_cache(maxsize=1024)  # a history cites the same few documents on thousands of lines
def _bare_file_name(doc: str) -> bool:
    return Path(doc).name == doc and doc not in (".", "..")


class Documents:
    """The documents cited quotes are checked against. A cited document is a file name (no folder),
    looked up in `folders`, in order, and read once (UTF-8, line endings as Python reads text: CRLF
    becomes a line break). When it is found, the quote must occur in it (`quote_occurs`). When it is
    not: an error if `required` (a seed file's documents lie beside it), else the quote is counted in
    `unchecked` (as is a quote that cites no document). `place` says where documents are looked for."""

    def __init__(self, folders: Iterable[Path], place: str, required: bool = False, unsourced: bool = False) -> None:
        self.folders = tuple(dict.fromkeys(Path(f) for f in folders))
        self.place, self.required = place, required
        #: a quote citing neither a document nor a web address is counted as not checked, not refused
        #: (`import`: an export of a store written before that was refused holds such quotes)
        self.unsourced = unsourced
        self.unchecked: dict[str, int] = {}
        self._found: dict[str, Path | None] = {}
        self._texts: dict[Path, str] = {}

    def find(self, doc: str) -> Path | None:
        if doc not in self._found:
            self._found[doc] = next((f / doc for f in self.folders if (f / doc).is_file()), None)
        return self._found[doc]

    def check(self, source: Mapping[str, str], where: str = "") -> str | None:
        """Check a source's quote; the reason it could not be checked (None: checked, or no quote).
        RecordError when the quote cites neither a document nor a web address, or the document is a
        path, is required and not found, is not UTF-8, or does not hold the quote."""
        at = f"{where}: " if where else ""
        doc, quote = source.get("document"), source.get("quote")
        _check_file_name(doc, at, self.place)
        path = self.find(doc) if doc else None
        if doc and path is None and self.required:
            raise RecordError(f"{at}cited document {doc!r} not found {self.place}")
        if not quote:
            return None
        if not doc and not source.get("url") and not self.unsourced:  # (from nowhere, it would read as checked)
            raise RecordError(
                f"{at}a quote needs the document or the web address it is from "
                "(`document` or `url`; --document or --url on the command line)"
            )
        if path is None:
            self.unchecked[doc or ""] = self.unchecked.get(doc or "", 0) + 1
            return f"{doc} was not found {self.place}" if doc else "no document is cited, only a web address"
        if not quote_occurs(quote, self._text(path, at)):
            raise RecordError(f"{at}the quote {quote_start(quote)} does not occur verbatim in {_shown(path)}")
        return None

    def _text(self, path: Path, at: str) -> str:
        if path not in self._texts:
            try:
                self._texts[path] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise RecordError(f"{at}cited document {_shown(path)} is not UTF-8 text") from None
        return self._texts[path]


def _check_file_name(doc: str | None, at: str, place: str) -> None:
    if doc and not _bare_file_name(doc):
        hint = " (a web address is a url, not a document)" if "://" in doc else ""
        raise RecordError(f"{at}a cited document is a file name {place} (like 000_….txt), not a path: {doc!r}{hint}")


def _shown(path: Path) -> str:
    """A path as a message shows it: relative to the current folder when inside it."""
    try:
        full, here = path.resolve(), Path.cwd().resolve()
        return os.path.relpath(full, here) if full.is_relative_to(here) else str(path)
    except (OSError, ValueError):
        return str(path)


def command_documents() -> Documents:
    """Where `append` and `correct` look for a cited document: the current folder, then the folder of
    the bundled seeds (where `orgsim load` without FILE finds them); not finding it is no error."""
    here = Path.cwd().resolve()
    try:
        seeds = bundled_seeds().parent.resolve()
    except RecordError:
        seeds = here
    if seeds == here:
        return Documents([here], "in the current folder")
    return Documents([here, seeds], f"in the current folder or {_shown(seeds)}")


def file_documents(path: Path) -> Documents:
    """Where `import` looks for a document a record cites: beside the file, then where `append` looks
    (so a history exported and imported elsewhere still has the seeds' quotes checked)."""
    folders = [path.parent.resolve(), *command_documents().folders]
    here, seeds = Path.cwd().resolve(), folders[-1]
    places = [f"beside {_shown(path)}"] + (["in the current folder"] if here != folders[0] else [])
    places += [str(_shown(seeds))] if seeds not in (here, folders[0]) else []
    place = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " or " + places[-1]
    return Documents(folders, place, unsourced=True)


def _source(obj: dict, where: str, documents: Documents | None) -> dict[str, str]:
    raw = obj.get("source")
    if raw is not None and not isinstance(raw, (str, dict)):
        raise RecordError(f"{where}: field 'source' must be a string or an object")
    if isinstance(raw, dict):
        raw = {k: v for k, v in raw.items() if k != "__line__"}
        unknown = set(raw) - {"document", "quote", "url", "note"}
        if unknown:
            raise RecordError(f"{where}: source has unknown field(s) {', '.join(sorted(unknown))}")
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
    until = _text(obj, "until", where)
    if until is not None:
        try:
            within_reach(PartialDate.parse(until))
        except OrgsimError as err:
            raise RecordError(f"{where}: until: {err}") from None
    if kind == "appointed" and "title" not in obj:
        raise RecordError(f"{where}: missing field 'title' (null when the title was not reported)")
    aliases = obj.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise RecordError(f"{where}: field 'aliases' must be a list of strings")
    return EventRecord(
        kind=kind,
        person=person,
        on=on,
        source=_source(obj, where, documents),
        title=_text(obj, "title", where),
        manager=_text(obj, "reports_to" if kind == "appointed" else "manager", where, required=kind == "reports_to"),
        destination=_text(obj, "to", where),
        until=until,
        name=_text(obj, "name", where),
        aliases=tuple(aliases),
        where=where,
    )


def parse_person(obj: Any, where: str, documents: Documents | None = None) -> PersonRecord:
    if not isinstance(obj, dict):
        raise RecordError(f"{where}: a person must be an object")
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
    )


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers each mapping's line as `__line__`, and reads booleans the
    YAML 1.2 way (only true/false), so that the key `on` stays the string "on"."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(path: Path) -> Dataset:
    """A seed file: `organisation`, `people` and `events`, each event citing a document beside it."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise RecordError(f"{path}{line}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(data, dict) or not data.get("organisation"):
        raise RecordError(f"{path}: a seed file needs an 'organisation' name, 'people' and 'events'")
    docs = Documents([path.parent], "beside the file", required=True)
    people = tuple(
        parse_person(p, f"{path}:{p.get('__line__', '?') if isinstance(p, dict) else '?'}", docs)
        for p in data.get("people") or []
    )
    events = tuple(
        parse_event(e, f"{path}:{e.get('__line__', '?') if isinstance(e, dict) else '?'}", docs)
        for e in data.get("events") or []
    )
    if not events:
        raise RecordError(f"{path}: no events")
    return Dataset(str(data["organisation"]), people, events, path, docs.unchecked)


def bundled_seeds() -> Path:
    """The OpenAI seed file shipped with orgsim."""
    here = Path(__file__).resolve().parent.parent  # the orgsim package
    for candidate in (here / "seeds" / "openai.yaml", here.parent / "seeds" / "openai.yaml"):
        if candidate.is_file():
            return candidate
    raise RecordError("the bundled seeds are missing: pass a FILE to `orgsim load`")


# --- JSON Lines: import and export ------------------------------------------------------------------


def parse_line(obj: Any, where: str, documents: Documents | None = None) -> PersonRecord | Command:
    """One JSON Lines record: an event, or `person`, `retracted`, or an event that `corrects` another."""
    if not isinstance(obj, dict):
        raise RecordError(f"{where}: a line must be a JSON object")
    kind = obj.get("kind")
    if kind == "person":
        _text(obj, "person", where, required=True)
        rest = {k: v for k, v in obj.items() if k not in ("kind", "person")}
        return parse_person({"id": obj.get("person"), **rest}, where, documents)
    if kind == "retracted":
        unknown = set(obj) - {"kind", "target", "reason", "id", "replaced_by"}
        if unknown:
            raise RecordError(f"{where}: field(s) {', '.join(sorted(unknown))} do not belong to a retracted line")
        return RetractionRecord(
            _text(obj, "target", where, required=True), _text(obj, "reason", where, required=True), where
        )
    if "corrects" in obj:
        rest = {k: v for k, v in obj.items() if k not in ("corrects", "reason")}
        return CorrectionRecord(
            _text(obj, "corrects", where, required=True),
            _text(obj, "reason", where, required=True),
            parse_event(rest, where, documents),
            where,
        )
    return parse_event(obj, where, documents)


def read_jsonl(path: Path, organisation: str) -> Dataset:
    """A JSON Lines file, every line checked before anything is stored; blank lines are skipped. A quote
    whose document lies beside the file must occur in it; other quotes are counted as not checked."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark from a Windows editor is fine
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise RecordError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    hint = " — a seed YAML file? use `orgsim load FILE`" if path.suffix.lower() in (".yaml", ".yml") else ""
    docs = file_documents(path)
    people: list[PersonRecord] = []
    events: list[Command] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise RecordError(f"{where}: not valid JSON ({err.msg} at column {err.colno}){hint}") from None
        record = parse_line(obj, where, docs)
        if isinstance(record, PersonRecord):
            people.append(record)
        else:
            events.append(record)
    if not events and not people:
        raise RecordError(f"{path}: the file holds no events")
    return Dataset(organisation, tuple(people), tuple(events), path, docs.unchecked, docs.place)


def export_records(timeline: Timeline) -> Iterator[dict[str, Any]]:
    """The store's history as JSON Lines records: every person first, then every event in recording
    order — retracted events too, each retraction as a `retracted` line, each correction as the new
    event's line carrying `corrects` and `reason` — so importing it replays the same commands."""
    return history_records(timeline.people.items(), sorted(timeline.facts, key=lambda f: f.seq), timeline.retractions)


def history_records(
    people: Iterable[tuple[str, Mapping[str, Any]]], facts: Iterable[Fact], retractions: Iterable[Retraction]
) -> Iterator[dict[str, Any]]:
    """`export_records` from its parts, streamed: `people` (id, entry) in registration order, `facts`
    (every stored one, retracted too) in recording order (`seq`), and every retraction."""
    for pid, person in people:
        yield {
            "kind": "person",
            "person": pid,
            "name": person["name"],
            "aliases": list(person.get("aliases") or []),
            "source": dict(person.get("source") or {}),
        }
    retractions = list(retractions)
    corrections = {r.replaced_by: r for r in retractions if r.replaced_by}

    def fact_entries() -> Iterator[tuple[int, dict[str, Any]]]:
        for fact in facts:
            record = fact.as_record()
            if fact.id in corrections:
                record["corrects"] = corrections[fact.id].target
                record["reason"] = corrections[fact.id].reason
            record["id"] = fact.id
            yield fact.seq, record

    withdrawn = sorted(
        (
            (r.seq, {"kind": "retracted", "target": r.target, "reason": r.reason, "id": r.id})
            for r in retractions
            if not r.replaced_by
        ),
        key=lambda e: e[0],
    )
    for _, record in heapq.merge(fact_entries(), withdrawn, key=lambda e: e[0]):  # a tie: the fact first
        yield record
