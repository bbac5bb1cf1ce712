"""The `orgsim` command line: parse → call the application → format → exit code."""

from orgsim.cli.common import app
from orgsim.cli import core  # noqa: F401  (registers load, show, people)
from orgsim.cli import history  # noqa: F401  (registers log, history, why)
from orgsim.cli import render  # noqa: F401  (registers render)
from orgsim.cli import diff  # noqa: F401  (registers diff)
from orgsim.cli import append, correct, transfer  # noqa: F401  (append …, retract, correct, import, export)
from orgsim.cli import timeline  # noqa: F401  (registers timeline)

__all__ = ["app", "main"]


def main() -> None:
    app()
