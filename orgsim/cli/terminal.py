"""What a terminal gets and a pipe does not: colour, a pager for long text, a spinner while slow work runs.

Text sent anywhere but a terminal (a pipe, a file, a test runner) is the plain text, byte for byte.
On a terminal the same text is styled with rich (unless `NO_COLOR` is set to anything or `--no-color`
is given) and, when longer than the terminal, shown through `$PAGER` (default `less`; `--no-pager`:
never). The spinner goes to stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import chain, islice

from rich.cells import cell_len
from rich.console import Console
from rich.highlighter import RegexHighlighter
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text
from rich.theme import Theme

__all__ = ["busy", "choose", "show", "write_lines"]


@dataclass
class _Choices:
    color: bool = True
    pager: bool = True


_chosen = _Choices()


def choose(color: bool, pager: bool) -> None:
    """The global `--no-color` / `--no-pager` of this run (set by the app's callback, every run)."""
    _chosen.color, _chosen.pager = color, pager


class _Highlighter(RegexHighlighter):
    """The parts of orgsim's text worth a colour: ids, dates, quotes, headings, what changed."""

    base_style = "orgsim."
    highlights = [  # noqa: RUF012  (rich reads the class attribute)
        r"(?P<heading>^\S[^\n]*(?::|\(\d+\)|— \d+ (?:people|person))$)",
        r"(?P<id>\[[a-z0-9][a-z0-9-]*\])",
        r"(?P<date>\b\d{4}(?:-\d{2}){0,2}(?:\.\.\d{4}-\d{2}-\d{2})?\b)",
        r"(?P<quote>「[^」\n]*」|“[^”\n]*”)",
        r"(?P<tree>^[│├└─ ]+(?=\S))",
        r"(?P<arrow>→)",
        r"(?P<uncertain>\*$|\bmay still be here\b|\buncertain\b)",
        r"(?P<gone>\b(?:left|departed|retracted|Left|Departed|Retracted)\b)",
        r"(?P<new>\b(?:joined|appointed|rejoined|Joined|Appointed|Rejoined)\b)",
    ]


_THEME = Theme(
    {
        "orgsim.heading": "bold",
        "orgsim.id": "cyan",
        "orgsim.date": "green",
        "orgsim.quote": "italic yellow",
        "orgsim.tree": "dim",
        "orgsim.arrow": "bold",
        "orgsim.uncertain": "magenta",
        "orgsim.gone": "red",
        "orgsim.new": "bold green",
    }
)


def write_lines(lines: Iterable[str]) -> None:
    """Text lines to stdout, a thousand at a time (the same bytes as echoing them joined)."""
    out = sys.stdout
    for batch in _batches(iter(lines)):
        out.write("\n".join(batch) + "\n")
    out.flush()


def _batches(lines: Iterator[str], size: int = 1000) -> Iterator[list[str]]:
    while batch := list(islice(lines, size)):
        yield batch


def _colour() -> bool:
    return _chosen.color and not os.environ.get("NO_COLOR")  # (no-color.org: any non-empty value)


def _styled(lines: list[str], console: Console) -> str:
    """The lines as the terminal shows them: the same text, with colour codes when colour is wanted."""
    if not _colour():
        return "\n".join(lines) + "\n"
    with console.capture() as captured:
        for line in lines:
            console.print(line, soft_wrap=True)
    return captured.get()


def show(text: str | Iterable[str]) -> None:
    """A command's text (one string, or its lines) to stdout: plain when stdout is no terminal; on a
    terminal styled, and through the pager when it is longer than the terminal."""
    lines = iter(text.split("\n") if isinstance(text, str) else text)
    if not sys.stdout.isatty():
        write_lines(lines)
        return
    size = shutil.get_terminal_size()
    console = Console(highlighter=_Highlighter(), theme=_THEME, markup=False, emoji=False, width=size.columns)
    first, height = [], 0
    for line in lines:  # (only as many lines as it takes to know that the text is longer than the screen)
        first.append(line)
        height += max(1, -(-cell_len(line) // max(size.columns, 1)))
        if height >= size.lines:
            break
    pager = _pager() if height >= size.lines and _chosen.pager else None
    if pager is None or not _page(pager, first, lines, console):
        for batch in chain([first], _batches(lines)):
            sys.stdout.write(_styled(batch, console))
        sys.stdout.flush()


def _pager() -> list[str] | None:
    """`$PAGER` (an empty one: none), else `less`, when it can be found."""
    try:
        command = shlex.split(os.environ.get("PAGER", "less"))
    except ValueError:  # (unbalanced quotes: no pager rather than no output)
        return None
    return command if command and shutil.which(command[0]) else None


def _page(command: list[str], first: list[str], rest: Iterator[str], console: Console) -> bool:
    """The text through the pager (False: the pager could not start, nothing was written); quitting the
    pager early ends the command quietly."""
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}  # as git does: colour codes shown as colour
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert pager.stdin is not None
    encoding = sys.stdout.encoding or "utf-8"
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)  # (Ctrl-C is the pager's to handle, as with git)
    try:
        with suppress(BrokenPipeError):  # (the reader quit the pager: nothing more to show)
            for batch in chain([first], _batches(rest)):
                pager.stdin.write(_styled(batch, console).encode(encoding, "replace"))
        with suppress(BrokenPipeError):
            pager.stdin.close()
        pager.wait()
    finally:
        signal.signal(signal.SIGINT, interrupt)
    return True


@contextmanager
def busy(what: str) -> Iterator[None]:
    """A spinner on stderr saying `what` while the block runs, when stderr is a terminal; nothing else."""
    if not sys.stderr.isatty():
        yield
        return
    colour = _colour()
    spinner = Spinner("dots", text=Text(what, style="dim" if colour else ""))
    console = Console(stderr=True, no_color=not colour, highlight=False)
    with Live(spinner, console=console, transient=True, redirect_stdout=False, redirect_stderr=False):
        yield
