"""Records ⇄ commands: seed YAML files and JSON Lines, parsed and checked at the edge (for now all in
`records.py`, moved here unchanged; the next commit splits it by job)."""

from orgsim.interchange.records import (
    Command,
    CorrectionRecord,
    Dataset,
    Documents,
    EventRecord,
    PersonRecord,
    RetractionRecord,
    bundled_seeds,
    command_documents,
    export_records,
    file_documents,
    history_records,
    parse_event,
    parse_line,
    parse_person,
    read_jsonl,
    read_yaml,
)

__all__ = [
    "Command",
    "CorrectionRecord",
    "Dataset",
    "Documents",
    "EventRecord",
    "PersonRecord",
    "RetractionRecord",
    "bundled_seeds",
    "command_documents",
    "export_records",
    "file_documents",
    "history_records",
    "parse_event",
    "parse_line",
    "parse_person",
    "read_jsonl",
    "read_yaml",
]
