"""The `orgsim` command line: parse → call the application → format → exit code."""

from orgsim.cli.common import app
from orgsim.cli import core  # noqa: F401  (registers load, show, people)
from orgsim.cli import diff  # noqa: F401  (registers diff)

__all__ = ["app", "main"]


def main() -> None:
    app()
