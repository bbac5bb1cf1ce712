"""The `orgsim` command line: parse → call the application → format → exit code."""

from orgsim.cli import (  # noqa: F401  (each registers its commands on `app`)
    append,
    cite,
    core,
    correct,
    diff,
    flows,
    history,
    holders,
    org,
    rebuild,
    render,
    timeline,
    transfer,
)
from orgsim.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    app()
