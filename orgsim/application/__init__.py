"""The `eventsourcing` Application: the one place a store is chosen (`store`), and every use case in
three steps (get the organisation → call a command → save), with a conflict retried on fresh state.

Its modules, one job each:

- `store`: choosing and opening a store (`open_store`, `store_env`, `redact`, `removed_if_failed`);
- `connection`: the first connection to a PostgreSQL server, its failure named, the password hidden;
- `local_model`: where a PostgreSQL store's read model lives on this machine, and the log it is checked against;
- `results`: the values the use cases return (`Compared`, `Recorded`, `Amendment`, `Corroboration`, `LoadReport`);
- `app`: `OrgsimApp`, built up from `organisations` (the store's organisations and their replays) →
  `projection` (the read model kept fresh) → `reading` (the queries) and `commands` (the command
  loop) → `writing` (load, record, retract, correct).
"""

from orgsim.application.app import OrgsimApp
from orgsim.application.connection import FIRST_CONNECTION_WAIT as FIRST_CONNECTION_WAIT
from orgsim.application.connection import _connection_failure as _connection_failure
from orgsim.application.connection import first_connection as first_connection
from orgsim.application.local_model import RecorderLog as RecorderLog
from orgsim.application.local_model import model_path as model_path
from orgsim.application.results import Amendment, Compared, Corroboration, LoadReport, Recorded
from orgsim.application.store import (
    DEFAULT_STORE,
    open_store,
    redact,
    removed_if_failed,
    store_env,
)
from orgsim.application.store import is_server_url as is_server_url
from orgsim.application.writing import bulk_allocation

__all__ = [
    "DEFAULT_STORE",
    "Amendment",
    "Compared",
    "Corroboration",
    "LoadReport",
    "OrgsimApp",
    "Recorded",
    "bulk_allocation",
    "open_store",
    "redact",
    "removed_if_failed",
    "store_env",
]
