"""Two shares of one piece of work on two processors: one in a forked child process, one here.

A big `diff` spends its time in Python on each reported change, so one process uses one processor.
`in_two(here, there)` forks; the child runs `there()` and sends back the bytes it returns through a
pipe, while this process runs `here()`. The child:
- writes nothing to the terminal (its stdout and stderr go to /dev/null) and runs none of this
  process's exit handlers (`os._exit`);
- opens anew whatever it reads (a SQLite connection must not cross a fork; the caller keeps its own
  read transaction open until the child is done, see `View.twin`);
- dies at once on Ctrl-C (the default action), without unwinding the parent's frames.
Whenever the child cannot give its share — no `fork` on this platform, one processor, other threads
running (forking them is deadlock-prone), an error in the child, no answer within `PATIENCE` after
this process's own share — `in_two` answers None for it and the caller works it out itself:
splitting changes the time a command takes, never its output.
"""

from __future__ import annotations

import atexit
import gc
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["in_two", "processors"]

T = TypeVar("T")

#: How long the child may take beyond this process's own share, at least, and as a multiple of it.
PATIENCE = (2.0, 3.0)


def processors() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (macOS)
        return os.cpu_count() or 1


def in_two(here: Callable[[], T], there: Callable[[], bytes]) -> tuple[T, bytes | None]:
    """`here()`'s result, and the bytes `there()` returned in a child process run at the same time
    (None when there is no child to run it, or it failed or took too long: the caller then does that
    share itself)."""
    if not hasattr(os, "fork") or processors() < 2 or threading.active_count() > 1:
        return here(), None
    read_end, write_end = os.pipe()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # (no Ctrl-C between fork and try)
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(read_end)
        os.close(write_end)
        return here(), None
    if pid == 0:  # the child
        _child(read_end, write_end, there, blocked)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(write_end)
        began = time.monotonic()
        mine = here()
        took = time.monotonic() - began
        data = _read_all(read_end, deadline=time.monotonic() + max(PATIENCE[0], PATIENCE[1] * took))
    except BaseException:
        _reap(pid, kill=True)
        raise
    finally:
        os.close(read_end)
    if data is None or len(data) < 8 or int.from_bytes(data[-8:], "big") != len(data) - 8:
        _reap(pid, kill=True)  # (failed, cut short or too slow)
        return mine, None
    _later(pid)
    return mine, data[:-8]


def _child(read_end: int, write_end: int, there: Callable[[], bytes], blocked: set) -> None:
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(read_end)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        gc.disable()  # nothing of the parent's (its open connections among them) is finalised here
        data = there()
        left = memoryview(data + len(data).to_bytes(8, "big"))  # (the length last: the parent knows it has it all)
        while left:
            left = left[os.write(write_end, left) :]
        os.close(write_end)  # the parent's read ends here, not when this process is gone
        status = 0
    except BaseException:
        pass
    finally:
        os._exit(status)


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything written to the pipe until its end; None if it does not end by the deadline."""
    chunks = []
    while True:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


_exiting: list[int] = []  # children that sent their share whole and may still be exiting


def _later(pid: int) -> None:
    """Reap the child once it has exited, without waiting for it: now if it has, else at the next call
    or at this process's exit (what is still running then is the system's to reap)."""
    _exiting[:] = [p for p in [*_exiting, pid] if not _exited(p)]


atexit.register(lambda: [_exited(p) for p in _exiting])


def _exited(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:
        return True


def _reap(pid: int, kill: bool = False) -> None:
    """Wait for the child (after killing it)."""
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    while True:
        try:
            os.waitpid(pid, 0)
            return
        except InterruptedError:
            continue
        except ChildProcessError:
            return
