"""`forked.in_two`, and a diff (text and JSON) worked out in two processes: the same bytes as in one, sooner.

The split must never change what a command prints: every way the child can fail to give its part
(an error, a model that moved on, no second processor) ends with the parent doing that part itself.
"""

from __future__ import annotations

import json as jsonlib
import os
from pathlib import Path

import pytest
from test_readmodel import generated  # noqa: F401  (the 300-person generated store, a module fixture)

import orgsim.cli.diff as cli_diff
from orgsim import forked
from orgsim.forked import in_two
from orgsim.readmodel import View


@pytest.fixture(autouse=True)
def _two_processors(monkeypatch):
    monkeypatch.setattr(forked, "processors", lambda: 2)  # (a one-processor CI machine still tests the split)


def test_the_child_runs_there_in_another_process_and_sends_its_bytes_back():
    big = os.urandom(5 << 20)  # past any pipe's buffer: the child blocks until the parent reads
    here, there = in_two(lambda: os.getpid(), lambda: str(os.getpid()).encode() + b"|" + big)
    pid, payload = there.split(b"|", 1)
    assert here == os.getpid() and int(pid) != os.getpid() and payload == big


def test_a_failing_child_gives_none_and_the_parent_carries_on():
    def boom() -> bytes:
        raise RuntimeError("child failed")

    assert in_two(lambda: "mine", boom) == ("mine", None)
    assert in_two(lambda: "mine", lambda: os._exit(3)) == ("mine", None)


def test_a_failing_parent_raises_and_leaves_no_child_behind(tmp_path):
    started, finished = tmp_path / "child-started", tmp_path / "child-finished"

    def slow() -> bytes:
        import time

        (tmp_path / "pid").write_text(str(os.getpid()))
        os.replace(tmp_path / "pid", started)  # (whole, when the parent sees it)
        time.sleep(5)
        finished.write_text("x")
        return b""

    def fail():
        import time

        while not started.exists():  # (the child is running)
            time.sleep(0.01)
        raise ValueError("parent failed")

    with pytest.raises(ValueError, match="parent failed"):
        in_two(fail, slow)
    with pytest.raises(ChildProcessError):  # killed and reaped: no such child any more
        os.waitpid(int(started.read_text()), os.WNOHANG)
    assert not finished.exists()


def test_one_processor_or_no_fork_runs_here_only(monkeypatch):
    monkeypatch.setattr(forked, "processors", lambda: 1)
    assert in_two(lambda: os.getpid(), lambda: b"never") == (os.getpid(), None)


# --- the text diff ------------------------------------------------------------------------------
SPANS = [
    ("2016-01-01", "2024-06-30"),
    ("2024-06-30", "2019-03-01"),
    ("2021-05-05", "2021-08-05"),
    ("2020-01-01", "2020-01-01"),
]


def _who_worked(monkeypatch, tmp_path) -> Path:
    """Each process that works out a share of a diff (text or JSON) appends its pid to this file."""
    log = tmp_path / "pids"
    for name in ("_text_share", "_json_share"):
        real = getattr(cli_diff, name)

        def logged(view, a, b, people, real=real):
            with log.open("a") as out:
                out.write(f"{os.getpid()}\n")
            return real(view, a, b, people)

        monkeypatch.setattr(cli_diff, name, logged)
    return log


@pytest.mark.parametrize("json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("span", SPANS)
def test_a_split_diff_prints_the_same_bytes_as_one_process(cli, generated, monkeypatch, tmp_path, span, json):  # noqa: F811
    flags = ["--json"] if json else []
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 10**9)
    single = cli("diff", *span, *flags, "--store", generated)
    replayed = cli("diff", *span, *flags, "--store", generated, "--as-known-at", "2999-01-01")
    log = _who_worked(monkeypatch, tmp_path)
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 1)
    split = cli("diff", *span, *flags, "--store", generated)
    assert single.exit_code == split.exit_code == replayed.exit_code == 0
    assert split.stdout == single.stdout
    if json:  # the replay's JSON, but for when it is known at
        data, again = jsonlib.loads(split.stdout), jsonlib.loads(replayed.stdout)
        assert data.pop("as_known_at") is None and again.pop("as_known_at") == "2999-01-01T23:59:59.999999Z"
        assert data == again
    else:
        assert (
            split.stdout.splitlines() == replayed.stdout.splitlines()[:-1]
        )  # (the replay adds its "As known at" line)
    pids = log.read_text().split()
    if span[0] != span[1]:
        assert len(pids) == 2 and len(set(pids)) == 2 and str(os.getpid()) in pids  # here and in a child
        assert split.stdout.count("source") > 10
    else:  # nobody's row differs: nothing to share out
        assert pids == [str(os.getpid())]
        assert "No changes." in split.stdout or jsonlib.loads(split.stdout)["changes"] == []


