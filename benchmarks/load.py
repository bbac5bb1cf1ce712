"""Load a JSON Lines history into a store through the application (until `orgsim import` exists).

    python benchmarks/load.py history.jsonl --store bench.db [--org Synthetic]

Each line goes through `interchange.parse_event` (errors name FILE:LINE), then the whole file
through `OrgsimApp.load`: all or nothing, every rule checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from orgsim.application import open_store
from orgsim.errors import OrgsimError
from orgsim.interchange import Dataset, parse_event


def read_jsonl(path: Path, organisation: str) -> Dataset:
    events = []
    with path.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines, 1):
            if line.strip():
                events.append(parse_event(json.loads(line), f"{path}:{n}"))
    return Dataset(organisation, (), tuple(events), path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load a JSON Lines history into an orgsim store.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--store", required=True)
    parser.add_argument("--org", default="Synthetic")
    args = parser.parse_args(argv)
    try:
        report = open_store(args.store, create=True).load(read_jsonl(args.file, args.org))
    except OrgsimError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    print(f"loaded {report.events_added} events, {report.people_added} people", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
