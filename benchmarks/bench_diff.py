"""How `orgsim diff` scales: the same store, diffs over longer and longer spans, as whole CLI runs.

    python benchmarks/bench_diff.py [--people 10000] [--events 200000] [--runs 5] [--dir /tmp/orgsim-bench]

On the workload of `bench.py` (imported once into its own store, kept in --dir), times `diff FROM TO`
for spans from one day to two years ending on 2024-06-30, interleaved with the start-up floor
(`orgsim --version`), medians of --runs runs. For each span it prints the number of changes and of
text lines the diff reports, the time, the ratio to start-up, and the time past start-up per change:
a diff's cost should follow what it reports, not the size of the history. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(__file__))
from bench import ENV, ORGSIM, history_file, run_once, workload_arguments

END = date(2024, 6, 30)
SPANS = [
    ("one day", 1),
    ("one week", 7),
    ("one month", 30),
    ("three months", 91),
    ("six months", 182),
    ("one year", 366),
    ("two years", 731),
]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    workload_arguments(ap)
    args = ap.parse_args(argv)
    history = history_file(args)
    store = args.dir / f"diff-{history.stem}.db"
    if not store.exists():  # imported once per workload (an import is ~15 s)
        run_once(ORGSIM + ["import", str(history), "--org", "Bench", "--store", str(store)])
    s = ["--store", str(store)]
    run_once(ORGSIM + ["--version"])  # byte code compiled and cached before anything is timed

    cases = []
    for name, days in SPANS:
        start = (END - timedelta(days=days)).isoformat()
        cmd = ORGSIM + ["diff", start, END.isoformat()] + s
        out = subprocess.run(cmd + ["--json"], capture_output=True, text=True, env=ENV, check=True).stdout
        changes = len(json.loads(out)["changes"])
        lines = subprocess.run(cmd, capture_output=True, text=True, env=ENV, check=True).stdout.count("\n")
        cases.append((f"{name} ({start})", cmd, changes, lines))
    floor_cmd = ORGSIM + ["--version"]
    samples: dict[str, list[float]] = {name: [] for name, *_ in cases}
    floors: list[float] = []
    for _ in range(args.runs):  # interleaved, as in bench.py
        floors.append(run_once(floor_cmd)[0])
        for name, cmd, *_ in cases:
            samples[name].append(run_once(cmd)[0])
    floor = statistics.median(floors)
    events = sqlite3.connect(store).execute("SELECT count(*) FROM stored_events").fetchone()[0]

    print(
        f"orgsim diff scaling — {time.strftime('%Y-%m-%d')} — {platform.node() or 'host'}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(
        f"workload: {history.name}, {events} stored events; diffs ending {END}; median of {args.runs} interleaved runs\n"
    )
    print(
        f"{'span (from)':32} {'changes':>8} {'lines':>7} {'seconds':>8} {'x start-up':>10} {'us/change past start-up':>24}"
    )
    print(f"{'floor: orgsim --version':32} {'':>8} {'':>7} {floor:8.3f} {1:10.2f}")
    for name, _, changes, lines in cases:
        t = statistics.median(samples[name])
        per = f"{(t - floor) / changes * 1e6:24.1f}" if changes else f"{'—':>24}"
        print(f"{name:32} {changes:8d} {lines:7d} {t:8.3f} {t / floor:10.2f} {per}")


if __name__ == "__main__":
    main()
