"""Benchmark: import speed (in and out of date order), one append, export. Not a test: prints numbers.

Run: uv run python benchmarks/import_append.py [N]
"""

from __future__ import annotations

import functools
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from orgsim.application import open_store
from orgsim.interchange import EventRecord, bundled_seeds, read_jsonl, read_yaml


def lines(n: int, descending: bool) -> str:
    out = []
    for i in range(n):
        day = date(2029, 12, 31) - timedelta(days=i) if descending else date(2025, 1, 1) + timedelta(days=i)
        out.append(
            json.dumps(
                {
                    "kind": "appointed",
                    "person": f"p-{i}",
                    "title": "Engineer",
                    "reports_to": "sam-altman",
                    "on": day.isoformat(),
                    "source": "bench",
                }
            )
        )
    return "\n".join(out) + "\n"


def timed(label: str, fn) -> object:
    start = time.perf_counter()
    result = fn()
    print(f"{label:<45} {time.perf_counter() - start:8.2f} s")
    return result


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for descending in (False, True):
            count = n if not descending else n // 3
            store = str(Path(tmp) / f"b{descending}.db")
            app = open_store(store, create=True)
            app.load(read_yaml(bundled_seeds()))
            f = Path(tmp) / "lines.jsonl"
            f.write_text(lines(count, descending))
            dataset = read_jsonl(f, "OpenAI")
            order = "reverse date order" if descending else "date order"
            timed(f"import {count} lines in {order}", functools.partial(app.load, dataset))
        timed(
            "one append (get, check, two charts, save)",
            lambda: app.record(EventRecord("departed", "p-1", "2030", source={"note": "bench"})),
        )
        timed(f"export {len(list(app.export()))} lines", lambda: list(app.export()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
