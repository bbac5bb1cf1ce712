"""JSON Lines: import (one record a line, every line checked before anything is stored) and export
(a store's history as the lines that import it again)."""

from __future__ import annotations

import heapq
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from orgsim.errors import RecordError
from orgsim.facts import Citation, Fact, Retraction, Timeline
from orgsim.interchange.documents import Documents, file_documents
from orgsim.interchange.records import (
    Command,
    CorrectionRecord,
    Dataset,
    PersonRecord,
    RetractionRecord,
    _text,
    parse_citation,
    parse_event,
    parse_person,
)

__all__ = [
    "ORGANISATION",
    "export_records",
    "history_records",
    "json_lines",
    "jsonl_text",
    "organisation_line",
    "parse_line",
    "read_jsonl",
    "read_sections",
    "read_text",
    "sections_from",
]

#: The kind of the line that starts an organisation's part of a file.
ORGANISATION = "organisation"


def parse_line(obj: Any, where: str, documents: Documents | None = None) -> PersonRecord | Command:
    """One JSON Lines record: an event, or `person`, `retracted`, `cited`, or an event that `corrects` another."""
    if not isinstance(obj, dict):
        raise RecordError(f"{where}: a line must be a JSON object")
    kind = obj.get("kind")
    if kind in ("person", "unit"):
        _text(obj, kind, where, required=True)
        rest = {k: v for k, v in obj.items() if k not in ("kind", kind)}
        return parse_person({"id": obj.get(kind), **rest}, where, documents, unit=kind == "unit")
    if kind == "retracted":
        unknown = set(obj) - {"kind", "target", "reason", "id", "replaced_by"}
        if unknown:
            raise RecordError(f"{where}: field(s) {', '.join(sorted(unknown))} do not belong to a retracted line")
        return RetractionRecord(
            _text(obj, "target", where, required=True), _text(obj, "reason", where, required=True), where
        )
    if kind == "cited":
        return parse_citation(obj, where, documents)
    if "corrects" in obj:
        rest = {k: v for k, v in obj.items() if k not in ("corrects", "reason")}
        return CorrectionRecord(
            _text(obj, "corrects", where, required=True),
            _text(obj, "reason", where, required=True),
            parse_event(rest, where, documents),
            where,
        )
    return parse_event(obj, where, documents)


def organisation_line(name: str) -> dict[str, str]:
    """The line that starts an organisation's part of a file: its records follow, until the next one."""
    return {"kind": ORGANISATION, "name": name}


def read_text(path: Path, newline: str | None = None) -> str:
    """An import file's text (UTF-8; a byte-order mark from a Windows editor is fine), or one line
    saying why not. `newline=""`: line ends kept as written (what the `csv` module reads)."""
    if str(path) == "-":  # standard input, as `-o -` is standard output
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise RecordError(f"-: not UTF-8 text ({err.reason} at byte {err.start})") from None
        return text if newline == "" else text.replace("\r\n", "\n").replace("\r", "\n")
    if Path(path).exists() and not Path(path).is_file():  # (a FIFO blocked for ever, /dev/zero filled memory)
        what = "a folder" if Path(path).is_dir() else "not a regular file (`-` reads standard input)"
        raise RecordError(f"{path}: {what}: give a file of records")
    try:
        with Path(path).open(encoding="utf-8-sig", newline=newline) as fh:
            return fh.read()
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise RecordError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None


class _Twice(ValueError):
    """A key given twice in one JSON object (the standard parser keeps the last: a value lost unseen)."""


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Twice(key)
        out[key] = value
    return out


def json_lines(text: str) -> list[str]:
    """A JSON Lines text's lines: split at line feeds only (`\r\n` too), as the format says — not at
    every line boundary `str.splitlines` knows: a name holding U+2028, U+2029 or U+0085 (which JSON
    writes raw) is one line, so an export always imports back."""
    return text.replace("\r\n", "\n").split("\n")


