"""Where a cited document is found, and the check of a quote against it. A cited document is a file
name (no folder), looked up in one place (`Documents`): beside the seed or JSON Lines file; for
`append` and `correct`, the current folder, then the bundled seeds' folder. When it is found there,
the quote must occur in it verbatim (`facts.quote_occurs`); a seed file's documents must be found,
an import's or a command's need not be (their quotes are then counted, or reported, as not checked)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from orgsim.errors import RecordError
from orgsim.facts import quote_occurs, quote_start

__all__ = ["Documents", "bundled_seeds", "command_documents", "file_documents"]


@functools.lru_cache(maxsize=1024)  # a history cites the same few documents on thousands of lines
def _bare_file_name(doc: str) -> bool:
    return Path(doc).name == doc and doc not in (".", "..")


class Documents:
    """The documents cited quotes are checked against. A cited document is a file name (no folder),
    looked up in `folders`, in order, and read once (UTF-8, line endings as Python reads text: CRLF
    becomes a line break). When it is found, the quote must occur in it (`quote_occurs`). When it is
    not: an error if `required` (a seed file's documents lie beside it), else the quote is counted in
    `unchecked` (as is a quote that cites no document). `place` says where documents are looked for."""

    def __init__(self, folders: Iterable[Path], place: str, required: bool = False, unsourced: bool = False) -> None:
        self.folders = tuple(dict.fromkeys(Path(f) for f in folders))
        self.place, self.required = place, required
        #: a quote citing neither a document nor a web address is counted as not checked, not refused
        #: (`import`: an export of a store written before that was refused holds such quotes)
        self.unsourced = unsourced
        self.unchecked: dict[str, int] = {}
        self._found: dict[str, Path | None] = {}
        self._texts: dict[Path, str] = {}

    def find(self, doc: str) -> Path | None:
        if doc not in self._found:
            self._found[doc] = next((f / doc for f in self.folders if (f / doc).is_file()), None)
        return self._found[doc]

    def check(self, source: Mapping[str, str], where: str = "") -> str | None:
        """Check a source's quote; the reason it could not be checked (None: checked, or no quote).
        RecordError when the quote cites neither a document nor a web address, or the document is a
        path, is required and not found, is not UTF-8, or does not hold the quote."""
        at = f"{where}: " if where else ""
        doc, quote = source.get("document"), source.get("quote")
        _check_file_name(doc, at, self.place)
        path = self.find(doc) if doc else None
        if doc and path is None and self.required:
            raise RecordError(f"{at}cited document {doc!r} not found {self.place}")
        if not quote:
            return None
        if not doc and not source.get("url") and not self.unsourced:  # (from nowhere, it would read as checked)
            raise RecordError(
                f"{at}a quote needs the document or the web address it is from"
                + (" (`document` or `url`)" if at else ""),
                fields=() if at else ("document", "url"),
            )
        if path is None:
            self.unchecked[doc or ""] = self.unchecked.get(doc or "", 0) + 1
            return f"{doc} was not found {self.place}" if doc else "no document is cited, only a web address"
        if not quote_occurs(quote, self._text(path, at)):
            raise RecordError(f"{at}the quote {quote_start(quote)} does not occur verbatim in {_shown(path)}")
        return None

    def _text(self, path: Path, at: str) -> str:
        if path not in self._texts:
            try:
                self._texts[path] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise RecordError(f"{at}cited document {_shown(path)} is not UTF-8 text") from None
        return self._texts[path]


def _check_file_name(doc: str | None, at: str, place: str) -> None:
    if doc and not _bare_file_name(doc):
        hint = " (a web address is a url, not a document)" if "://" in doc else ""
        raise RecordError(f"{at}a cited document is a file name {place} (like 000_….txt), not a path: {doc!r}{hint}")


def _shown(path: Path) -> str:
    """A path as a message shows it: relative to the current folder when inside it."""
    try:
        full, here = path.resolve(), Path.cwd().resolve()
        return os.path.relpath(full, here) if full.is_relative_to(here) else str(path)
    except (OSError, ValueError):
        return str(path)


def command_documents() -> Documents:
    """Where `append` and `correct` look for a cited document: the current folder, then the folder of
    the bundled seeds (where `orgsim load` without FILE finds them); not finding it is no error."""
    here = Path.cwd().resolve()
    try:
        seeds = bundled_seeds().parent.resolve()
    except RecordError:
        seeds = here
    if seeds == here:
        return Documents([here], "in the current folder")
    return Documents([here, seeds], f"in the current folder or {_shown(seeds)}")


def file_documents(path: Path) -> Documents:
    """Where `import` looks for a document a record cites: beside the file, then where `append` looks
    (so a history exported and imported elsewhere still has the seeds' quotes checked)."""
    folders = [path.parent.resolve(), *command_documents().folders]
    here, seeds = Path.cwd().resolve(), folders[-1]
    places = [f"beside {_shown(path)}"] + (["in the current folder"] if here != folders[0] else [])
    places += [str(_shown(seeds))] if seeds not in (here, folders[0]) else []
    place = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " or " + places[-1]
    return Documents(folders, place, unsourced=True)


def bundled_seeds() -> Path:
    """The OpenAI seed file shipped with orgsim."""
    here = Path(__file__).resolve().parent.parent  # the orgsim package
    for candidate in (here / "seeds" / "openai.yaml", here.parent / "seeds" / "openai.yaml"):
        if candidate.is_file():
            return candidate
    raise RecordError("the bundled seeds are missing: pass a FILE to `orgsim load`")
