"""The `orgsim` command line: parse → call the application → format → exit code."""

import gc

from orgsim.cli import (  # noqa: F401  (append …, retract, correct, import, export)
    append,
    core,
    correct,
    diff,
    history,
    render,
    timeline,
    transfer,
)
from orgsim.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    # A command is one short process that builds its objects and exits: the cyclic collector's
    # default pace (a collection every 700 allocations, re-walking everything alive) cost a 10,000-person
    # diff about 7% of its time. The modules imported so far stay out of its walks (`freeze`).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    app()
