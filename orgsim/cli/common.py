"""What every command shares: the Typer app, its error handling, and the common options.

Only the CLI prints or exits. An `OrgsimError` anywhere below becomes `Error: <message>` on stderr
and exit code 1; a usage error (what Typer finds wrong with the command line) one such line and exit
code 2.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from eventsourcing.persistence import PersistenceError
from typer.core import TyperGroup

from orgsim import __version__
from orgsim.application import LoadReport
from orgsim.cli import terminal
from orgsim.cli.terminal import write_lines
from orgsim.dates import PartialDate, asked_about, parse_day, within_reach
from orgsim.errors import DateError, OrgsimError, RenderError

__all__ = [
    "AsKnownAtOpt",
    "AtOpt",
    "CsvOpt",
    "JsonOpt",
    "OrgOpt",
    "StoreOpt",
    "app",
    "at_day",
    "fail",
    "json_text",
    "known_from",
    "moment",
    "one_table_format",
    "output_file",
    "partial_date",
    "print_csv",
    "print_json",
    "print_json_list",
    "unchecked_quotes_note",
    "with_as_known_at",
    "write_lines",
    "write_output",
]


class OrgsimGroup(TyperGroup):
    """Turns orgsim's typed errors into one line on stderr and exit code 1, and usage errors (a
    missing argument, an unknown option or command, a bad value) into one line and exit code 2."""

    def make_context(self, info_name: str | None, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(info_name, *args, **kwargs)
        except typer.TyperException as err:  # (the group's own options)
            _usage_failure(err, info_name or "orgsim")

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.TyperException as err:
            sub = ctx.invoked_subcommand
            _usage_failure(err, f"{ctx.command_path} {sub}" if sub else ctx.command_path)
        except OrgsimError as err:
            fail(with_options(err))
        except (sqlite3.OperationalError, PersistenceError) as err:  # e.g. "database is locked" past the timeout
            fail(f"the store could not be used ({err}): try again, or check --store")
        except sqlite3.DatabaseError as err:
            fail(f"the store is not a usable SQLite database ({err}): check --store")
        except BrokenPipeError:  # the reader stopped reading (`orgsim log | head`): Typer exits quietly
            raise
        except OSError as err:  # a folder where a file was expected, no permission, a full disk…
            where = f"{err.filename}: " if err.filename else ""
            fail(f"{where}{err.strerror or err}")
        except KeyboardInterrupt:
            typer.echo("Interrupted: nothing was stored by the interrupted command.", err=True)
            raise typer.Exit(130) from None


def _usage_failure(err: typer.TyperException, command: str) -> None:
    """A usage error (Typer's exit code 2) as one line: Typer's message and where to read about the
    command. Any other of Typer's errors is Typer's to show; a command given no arguments shows its
    help, as Typer does: that is no error to report. (Typer exports no usage error class: its public
    `TyperException` is the base of them all, and it tells the no-arguments case by the class name.)"""
    if err.exit_code != 2 or type(err).__name__ == "NoArgsIsHelpError":
        raise err
    ctx = getattr(err, "ctx", None)
    if ctx is not None and ctx.command_path.count(" ") > command.count(" "):
        command = ctx.command_path  # (a sub-command's own, e.g. `orgsim append departed`)
    message = " ".join(err.format_message().split())
    fail(f"{message}{'' if message[-1:] in '.?!' else '.'} See '{command} --help'.", code=err.exit_code)


def unchecked_quotes_note(unchecked: Mapping[str, int], place: str) -> str | None:
    """The note `load` and `import` print about quotes they could not check (`Dataset.unchecked_quotes`);
    `place`: where the documents were looked for (`Dataset.documents_place`)."""
    total = sum(unchecked.values())
    if not total:
        return None
    missing = [doc for doc in unchecked if doc]
    parts = []
    if missing:
        n = sum(unchecked[doc] for doc in missing)
        names = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        parts.append(f"{n} cite{'s' if n == 1 else ''} a document not found {place} ({names})")
    if unchecked.get(""):
        n = unchecked[""]
        parts.append(f"{n} cite{'s' if n == 1 else ''} no document (a web address only, or nothing)")
    return f"Note: {total} quote{'' if total == 1 else 's'} not checked: {'; '.join(parts)}."


def known_from(report: LoadReport) -> str:
    """What `load` and `import` say after "N people added" about those copied from another
    organisation of the store (`LoadReport.known_from`): ` (2 known from OpenAI)`, or nothing."""
    found = ", ".join(f"{n} known from {organisation}" for organisation, n in report.known_from.items())
    return f" ({found})" if found else ""


_OPTION_OF = {"destination": "--to"}  # a field whose option has another name


def with_options(err: OrgsimError) -> str:
    """An error's message with the options that put it right, for the fields the domain names."""
    options = [_OPTION_OF.get(field, f"--{field.replace('_', '-')}") for field in err.fields]
    if not options:
        return str(err)
    if len(options) == 1:
        return f"{err} ({options[0]})"
    return f"{err}: give {', '.join(options[:-1])} or {options[-1]}"


def fail(message: str, code: int = 1) -> None:
    """Print `Error: message` (one line) to stderr and exit."""
    typer.echo("Error: " + " ".join(message.split()), err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=OrgsimGroup,
    name="orgsim",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (Typer's own)
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"orgsim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour on a terminal either (as NO_COLOR=1 does).")
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page long text on a terminal (default: $PAGER, else less).")
    ] = False,
) -> None:
    """Event-sourced org charts: cited leadership changes, replayed to any date.

    Text is plain when piped; on a terminal it is coloured and long text is paged.

    Example: orgsim init --org Acme && orgsim --no-pager log
    """
    terminal.choose(color=not no_color, pager=not no_pager)


StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="ORGSIM_STORE",
        help="The store: a SQLite file (default ./orgsim.db), :memory:, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB"
        " (the password may come from PGPASSWORD instead).",
        show_default=False,
    ),
]
OrgOpt = Annotated[
    str | None,
    typer.Option("--org", envvar="ORGSIM_ORG", help="The organisation (default: the store's only one)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (a stable, documented schema) instead of text.")]
CsvOpt = Annotated[
    bool, typer.Option("--csv", help="Print CSV instead of text: a header row, one row per record of --json (README).")
]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="The day: YYYY-MM-DD (YYYY or YYYY-MM mean their first day). Default: today."),
]

AsKnownAtOpt = Annotated[
    str | None,
    typer.Option(
        "--as-known-at",
        help="Answer as the store knew it at this recording time: YYYY-MM-DD (its end) or "
        "YYYY-MM-DDTHH:MM[:SS][+00:00] (UTC when no offset). Later events and retractions do not count.",
        show_default=False,
    ),
]


def at_day(text: str | None) -> date:
    """`--at` as a day; today when absent."""
    if text is None:
        return date.today()
    try:
        return within_reach(parse_day(text), text)
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
            return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=UTC)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OrgsimError):
        raise DateError(
            f"{option}: {text!r} is not a timestamp: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+00:00]"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def partial_date(text: str | None, option: str, bounds: bool = False) -> PartialDate | None:
    """A `--from`/`--to` style option as a partial date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD);
    `bounds`: a change's date, which may be an open bound too (..YYYY-MM-DD, YYYY-MM-DD..)."""
    if text is None:
        return None
    try:
        return within_reach(PartialDate.parse(text) if bounds else asked_about(text))
    except DateError as err:
        raise DateError(f"{option}: {err}") from None


def with_as_known_at(data: dict[str, Any], known: datetime | None, after: str = "at") -> dict[str, Any]:
    """`data` with `as_known_at` (ISO-8601 UTC, or null for now) placed right after the key `after`."""
    from orgsim.history import iso

    out: dict[str, Any] = {}
    for key, value in data.items():
        out[key] = value
        if key == after:
            out["as_known_at"] = iso(known)
    out.setdefault("as_known_at", iso(known))
    return out


_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


class Encoded(str):
    """A record already encoded as `json_text` writes a record, one compact line (e.g. by another
    process): written as it is where a record goes. (Anywhere else it would be written as it is too,
    not quoted: the byte-for-byte tests of `diff --json` against the replay's would show it.)"""


def compact_json(value: Any) -> str:
    """A value as one line of JSON, as `json_text` writes a record."""
    return _encode(value)


def _compact(value: Any) -> str:
    return value if type(value) is Encoded else _encode(value)


def _block(value: Any, pad: str, deeper: Any) -> str:
    """A dict or list one entry per line (each entry by `deeper(entry, pad)`); anything else compact."""
    if isinstance(value, dict) and value:
        items = [f"{pad}  {_compact(str(k))}: {deeper(v, pad + '  ')}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)) and value:
        return "[\n" + ",\n".join(f"{pad}  {deeper(v, pad + '  ')}" for v in value) + f"\n{pad}]"
    return _compact(value)


def _second(value: Any, pad: str) -> str:  # the second level: its entries compact
    return _block(value, pad, lambda v, _: _compact(v))


def json_text(data: Any) -> str:
    """JSON, UTF-8 kept readable, keys in a stable order, one record per line: an object's keys one per
    line and their lists or objects one entry per line, each deeper value (a person, a change, a
    source) compact on its line; a list's records (log entries) each compact on its line. (`indent=`
    would take the standard library's pure-Python encoder: ~0.2 s more for a chart of 10,000 people.)"""
    return _block(data, "", _second if isinstance(data, dict) else lambda v, _: _compact(v))


def print_json(data: Any) -> None:
    """JSON to stdout (see `json_text`)."""
    sys.stdout.write(json_text(data) + "\n")


def print_json_list(items: Iterable[Any]) -> None:
    """A JSON list to stdout, written item by item: the same bytes as `print_json(list(items))`,
    without the whole text in memory (a log of 200,000 events)."""
    out, first = sys.stdout, True
    for item in items:
        out.write(("[\n  " if first else ",\n  ") + _compact(item))
        first = False
    out.write("[]\n" if first else "\n]\n")


def one_table_format(command: str, json: bool, csv: bool) -> None:
    """`--csv` with `--json` is a usage error (exit 2), said before anything is read."""
    if json and csv:
        fail(f"choose --json or --csv, not both. See 'orgsim {command} --help'.", code=2)


def print_csv(command: str, records: Iterable[Any]) -> None:
    """`command`'s `--json` records as CSV to stdout (`render.csv_tables`)."""
    from orgsim.render.csv_tables import write_csv

    write_csv(sys.stdout, command, records)


def output_file(output: Path | None) -> Path | None:
    """The file `-o` names, or None for stdout (no -o, or `-o -`)."""
    return None if output is None or str(output) == "-" else output


def write_output(data: bytes, output: Path | None, fmt: str) -> None:
    """Write to stdout (no -o, or `-o -`), or to the file `-o` names: a regular file (or a new one)
    atomically, through a temporary file renamed over it, so a failure leaves no half-written file
    and keeps its permissions; through a symbolic link, to the file it points to, the link kept; to
    a device or a FIFO (`/dev/stdout`, a pipe), straight, as a shell's `>` does — never replaced."""
    output = output_file(output)
    if output is None:
        if fmt in ("png", "pdf") and sys.stdout.isatty():
            raise RenderError(f"not writing {fmt.upper()} bytes to a terminal: pass -o FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if output.is_dir():
        raise RenderError(f"{output} is a folder: pass -o with a file name")
    if output.is_symlink():
        output = output.resolve()  # (a link to a device or a FIFO: that, below)
    if output.exists() and not output.is_file():
        with output.open("wb") as fh:
            fh.write(data)
        return
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise RenderError(f"cannot write {output}: folder {folder} does not exist")
    mode = (output.stat().st_mode & 0o777) if output.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # as an ordinary new file, not mkstemp's private 0600
        os.chmod(tmp, mode)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