def test_a_child_that_cannot_see_the_same_model_leaves_its_share_to_the_parent(cli, generated, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 10**9)
    single = cli("diff", *SPANS[0], "--store", generated).stdout
    monkeypatch.setattr(cli_diff, "SPLIT_AT", 1)
    monkeypatch.setattr(View, "twin", lambda self: None)  # as when a write moved the model on meanwhile
    log = _who_worked(monkeypatch, tmp_path)
    split = cli("diff", *SPANS[0], "--store", generated)
    assert split.exit_code == 0 and split.stdout == single
    assert log.read_text().split() == [str(os.getpid())] * 2  # both shares worked out here


def test_a_twin_view_sees_the_same_version_or_none(cli, generated, tmp_path):  # noqa: F811
    import shutil
    from datetime import date

    from orgsim.application import open_store

    store = str(tmp_path / "copy.db")
    shutil.copy(generated, store)
    view = open_store(store).view()
    with view:
        twin = view.twin()
        assert twin is not None
        with twin:
            assert twin.version == view.version and twin.conn is not view.conn
            assert twin.chart(date(2022, 1, 1)) == view.chart(date(2022, 1, 1))
        last = list(view.facts)[-1]
        done = cli("retract", last, "--reason", "a test moves the model on", "--store", store)
        assert done.exit_code == 0, done.stdout + done.stderr
        assert view.twin() is None  # the model moved on: no twin at this view's version


def test_a_child_that_does_not_answer_in_time_is_killed_and_its_share_left_to_the_parent(monkeypatch, tmp_path):
    import time

    monkeypatch.setattr(forked, "PATIENCE", (0.3, 1.0))
    started = tmp_path / "pid"

    def hangs() -> bytes:
        started.write_text(str(os.getpid()))
        time.sleep(60)
        return b"too late"

    def mine() -> str:
        while not started.exists():  # (the child is running)
            time.sleep(0.01)
        return "mine"

    began = time.monotonic()
    assert in_two(mine, hangs) == ("mine", None)
    assert time.monotonic() - began < 10
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(int(started.read_text()), os.WNOHANG)


def test_no_fork_while_other_threads_run():
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert in_two(lambda: os.getpid(), lambda: b"never") == (os.getpid(), None)
    finally:
        stop.set()
        other.join()
    assert in_two(lambda: "mine", lambda: b"theirs") == ("mine", b"theirs")


def test_a_twin_is_refused_when_the_model_holds_another_meta_at_the_same_version(generated, tmp_path):  # noqa: F811
    """(As when the store's file was swapped for another history with as many events.)"""
    import shutil
    import sqlite3

    from orgsim.application import open_store

    store = str(tmp_path / "copy.db")
    shutil.copy(generated, store)
    view = open_store(store).view()
    with view:
        other = sqlite3.connect(store)
        (data,) = other.execute("SELECT data FROM orgsim_rm_meta WHERE org_id = ?", (view.org_id,)).fetchone()
        meta = jsonlib.loads(data)
        meta["log_hash"] = "0" * 12
        with other:
            other.execute("UPDATE orgsim_rm_meta SET data = ? WHERE org_id = ?", (jsonlib.dumps(meta), view.org_id))
        other.close()
        with open_store(store).view() as again:
            assert again.version == view.version  # (the same version)
        assert view.twin() is None
