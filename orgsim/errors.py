"""Every error orgsim raises on purpose; the CLI turns them into one line and exit code 1."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AmbiguousPersonError",
    "DateError",
    "DuplicateFactError",
    "OrgsimError",
    "RecordError",
    "RenderError",
    "RuleError",
    "StoreError",
    "UnknownEventError",
    "UnknownPersonError",
]


class OrgsimError(Exception):
    """Base of every orgsim error; its message is one line a user can act on. `fields`: the parts
    of the change the user may give to put it right, in the domain's words (`reason`, `on`); the
    command line names its options for them."""

    def __init__(self, message: str = "", *, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class DateError(OrgsimError, ValueError):
    """A date that is not YYYY, YYYY-MM, YYYY-MM-DD, a range of days or an open bound, or not a real day."""


class UnknownPersonError(OrgsimError, LookupError):
    """A person id, name or alias that nobody in the organisation has."""


class AmbiguousPersonError(OrgsimError, LookupError):
    """A name or alias that more than one person has."""


class RuleError(OrgsimError):
    """A change that the organisation's rules forbid on that date."""

    fact: Any = None  # the fact that broke the timeline, when known (the domain names a later stored event)


class RecordError(OrgsimError, ValueError):
    """A malformed record in a seed, import or command line (names file:line and field)."""


class StoreError(OrgsimError):
    """The store cannot be opened, or holds no organisation to answer from."""


class UnknownEventError(OrgsimError, LookupError):
    """An event id that the store does not hold (or a prefix matching several)."""


class DuplicateFactError(RuleError):
    """A change identical to one already stored (same person, date, details and source)."""


class RenderError(OrgsimError):
    """A picture that cannot be drawn: Graphviz missing or failing, or an unknown output format."""
