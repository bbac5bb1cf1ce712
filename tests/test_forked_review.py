"""(From a review of the split diff.) `orgsim diff` worked out in two processes prints what one process
and a replay print, on many days and histories; and the two processes stay safe: a writer committing
while they read, a child killed mid-write, a parent interrupted, a child that writes to stdout/stderr.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_backdated import SCENARIOS
from test_forked import _who_worked as _pid_log  # (each process that works out a share notes its pid)
from test_readmodel import generated  # noqa: F401  (the 300-person generated store, a module fixture)

import orgsim.cli.diff as cli_diff
from orgsim import forked
from orgsim.application import open_store
from orgsim.errors import OrgsimError
from orgsim.forked import in_two
from orgsim.readmodel import View


@pytest.fixture(autouse=True)
def _two_processors(monkeypatch):
    monkeypatch.setattr(forked, "processors", lambda: 2)


def _three_ways(cli, monkeypatch, store: str, a: str, b: str, json: bool) -> None:
    """One process, two processes and a replay: the same bytes (but the replay's as-known-at)."""
    flags = ["--json"] if json else []
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 10**9)
    single = cli("diff", a, b, *flags, "--store", store)
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 1)
    split = cli("diff", a, b, *flags, "--store", store)
    replayed = cli("diff", a, b, *flags, "--store", store, "--as-known-at", "2999-01-01")
    assert single.exit_code == split.exit_code == replayed.exit_code == 0, (single.stderr, split.stderr)
    assert split.stdout == single.stdout and split.stderr == single.stderr == "", (a, b)
    if json:
        assert (
            replayed.stdout.replace('"as_known_at": "2999-01-01T23:59:59.999999Z"', '"as_known_at": null')
            == single.stdout
        )
    else:
        assert single.stdout.splitlines() == replayed.stdout.splitlines()[:-1], (a, b)