def read_sections(path: Path, organisation: str | None) -> list[Dataset]:
    """A JSON Lines file, every line checked before anything is stored, as one dataset per organisation
    (`sections_from`). Blank lines are skipped."""
    path = Path(path)
    text = read_text(path)
    hint = " — a seed YAML file? use `orgsim load FILE`" if path.suffix.lower() in (".yaml", ".yml") else ""
    first = text.lstrip().split("\n", 1)[0]
    if not hint and "," in first and first.split(",", 1)[0].strip().strip('"').lower() in ("kind", "person", "on"):
        hint = " — a CSV file? use `orgsim import --format csv FILE`"  # (a header of JSON Lines fields)

    def lines() -> Iterator[tuple[str, Any]]:
        for number, line in enumerate(json_lines(text), start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                yield where, json.loads(line, object_pairs_hook=_once_each)
            except json.JSONDecodeError as err:
                raise RecordError(f"{where}: not valid JSON ({err.msg} at column {err.colno}){hint}") from None
            except _Twice as err:
                raise RecordError(f"{where}: field {err.args[0]!r} is given twice") from None
            except RecursionError:
                raise RecordError(f"{where}: not valid JSON here (nested too deeply)") from None
            except ValueError:  # a number of more digits than Python converts
                raise RecordError(f"{where}: not valid JSON here (a number too long to read)") from None

    return sections_from(path, organisation, lines())


def sections_from(path: Path, organisation: str | None, records: Iterable[tuple[str, Any]]) -> list[Dataset]:
    """An import file's records — each a JSON Lines object with where it is (`FILE:LINE`) — every one checked before anything is stored, as one dataset per organisation: an
    `organisation` record starts an organisation's part (an export writes one before each); records
    before any such one belong to `organisation` (None: the file must name its organisations). A quote
    whose document lies beside the file must occur in it; other quotes are counted as not checked."""
    docs = file_documents(path)
    parts: dict[str, tuple[list[PersonRecord], list[Command]]] = {}
    current = organisation
    for where, obj in records:
        if isinstance(obj, dict) and obj.get("kind") == ORGANISATION:
            unknown = set(obj) - {"kind", "name"}
            if unknown:
                raise RecordError(
                    f"{where}: field(s) {', '.join(sorted(unknown))} do not belong to an organisation line"
                )
            named = _text(obj, "name", where, required=True)
            current = " ".join(named.split())
            parts.setdefault(current, ([], []))
            continue
        if current is None:
            raise RecordError(
                f"{where}: which organisation is this for? pass --org NAME, or start the file with an organisation line"
            )
        record = parse_line(obj, where, docs)
        people, events = parts.setdefault(current, ([], []))
        if isinstance(record, PersonRecord):
            people.append(record)
        else:
            events.append(record)
    if not any(people or events for people, events in parts.values()):
        raise RecordError(f"{path}: the file holds no events")
    return [
        Dataset(name, tuple(people), tuple(events), path, docs.unchecked, docs.place)
        for name, (people, events) in parts.items()
    ]


def jsonl_text(records: Iterable[Mapping[str, Any]]) -> str:
    """Export records (`export_records`, organisation lines included) as JSON Lines, one a line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def read_jsonl(path: Path, organisation: str) -> Dataset:
    """A JSON Lines file of one organisation's records (see `read_sections`)."""
    sections = read_sections(path, organisation)
    if len(sections) != 1:
        raise RecordError(
            f"{path}: the file holds several organisations ({', '.join(d.organisation for d in sections)})"
        )
    return sections[0]


def export_records(timeline: Timeline) -> Iterator[dict[str, Any]]:
    """The store's history as JSON Lines records: every person first, then every event in recording
    order — retracted events too, each retraction as a `retracted` line, each correction as the new
    event's line carrying `corrects` and `reason`, each source added later as a `cited` line — so
    importing it replays the same commands."""
    return history_records(
        timeline.people.items(),
        sorted(timeline.facts, key=lambda f: f.seq),
        timeline.retractions,
        timeline.citations,
    )


def history_records(
    people: Iterable[tuple[str, Mapping[str, Any]]],
    facts: Iterable[Fact],
    retractions: Iterable[Retraction],
    citations: Iterable[Citation] = (),
) -> Iterator[dict[str, Any]]:
    """`export_records` from its parts, streamed: `people` (id, entry) in registration order, `facts`
    (every stored one, retracted too) in recording order (`seq`), every retraction and citation."""
    for pid, person in people:
        kind = "unit" if person.get("unit") else "person"
        yield {
            "kind": kind,
            kind: pid,
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
    cited = sorted(
        ((c.seq, {"kind": "cited", "target": c.target, "source": dict(c.source), "id": c.id}) for c in citations),
        key=lambda e: e[0],
    )
    for _, record in heapq.merge(fact_entries(), withdrawn, cited, key=lambda e: e[0]):  # a tie: the fact first
        yield record
