"""The read model changed in place after a command: at the end (`append`) or from a day on (`write_replay`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from orgsim.chart import ChartState
from orgsim.facts import Citation, Fact, Retraction
from orgsim.readmodel.lookups import TenureOf
from orgsim.readmodel.record import ModelRecord
from orgsim.readmodel.replay_from_day import ReplayFromDay
from orgsim.readmodel.rows import (
    alumnus_values,
    citation_record,
    events_of,
    fact_row,
    opens_of,
    retraction_record,
    row_values,
    write_people,
)
from orgsim.readmodel.schema import FOREVER, iso
from orgsim.readmodel.store import ModelFile


class ReadModel(ModelFile):
    """The read model of one SQLite file (`ModelFile`), changed in place after each command."""

    def write_changes(self, record: ModelRecord, old_version: int, tag: str | None = None) -> bool:
        """Write what the commands on `record` added since `old_version` (it reflected the model at
        that version): in place at the end (`append`), or from the day of a change that landed before
        the last fact (`write_replay`). False: the model had moved on meanwhile (nothing written)."""
        oid, meta = record.view.org_id, record.view.meta
        if record.replay is not None:
            if record.new_citations:  # (never one command: left behind, for the next read to rebuild)
                return False
            return self.write_replay(
                oid,
                old_version,
                record.version,
                meta,
                record.replay,
                record.new_facts,
                record.new_people,
                tag=tag,
                retractions=record.new_retractions,
            )
        written = self.append(
            oid,
            old_version,
            record.version,
            meta,
            record.latest,
            record.tenure_of,
            record.touched,
            record.new_facts,
            record.new_people,
            tag=tag,
            cited=[(c, record.view.facts[c.target]) for c in record.new_citations],
        )
        record.written()
        return written

    def write_replay(
        self,
        org_id: str,
        old_version: int,
        new_version: int,
        meta: dict[str, Any],
        replay: ReplayFromDay,
        facts: Iterable[Fact],
        people: Mapping[str, dict[str, Any]] | None = None,
        tag: str | None = None,
        retractions: Iterable[Retraction] = (),
    ) -> bool:
        """Bring the model from `old_version` to `new_version` after a fact dated before its last one,
        from what `replay` made: every version that starts after the fact's day goes; the versions valid
        that day are open again, and each person the replay touched has theirs end where their first new
        version starts (or replaced by it, on that day); then the new versions, their tenures, the fact.
        Nothing is written (False) when the model or the log moved meanwhile (then the next read
        rebuilds it). The tenure numbers go on from the model's: this is its build, changed in place.
        `tag`: as for `append` (catching up)."""
        day, out, fold = iso(replay.day), replay.versions, replay.fold
        assert out.first is not None and out.written is not None
        with self._writing() as conn:
            moving, tag = self._moving_on(conn, org_id, old_version, new_version, meta, tag)
            if not moving:
                return False
            starts = sorted(out.first.items())
            for table in ("orgsim_rm_rows", "orgsim_rm_alumni"):
                conn.execute(f"DELETE FROM {table} WHERE org_id = ? AND valid_from > ?", (org_id, day))
                conn.execute(
                    f"UPDATE {table} SET valid_to = ? WHERE org_id = ? AND valid_to > ?", (FOREVER, org_id, day)
                )
                by_person = f"{table} INDEXED BY {table}_person"
                conn.executemany(
                    f"DELETE FROM {by_person} WHERE org_id = ? AND person = ? AND valid_from = ? AND valid_to = ?",
                    ((org_id, p, d, FOREVER) for p, d in starts if d == day),
                )
                conn.executemany(
                    f"UPDATE {by_person} SET valid_to = ? WHERE org_id = ? AND person = ? AND valid_to = ?",
                    ((d, org_id, p, FOREVER) for p, d in starts),
                )
            conn.executemany(
                "INSERT INTO orgsim_rm_rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ([org_id, *r] for r in out.rows)
            )
            conn.executemany(
                "INSERT INTO orgsim_rm_alumni VALUES (?,?,?,?,?,?,?,?,?,?)", ([org_id, *r] for r in out.alumni)
            )
            conn.executemany(
                "INSERT OR REPLACE INTO orgsim_rm_tenures VALUES (?,?,?,?)",
                ((org_id, n, events_of(s), opens_of(s)) for n, s in sorted(out.written.items())),
            )
            conn.execute(
                "DELETE FROM orgsim_rm_tenures WHERE org_id = ? AND tenure NOT IN "  # those of versions gone
                "(SELECT tenure FROM orgsim_rm_rows WHERE org_id = ?)",
                (org_id, org_id),
            )
            conn.executemany("INSERT INTO orgsim_rm_facts VALUES (?,?,?,?,?,?)", (fact_row(org_id, f) for f in facts))
            write_people(conn, org_id, people or {})
            retractions = list(retractions)
            meta = {
                **meta,
                "last": [fold.last[0].isoformat(), fold.last[1]] if fold.last else None,
                "log_hash": None,
                "tenures": out.next,
                **({"tag": tag} if tag is not None else {}),
                "retractions": meta["retractions"] + [[r.id, r.target] for r in retractions],
                "retraction_records": meta["retraction_records"] + [retraction_record(r) for r in retractions],
            }
            conn.execute(
                "UPDATE orgsim_rm_meta SET version = ?, data = ? WHERE org_id = ?",
                (new_version, json.dumps(meta, ensure_ascii=False), org_id),
            )
            return True

    def append(
        self,
        org_id: str,
        old_version: int,
        new_version: int,
        meta: dict[str, Any],
        fold: ChartState,
        tenure_of: dict[int, int],
        touched: Iterable[str],
        facts: Iterable[Fact],
        people: Mapping[str, dict[str, Any]] | None = None,
        tag: str | None = None,
        cited: Iterable[tuple[Citation, Fact]] = (),
    ) -> bool:
        """Bring the model from `old_version` to `new_version` after facts that landed after every other
        (`fold` is the state after them, all dated `fold.last[0]`): the touched persons' intervals end
        and new ones start on that day; `cited`: sources added to stored facts (each citation, and its
        fact with the source), which change no row. Nothing is written (False) when the model or the log moved
        meanwhile: the next read then finds it stale and rebuilds it. `tag`: for a log apart, the tag
        of its event at `new_version`, which the caller read from it (catching up): the log may
        already be further on."""
        assert fold.last is not None  # (the state after the facts just added)
        day = fold.last[0].isoformat()
        with self._writing() as conn:
            moving, tag = self._moving_on(conn, org_id, old_version, new_version, meta, tag)
            if not moving:
                return False
            replaced: set[int] = set()  # tenures of row versions replaced on that day (maybe by an alumnus now)
            for person in sorted(touched):
                replaced.update(
                    t
                    for (t,) in conn.execute(
                        "SELECT tenure FROM orgsim_rm_rows INDEXED BY orgsim_rm_rows_person WHERE org_id = ? AND person = ? "
                        "AND valid_from = ? AND valid_to = ?",
                        (org_id, person, day, FOREVER),
                    )
                )
                for table in ("orgsim_rm_rows", "orgsim_rm_alumni"):  # (by person: the day index scans every open one)
                    by_person = f"{table} INDEXED BY {table}_person"
                    conn.execute(
                        f"DELETE FROM {by_person} WHERE org_id = ? AND person = ? AND valid_from = ? AND valid_to = ?",
                        (org_id, person, day, FOREVER),
                    )
                    conn.execute(
                        f"UPDATE {by_person} SET valid_to = ? WHERE org_id = ? AND person = ? AND valid_to = ?",
                        (day, org_id, person, FOREVER),
                    )
                if person in fold.rows:
                    s = fold.rows[person]
                    tenure = tenure_of.get(id(s))
                    if tenure is None:
                        tenure = meta["tenures"]
                        if isinstance(tenure_of, TenureOf):
                            tenure_of.note(s, tenure)
                        else:
                            tenure_of[id(s)] = tenure
                        meta["tenures"] += 1
                    conn.execute(
                        "INSERT OR REPLACE INTO orgsim_rm_tenures VALUES (?,?,?,?)",
                        (org_id, tenure, events_of(s), opens_of(s)),
                    )
                    conn.execute(
                        "INSERT INTO orgsim_rm_rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        [org_id, *row_values(person, day, tenure, s)],
                    )
                elif person in fold.alumni:
                    f, s = fold.alumni[person]
                    conn.execute(
                        "INSERT INTO orgsim_rm_alumni VALUES (?,?,?,?,?,?,?,?,?,?)",
                        [org_id, *alumnus_values(person, day, f, s)],
                    )
                    if id(s) in tenure_of:
                        conn.execute(
                            "UPDATE orgsim_rm_tenures SET events = ? WHERE org_id = ? AND tenure = ?",
                            (events_of(s), org_id, tenure_of[id(s)]),
                        )
            for tenure in sorted(
                replaced
            ):  # one no version names any more (hired and gone that day): as a build has it
                conn.execute(
                    "DELETE FROM orgsim_rm_tenures WHERE org_id = ? AND tenure = ? AND NOT EXISTS "
                    "(SELECT 1 FROM orgsim_rm_rows WHERE org_id = ? AND tenure = ?)",
                    (org_id, tenure, org_id, tenure),
                )
            conn.executemany("INSERT INTO orgsim_rm_facts VALUES (?,?,?,?,?,?)", (fact_row(org_id, f) for f in facts))
            cited = list(cited)
            conn.executemany(
                "REPLACE INTO orgsim_rm_facts VALUES (?,?,?,?,?,?)", (fact_row(org_id, f) for _, f in cited)
            )
            write_people(conn, org_id, people or {})
            meta = {
                **meta,
                "last": [day, fold.last[1]],
                "log_hash": None,
                **({"tag": tag} if tag is not None else {}),
                "citation_records": meta["citation_records"] + [citation_record(c) for c, _ in cited],
            }
            conn.execute(
                "UPDATE orgsim_rm_meta SET version = ?, data = ? WHERE org_id = ?",
                (new_version, json.dumps(meta, ensure_ascii=False), org_id),
            )
            return True
