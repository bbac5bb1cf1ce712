"""Facts: what one stored event says, as a plain value the pure modules fold over.

A `Fact` is a cited change with an effective date (`on`, valid time) and its place in the log
(`seq`, and `recorded_at`, the store's own clock). A `Retraction` makes a fact stop counting from
the moment it is recorded, without removing it from the log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from orgsim.dates import PartialDate
from orgsim.errors import RecordError
from orgsim.orgchart import Post

__all__ = [
    "KINDS",
    "Citation",
    "Fact",
    "Kind",
    "Retraction",
    "Timeline",
    "amended_sources",
    "clean_source",
    "clean_sources",
    "fact_id",
    "hashed_sources",
    "quote_occurs",
    "quote_start",
    "with_citations",
]


class Kind(StrEnum):
    """The kinds of change, as the import format names them (each equal to its name as a string)."""

    APPOINTED = "appointed"
    DEPARTED = "departed"
    ON_LEAVE = "on_leave"
    RETURNED = "returned"
    REPORTS_TO = "reports_to"


#: The kinds' names, in the order the help and the errors list them.
KINDS = tuple(kind.value for kind in Kind)


def clean_source(source: Any) -> dict[str, str]:
    """A source as a dict with only non-empty string values (`document`, `quote`, `url`, `note`)."""
    if source is None:
        return {}
    if isinstance(source, str):
        return {"note": source} if source.strip() else {}
    # the keys (and the documents, cited again and again) are interned: one string each in memory
    return {str(k): str(v) for k, v in dict(source).items() if v not in (None, "")}


def clean_sources(sources: Any) -> tuple[dict[str, str], ...]:
    """Sources as a tuple of clean sources (`clean_source`), empty ones left out: a list or tuple
    holds several; anything else is one source (a note, a dict, or None for none)."""
    given = sources if isinstance(sources, list | tuple) else [sources]
    return tuple(s for s in map(clean_source, given) if s)


def hashed_sources(sources: tuple[dict[str, str], ...]) -> dict[str, str] | list[dict[str, str]]:
    """The sources as a fact's id hashes them: one source (or none, `{}`) as itself — so every fact
    stored before a fact could cite several keeps its id — several as their list, in order."""
    if len(sources) > 1:
        return [dict(s) for s in sources]
    return dict(sources[0]) if sources else {}


def amended_sources(
    fid: str, old: tuple[dict[str, str], ...], given: tuple[dict[str, str], ...], replace: bool = False
) -> tuple[dict[str, str], ...]:
    """The sources of a correction of fact `fid`, whose sources are `old`, given the sources `given`:
    `old`, then `given` (a source already there is not added twice); with `replace`, only `given`.
    A correction of one source, in parts that name no other document or web address than the fact's
    one source (or to a source that names neither), amends that source instead: a new quote keeps its
    document, a new note its document and quote. A new quote alone, for a fact of several sources,
    is refused: which source it is from cannot be told."""
    if replace:
        if not given:
            raise RecordError("give the sources that replace the old ones", fields=("document", "url", "source"))
        return given
    if len(given) == 1 and len(old) <= 1:
        new, was = given[0], (old[0] if old else {})
        same = all(new.get(k) in (None, was.get(k)) for k in ("document", "url"))
        if same or not (was.get("document") or was.get("url")):
            return ({**was, **new},)
    if len(given) == 1 and given[0].get("quote") and not (given[0].get("document") or given[0].get("url")):
        raise RecordError(
            f"event {fid} cites {len(old)} sources: say which document or web address the new quote is from",
            fields=("document", "url"),
        )
    return old + tuple(s for s in given if s not in old)


def quote_occurs(quote: str, text: str) -> bool:
    """Whether a cited quote occurs in its document's text: verbatim, character for character — no
    whitespace, case or Unicode normalisation (a line break in the document is a line break in the
    quote). The one rule for `load`, `import`, `append` and `correct`."""
    return quote in text


def quote_start(quote: str, length: int = 24) -> str:
    """The start of a quote for a one-line message, JSON-quoted so line breaks and tabs show (`\\n`)."""
    start = quote if len(quote) <= length else quote[:length].rstrip() + "…"
    return json.dumps(start, ensure_ascii=False)


#: `json.dumps(..., sort_keys=True, ensure_ascii=False)` without building an encoder on every call
#: (the same bytes: the ids of stored facts must never change).
_ID_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, check_circular=False)


def fact_id(kind: str, person: str, on: str, details: dict[str, Any], source: dict[str, str] | list) -> str:
    """A stable id from a fact's content: the same cited change always gets the same id."""
    payload = _ID_ENCODER.encode({"kind": kind, "person": person, "on": on, "details": details, "source": source})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)  # slots: a 200,000-event import holds as many of them
