"""The fold's state seeded from the tables (the rules stay in `chart`): at the latest day, at the end
of a day, and for one person the day before a day."""

from __future__ import annotations

from datetime import date

from orgsim.chart import ChartState, PersonState
from orgsim.readmodel.lookups import OnDemand, TenureOf
from orgsim.readmodel.rows import seeded_alumnus, seeded_state
from orgsim.readmodel.schema import FOREVER, iso
from orgsim.readmodel.tables import Tables


class SeededStates(Tables):
    """The fold's state seeded from the row versions (the rules stay in `chart.ChartState`)."""

    def latest_state(self) -> tuple[ChartState, dict[int, int]]:
        """The fold's state after every effective fact (the open intervals), read person by person as
        the rules ask (`OnDemand`), to check and apply a fact that lands after all of them; and each
        loaded state's tenure number (by `id()`)."""
        fold = ChartState(self.people)
        tenure_of = TenureOf()
        conn, oid = self.conn, self.org_id

        def state(row: tuple) -> PersonState:
            s = seeded_state(*row)
            tenure_of.note(s, row[0])
            return s

        select = (
            "SELECT r.person, r.tenure, r.posts, r.status, r.reports_to, r.since, r.leave_since, r.leave_until, "
            "r.n_events, r.n_touched, t.events, t.opens FROM orgsim_rm_rows r "
            "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure "
            f"WHERE r.org_id = ? AND r.valid_to = '{FOREVER}'"
        )

        def one_row(person: str) -> PersonState | None:
            row = conn.execute(select + " AND r.person = ?", (oid, person)).fetchone()
            return state(row[1:]) if row else None

        def every_row() -> dict[str, PersonState]:
            return {row[0]: state(row[1:]) for row in conn.execute(select, (oid,))}

        def reports_of(manager: str) -> set[str] | None:
            rows = conn.execute(
                f"SELECT person FROM orgsim_rm_rows WHERE org_id = ? AND reports_to = ? AND valid_to = '{FOREVER}'",
                (oid, manager),
            )
            return {p for (p,) in rows} or None

        def every_report() -> dict[str, set[str]]:
            out: dict[str, set[str]] = {}
            for p, m in conn.execute(
                f"SELECT person, reports_to FROM orgsim_rm_rows WHERE org_id = ? AND valid_to = '{FOREVER}' "
                "AND reports_to IS NOT NULL",
                (oid,),
            ):
                out.setdefault(m, set()).add(p)
            return out

        alumni_select = (
            f"SELECT person, title, departed_on, destination, event FROM orgsim_rm_alumni "
            f"WHERE org_id = ? AND valid_to = '{FOREVER}'"
        )
        gone = seeded_alumnus

        def one_alumnus(person: str) -> tuple | None:
            row = conn.execute(alumni_select + " AND person = ?", (oid, person)).fetchone()
            return gone(row) if row else None

        fold.rows = OnDemand(one_row, every_row)  # type: ignore[assignment]
        fold.reports = OnDemand(reports_of, every_report)  # type: ignore[assignment]
        fold.alumni = OnDemand(one_alumnus, lambda: {r[0]: gone(r) for r in conn.execute(alumni_select, (oid,))})  # type: ignore[assignment]
        last = self.meta.get("last")
        fold.last = (date.fromisoformat(last[0]), last[1]) if last else None
        return fold, tenure_of

    def fold_on(self, day: date | None) -> tuple[ChartState, TenureOf, dict[int, PersonState]]:
        """The fold's whole state at the end of `day` (after every effective fact starting on or before
        it) from the row and alumni versions valid that day, and each state's tenure number; its `last`
        is the order of the last of those facts. Also the states whose tenure holds events after that
        day (`tenures` keeps a tenure's events to its end): a change from that day on rewrites them.
        None: before every day (the day before `date.min`), an empty fold."""
        d, conn, oid = iso(day), self.conn, self.org_id
        fold, tenure_of, later = ChartState(self.people), TenureOf(), {}
        rows, reports = fold.rows, fold.reports
        for person, *row in conn.execute(
            "SELECT r.person, r.tenure, r.posts, r.status, r.reports_to, r.since, r.leave_since, r.leave_until, "
            "r.n_events, r.n_touched, t.events, t.opens FROM orgsim_rm_rows r "
            "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure "
            "WHERE r.org_id = ? AND r.valid_to > ? AND r.valid_from <= ?",
            (oid, d, d),
        ):
            s = rows[person] = seeded_state(*row)
            tenure_of.note(s, row[0])
            if row[9] and row[9].count(" ") + 1 > row[7]:  # (events, n_events)
                later[row[0]] = s
            if s.reports_to is not None:
                reports.setdefault(s.reports_to, set()).add(person)
        for row in conn.execute(
            "SELECT person, title, departed_on, destination, event FROM orgsim_rm_alumni "
            "WHERE org_id = ? AND valid_to > ? AND valid_from <= ?",
            (oid, d, d),
        ):
            fold.alumni[row[0]] = seeded_alumnus(row)
        gone = {t for _, t in self.meta["retractions"]}
        for start, seq, fid in conn.execute(
            "SELECT start, seq, id FROM orgsim_rm_facts INDEXED BY orgsim_rm_facts_start "
            "WHERE org_id = ? AND start <= ? ORDER BY start DESC, seq DESC",
            (oid, d),
        ):
            if fid not in gone:  # the order of the last fact that counts, up to that day
                fold.last = (date.fromisoformat(start), seq)
                break
        return fold, tenure_of, later

    def fold_before(self, day: str, watched: str) -> ChartState:
        """The fold as it stood at the end of the day before `day`, as far as the facts about `watched`
        and that day's departures read it: each person's state read on demand from their row version
        valid then (`OnDemand`), no alumni (applying a fact never reads them), and a reports index that
        holds only `watched` (so a departure that day changes `watched`'s row exactly as the replay
        does, and nobody else's row is read or exact)."""
        conn, oid = self.conn, self.org_id
        select = (
            "SELECT r.tenure, r.posts, r.status, r.reports_to, r.since, r.leave_since, r.leave_until, r.n_events, "
            "r.n_touched, t.events, t.opens FROM orgsim_rm_rows r INDEXED BY orgsim_rm_rows_person "
            "JOIN orgsim_rm_tenures t ON t.org_id = r.org_id AND t.tenure = r.tenure "
            "WHERE r.org_id = ? AND r.person = ? AND r.valid_from < ? AND r.valid_to >= ?"
        )

        def one_row(person: str) -> PersonState | None:
            row = conn.execute(select, (oid, person, day, day)).fetchone()
            return seeded_state(*row) if row else None

        def every_row() -> dict[str, PersonState]:  # never read by `ChartState.apply`; here for completeness
            return {p: s for p in dict(self.people) if (s := one_row(p)) is not None}

        fold = ChartState(self.people)
        fold.rows = OnDemand(one_row, every_row)  # type: ignore[assignment]
        mine = fold.rows.get(watched)
        manager = mine.reports_to if mine is not None else None
        fold.reports = OnDemand(
            lambda m: {watched} if m == manager else None,  # type: ignore[assignment]
            lambda: {manager: {watched}} if manager is not None else {},
        )
        return fold
