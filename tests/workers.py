"""Worker processes for the concurrency and crash tests (run as scripts; not collected by pytest).

`append STORE PREFIX GOFILE`: wait until GOFILE exists, then append 200 events through the
application, one command (one save) each, and print how many saves hit a conflict and were retried.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from pathlib import Path

from orgsim.application import OrgsimApp, open_store
from orgsim.interchange import EventRecord


def commands(prefix: str) -> list[EventRecord]:
    """200 changes to this worker's own people: 100 appointments, 50 leaves, 50 returns."""
    day = lambda n: (date(2025, 1, 1) + timedelta(days=n)).isoformat()  # noqa: E731
    out = [
        EventRecord(
            "appointed",
            f"{prefix}-{i}",
            day(i),
            title="Engineer",
            manager="sam-altman",
            name=f"{prefix.upper()} {i}",
            source={"note": f"worker {prefix}"},
        )
        for i in range(100)
    ]
    out += [
        EventRecord("on_leave", f"{prefix}-{i}", day(150 + i), source={"note": f"worker {prefix}"}) for i in range(50)
    ]
    out += [
        EventRecord("returned", f"{prefix}-{i}", day(250 + i), source={"note": f"worker {prefix}"}) for i in range(50)
    ]
    return out


def append(store: str, prefix: str, gofile: str) -> None:
    app = open_store(store)
    conflicts = 0
    original = OrgsimApp.save

    def counting_save(self, *aggregates, **kwargs):  # counts conflicts; the real save does the work
        nonlocal conflicts
        try:
            return original(self, *aggregates, **kwargs)
        except Exception:
            conflicts += 1
            raise

    OrgsimApp.save = counting_save
    while not Path(gofile).exists():
        time.sleep(0.005)
    for rec in commands(prefix):
        app.record(rec)
    print(f"{prefix}: 200 appended, {conflicts} conflicts retried")


if __name__ == "__main__":
    if sys.argv[1] == "append":
        append(*sys.argv[2:5])
