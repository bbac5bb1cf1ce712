"""Interrupting an import (Ctrl-C or a kill) leaves the store exactly as before, and readable.

The import runs as a real process on a pseudo-terminal, so its progress bar shows how far it got:
the test waits until the bar shows it mid-way, then sends the signal.
"""

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
from datetime import date, timedelta

import pytest
from conftest import stored_events

from orgsim.application import open_store
from orgsim.chart import check


def big_file(path, n, descending):
    """`n` appointments; dated backwards, every line lands before all others and needs a full check."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            day = date(2029, 12, 31) - timedelta(days=i) if descending else date(2025, 1, 1) + timedelta(days=i)
            f.write(
                json.dumps(
                    {
                        "kind": "appointed",
                        "person": f"bulk-{i}",
                        "title": "Engineer",
                        "reports_to": "sam-altman",
                        "on": day.isoformat(),
                        "source": "bulk",
                    }
                )
                + "\n"
            )
    return path


def start_on_a_terminal(args):
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120"}
    # Ctrl-C as on a user's terminal, even when the tests themselves run as a background job (which
    # starts with SIGINT ignored, and a child would inherit that)
    proc = subprocess.Popen(
        [sys.executable, "-m", "orgsim", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(slave)
    return proc, master


def read_until(master, proc, wanted):
    """Read the terminal until `wanted(text)` holds; returns the text (or all of it when the process ends)."""
    seen = ""
    while True:
        ready, _, _ = select.select([master], [], [], 60)  # a guard against hanging, not a timing assertion
        if not ready:
            raise AssertionError(f"no output from the import; saw {seen[-300:]!r}")
        try:
            chunk = os.read(master, 4096).decode("utf-8", "replace")
        except OSError:  # the process closed the terminal
            return seen
        if not chunk:
            return seen
        seen += chunk
        if wanted(seen):
            return seen


def mid_way(total):
    def check_text(text):
        counts = [int(n) for n in re.findall(rf"(\d+)/{total}\b", text)]
        return any(0 < n < total for n in counts)

    return check_text


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_an_import_interrupted_mid_way_leaves_the_store_unchanged(db, tmp_path, sig):
    total = 1500
    f = big_file(tmp_path / "big.jsonl", total, descending=True)
    before = stored_events(db)
    proc, master = start_on_a_terminal(["import", str(f), "--store", db])
    try:
        seen = read_until(master, proc, mid_way(total))
        assert mid_way(total)(seen), seen[-300:]  # the bar showed it checking, part of the way through
        assert proc.poll() is None
        proc.send_signal(sig)
        rest = read_until(master, proc, lambda text: False)
        proc.wait(timeout=60)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130 and "Interrupted: nothing was stored" in rest
    assert stored_events(db) == before  # exactly as before
    timeline = open_store(db).timeline()  # and still readable and valid
    check(timeline)
    assert not any(p.startswith("bulk-") for p in timeline.people)
    result = subprocess.run(
        [sys.executable, "-m", "orgsim", "show", "--at", "2024-10-15", "--json", "--store", db],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["organisation"] == "OpenAI"


def test_a_kill_while_saving_stores_all_or_nothing(db, tmp_path):
    total = 3000
    f = big_file(tmp_path / "big.jsonl", total, descending=False)
    before = stored_events(db)
    proc, master = start_on_a_terminal(["import", str(f), "--store", db])
    try:
        read_until(master, proc, lambda text: "saving" in text)
        proc.send_signal(signal.SIGKILL)  # maybe mid-commit, maybe just after it
        proc.wait(timeout=60)
    finally:
        os.close(master)
    after = stored_events(db)
    assert set(before) <= set(after)  # nothing already stored is lost or changed
    assert len(after) in (len(before), len(before) + 2 * total)  # each line: the person and the event
    timeline = open_store(db).timeline()
    check(timeline)
    assert sum(p.startswith("bulk-") for p in timeline.people) in (0, total)
    print("kill while saving:", "nothing stored" if len(after) == len(before) else "all stored")
