"""The read model: each organisation's chart as dated row intervals, in tables of the SAME SQLite file.

Built from a `Timeline` by one pass of `chart.ChartState` (the rules live there only): facts are grouped by
first effective day, and after each group every person the group touched gets a new row version valid
from that day (`valid_from <= D < valid_to`; an open interval ends on `9999-12-31`). A departure closes
the row and opens an alumnus interval. What a row's `events` and `uncertain` need is kept per tenure
(one `PersonState` of the fold): the tenure's event ids and the partial-dated facts that touched it, and a
row version holds how many of each it had then, so `uncertain` is computed for the queried day.

Tables (prefix `orgsim_rm_`): `meta` (the aggregate version it reflects, the organisation's name,
people, retractions (with their reasons and recording times), log hash and the order of the last effective fact), `rows`,
`tenures`, `facts` (every stored fact, retracted ones too, by id and by first effective day).

One person's answers (`history`, `why`, `log --person`) replay only the days that person was touched
(`View.steps_of`): each with the real fold, seeded from the row versions valid the day before, applying
that day's facts about them and its departures; `history.py` reads those steps instead of a replay.

Changes are written in place, never by a replay, when the model is fresh: a fact that lands after
every effective one ends and starts the touched persons' intervals on its day (`ReadModel.append`);
one dated earlier, a retraction or a correction goes through the fold again from the state at the end
of a day (`ReplayFromDay`: from the model's versions valid that day, then every later fact that counts), and
the versions after that day are written anew (`ReadModel.write_replay`), as a whole build would write them.

The model is used only when FRESH: `meta.version` equals the organisation's stored version, read in
the same transaction as the rows (a PostgreSQL store's local copy, kept apart from its log: the
version and a content tag of the log's last event). Otherwise the caller catches up or rebuilds it
(replay, then one write transaction), so a stale or half-written model is never read. `:memory:`
stores keep replaying the aggregate.

The package, by job: `schema` (the tables' layout), `rows` (facts and fold states as rows and back),
`building` (a whole build), `lookups` (mappings read on demand), `tables` → `states` → `view` (a
fresh model read: people and facts, the fold's state seeded from it, charts and one person's
answers), `store` → `changes` (the file: found, migrated, read, written whole, changed in place),
`record` (the `Record` a command checks against) and `replay_from_day` (a change checked from a day on).
"""

from orgsim.readmodel.building import Built, build
from orgsim.readmodel.changes import ReadModel
from orgsim.readmodel.lookups import StoredTimeline, TenureOf
from orgsim.readmodel.record import ModelRecord
from orgsim.readmodel.replay_from_day import ReplayFromDay, chart_after
from orgsim.readmodel.rows import fact_row, facts_of, log_hash_of
from orgsim.readmodel.schema import FORMAT
from orgsim.readmodel.store import EventLog, LogUnavailable
from orgsim.readmodel.view import View, cited_by_diff

__all__ = [
    "FORMAT",
    "Built",
    "EventLog",
    "LogUnavailable",
    "ModelRecord",
    "ReadModel",
    "ReplayFromDay",
    "StoredTimeline",
    "TenureOf",
    "View",
    "build",
    "chart_after",
    "cited_by_diff",
    "fact_row",
    "facts_of",
    "log_hash_of",
]
