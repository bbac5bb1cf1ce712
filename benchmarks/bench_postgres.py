"""Time orgsim on a PostgreSQL store: reads from this machine's local read model against replays.

    python benchmarks/bench_postgres.py [--people 10000] [--events 200000] [--runs 5] [--server URL]

Uses the history `bench.py` generates (same arguments, same cache folder), a new database on the
server of --server (else on a throwaway server started from the local PostgreSQL binaries, as the
tests do: tests/pgserver.py), and a fresh local model folder. Each command is a whole CLI process;
reads are the median of --runs runs with the local model and of two with ORGSIM_CACHE=off (every read
replays, as before the local model). Then: appends (the model updated in place); three appends from
"another machine" (ORGSIM_CACHE=off) and the read after them (the model catches up with them); a
backdated append from there and the read after it (caught up from that day: `ReplayFromDay`); a backdated
append here; a retraction from another machine and the read after it; one more read. Prints a table;
nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))
import pgserver  # noqa: E402
from bench import ENV, ORGSIM, history_file, run_once, workload_arguments  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    workload_arguments(ap)
    ap.add_argument("--server", help="postgresql://USER@HOST:PORT/DB of a server to make a database on")
    args = ap.parse_args(argv)
    history = history_file(args)
    server = None if args.server else pgserver.start()
    if server is None and not args.server:
        raise SystemExit("no PostgreSQL server: pass --server URL or install PostgreSQL")
    admin = args.server or server.url
    url = pgserver.create_database(admin)
    cache = Path(tempfile.mkdtemp(prefix="orgsim-bench-model-"))
    base = {k: v for k, v in ENV.items() if k not in ("ORGSIM_STORE", "ORGSIM_CACHE")}
    model, replay = {**base, "ORGSIM_CACHE_DIR": str(cache)}, {**base, "ORGSIM_CACHE": "off"}

    def run(cmd: list[str], env: dict[str, str] = model, store: bool = True) -> tuple[float, float]:
        return run_once(ORGSIM + cmd + (["--store", url] if store else []), env)

    rows: list[tuple[str, float, float, str]] = []
    try:
        t, mb = run(["import", str(history), "--org", "Bench"])
        rows.append(("import (and this machine's model)", t, mb, ""))
        f = [run(["--version"], store=False) for _ in range(args.runs)]
        floor = statistics.median(t for t, _ in f)
        rows.append(("floor: orgsim --version", floor, max(mb for _, mb in f), ""))
        day = "2024-06-30"
        for name, cmd in (
            ("show --at", ["show", "--at", day]),
            ("diff (one month)", ["diff", "2024-05-31", day]),
            ("history PERSON", ["history", "p00000-ceo"]),
        ):
            m = [run(cmd) for _ in range(args.runs)]
            r = [run(cmd, replay) for _ in range(2)]
            rows.append((f"{name}: local model", statistics.median(t for t, _ in m), max(mb for _, mb in m), ""))
            rows.append(
                (f"{name}: replay (ORGSIM_CACHE=off)", statistics.median(t for t, _ in r), max(mb for _, mb in r), "")
            )
        hire = ["appointed", "--title", "Engineer", "--reports-to", "p00000-ceo", "--source", "bench"]
        a = [
            run(["append", *hire[:1], f"pg-hire-{i}", "--name", f"Pg Hire {i}", *hire[1:], "--on", "2025-01-02"])
            for i in range(args.runs)
        ]
        rows.append(
            ("append one event (model in place)", statistics.median(t for t, _ in a), max(mb for _, mb in a), "")
        )
        for i in range(3):
            t, mb = run(
                ["append", *hire[:1], f"pg-other-{i}", "--name", f"Pg Other {i}", *hire[1:], "--on", "2025-01-03"],
                replay,
            )
        rows.append(("3 appends from another machine (last)", t, mb, ""))
        t, mb = run(["show", "--at", day])
        rows.append(("show right after them (caught up)", t, mb, ""))
        t, mb = run(["append", *hire[:1], "pg-late", "--name", "Pg Late", *hire[1:], "--on", "2020-01-02"], replay)
        rows.append(("a backdated append from another machine", t, mb, ""))
        t, mb = run(["show", "--at", day])
        rows.append(("show right after it (caught up from 2020)", t, mb, ""))
        t, mb = run(["append", *hire[:1], "pg-late-here", "--name", "Pg Late Here", *hire[1:], "--on", "2023-06-05"])
        rows.append(("a backdated append here (model in place)", t, mb, ""))
        logged = subprocess.run(
            ORGSIM + ["log", "--person", "pg-late", "--json", "--store", url],
            capture_output=True,
            text=True,
            env=model,
            check=True,
        ).stdout
        t, mb = run(["retract", json.loads(logged)[0]["id"], "--reason", "bench"], replay)
        rows.append(("a retraction from another machine", t, mb, ""))
        t, mb = run(["show", "--at", day])
        rows.append(("show right after it (caught up)", t, mb, ""))
        t, mb = run(["show", "--at", day])
        rows.append(("show after that (fresh again)", t, mb, ""))
    finally:
        pgserver.drop_database(admin, url)
        if server is not None:
            server.stop()
        shutil.rmtree(cache, ignore_errors=True)
    print(
        f"orgsim on PostgreSQL — {time.strftime('%Y-%m-%d')} — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print(f"workload: {history.name}, {args.runs} runs (replays: 2)\n")
    print(f"{'':42} {'seconds':>8} {'x start-up':>10} {'peak MB':>8}")
    for name, t, mb, _ in rows:
        print(f"{name:42} {t:8.3f} {t / floor:10.2f} {mb:8.0f}")


if __name__ == "__main__":
    main()
