"""Records ⇄ commands: seed YAML files and JSON Lines, parsed and checked at the edge.

`records`: the records and their parsing (errors name `FILE:LINE: field: reason`); `documents`:
where a cited document is found and the check of its quote; `seed_yaml`: seed files; `jsonl`:
JSON Lines import and export; `csv_rows`: CSV import and export, the same records as rows. The names below are the package's public ones.
"""

from orgsim.interchange.csv_rows import csv_text, read_csv_sections
from orgsim.interchange.documents import Documents, bundled_seeds, command_documents, file_documents
from orgsim.interchange.jsonl import (
    ORGANISATION,
    export_records,
    history_records,
    jsonl_text,
    organisation_line,
    parse_line,
    read_jsonl,
    read_sections,
)
from orgsim.interchange.records import (
    CitationRecord,
    Command,
    CorrectionRecord,
    Dataset,
    EventRecord,
    PersonRecord,
    RetractionRecord,
    parse_event,
    parse_person,
)
from orgsim.interchange.seed_yaml import read_yaml

__all__ = [
    "ORGANISATION",
    "CitationRecord",
    "Command",
    "CorrectionRecord",
    "Dataset",
    "Documents",
    "EventRecord",
    "PersonRecord",
    "RetractionRecord",
    "bundled_seeds",
    "command_documents",
    "csv_text",
    "export_records",
    "file_documents",
    "history_records",
    "jsonl_text",
    "organisation_line",
    "parse_event",
    "parse_line",
    "parse_person",
    "read_csv_sections",
    "read_jsonl",
    "read_sections",
    "read_yaml",
]
