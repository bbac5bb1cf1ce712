"""What every command shares: the Typer app, its error handling, and the common options.

Only the CLI prints or exits. An `OrgsimError` anywhere below becomes `Error: <message>` on stderr
and exit code 1; usage errors are Typer's (exit 2).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date, datetime, timezone
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from orgsim import __version__
from orgsim.dates import parse_day
from orgsim.errors import DateError, OrgsimError

__all__ = ["app", "StoreOpt", "OrgOpt", "JsonOpt", "AtOpt", "at_day", "print_json", "fail"]


class OrgsimGroup(TyperGroup):
    """Turns orgsim's typed errors into one line on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OrgsimError as err:
            fail(str(err))
        except sqlite3.OperationalError as err:  # e.g. "database is locked" past the timeout
            fail(f"the store could not be used ({err}): try again, or check --store")
        except Exception as err:  # a database server that went away mid-command (never shows a password)
            from eventsourcing.persistence import PersistenceError

            if not isinstance(err, PersistenceError):
                raise
            fail(f"the store could not be used ({type(err).__name__}: {err}): try again, or check --store")
        except KeyboardInterrupt:
            typer.echo("Interrupted: nothing was stored by the interrupted command.", err=True)
            raise typer.Exit(130) from None


def fail(message: str, code: int = 1) -> None:
    """Print `Error: message` (one line) to stderr and exit."""
    typer.echo("Error: " + " ".join(message.split()), err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=OrgsimGroup,
    name="orgsim",
    help="Event-sourced org charts: cited leadership changes, replayed to any date.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"orgsim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Event-sourced org charts: cited leadership changes, replayed to any date.

    Example: orgsim load && orgsim show --at 2024-10-15
    """


StoreOpt = Annotated[
    Optional[str],
    typer.Option(
        "--store",
        envvar="ORGSIM_STORE",
        help="The store: a SQLite file (default ./orgsim.db), :memory:, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB"
        " (the password may come from PGPASSWORD instead).",
        show_default=False,
    ),
]
OrgOpt = Annotated[
    Optional[str],
    typer.Option("--org", envvar="ORGSIM_ORG", help="The organisation (default: the store's only one)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (a stable, documented schema) instead of text.")]
AtOpt = Annotated[
    Optional[str],
    typer.Option("--at", help="The day: YYYY-MM-DD (YYYY or YYYY-MM mean their first day). Default: today."),
]


def at_day(text: str | None) -> date:
    """`--at` as a day; today when absent."""
    if text is None:
        return date.today()
    try:
        return parse_day(text)
    except DateError as err:
        raise DateError(f"--at: {err}") from None


def moment(text: str | None, option: str = "--as-known-at") -> datetime | None:
    """A recording-time instant: an ISO timestamp (UTC when no offset), or a day meaning its end."""
    if text is None:
        return None
    raw = text.strip()
    try:
        if len(raw) <= 10:
            day = parse_day(raw)
            return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=timezone.utc)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OrgsimError):
        raise DateError(f"{option}: {text!r} is not a timestamp: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+00:00]") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def print_json(data: Any) -> None:
    """JSON to stdout, UTF-8 kept readable, keys in a stable order."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
