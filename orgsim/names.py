"""People's names and ids: how a name is compared, resolved to an id, and made into an id; and the
stable ids of organisations. Pure."""

from __future__ import annotations

import difflib
import re
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any

from orgsim.errors import AmbiguousPersonError, RecordError, UnknownPersonError

__all__ = ["PERSON_ID", "name_key", "organisation_id", "organisation_name", "people_keys", "resolve_in", "slugify"]

PERSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NAMESPACE = uuid.UUID("6f1c3b8e-5a4d-4f5e-9a7b-0c2d1e3f4a5b")


def organisation_id(name: str) -> uuid.UUID:
    """Stable aggregate id of an organisation, from its name (case-insensitive)."""
    return uuid.uuid5(_NAMESPACE, "organisation:" + name.strip().casefold())


def organisation_name(text: object, where: str = "") -> str:
    """A new organisation's name, its spaces tidied: text, not blank (`--org "   "` and a seed's
    `organisation: [a, b]` made organisations named blank and "['a', 'b']")."""
    if not isinstance(text, str):
        raise RecordError(f"{where}an organisation's name must be text, not {type(text).__name__}")
    name = " ".join(text.split())
    if not name:
        raise RecordError(f"{where}an organisation needs a name: give one")
    return name


_IGNORED_IN_NAMES = re.compile(r"[\s・·.\-_]+")


def name_key(text: str) -> str:
    """How names are compared: any case, width or accent form, ignoring spaces, ・, dots and hyphens
    (`Mira Murati`, `mira-murati`, `MIRA MURATI` and `ミラ ムラティ` ≡ `ミラ・ムラティ`)."""
    return _IGNORED_IN_NAMES.sub("", unicodedata.normalize("NFKC", text).casefold())


def people_keys(people: Mapping[str, dict[str, Any]]) -> dict[str, set[str]]:
    """The name index `resolve_in` reads: every id, name and alias's `name_key` → person ids."""
    keys: dict[str, set[str]] = {}
    for pid, p in people.items():
        for key in {pid, p["name"], *p.get("aliases", ())}:
            keys.setdefault(name_key(key), set()).add(pid)
    return keys


def resolve_in(text: str, people: Mapping[str, dict[str, Any]], keys: Mapping[str, set[str]], organisation: str) -> str:
    """A person's id from their id, display name or an alias, in any case (`Organisation.resolve`)."""
    if text.strip() in people:
        return text.strip()
    key = name_key(text)
    if not key:
        raise UnknownPersonError("a person is required (an id, a name or an alias)")
    hits = sorted(keys.get(key, ()))
    if len(hits) == 1:
        return hits[0]
    if hits:
        names = ", ".join(f"{people[h]['name']} ({h})" for h in hits)
        raise AmbiguousPersonError(f"{text!r} could be any of: {names}; use an id")
    close = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.75)
    guesses = sorted({pid for k in close for pid in keys[k]})
    hint = (
        ("did you mean " + " or ".join(f"{people[g]['name']} ({g})" for g in guesses) + "?")
        if guesses
        else "see `orgsim people`"
    )
    raise UnknownPersonError(f"unknown person {text!r} in {organisation}: {hint}")


def slugify(text: str) -> str:
    """`Mark Chen` → `mark-chen`; non-ASCII names give an empty slug (the caller must pick an id)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")
    return slug
