"""`--csv`: a table command's `--json` records as CSV rows, one way for every command.

Each row is one record of the command's JSON (a person, an entry, a change, a move, a tenure), its
columns declared per command below (the README's "CSV columns"). One flattening rule for all: an
object's keys become columns `key.sub` (`source.quote`, `from.organisation`; a `null` object leaves
its columns empty); `null` is an empty cell, `true`/`false` are written so; a list of texts is one
cell joined with "; " (ids, aliases); a list of objects (posts, sources) is one cell holding it as
compact JSON, so no quote is lost; an empty list is an empty cell. Written with Python's `csv`
module: RFC 4180 quoting, `\\r\\n` line ends.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

__all__ = ["COLUMNS", "cell", "flatten", "history_rows", "write_csv"]

_SOURCE = ("source.document", "source.quote", "source.url", "source.note")
_ROW = (
    "id",
    "name",
    "title",
    "posts",
    "status",
    "reports_to",
    "uncertain",
    "since",
    "leave_since",
    "leave_until",
    "events",
)
_END = ("organisation", "linked", "title", "on", "event")

#: Each table command's columns, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "show": ("organisation", "at", "as_known_at", *_ROW),
    "people": ("id", "name", "aliases", *_SOURCE, "organisations"),
    "log": (
        "organisation",
        "id",
        "kind",
        "person",
        "name",
        "summary",
        *(f"details.{k}" for k in ("title", "reports_to", "manager", "to", "until", "post", "unit", "also", "acting")),
        "on",
        "precision",
        "announced",
        "recorded_at",
        *_SOURCE,
        "sources",
        "retracted",
        "retraction.id",
        "retraction.reason",
        "retraction.recorded_at",
    ),
    "history": (
        "organisation",
        "person",
        "line",
        "from",
        "to",
        "title",
        "manager",
        "name",
        "since",
        "until",
        "returned",
        "ended",
        "rejoined",
        "destination",
        "events",
    ),
    "diff": (
        "organisation",
        "from",
        "to",
        "as_known_at",
        "person",
        "name",
        "change",
        *(f"before.{k}" for k in _ROW),
        *(f"after.{k}" for k in _ROW),
        "events",
    ),
    "flows": ("person", "name", *(f"from.{k}" for k in _END), *(f"to.{k}" for k in _END), "events"),
    "holders": (
        "organisation",
        "person",
        "name",
        "vacant",
        "title",
        "acting",
        "unit",
        "post",
        "from",
        "to",
        "events",
        "sources",
    ),
}

#: `history`'s lines, each list of its JSON named by the `line` column.
_LINES = {"stints": "stint", "titles": "title", "managers": "manager", "leaves": "leave"}


def cell(value: Any) -> str:
    """One value as a cell (see the module's rule)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if any(isinstance(v, (dict, list)) for v in value):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(cell(v) for v in value)
    return str(value)


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A record's values by column name, an object's keys as `key.sub`."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value  # (a null object is left under its own name: no column has it)
    return out


def history_rows(history: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """`history`'s records: each stint, title, manager and leave line of a history's JSON, with its
    organisation, the person, and which line it is (`stint`, `title`, `manager`, `leave`)."""
    for key, line in _LINES.items():
        for entry in history[key]:
            yield {"organisation": history["organisation"], "person": history["person"], "line": line, **entry}


def write_csv(out: TextIO, command: str, records: Iterable[Mapping[str, Any]]) -> None:
    """The header row of `command`'s columns, then one row per record, to `out` (streamed)."""
    columns = COLUMNS[command]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        flat = flatten(record)
        writer.writerow([cell(flat.get(c)) for c in columns])