# --- the same output, on many days ---------------------------------------------------------------
DAYS = st.one_of(
    st.dates(date(2014, 6, 1), date(2026, 6, 1)),
    st.sampled_from([date(1, 1, 1), date(2015, 1, 1), date(2015, 1, 31), date(2020, 2, 29), date(2999, 12, 31)]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DAYS, DAYS, st.booleans())
def test_any_two_days_of_a_generated_history_split_or_not_print_what_a_replay_prints(
    cli,
    generated,
    monkeypatch,
    a,
    b,
    json,
):
    _three_ways(cli, monkeypatch, generated, a.isoformat(), b.isoformat(), json)


@pytest.fixture(scope="module")
def hard_seeds(tmp_path_factory):
    """The seeds with the backdated scenarios' appends (partial dates, rehires, leavers' reports, a
    manager hired, given a report and gone on one day), some retractions and a correction."""
    from conftest import SEEDS

    from orgsim.interchange import read_yaml

    store = str(tmp_path_factory.mktemp("hard") / "seeds.db")
    app_ = open_store(store, create=True)
    app_.load(read_yaml(SEEDS))
    appended = refused = 0
    for records in SCENARIOS.values():
        for rec in records:
            try:
                app_.record(rec)
                appended += 1
            except OrgsimError:
                refused += 1  # (a scenario may hold a change the rules refuse after the others)
    facts = list(app_.timeline().facts)
    retracted = []
    for f in random.Random(3).sample(facts, 6):
        try:
            app_.retract(f.id, "a review retracts it")
            retracted.append(f.id)
        except OrgsimError as err:  # (a retraction that would break a later stored event)
            assert "would" in str(err) or "already" in str(err), err
    assert appended > 10 and retracted, (appended, refused, retracted)  # the history really is the hard one
    assert {r.target for r in app_.timeline().retractions} >= set(retracted)
    corrected = 0
    for f in app_.timeline().facts:  # (the first that can be moved a few days on, or to its month)
        for on in ((f.on.start + timedelta(days=3)).isoformat(), f.on.start.isoformat()[:7]):
            try:
                app_.correct(f.id, "a review moves it", {"on": on})
                corrected += 1
                break
            except OrgsimError:
                continue
        if corrected == 2:
            break
    assert corrected == 2
    return store


def _days_around(store: str) -> list[str]:
    facts = open_store(store).timeline().facts
    days = {d + timedelta(days=k) for f in facts for d in (f.on.start, f.on.end) for k in (-1, 0, 1)}
    return sorted(d.isoformat() for d in days) + ["0001-01-01", "2999-12-31", "2024", "2024-08"]


def test_the_seeds_with_partial_dates_rehires_retractions_and_a_correction_split_as_replayed(
    cli, hard_seeds, monkeypatch
):
    days = _days_around(hard_seeds)
    rnd = random.Random(11)
    for a, b in [(rnd.choice(days), rnd.choice(days)) for _ in range(40)] + [
        ("2024-09-01", "2024-10-15"),
        ("2024-10-15", "2024-09-01"),
    ]:
        for json in (False, True):
            _three_ways(cli, monkeypatch, hard_seeds, a, b, json)


# --- a writer meanwhile ----------------------------------------------------------------------------
def _retract_in_another_process(store: str, fid: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "orgsim", "retract", fid, "--reason", "a writer meanwhile", "--store", store],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("when", ["before the twin", "after the twin"])
@pytest.mark.parametrize("json", [False, True], ids=["text", "json"])
def test_a_writer_committing_while_the_shares_are_worked_out_changes_nothing_printed(
    cli,
    generated,
    monkeypatch,
    tmp_path,
    when,
    json,
):
    """Another process retracts a fact (the model moves on) after the parent opened its view: before the
    child opens its twin (the twin is refused, the parent does both shares) or after (the child reads the
    version it opened, the parent's). Either way the diff is the one of the parent's version."""
    import shutil

    store = str(tmp_path / "copy.db")
    shutil.copy(generated, store)
    flags = ["--json"] if json else []
    span = ("2016-01-01", "2024-06-30")
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 10**9)
    before = cli("diff", *span, *flags, "--store", store)
    last = cli.json("diff", *span, "--store", store)["changes"][-1]["events"][-1]  # (cited: the diff moves)
    parent, twins = os.getpid(), tmp_path / "twins"
    real_twin = View.twin

    def twin(self):
        if os.getpid() != parent and when == "before the twin":
            _retract_in_another_process(store, last)
        got = real_twin(self)
        if os.getpid() != parent and when == "after the twin":
            _retract_in_another_process(store, last)
        twins.write_text("none" if got is None else "a twin")
        return got

    monkeypatch.setattr(View, "twin", twin)
    log = _pid_log(monkeypatch, tmp_path)
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 1)
    split = cli("diff", *span, *flags, "--store", store)
    assert split.exit_code == before.exit_code == 0 and split.stdout == before.stdout
    pids = log.read_text().split()
    if when == "before the twin":
        assert twins.read_text() == "none" and pids == [str(parent)] * 2  # both shares here
    else:
        assert twins.read_text() == "a twin" and len(set(pids)) == 2
    monkeypatch.setattr(View, "twin", real_twin)
    after = cli("diff", *span, *flags, "--store", store)
    assert after.exit_code == 0 and after.stdout != before.stdout  # (the retraction did move the model on)


# --- in_two itself ---------------------------------------------------------------------------------
def _zombie_or_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_child_killed_mid_write_gives_none_and_is_reaped(monkeypatch):
    """A child that dies having written part of its bytes (the OOM killer, say): its part is None, not
    the bytes so far, and the child is reaped."""
    real_write, parent, child = os.write, os.getpid(), []

    def write(fd, data):
        if os.getpid() != parent:
            real_write(fd, bytes(data[: 1 << 16]))
            os.kill(os.getpid(), signal.SIGKILL)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    mine, theirs = in_two(lambda: "mine", lambda: str(os.getpid()).encode() + b"|" + os.urandom(1 << 20))
    assert (mine, theirs) == ("mine", None)


def test_an_interrupted_parent_kills_and_reaps_the_child_and_is_interrupted(tmp_path):
    started = tmp_path / "child"

    def slow() -> bytes:
        (tmp_path / "pid").write_text(str(os.getpid()))
        os.replace(tmp_path / "pid", started)
        time.sleep(30)
        return b""

    def interrupted():
        while not started.exists():
            time.sleep(0.01)
        raise KeyboardInterrupt

    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        in_two(interrupted, slow)
    assert time.monotonic() - t0 < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(int(started.read_text()), os.WNOHANG)


def test_a_child_that_sent_its_part_is_reaped_by_the_next_split_at_the_latest():
    pids = []
    for _ in range(3):
        _, there = in_two(lambda: None, lambda: str(os.getpid()).encode())
        pids.append(int(there))
    time.sleep(0.2)
    in_two(lambda: None, lambda: b"")
    assert all(_zombie_or_gone(p) for p in pids)
    for p in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(p, os.WNOHANG)


