"""Two parts of one piece of work on two processors: one part in a forked child process, one here.

A big `diff` spends its time in Python on each reported change, so one process uses one processor.
`in_two(here, there)` forks; the child runs `there()` and sends back the bytes it returns through a
pipe; this process runs `here()` meanwhile. The child never writes to stdout or stderr, never runs
this process's exit handlers (`os._exit`), and opens whatever it reads anew (a SQLite connection must
not cross a fork). Whenever the child cannot give its part — no `fork` on this platform, one processor,
an error in the child — `in_two` answers None for it and the caller does that part itself: splitting
changes the time a command takes, never its output.
"""

from __future__ import annotations

import atexit
import gc
import os
from typing import Callable, TypeVar

__all__ = ["in_two", "processors"]

T = TypeVar("T")


def processors() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (macOS)
        return os.cpu_count() or 1


def in_two(here: Callable[[], T], there: Callable[[], bytes]) -> tuple[T, bytes | None]:
    """`here()`'s result, and the bytes `there()` returned in a child process run at the same time
    (None when there is no child to run it, or it failed: the caller then does that part itself)."""
    if not hasattr(os, "fork") or processors() < 2:
        return here(), None
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end), os.close(write_end)
        return here(), None
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read_end)
            gc.disable()  # nothing of the parent's (its open connections among them) is finalised here
            data = there()
            view = memoryview(data + len(data).to_bytes(8, "big"))  # (the length last: the parent knows it has it all)
            while view:
                view = view[os.write(write_end, view):]
            os.close(write_end)  # the parent's read ends here, not when this process is gone
            status = 0
        except BaseException:  # noqa: BLE001 (any failure: the parent does this part itself)
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        mine = here()
        chunks = []
        with os.fdopen(read_end, "rb") as pipe:
            read_end = -1
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
    except BaseException:
        if read_end != -1:
            os.close(read_end)
        _reap(pid, kill=True)
        raise
    data = b"".join(chunks)
    whole = len(data) >= 8 and int.from_bytes(data[-8:], "big") == len(data) - 8
    if not whole:
        _reap(pid)
        return mine, None
    _later(pid)
    return mine, data[:-8]


_exiting: list[int] = []  # children that sent their part whole and may still be exiting


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
            os.kill(pid, 9)
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
