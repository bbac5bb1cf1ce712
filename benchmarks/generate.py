"""A deterministic synthetic history in the JSON Lines import format (one event per line).

    python benchmarks/generate.py --people 10000 --events 200000 --seed 1 > history.jsonl

N people active at the end, M events over ten years (2015–2024), all valid in file order (which is
also their effective order): hires (each reporting to someone already there), departures (their
reports moved to the leaver's manager first), leaves and returns, reporting-line and title changes,
a few rehires. Events on the 1st of a month or of January sometimes carry only a month or a year,
as news does, without changing their order. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta

TITLES = [
    "Engineer",
    "Senior Engineer",
    "Staff Engineer",
    "Manager",
    "Senior Manager",
    "Director",
    "Senior Director",
    "VP",
    "Researcher",
    "Product Manager",
    "Designer",
    "Analyst",
]
FIRST = [
    "Ada",
    "Ben",
    "Chiara",
    "Dev",
    "Emi",
    "Femi",
    "Gus",
    "Hana",
    "Ivan",
    "Jun",
    "Kai",
    "Lena",
    "Mo",
    "Nia",
    "Oskar",
    "Pia",
    "Quinn",
    "Rui",
    "Sana",
    "Tomas",
    "Uma",
    "Vik",
    "Wen",
    "Yara",
    "Zeb",
]
LAST = [
    "Abe",
    "Bauer",
    "Costa",
    "Diaz",
    "Eze",
    "Fujita",
    "Garcia",
    "Hale",
    "Ito",
    "Jensen",
    "Kim",
    "Lopez",
    "Mori",
    "Novak",
    "Okafor",
    "Park",
    "Quispe",
    "Rossi",
    "Sato",
    "Tan",
    "Ueda",
    "Vega",
]
START, DAYS = date(2015, 1, 1), 3652


class Org:
    """The generator's own view of who is where, to keep every event valid."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.manager: dict[str, str | None] = {}  # active person → manager
        self.reports: dict[str, set[str]] = {}
        self.on_leave: set[str] = set()
        self.active: list[str] = []  # for uniform choice
        self.index: dict[str, int] = {}
        self.alumni: list[tuple[str, date]] = []  # (person, last day their departure can mean)
        self.retitled: dict[str, date] = {}  # person → last day their latest new title can mean
        self.count = 0

    def _add(self, pid: str, manager: str | None) -> None:
        self.manager[pid] = manager
        self.reports.setdefault(pid, set())
        if manager:
            self.reports[manager].add(pid)
        self.index[pid] = len(self.active)
        self.active.append(pid)

    def _remove(self, pid: str) -> None:
        i = self.index.pop(pid)
        last = self.active.pop()
        if last != pid:
            self.active[i], self.index[last] = last, i
        boss = self.manager.pop(pid)
        if boss:
            self.reports[boss].discard(pid)
        self.on_leave.discard(pid)
        del self.reports[pid]

    def pick(self) -> str:
        return self.active[self.rng.randrange(len(self.active))]

    def above(self, pid: str) -> set[str]:
        seen, boss = set(), self.manager.get(pid)
        while boss is not None:
            seen.add(boss)
            boss = self.manager.get(boss)
        return seen

    def set_manager(self, pid: str, manager: str | None) -> None:
        old = self.manager[pid]
        if old:
            self.reports[old].discard(pid)
        self.manager[pid] = manager
        if manager:
            self.reports[manager].add(pid)


def _on(day: date, rng: random.Random) -> str:
    if day.month == 1 and day.day == 1 and rng.random() < 0.5:
        return str(day.year)
    if day.day == 1 and rng.random() < 0.5:
        return day.isoformat()[:7]
    return day.isoformat()


def _last_day(on: str) -> date:
    """The last day a (possibly partial) date can mean: a rehire must come after it."""
    if len(on) == 4:
        return date(int(on), 12, 31)
    if len(on) == 7:
        y, m = int(on[:4]), int(on[5:])
        return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
    return date.fromisoformat(on)


def generate(people: int, events: int, seed: int) -> Iterator[dict]:
    rng = random.Random(seed)
    org = Org(rng)
    days = sorted(START + timedelta(days=rng.randrange(DAYS)) for _ in range(events))
    n = 0

    def event(kind: str, person: str, day: date, **fields) -> dict:
        nonlocal n
        n += 1
        rec = {
            "kind": kind,
            "person": person,
            **fields,
            "on": _on(day, rng),
            "source": {"document": "synthetic", "note": f"benchmarks/generate.py seed {seed}, event {n}"},
        }
        return rec

    ceo = "p00000-ceo"
    org._add(ceo, None)
    yield event("appointed", ceo, START, name="Chief Executive", title="CEO")
    i = 1
    while i < events:
        day = days[i]
        target = 1 + (people - 1) * i // (events - 1)
        roll = rng.random()
        if len(org.active) < target or len(org.active) < 20:
            k = rng.randrange(len(org.alumni)) if org.alumni and roll < 0.03 else None
            if k is not None and org.alumni[k][1] < day:  # a rehire, after the departure's period
                pid = org.alumni.pop(k)[0]
                boss = org.pick()
                org._add(pid, boss)
                yield event("appointed", pid, day, title=rng.choice(TITLES), reports_to=boss)
            else:
                org.count += 1
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {org.count}"
                pid = f"p{org.count:05d}-" + name.split()[0].lower()
                boss = org.pick()
                org._add(pid, boss)
                yield event("appointed", pid, day, name=name, title=rng.choice(TITLES), reports_to=boss)
            i += 1
        elif roll < 0.16:  # a departure; the leaver's reports move to the leaver's manager first
            pid = org.pick()
            if pid == ceo or i + len(org.reports[pid]) + 1 > events:
                continue
            if org.retitled.get(pid, date.min) >= day:  # the dates could not tell which came first
                continue
            boss = org.manager[pid]
            for rep in sorted(org.reports[pid]):
                org.set_manager(rep, boss)
                yield event("reports_to", rep, day, manager=boss)
                i += 1
            org._remove(pid)
            rec = event("departed", pid, day, to=rng.choice([None, "a competitor", "a start-up"]))
            org.alumni.append((pid, _last_day(rec["on"])))
            yield rec
            i += 1
        elif roll < 0.30:  # a leave, or a return from one
            pid = org.pick()
            if pid in org.on_leave:
                org.on_leave.discard(pid)
                yield event("returned", pid, day)
            else:
                org.on_leave.add(pid)
                until = (day + timedelta(days=rng.randrange(30, 365))).isoformat()[:7]
                yield event("on_leave", pid, day, **({"until": until} if rng.random() < 0.5 else {}))
            i += 1
        elif roll < 0.65:  # a new reporting line
            pid, boss = org.pick(), org.pick()
            if pid == ceo or boss == pid or boss == org.manager[pid] or pid in org.above(boss):
                continue
            org.set_manager(pid, boss)
            yield event("reports_to", pid, day, manager=boss)
            i += 1
        else:  # a new title
            pid = org.pick()
            rec = event("appointed", pid, day, title=rng.choice(TITLES))
            org.retitled[pid] = max(org.retitled.get(pid, date.min), _last_day(rec["on"]))
            yield rec
            i += 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="people active at the end (default 10000)")
    parser.add_argument("--events", type=int, default=200_000, help="events in all (default 200000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    out = sys.stdout
    for rec in generate(args.people, args.events, args.seed):
        if rec.get("to", "") is None:
            del rec["to"]
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
