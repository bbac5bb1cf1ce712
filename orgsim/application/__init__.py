"""The `eventsourcing` Application (moved into this package from `orgsim/application.py`, to be split by job)."""

from orgsim.application.app import *  # noqa: F403
from orgsim.application.app import __all__ as __all__
from orgsim.application.app import _connection_failure as _connection_failure
