"""Time orgsim as whole command-line runs on a synthetic workload, next to two floors.

    python benchmarks/bench.py [--people 10000] [--events 200000] [--runs 5] [--dir /tmp/orgsim-bench]

Generates the history (benchmarks/generate.py, cached by its arguments), imports it once into a
fresh SQLite store (`orgsim import` when present, else benchmarks/load.py), then times each command
as a separate process, median of --runs runs, with its peak memory, against the floors measured in
the same run: the CLI's own start-up (`orgsim --version`) and a plain sqlite3 + json scan of every
stored event. Commands another branch has not brought yet (diff, append, render) are reported as
absent. Prints a table; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
ORGSIM = [PY, "-m", "orgsim"]
SCAN = (
    "import json, sqlite3, sys\n"
    "n = 0\n"
    "for (state,) in sqlite3.connect(sys.argv[1]).execute('SELECT state FROM stored_events'):\n"
    "    json.loads(state); n += 1\n"
)


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock seconds and peak resident MB of `runs` runs; a failing command raises."""
    times, peak = [], 0.0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = proc.stderr.read().decode() if proc.stderr else ""
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = max(peak, usage.ru_maxrss / 1024)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.strip()[-400:]}")
    return statistics.median(times), peak


def works(cmd: list[str]) -> bool:
    return subprocess.run(cmd, capture_output=True).returncode == 0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/orgsim-bench"))
    args = ap.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    history = args.dir / f"history-{args.people}-{args.events}-{args.seed}.jsonl"
    if not history.exists():
        with history.open("w") as out:
            subprocess.run([PY, str(HERE / "generate.py"), "--people", str(args.people), "--events",
                            str(args.events), "--seed", str(args.seed)], stdout=out, check=True)
    store = args.dir / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)

    has = {name: works(ORGSIM + [name, "--help"]) for name in ("import", "diff", "append", "render")}
    importer = (ORGSIM + ["import", str(history), "--org", "Bench", "--store", str(store)] if has["import"]
                else [PY, str(HERE / "load.py"), str(history), "--store", str(store)])
    results: list[tuple[str, float | None, float, str]] = []
    t, mb = timed(importer, 1)
    results.append(("import" + ("" if has["import"] else " (benchmarks/load.py)"), t, mb, "<= 20 s"))

    events = sqlite3.connect(store).execute("SELECT count(*) FROM stored_events").fetchone()[0]
    floor, fmb = timed(ORGSIM + ["--version"], args.runs)
    scan, smb = timed([PY, "-c", SCAN, str(store)], args.runs)
    day = "2024-06-30"
    append_py = (
        "import sys\nfrom orgsim.application import open_store\nfrom orgsim.interchange import EventRecord\n"
        "open_store(sys.argv[1]).record(EventRecord('appointed', sys.argv[2], '2025-01-02', title='Engineer',"
        " name='Bench Hire', manager='p00000-ceo', source={'note': 'benchmarks/bench.py'}))\n"
    )
    s = ["--store", str(store)]
    plan: list[tuple[str, list[str] | None, str]] = [
        ("show --at", ORGSIM + ["show", "--at", day] + s, "<= 2x start-up"),
        ("show --at --json", ORGSIM + ["show", "--at", day, "--json"] + s, "<= 2x start-up"),
        ("diff", ORGSIM + ["diff", "2023-06-30", day] + s if has["diff"] else None, "<= 3x start-up"),
        ("render --root --depth 2", ORGSIM + ["render", "--at", day, "--root", "p00000-ceo", "--depth", "2",
                                               "-o", str(args.dir / "root.svg")] + s if has["render"] else None, "<= 1.5 s"),
        ("render (whole organisation)", ORGSIM + ["render", "--at", day, "-o", str(args.dir / "all.svg")] + s
         if has["render"] else None, "<= 15 s"),
    ]
    for name, cmd, target in plan:
        if cmd is None:
            results.append((name, None, 0.0, target))
            continue
        t, mb = timed(cmd, args.runs)
        results.append((name, t, mb, target))
    # appends: `orgsim append` (dated after every other event: the usual case), each a new person;
    # then one backdated append, which replays (and rebuilds the read model from that replay)
    times, peak = [], 0.0
    for i in range(args.runs):
        cmd = (ORGSIM + ["append", "appointed", f"bench-hire-{i}", "--name", f"Bench Hire {i}", "--title", "Engineer",
                         "--reports-to", "p00000-ceo", "--on", "2025-01-02", "--source", "benchmarks/bench.py"] + s
               if has["append"] else [PY, "-c", append_py, str(store), f"bench-hire-{i}"])
        t, mb = timed(cmd, 1)
        times.append(t)
        peak = max(peak, mb)
    results.append(("append one event" + ("" if has["append"] else " (OrgsimApp.record)"), statistics.median(times), peak,
                    "<= 2x start-up"))
    if has["append"]:
        t, mb = timed(ORGSIM + ["append", "appointed", "bench-late", "--name", "Bench Late", "--title", "Engineer",
                                "--reports-to", "p00000-ceo", "--on", "2020-01-02", "--source", "bench"] + s, 1)
        results.append(("append backdated (replay path)", t, mb, "(no target)"))
        t, mb = timed(ORGSIM + ["show", "--at", day] + s, 1)
        results.append(("show --at right after it", t, mb, "<= 2x start-up"))

    print(f"orgsim benchmark — {time.strftime('%Y-%m-%d')} — {platform.node() or 'host'}: {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    print(f"workload: {history.name}: {args.events} events generated, {events} stored events "
          f"(with people), SQLite store; median of {args.runs} runs\n")
    print(f"{'':38} {'seconds':>8} {'x start-up':>10} {'x scan':>7} {'peak MB':>8}  target")
    print(f"{'floor: orgsim --version':38} {floor:8.3f} {1:10.2f} {floor / scan:7.2f} {fmb:8.0f}")
    print(f"{'floor: sqlite3 + json scan':38} {scan:8.3f} {scan / floor:10.2f} {1:7.2f} {smb:8.0f}")
    for name, t, mb, target in results:
        if t is None:
            print(f"{name:38} {'absent':>8} {'':10} {'':7} {'':8}  {target}")
        else:
            print(f"{name:38} {t:8.3f} {t / floor:10.2f} {t / scan:7.2f} {mb:8.0f}  {target}")


if __name__ == "__main__":
    main()
