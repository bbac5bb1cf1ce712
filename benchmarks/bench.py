"""Time orgsim as whole command-line runs on a synthetic workload, next to two floors.

    python benchmarks/bench.py [--people 10000] [--events 200000] [--runs 5] [--dir /tmp/orgsim-bench]

Generates the history (benchmarks/generate.py, cached by its arguments and the generator's own
hash), imports it once into a fresh SQLite store with `orgsim import`, then times each command as a
separate process against the floors measured in the same run: the CLI's own start-up
(`orgsim --version`) and a plain sqlite3 + json scan of every stored event. The read commands and
the floors are interleaved (run 1 of each, then run 2 of each, …) so that a busy moment of the
machine weighs on all of them alike; each row is a median of --runs runs, with its peak memory.
Children run with byte code cached (PYTHONDONTWRITEBYTECODE removed from their environment), as an
installed package does. Prints a table; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import hashlib
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
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
SCAN = (
    "import json, sqlite3, sys\n"
    "n = 0\n"
    "for (state,) in sqlite3.connect(sys.argv[1]).execute('SELECT state FROM stored_events'):\n"
    "    json.loads(state); n += 1\n"
)


def run_once(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock seconds and peak resident MB of one run; a failing command raises."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV if env is None else env)
    err = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {os.waitstatus_to_exitcode(status)}: {err.strip()[-400:]}")
    return seconds, usage.ru_maxrss / 1024


def history_file(args: argparse.Namespace) -> Path:
    """The generated history for --people/--events/--seed in --dir, made once (cached by those and
    by the generator's own hash)."""
    args.dir.mkdir(parents=True, exist_ok=True)
    generator = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:8]
    history = args.dir / f"history-{args.people}-{args.events}-{args.seed}-{generator}.jsonl"
    if not history.exists():
        with history.open("w") as out:
            subprocess.run(
                [
                    PY,
                    str(HERE / "generate.py"),
                    "--people",
                    str(args.people),
                    "--events",
                    str(args.events),
                    "--seed",
                    str(args.seed),
                ],
                stdout=out,
                check=True,
            )
    return history


