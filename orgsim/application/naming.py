"""Who and what a command names: the people and units an appointment adds to the register (or copies
from another organisation of the store), and a record's names resolved to ids for the aggregate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from orgsim.domain import PERSON_ID, Organisation, name_key, slugify
from orgsim.errors import RecordError, UnknownPersonError
from orgsim.facts import Fact
from orgsim.interchange import EventRecord
from orgsim.orgchart import unit_names
from orgsim.people import StorePeople
from orgsim.record import Record

__all__ = ["ensure_named", "lookup", "propose", "unit_named"]


def ensure_named(
    org: Organisation, record: Record, rec: EventRecord, timestamp: datetime | None, others: StorePeople
) -> int:
    """`appointed` with a person unknown here adds them, and with an unknown unit, the unit; returns
    how many it added. A person another organisation of the store knows (by id, name or alias) is
    copied from there: the same id, name, aliases and source (`others.copied` says from where);
    anyone else is a new person, under an id no other organisation gives someone else."""
    if rec.kind != "appointed":
        return 0
    return _ensure_unit(org, record, rec, timestamp) + _ensure_one(org, record, rec, timestamp, others)


def _ensure_unit(org: Organisation, record: Record, rec: EventRecord, timestamp: datetime | None) -> int:
    """An appointment to a post in a unit the register does not know adds the unit (by its name: its
    id made from it); returns 1 when it did."""
    if rec.unit is None or lookup(record, rec.unit) is not None:
        return 0
    # a unit whose name is part of another's, or the other way round, is a typo (a file that means both
    # declares the new one with a unit line first)
    given = " ".join(rec.unit.split()).casefold()
    close = [n for n in unit_names(record.people).values() if given in n.casefold() or n.casefold() in given]
    if close:
        raise RecordError(
            f"{rec.where + ': ' if rec.where else ''}no unit {rec.unit!r} in {org.name}: did you mean {close[0]!r}? "
            "(a new unit's name is not part of another's; a file may declare it with a unit line)",
            fields=() if rec.where else ("unit",),
        )
    uid = slugify(rec.unit)
    if not uid or uid in record.people:
        raise RecordError(
            f"{rec.where + ': ' if rec.where else ''}cannot make a unit's id from {rec.unit!r}: "
            "give the unit a name in ASCII letters (its other spellings as aliases, in an import)",
            fields=("unit",),
        )
    org.add_person(record, uid, rec.unit, (), None, timestamp=timestamp, unit=True)
    return 1


def _ensure_one(
    org: Organisation, record: Record, rec: EventRecord, timestamp: datetime | None, others: StorePeople
) -> int:
    known = lookup(record, rec.person) if name_key(rec.person) else None
    where = rec.where + ": " if rec.where else ""
    typed = not rec.where  # typed at the command line (not a file's record): the CLI names its options
    if known is not None:
        _check_same(rec, known, record.people[known], where, typed)
        return 0
    found = others.find(rec.person)
    if found is None:
        if not rec.name and typed:  # typed without a name: a near miss is a typo, not a new person
            for resolve in (record.resolve, others.resolve):
                try:
                    resolve(rec.person)
                except UnknownPersonError as err:
                    if "did you mean" in str(err):
                        raise UnknownPersonError(
                            f"{where}{err} To add a new person, give their name.", fields=("name",)
                        ) from None
        pid = rec.person if PERSON_ID.match(rec.person) else slugify(rec.name or rec.person)
        if not pid:
            said = f"{rec.where}: " if rec.where else ""
            if not rec.person.strip():
                raise RecordError(f"{said}no person named: give a person's id, name or alias")
            raise RecordError(f"{said}cannot make an id from {rec.person!r}: give an ASCII id")
        name = rec.name or (rec.person.replace("-", " ").title() if PERSON_ID.match(rec.person) else rec.person)
        found = others.check_new(pid, name, rec.where)  # the same person under the id their name makes, or none
        if found is None:
            aliases = list(rec.aliases) + ([rec.person] if rec.person != pid else [])
            org.add_person(record, pid, name, aliases, None, timestamp=timestamp)
            return 1
    source = found["organisations"][0]
    _check_same(rec, found["id"], found, where, typed, source)
    org.add_person(record, found["id"], found["name"], found["aliases"], found["source"], timestamp=timestamp)
    others.copied.append((org.name, found["id"], source))
    return 1


def propose(org: Organisation, record: Record, rec: EventRecord) -> Fact:
    person = record.resolve(rec.person)
    manager = record.resolve(rec.manager) if rec.manager else None
    unit = unit_named(record, rec.unit)
    return org.propose(
        record,
        rec.kind,
        person,
        rec.on,
        title=rec.title,
        manager=manager,
        destination=rec.destination,
        until=rec.until,
        announced=rec.announced,
        source=rec.sources,
        also=rec.also,
        acting=rec.acting,
        unit=unit,
        post=rec.post,
    )


def _check_same(
    rec: EventRecord, pid: str, entry: Mapping[str, Any], where: str, typed: bool, elsewhere: str | None = None
) -> None:
    """A person already known (here, or in the organisation `elsewhere`) named by an `appointed`: a
    name it gives must be theirs, and so must any alias (a name and aliases are given only for a new
    person)."""
    name, held = entry["name"], f" in {elsewhere}" if elsewhere else ""
    if rec.name and name_key(rec.name) != name_key(name):
        raise RecordError(
            f"{where}{rec.person!r} is already {name} ({pid}){held}; a name is given only for a new "
            f"person: give the new person a new id",
            fields=("name",) if typed else (),
        )
    mine = {name_key(k) for k in (pid, name, *entry["aliases"])}
    extra = [a for a in rec.aliases if name_key(a) not in mine]
    if extra:
        raise RecordError(
            f"{where}{rec.person!r} is already {name} ({pid}){held}; aliases are given only for a new "
            f"person (not stored: {', '.join(extra)})",
            fields=("alias",) if typed else (),
        )


def unit_named(record: Record, text: str | None) -> str | None:
    """The name of the unit `text` names (its name, id or alias), as a fact keeps it (what a box shows)."""
    if text is None:
        return None
    entry = record.people[record.resolve(text)]
    if not entry.get("unit"):
        raise RecordError(f"{text!r} is a person, not a unit of the organisation", fields=("unit",))
    name: str = entry["name"]
    return name


def lookup(record: Record, text: str) -> str | None:
    """Like `record.resolve`, but None for someone unknown (without looking for close spellings, which
    costs a scan of every name: an import of thousands of new people must not pay it each time)."""
    if text.strip() not in record.people and not record.named(name_key(text)):
        return None
    return record.resolve(text)
