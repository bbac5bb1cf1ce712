"""Popolo out: the store as one Popolo JSON document (`orgsim export --format popolo`).

Popolo (popoloproject.com, the data specification EveryPolitician and civic-tech projects share) has
`persons`, `organizations`, `posts` and `memberships` with reduced ISO 8601 dates and
`sources: [{url, note}]`. Pure: read from each organisation's timeline, through its spans
(`spans.spans`, the one fold of the rules), so a membership begins and ends with the facts that
began and ended a stretch on the charts:

- a MEMBER span (a stint in the organisation) is a membership without a post;
- a POST span (a titled post held) is a membership holding that post, in the organisation or in the
  unit (an organization whose `parent_id` is the organisation) the post sits in;
- reporting lines and leaves have no Popolo term: they are left out (never turned into something
  the sources do not say).

A date is written as the most precise reduced ISO date that holds every day it may mean
(`PartialDate.prefix`: a range within November 2023 is `2023-11`); where that is not the date itself
(a range, an open bound, which has none), the date as orgsim stores it (EDTF) goes in the flagged
non-specification property `+start_date` / `+end_date` (the spec's own pattern for extra terms),
and each source's note says what it supports and when. A source is a Popolo link: its web address,
else its document's file name as a relative reference; the document, quote and note go in `note`.
A source with neither address nor document (a bare note) has no link to be: its text goes in `+notes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote as url_quoted

from orgsim.facts import Fact, Timeline
from orgsim.names import organisation_id, slugify
from orgsim.orgchart import Post, unit_names
from orgsim.people import merged
from orgsim.spans import Span, SpanKind, spans

__all__ = ["popolo_document"]


def popolo_document(timelines: Iterable[Timeline]) -> dict[str, list[dict[str, Any]]]:
    """The organisations' timelines (in the store's order) as one Popolo document: `persons` (sorted
    by id), `organizations` (each organisation, then its units), `posts` (sorted by id) and
    `memberships` (each organisation's, in the order they began)."""
    timelines = list(timelines)
    org_ids = _unique_ids((t.organisation for t in timelines), lambda name: slugify(name) or organisation_id(name).hex)
    organizations: list[dict[str, Any]] = []
    posts: dict[str, dict[str, Any]] = {}
    memberships: list[dict[str, Any]] = []
    for timeline, org in zip(timelines, org_ids):
        organizations.append({"id": org, "name": timeline.organisation})
        units = _units(timeline, org)
        organizations += units.values()
        found = spans(timeline)
        post_ids = _post_ids(found, org, units)
        for span in found:
            if span.kind is SpanKind.MEMBER:
                memberships.append(_membership(span, org, None))
            elif span.kind is SpanKind.POST and span.post is not None:
                key = _post_key(span.post, org, units)
                post_id, owner, title = post_ids[key], key[0], span.post.title or ""
                post = posts.setdefault(post_id, {"id": post_id, "label": title, "organization_id": owner})
                others = post.get("other_label", [])
                if title != post["label"] and title not in others:  # the same title spelled in another case
                    post["other_label"] = sorted([*others, title])
                memberships.append(_membership(span, owner, post_id))
    people = merged((t.organisation, t.people) for t in timelines)
    persons = [
        {
            "id": pid,
            "name": p["name"],
            **_other_names(p["aliases"]),
            **_sourced(_cited(p["source"])),
        }
        for pid, p in sorted(people.items())
    ]
    return {
        "persons": persons,
        "organizations": organizations,
        "posts": [posts[k] for k in sorted(posts)],
        "memberships": memberships,
    }


def _units(timeline: Timeline, org: str) -> dict[str, dict[str, Any]]:
    """The organisation's units as organizations within it (`parent_id`), by their name without case."""
    out = {}
    for uid, name in unit_names(timeline.people).items():
        entry = timeline.people[uid]
        out[name.casefold()] = {
            "id": f"{org}/{uid}",
            "name": name,
            **_other_names(entry.get("aliases")),
            "parent_id": org,
            **_sourced(_cited(entry.get("source"))),
        }
    return out


def _membership(span: Span, organization: str, post_id: str | None) -> dict[str, Any]:
    """A span as a membership: of the organization, holding the post (if any), from its first fact's
    date to its last's, with every source of both."""
    out: dict[str, Any] = {"person_id": span.person, "organization_id": organization}
    if post_id is not None and span.post is not None:
        out.update(post_id=post_id, role=span.post.title, label=Post(span.post.title, span.post.acting).text())
    for key, fact in (("start_date", span.start), ("end_date", span.end)):
        if fact is None:
            continue
        if fact.on.prefix is not None:
            out[key] = fact.on.prefix
        if fact.on.prefix != str(fact.on):
            out["+" + key] = str(fact.on)
    cited = [(s, _what(span.start, "start")) for s in span.start.all_sources]
    if span.end is not None:
        cited += [(s, _what(span.end, "end")) for s in span.end.all_sources]
    return {**out, **_sourced(cited)}


def _what(fact: Fact, which: str) -> str:
    """What a source of a membership supports: `start on 2024-08 (appointed CTO)`."""
    return f"{which} {fact.on.dated} ({fact.describe()})"


def _cited(source: Mapping[str, str] | None) -> list[tuple[Mapping[str, str], str]]:
    """A register's source (of a person or a unit), as `_sourced` takes it."""
    return [(source, "")] if source else []


def _sourced(cited: Sequence[tuple[Mapping[str, str], str]]) -> dict[str, list[Any]]:
    """`sources` (Popolo links) for the sources, each with what it supports; a bare note (neither a web
    address nor a document) in `+notes`."""
    links: list[dict[str, str]] = []
    notes: list[str] = []
    for source, what in cited:
        parts = [what] if what else []
        if source.get("document"):
            parts.append(f"document {source['document']}")
        if source.get("quote"):
            parts.append(f"quote “{source['quote']}”")
        if source.get("note"):
            parts.append(source["note"])
        note = "; ".join(parts)
        url = source.get("url") or (url_quoted(source["document"]) if source.get("document") else None)
        if url is None:
            notes.append(note)
        else:
            links.append({"url": url, "note": note} if note else {"url": url})
    out: dict[str, list[Any]] = {}
    if links:
        out["sources"] = links
    if notes:
        out["+notes"] = notes
    return out


def _other_names(aliases: Iterable[str] | None) -> dict[str, list[dict[str, str]]]:
    names = [{"name": a} for a in aliases or ()]
    return {"other_names": names} if names else {}


_PostKey = tuple[str, str]  # (the organization it is held in, its title without case)


def _post_key(post: Post, org: str, units: Mapping[str, Mapping[str, Any]]) -> _PostKey:
    owner = units[post.unit.casefold()]["id"] if post.unit else org
    return owner, (post.title or "").casefold()


def _post_ids(found: list[Span], org: str, units: Mapping[str, Mapping[str, Any]]) -> dict[_PostKey, str]:
    """Each post's id: its organization's, then a slug of its title (`openai/ceo`,
    `openai/board-of-directors/chair`), made unique (`-2`) where two titles give the same slug."""
    keys = sorted({_post_key(s.post, org, units) for s in found if s.kind is SpanKind.POST and s.post})
    ids: dict[_PostKey, str] = {}
    taken: set[str] = set()
    for owner, title in keys:
        base = f"{owner}/{slugify(title) or 'post'}"
        ids[(owner, title)] = _untaken(base, taken)
    return ids


def _unique_ids(names: Iterable[str], make: Callable[[str], str]) -> list[str]:
    """An id for each name, made by `make`, unique (`-2`, `-3`, … after a taken one)."""
    taken: set[str] = set()
    return [_untaken(make(name), taken) for name in names]


def _untaken(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, … : the first not yet taken (which it then takes)."""
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    taken.add(found)
    return found
