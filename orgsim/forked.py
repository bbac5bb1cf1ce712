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
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
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
    return mine, (b"".join(chunks) if _reap(pid) == 0 else None)


def _reap(pid: int, kill: bool = False) -> int:
    """Wait for the child; its exit status (non-zero if it was killed)."""
    if kill:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status
