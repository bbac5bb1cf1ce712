"""CSV import and export: a spreadsheet of changes whose columns are the JSON Lines fields.

Each row becomes the object a JSON Lines line is and goes through the same parsing and checks
(`jsonl.sections_from`), so a CSV file is imported all or nothing, exactly as JSON Lines is. The
source is four columns, `source.document`, `source.quote`, `source.url`, `source.note`; several
sources are the `sources` column, their JSON list; `aliases` are one cell joined with "; ". An empty
cell is an absent field (an `appointed` row's empty `title`: not reported). Rows are numbered as a
spreadsheet numbers them: the header is row 1, so errors say `FILE:ROW: reason`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from orgsim.errors import RecordError
from orgsim.interchange.jsonl import read_text, sections_from
from orgsim.interchange.records import Dataset

__all__ = ["COLUMNS", "csv_text", "read_csv_sections"]

_SOURCE = ("document", "quote", "url", "note")

#: The columns, in the order `export --format csv` writes them: the JSON Lines fields.
COLUMNS = (
    "kind",
    "person",
    "unit",
    "name",
    "aliases",
    "title",
    "also",
    "acting",
    "post",
    "reports_to",
    "manager",
    "to",
    "until",
    "on",
    "announced",
    *(f"source.{k}" for k in _SOURCE),
    "sources",
    "note",
    "target",
    "reason",
    "corrects",
    "id",
)
_REQUIRED = ("kind", "person", "on")
_FLAGS = ("also", "acting")


def read_csv_sections(path: Path, organisation: str | None) -> list[Dataset]:
    """A CSV file of changes, one dataset per organisation, as `jsonl.read_sections` reads JSON Lines
    (an `organisation` row, `kind` organisation and `name`, starts an organisation's part). Rows whose
    cells are all empty are skipped."""
    path = Path(path)
    return sections_from(path, organisation, _objects(path, read_text(path, newline="")))


def _objects(path: Path, text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each row of the file as a JSON Lines object, with `FILE:ROW`."""
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0  # the last row read
    try:
        header = next(reader, None)
        if header is None:
            raise RecordError(f"{path}: the file holds no events")
        number = 1
        columns = _columns(header, f"{path}:1")
        for number, row in enumerate(reader, start=2):
            if not any(c.strip() for c in row):
                continue
            where = f"{path}:{number}"
            if len(row) > len(columns):
                raise RecordError(f"{where}: {len(row)} cells, more than the {len(columns)} columns of the header")
            yield where, _object(dict(zip(columns, row, strict=False)), where)
    except csv.Error as err:
        raise RecordError(f"{path}:{number + 1}: not valid CSV ({err})") from None


def _columns(header: list[str], where: str) -> list[str]:
    """The header's column names, each one of `COLUMNS` (a typo must not pass), the required ones there."""
    columns = [c.strip().lower() for c in header]  # (a spreadsheet's `Kind` is `kind`)
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown and len(header) == 1 and ";" in header[0]:
        raise RecordError(
            f"{where}: the header is one column, {header[0]!r}: separate the columns with commas, not ';'"
        )
    if unknown:
        raise RecordError(
            f"{where}: unknown column {unknown[0]!r} (the columns are the JSON Lines fields: {', '.join(COLUMNS)})"
        )
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise RecordError(f"{where}: column {twice[0]!r} is given twice")
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise RecordError(f"{where}: missing column {missing[0]!r} (every file has {', '.join(_REQUIRED)})")
    return columns


def _object(row: Mapping[str, str], where: str) -> dict[str, Any]:
    """One row as the JSON Lines object it stands for (see the module's rules)."""
    obj: dict[str, Any] = {}
    source: dict[str, str] = {}
    for column, value in row.items():
        if not value.strip():
            continue
        if column.startswith("source."):
            source[column.removeprefix("source.")] = value  # (as written: a quote is compared verbatim)
        elif column == "aliases":
            obj[column] = [a.strip() for a in value.split(";") if a.strip()]
        elif column in _FLAGS:
            flag = value.strip().lower()
            obj[column] = {"true": True, "false": False}.get(flag, value)  # (anything else: refused as JSON's)
        elif column == "sources":
            try:
                obj[column] = json.loads(value)
            except json.JSONDecodeError as err:
                raise RecordError(f"{where}: sources: not a JSON list ({err.msg} at column {err.colno})") from None
        else:
            obj[column] = value
    if source:
        obj["source"] = source
    if obj.get("kind", "").strip() == "appointed" and "title" in row and "title" not in obj:
        obj["title"] = None  # an empty title cell: the title was not reported
    return obj


def csv_text(records: Iterable[Mapping[str, Any]]) -> str:
    """Export records (`jsonl.export_records`, organisation lines included) as CSV: the header of
    `COLUMNS`, then a row per record, that `read_csv_sections` reads back as the same records."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        cells = _cells(record)
        writer.writerow([cells.get(c, "") for c in COLUMNS])
    return out.getvalue()


def _cells(record: Mapping[str, Any]) -> dict[str, str]:
    """One export record's cells by column."""
    cells: dict[str, str] = {}
    for key, value in record.items():
        if value is None:
            continue
        if key == "source":
            for part, text in value.items() if isinstance(value, dict) else [("note", value)]:
                cells[f"source.{part}"] = text
        elif key == "aliases":
            for alias in value:
                if ";" in alias:
                    raise RecordError(
                        f"{record.get('person') or record.get('unit')}: the alias {alias!r} holds ';', which a CSV "
                        "cell of aliases cannot keep: export as JSON Lines"
                    )
            cells[key] = "; ".join(value)
        elif key == "sources":
            cells[key] = json.dumps(value, ensure_ascii=False)
        elif key in COLUMNS:
            cells[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        else:  # (every field an export writes has its column: a new one must be given one)
            raise RecordError(f"field {key!r} has no CSV column: export as JSON Lines")
    return cells