def test_the_parents_unflushed_output_is_not_written_again_by_the_child(tmp_path):
    """The child inherits this process's stdio buffers: it must not flush them (`os._exit`)."""
    script = (
        "import sys; sys.path.insert(0, %r)\n"
        "from orgsim import forked\n"
        "forked.processors = lambda: 2\n"
        "sys.stdout.write('parent says this once\\n')\n"  # (buffered: stdout is a pipe here)
        "print(forked.in_two(lambda: 1, lambda: b'x'))\n" % str(ROOT)
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "parent says this once\n(1, b'x')\n" and done.stderr == ""


def test_what_the_child_writes_to_stdout_or_stderr_does_not_reach_the_terminal(tmp_path):
    """The module says the child never writes to stdout or stderr; what the child's code (or a library
    warning in it) writes must not land in the command's output."""
    script = (
        "import sys, warnings; sys.path.insert(0, %r)\n"
        "from orgsim import forked\n"
        "forked.processors = lambda: 2\n"
        "def there():\n"
        "    print('child stdout', flush=True)\n"
        "    warnings.warn('child warning')\n"
        "    return b'x'\n"
        "print(forked.in_two(lambda: 1, there))\n" % str(ROOT)
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "(1, b'x')\n" and done.stderr == ""


# --- a PostgreSQL store's local model ----------------------------------------------------------------
def test_a_postgresql_stores_local_model_splits_as_replayed(cli, pg_store, dataset, monkeypatch, tmp_path):
    import threading

    open_store(pg_store, create=True).load(dataset)
    threads = []
    real = forked.in_two
    monkeypatch.setattr(
        cli_diff, "in_two", lambda here, there: (threads.append(threading.active_count()), real(here, there))[1]
    )
    log = _pid_log(monkeypatch, tmp_path)
    for span in [("2015-01-01", "2024-10-15"), ("2024-10-15", "2023-11-17"), ("2024-09-01", "2024-09-01")]:
        for json in (False, True):
            _three_ways(cli, monkeypatch, pg_store, *span, json)
    assert len(set(log.read_text().split())) > 2  # (children did work out shares)
    print("threads at the fork:", threads)


# --- connections across the fork -----------------------------------------------------------------------
class _Watched:
    """A SQLite connection that notes, in a file, each use (pid, the pid that opened it, when) and its close."""

    def __init__(self, conn, notes: Path) -> None:
        self._conn, self._notes, self._owner = conn, notes, os.getpid()

    def _note(self, what: str) -> None:
        with self._notes.open("a") as out:
            out.write(f"{what} {os.getpid()} {self._owner} {id(self)} {time.monotonic()}\n")

    def execute(self, *args):
        self._note("use")
        return self._conn.execute(*args)

    def close(self) -> None:
        self._note("close")
        self._conn.close()

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.mark.parametrize("json", [False, True], ids=["text", "json"])
def test_the_child_reads_only_its_own_connection_while_the_parent_holds_its_read_transaction(
    cli,
    generated,  # noqa: F811
    monkeypatch,
    tmp_path,
    json,
):
    from orgsim.readmodel import ReadModel

    notes, real_connect = tmp_path / "notes", ReadModel.connect
    monkeypatch.setattr(ReadModel, "connect", lambda self: _Watched(real_connect(self), notes))
    shared, real_in_shares = [], cli_diff._in_shares
    monkeypatch.setattr(
        cli_diff, "_in_shares", lambda view, *rest: (shared.append(id(view.conn)), real_in_shares(view, *rest))[1]
    )
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 1)
    done = cli("diff", "2016-01-01", "2024-06-30", *(["--json"] if json else []), "--store", generated)
    assert done.exit_code == 0, done.stderr
    parent = str(os.getpid())
    lines = [line.split() for line in notes.read_text().splitlines()]
    assert all(pid == owner for _, pid, owner, _, _ in lines), "a connection used by a process that did not open it"
    children = {pid for _, pid, _, _, _ in lines} - {parent}
    assert len(children) == 1
    child_done = max(float(t) for _, pid, _, _, t in lines if pid in children)
    (view_closed,) = [
        float(t) for what, pid, _, conn, t in lines if what == "close" and pid == parent and int(conn) in shared
    ]
    assert view_closed > child_done  # the parent's read transaction outlives the child's reads