class Fact:
    """One cited change to one person, effective from `on`."""

    id: str
    kind: str
    person: str
    on: PartialDate
    source: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    manager: str | None = None
    destination: str | None = None
    until: PartialDate | None = None
    seq: int = 0
    recorded_at: datetime | None = None
    #: Its other sources, after `source` (the first), as it was recorded with them.
    more_sources: tuple[dict[str, str], ...] = ()
    #: The sources `orgsim cite` added to it later, in recording order, as far as its timeline knows.
    cited: tuple[dict[str, str], ...] = ()
    announced: PartialDate | None = None  # when it was announced, when reported (beside `on`, when it took effect)
    also: bool = False  # an appointment to another post, the others kept (without: it replaces them)
    acting: bool = False  # an appointment as acting or interim holder of the post
    unit: str | None = None  # the unit the post sits in (an appointment's, or the post a departure ends)
    post: str | None = None  # a departure from this post only: the person stays in the organisation
    #: Effective order: first day of the effective date, then recording order (kept: folds compare it often).
    order: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", (self.on.start, self.seq))

    @property
    def sources(self) -> tuple[dict[str, str], ...]:
        """The sources it was recorded with (its id hashes them), in order."""
        return ((self.source,) if self.source else ()) + self.more_sources

    @property
    def all_sources(self) -> tuple[dict[str, str], ...]:
        """Every source it has: those it was recorded with, then those cited since."""
        return self.sources + self.cited

    def details(self) -> dict[str, Any]:
        """The kind-specific fields, as the import format names them."""
        out: dict[str, Any] = {}
        if self.title is not None or self.kind == "appointed":
            out["title"] = self.title
        if self.manager is not None:
            out["reports_to" if self.kind in ("appointed", "returned") else "manager"] = self.manager
        if self.destination is not None:
            out["to"] = self.destination
        if self.until is not None:
            out["until"] = str(self.until)
        if self.post is not None:
            out["post"] = self.post
        if self.unit is not None:
            out["unit"] = self.unit
        if self.also:
            out["also"] = True
        if self.acting:
            out["acting"] = True
        return out

    def post_text(self) -> str:
        """The post an appointment names, as a person would write it (`acting CEO`, `Chair (Board)`)."""
        return Post(self.title, self.acting, self.unit).text()

    def as_record(self) -> dict[str, Any]:
        """The fact in the import/export format (JSON Lines), without people's display names."""
        out: dict[str, Any] = {"kind": self.kind, "person": self.person}
        out.update(self.details())
        out["on"] = str(self.on)
        if self.announced is not None:
            out["announced"] = str(self.announced)
        if self.more_sources:  # several: a list (one, or none, is `source` as ever)
            out["sources"] = [dict(s) for s in self.sources]
        else:
            out["source"] = dict(self.source)
        return out

    def describe(self, rejoining: bool = False) -> str:
        """A short human sentence: `departed → Anthropic`, `appointed CTO`, `rejoined as CEO`
        (`rejoining`: an appointment that brings back someone who had left, a comeback)."""
        match self.kind:
            case Kind.APPOINTED if rejoining:
                text = f"rejoined as {self.post_text()}" if self.title else "rejoined (title not reported)"
                return text + (f", reporting to {self.manager}" if self.manager else "")
            case Kind.APPOINTED:
                post = self.post_text()
                text = f"appointed {post}" if self.title else f"appointed ({post})"
                text = text.replace("appointed ", "also appointed ", 1) if self.also else text
                return text + (f", reporting to {self.manager}" if self.manager else "")
            case Kind.DEPARTED:
                if self.post is not None:
                    return f"stepped down as {self.post}" + (f" ({self.unit})" if self.unit else "")
                return f"departed → {self.destination}" if self.destination else "departed"
            case Kind.ON_LEAVE:
                return f"on leave until {self.until}" if self.until else "on leave"
            case Kind.RETURNED:  # from leave, or a comeback; only a comeback carries a title or a manager
                if self.title is None and self.manager is None and not rejoining:
                    return "returned"  # (without the timeline, a comeback with neither reads so too)
                text = f"rejoined as {self.title}" if self.title else "rejoined (title not reported)"
                return text + (f", reporting to {self.manager}" if self.manager else "")
            case Kind.REPORTS_TO:
                return f"reports to {self.manager}"
        raise ValueError(f"unknown kind of change {self.kind!r}")


