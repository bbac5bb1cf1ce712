"""`OrgsimApp`, the `eventsourcing` Application: its queries (`Reading`) and writing use cases
(`Writing`) over one event store, the library's settings, and the prompt first connection to a
PostgreSQL server."""

from __future__ import annotations

from typing import Any

from orgsim.application.connection import first_connection
from orgsim.application.reading import Reading
from orgsim.application.writing import Writing

__all__ = ["OrgsimApp"]


class OrgsimApp(Reading, Writing):
    """Organisations and their cited changes, in one event store."""

    name = "Orgsim"
    is_snapshotting_enabled = True  # a command loads its aggregate from the snapshot taken after each save

    def construct_factory(self, env: Any) -> Any:
        """The library's factory; over PostgreSQL, its pool is first asked for a connection here, so that
        a server that cannot be reached is a prompt `StoreError` naming why (see `first_connection`)."""
        factory = super().construct_factory(env)
        datastore = getattr(factory, "datastore", None)
        if type(datastore).__name__ == "PostgresDatastore":
            first_connection(datastore)
        return factory
