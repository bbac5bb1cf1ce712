"""People are store-wide: a person keeps one id, name, aliases and source in every organisation of a
store. Each organisation's register holds a copy of the entry of everyone it names (its own
`PersonAdded`, so an organisation's log stays whole on its own); this module merges the registers by
id (`merged`) and finds, for a command in one organisation, the person another organisation's
register already knows (`StorePeople`). Pure: the registers come from a callable, read on first need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from orgsim.errors import RecordError
from orgsim.names import name_key, people_keys, resolve_in

__all__ = ["Registers", "StorePeople", "merged"]

#: Organisations' registers: (organisation name, its people by id), in the store's order.
Registers = Iterable[tuple[str, Mapping[str, dict[str, Any]]]]


def merged(registers: Registers) -> dict[str, dict[str, Any]]:
    """The registers merged by id, in the order given: each person's id, name, aliases and source as
    the first organisation that names them holds them, and every organisation that names them (units
    left out)."""
    people: dict[str, dict[str, Any]] = {}
    for organisation, register in registers:
        for pid, p in register.items():
            if p.get("unit"):  # (a unit of the organisation: in its register, not a person)
                continue
            entry = people.setdefault(
                pid, {"id": pid, "name": p["name"], "aliases": list(p["aliases"]), "source": p.get("source") or {}}
            )
            entry.setdefault("organisations", []).append(organisation)
    return people


class StorePeople:
    """The people the store's other organisations know, for a command in one organisation: read once,
    the first time a person unknown there is named (a command that names none, or a store of one
    organisation, reads nothing), then every look-up is a dictionary's. `copied` lists the people a
    command copied into its organisation: (into, person id, from)."""

    def __init__(self, registers: Callable[[], Registers]) -> None:
        self._registers = registers
        self._people: dict[str, dict[str, Any]] | None = None
        self._keys: dict[str, set[str]] = {}
        self.copied: list[tuple[str, str, str]] = []

    def _read(self) -> dict[str, dict[str, Any]]:
        if self._people is None:
            self._people = merged(self._registers())
            self._keys = people_keys(self._people)
        return self._people

    def add(self, organisation: str, register: Mapping[str, dict[str, Any]]) -> None:
        """A register not stored yet (an earlier part of the same file) known from now on."""
        people = self._read()
        for pid, entry in merged([(organisation, register)]).items():
            if pid in people:
                if organisation not in people[pid]["organisations"]:
                    people[pid]["organisations"].append(organisation)
                continue
            people[pid] = entry
            for key, ids in people_keys({pid: entry}).items():
                self._keys.setdefault(key, set()).update(ids)

    def find(self, text: str) -> dict[str, Any] | None:
        """The person `text` names (an id, a name or an alias, as `Record.resolve` reads it) in another
        organisation: their merged entry (`merged`), None when none knows them; AmbiguousPersonError
        when it names several people."""
        people = self._read()
        if not people or not name_key(text):
            return None
        if text.strip() not in people and not self._keys.get(name_key(text)):
            return None
        return people[resolve_in(text, people, self._keys, "the store")]

    def resolve(self, text: str) -> str:
        """The id `text` names in another organisation, or UnknownPersonError (with close spellings)."""
        return resolve_in(text, self._read(), self._keys, "the store")

    def check_new(self, pid: str, name: str, where: str = "") -> dict[str, Any] | None:
        """Before `pid` is made a new person named `name`: the entry another organisation holds under
        that id when it is the same person (the same name), None when no other holds it; RecordError
        when another person has that id (a person keeps one id in every organisation)."""
        other = self._read().get(pid)
        if other is None:
            return None
        if name_key(other["name"]) != name_key(name):
            raise RecordError(
                f"{where + ': ' if where else ''}person id {pid!r} is already {other['name']} in "
                f"{other['organisations'][0]} (a person keeps one id in every organisation of the store): "
                f"give {name} another id"
            )
        return other
