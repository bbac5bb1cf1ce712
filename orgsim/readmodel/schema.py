"""The read model's tables: their layout (`SCHEMA`), how a file's layout is compared with it, and the
values a row's interval and a day are compared as."""

from __future__ import annotations

import functools
import re
import sqlite3
from datetime import date

FOREVER = "9999-12-31"
FORMAT = 9  # the layout of the tables' contents: a model of another format is stale (rebuilt)

SCHEMA = """
CREATE TABLE IF NOT EXISTS orgsim_rm_meta (org_id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orgsim_rm_rows (
    org_id TEXT NOT NULL, person TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL,
    tenure INTEGER NOT NULL, title TEXT, posts TEXT NOT NULL, status TEXT NOT NULL, reports_to TEXT, since TEXT,
    leave_since TEXT, leave_until TEXT, n_events INTEGER NOT NULL, n_touched INTEGER NOT NULL);
DROP INDEX IF EXISTS orgsim_rm_rows_when;
CREATE INDEX IF NOT EXISTS orgsim_rm_rows_day ON orgsim_rm_rows (
    org_id, valid_to, valid_from, person, tenure, title, posts, status, reports_to, since, leave_since, leave_until,
    n_events, n_touched);
CREATE INDEX IF NOT EXISTS orgsim_rm_rows_person ON orgsim_rm_rows (org_id, person);
CREATE INDEX IF NOT EXISTS orgsim_rm_rows_reports ON orgsim_rm_rows (org_id, reports_to) WHERE valid_to = '9999-12-31';
CREATE TABLE IF NOT EXISTS orgsim_rm_alumni (
    org_id TEXT NOT NULL, person TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL,
    title TEXT, departed_on TEXT NOT NULL, destination TEXT, event TEXT NOT NULL, open_from TEXT, open_to TEXT);
DROP INDEX IF EXISTS orgsim_rm_alumni_when;
CREATE INDEX IF NOT EXISTS orgsim_rm_alumni_day ON orgsim_rm_alumni (
    org_id, valid_to, valid_from, person, title, departed_on, destination, event, open_from, open_to);
CREATE INDEX IF NOT EXISTS orgsim_rm_alumni_person ON orgsim_rm_alumni (org_id, person);
CREATE TABLE IF NOT EXISTS orgsim_rm_tenures (
    org_id TEXT NOT NULL, tenure INTEGER NOT NULL, events TEXT NOT NULL, opens TEXT,
    PRIMARY KEY (org_id, tenure)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS orgsim_rm_people (
    org_id TEXT NOT NULL, person TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (org_id, person));
CREATE INDEX IF NOT EXISTS orgsim_rm_people_name ON orgsim_rm_people (org_id, person, name);
CREATE TABLE IF NOT EXISTS orgsim_rm_names (org_id TEXT NOT NULL, key TEXT NOT NULL, person TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orgsim_rm_names_key ON orgsim_rm_names (org_id, key);
CREATE TABLE IF NOT EXISTS orgsim_rm_facts (
    org_id TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, start TEXT NOT NULL, record TEXT NOT NULL,
    last TEXT NOT NULL, PRIMARY KEY (org_id, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS orgsim_rm_facts_start ON orgsim_rm_facts (org_id, start);
CREATE INDEX IF NOT EXISTS orgsim_rm_facts_last ON orgsim_rm_facts (org_id, last);
"""
TABLES = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA)
INDEXES = re.findall(r"(CREATE INDEX IF NOT EXISTS (\w+) .*?;)", SCHEMA, re.S)
INDEXES = [(name, ddl) for ddl, name in INDEXES]  # (name, its CREATE statement)
LAYOUT_QUERY = "SELECT name, sql FROM sqlite_master WHERE name LIKE 'orgsim^_rm^_%' ESCAPE '^'"


@functools.lru_cache(maxsize=1)
def layout() -> dict[str, str]:
    """Each model table's and index's CREATE statement as this SQLite records it (`sqlite_master.sql`)."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    layout = dict(conn.execute(LAYOUT_QUERY).fetchall())
    conn.close()
    return layout


def iso(day: date | None) -> str:
    """A day as the tables compare it; None (before every day) as the string before every ISO date."""
    return day.isoformat() if day is not None else ""
