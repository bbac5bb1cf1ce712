"""orgsim: an event-sourced org-chart simulator. Cited leadership changes, replayed to any date."""

__version__ = "0.1.0"