def workload_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/orgsim-bench"))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    workload_arguments(ap)
    args = ap.parse_args(argv)
    history = history_file(args)
    store = args.dir / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)

    run_once(ORGSIM + ["--version"])  # compile and cache the byte code before anything is timed
    results: list[tuple[str, float, float, str]] = []
    t, mb = run_once(ORGSIM + ["import", str(history), "--org", "Bench", "--store", str(store)])
    results.append(("import", t, mb, "<= 20 s, <= 500 MB"))

    events = sqlite3.connect(store).execute("SELECT count(*) FROM stored_events").fetchone()[0]
    day, s = "2024-06-30", ["--store", str(store)]
    floors = [
        ("floor: orgsim --version", ORGSIM + ["--version"]),
        ("floor: sqlite3 + json scan", [PY, "-c", SCAN, str(store)]),
    ]
    reads: list[tuple[str, list[str], str]] = [
        ("show --at", ORGSIM + ["show", "--at", day] + s, "<= 2x start-up"),
        ("show --at --json", ORGSIM + ["show", "--at", day, "--json"] + s, "<= 2x start-up"),
        ("diff (one month)", ORGSIM + ["diff", "2024-05-31", day] + s, "<= 3x start-up"),
        ("diff (one year)", ORGSIM + ["diff", "2023-06-30", day] + s, "<= 3x start-up"),
        (
            "render --root --depth 2",
            ORGSIM
            + ["render", "--at", day, "--root", "p00000-ceo", "--depth", "2", "-o", str(args.dir / "root.svg")]
            + s,
            "<= 1.5 s",
        ),
    ]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in (*floors, *reads)}
    for _ in range(args.runs):  # interleaved: one run of each, again and again
        for name, cmd, *_ in (*floors, *reads):
            samples[name].append(run_once(cmd))

    def summary(name: str) -> tuple[float, float]:
        return statistics.median(t for t, _ in samples[name]), max(mb for _, mb in samples[name])

    floor, fmb = summary(floors[0][0])
    scan, smb = summary(floors[1][0])
    for name, _, target in reads:
        results.append((name, *summary(name), target))
    t, mb = run_once(ORGSIM + ["render", "--at", day, "-o", str(args.dir / "all.svg")] + s)
    results.append(("render (whole organisation)", t, mb, "<= 15 s"))
    t, mb = run_once(ORGSIM + ["export", "-o", str(args.dir / "export.jsonl")] + s)
    results.append(("export (whole history)", t, mb, "(no target; <= 500 MB)"))

    # appends: dated after every other event (the usual case), each a new person; then one backdated
    # append, five years before the last event (checked and written from its day on: `ReplayFromDay`), and the
    # read after it
    appended = [
        run_once(
            ORGSIM
            + [
                "append",
                "appointed",
                f"bench-hire-{i}",
                "--name",
                f"Bench Hire {i}",
                "--title",
                "Engineer",
                "--reports-to",
                "p00000-ceo",
                "--on",
                "2025-01-02",
                "--source",
                "benchmarks/bench.py",
            ]
            + s
        )
        for i in range(args.runs)
    ]
    results.append(
        ("append one event", statistics.median(t for t, _ in appended), max(mb for _, mb in appended), "<= 2x start-up")
    )
    t, mb = run_once(
        ORGSIM
        + [
            "append",
            "appointed",
            "bench-late",
            "--name",
            "Bench Late",
            "--title",
            "Engineer",
            "--reports-to",
            "p00000-ceo",
            "--on",
            "2020-01-02",
            "--source",
            "bench",
        ]
        + s
    )
    results.append(("append backdated (2020-01-02: replayed from its day)", t, mb, "(no target)"))
    t, mb = run_once(ORGSIM + ["show", "--at", day] + s)
    results.append(("show --at right after it", t, mb, "<= 2x start-up"))
    # a retraction and a correction of facts six months and a year and a half back (replayed from their day too)
    db = sqlite3.connect(store)
    gone = db.execute("SELECT id FROM orgsim_rm_facts WHERE start = '2024-06-03' ORDER BY seq LIMIT 1").fetchone()[0]
    moved = db.execute(
        "SELECT id FROM orgsim_rm_facts WHERE start = '2023-06-05' AND record LIKE '[\"appointed\"%' "
        "ORDER BY seq LIMIT 1"
    ).fetchone()[0]
    db.close()
    t, mb = run_once(ORGSIM + ["retract", gone, "--reason", "bench"] + s)
    results.append(("retract (a fact of 2024-06-03)", t, mb, "(no target)"))
    t, mb = run_once(ORGSIM + ["correct", moved, "--title", "Principal", "--reason", "bench"] + s)
    results.append(("correct (a title of 2023-06-05)", t, mb, "(no target)"))

    print(
        f"orgsim benchmark — {time.strftime('%Y-%m-%d')} — {platform.node() or 'host'}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(
        f"workload: {history.name}: {args.events} events generated, {events} stored events "
        f"(with people), SQLite store; reads and floors: median of {args.runs} interleaved runs\n"
    )
    print(f"{'':38} {'seconds':>8} {'x start-up':>10} {'x scan':>7} {'peak MB':>8}  target")
    print(f"{floors[0][0]:38} {floor:8.3f} {1:10.2f} {floor / scan:7.2f} {fmb:8.0f}")
    print(f"{floors[1][0]:38} {scan:8.3f} {scan / floor:10.2f} {1:7.2f} {smb:8.0f}")
    for name, t, mb, target in results:
        print(f"{name:38} {t:8.3f} {t / floor:10.2f} {t / scan:7.2f} {mb:8.0f}  {target}")


if __name__ == "__main__":
    main()