@dataclass(frozen=True)
class Retraction:
    """A fact withdrawn from `recorded_at` on, with the reason."""

    id: str
    target: str
    reason: str
    seq: int = 0
    recorded_at: datetime | None = None
    replaced_by: str | None = None  # a correction: the id of the fact recorded in its place


@dataclass(frozen=True)
class Citation:
    """A source added to a stored fact (`target`) from `recorded_at` on; the fact itself is unchanged."""

    id: str
    target: str
    source: dict[str, str]
    seq: int = 0
    recorded_at: datetime | None = None


def with_citations(facts: Iterable[Fact], citations: Iterable[Citation]) -> tuple[Fact, ...]:
    """The facts, each cited by exactly the sources of `citations` that name it (in their order)."""
    cited: dict[str, list[dict[str, str]]] = {}
    for c in citations:
        cited.setdefault(c.target, []).append(c.source)
    return tuple(replace(f, cited=tuple(cited.get(f.id, ()))) if f.cited or f.id in cited else f for f in facts)


@dataclass(frozen=True)
class Timeline:
    """All facts and retractions of one organisation, in recording order, with its people."""

    organisation: str
    people: Mapping[str, dict[str, Any]]
    facts: tuple[Fact, ...]
    retractions: tuple[Retraction, ...] = ()
    #: The sources added to its facts since they were recorded (its facts carry them: `Fact.cited`).
    citations: tuple[Citation, ...] = ()

    def as_known_at(self, moment: datetime | None) -> Timeline:
        """What the store knew at `moment` (recording time); None means now."""
        if moment is None:
            return self
        facts = tuple(f for f in self.facts if f.recorded_at is None or f.recorded_at <= moment)
        citations = tuple(c for c in self.citations if c.recorded_at is None or c.recorded_at <= moment)
        return Timeline(
            self.organisation,
            self.people,
            with_citations(facts, citations) if len(citations) < len(self.citations) else facts,
            tuple(r for r in self.retractions if r.recorded_at is None or r.recorded_at <= moment),
            citations,
        )

    def fact_map(self) -> dict[str, Fact]:
        """Every fact by id (retracted ones too)."""
        return {f.id: f for f in self.facts}

    def counted_map(self) -> dict[str, Fact]:
        """The facts that count (not retracted) by id: what a diff's changes may be attributed to."""
        gone = self.retracted_ids()
        return {f.id: f for f in self.facts if f.id not in gone}

    def retracted_ids(self) -> set[str]:
        return {r.target for r in self.retractions}

    def effective(self) -> list[Fact]:
        """The facts that count (not retracted), in effective order."""
        gone = self.retracted_ids()
        return sorted((f for f in self.facts if f.id not in gone), key=lambda f: f.order)

    def name_of(self, person: str) -> str:
        entry = self.people.get(person)
        return entry["name"] if entry else person
