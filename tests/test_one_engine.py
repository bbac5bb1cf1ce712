"""One engine: the event log is the only truth; the aggregate keeps no history and loads from its
snapshot; each command checks against a record of the history at the aggregate's own version; the
read model is a projection that `orgsim rebuild` remakes from the stored events alone."""

from __future__ import annotations

import json
import sqlite3

import pytest

from orgsim.application import open_store
from orgsim.domain import Organisation, organisation_id
from orgsim.errors import OrgsimError
from orgsim.facts import Timeline
from orgsim.interchange import EventRecord
from orgsim.record import Replayed


def model_tables(path: str) -> dict[str, list[tuple]]:
    """Every read-model table's rows, sorted; tenure numbers and build times left out."""
    conn = sqlite3.connect(path)
    out = {}
    for table in ("people", "names", "facts", "alumni"):
        out[table] = sorted(conn.execute(f"SELECT * FROM orgsim_rm_{table}").fetchall())
    out["rows"] = sorted(
        conn.execute(
            "SELECT person, valid_from, valid_to, title, status, reports_to, since, leave_since, leave_until, "
            "n_events FROM orgsim_rm_rows"
        ).fetchall()
    )
    conn.close()
    return out


def test_the_aggregate_loads_from_the_snapshot_taken_after_each_save(db):
    app_ = open_store(db)
    app_.record(EventRecord("appointed", "Pat New", "2025-01-01", title="Engineer", name="Pat New", source="memo"))
    oid = organisation_id("OpenAI")
    (snapshot,) = app_.snapshots.get(oid, desc=True, limit=1)
    organisation = app_.organisation()
    assert snapshot.originator_version == organisation.version == app_.replayed().version
    assert vars(organisation).keys() == {"_id", "_version", "_created_on", "_modified_on", "_pending_events", "name"}


def test_a_command_against_a_record_of_another_version_is_refused():
    organisation = Organisation("Tiny")
    stale = Replayed(Timeline("Tiny", {}, ()), organisation.version + 1)
    with pytest.raises(RuntimeError, match="the record is at version 2, the organisation at 1"):
        organisation.add_person(stale, "ann", "Ann")
    assert len(organisation.pending_events) == 1  # (its creation only)


def test_a_rejected_command_tells_the_record_nothing():
    organisation = Organisation("Tiny")
    record = Replayed(Timeline("Tiny", {}, ()), organisation.version)
    organisation.add_person(record, "ann", "Ann")
    with pytest.raises(OrgsimError):
        organisation.propose(record, "departed", "ann", "2020-02-30")
    assert (record.version, record.facts, organisation.version) == (2, [], 2)


def test_rebuild_remakes_the_model_the_commands_kept_in_step(cli, db):
    for args in (
        ["append", "appointed", "Pat New", "--title", "Engineer", "--on", "2025-01-01", "--source", "memo"],
        ["append", "reports-to", "Pat New", "--manager", "Sam Altman", "--on", "2025-02-01", "--source", "memo"],
        ["append", "on-leave", "Mira Murati", "--on", "2024-03-01", "--until", "2024-04", "--source", "memo"],
    ):
        assert cli(*args, "--store", db).exit_code == 0
    kept = model_tables(db)
    with sqlite3.connect(db) as conn:  # (so that only a rebuild can make it whole again)
        conn.execute("DELETE FROM orgsim_rm_rows WHERE person = 'pat-new'")
    done = cli("rebuild", "--store", db)
    assert done.exit_code == 0, done.stderr
    version = open_store(db).replayed().version
    assert done.stderr == f"Rebuilt the read model of OpenAI from its {version} stored events.\n"
    assert model_tables(db) == kept


def test_a_deleted_model_is_rebuilt_from_the_stored_events_on_first_use(cli, db):
    before = cli("show", "--at", "2024-10-15", "--json", "--store", db).stdout
    with sqlite3.connect(db) as conn:
        for table in ("meta", "rows", "alumni", "tenures", "facts", "people", "names"):
            conn.execute(f"DELETE FROM orgsim_rm_{table}")
    assert cli("show", "--at", "2024-10-15", "--json", "--store", db).stdout == before


def test_a_domain_error_names_the_option_that_puts_it_right(cli, db):
    fid = cli.json("log", "--json", "--store", db)[0]["id"]
    done = cli("retract", fid, "--reason", "  ", "--store", db)
    assert (done.exit_code, done.stderr) == (1, "Error: a retraction needs a reason (--reason)\n")
    done = cli("correct", fid, "--reason", "no change", "--store", db)
    assert done.exit_code == 1 and done.stderr.endswith(
        f"changes nothing in event {fid}: give --on, --title or --manager\n"
    )


def test_a_command_writes_the_model_from_the_events_it_stored(db):
    """After a command the model is at the log's version at once, changed in place (no rebuild): its
    changes were written from the events read back from the store, the ones the command checked."""
    app_ = open_store(db)
    app_.view().close()  # the model built from the seeds
    oid = organisation_id("OpenAI")
    for record in (
        EventRecord("appointed", "Pat New", "2025-01-01", title="Engineer", name="Pat New", source="memo"),
        EventRecord("appointed", "Pat Old", "2023-01-01", title="Engineer", name="Pat Old", source="memo"),
    ):  # the second is backdated: checked and written from its day on
        app_.record(record)
        conn = sqlite3.connect(db)
        version, meta = conn.execute("SELECT version, data FROM orgsim_rm_meta").fetchone()
        (stored,) = conn.execute(
            "SELECT MAX(originator_version) FROM stored_events WHERE originator_id = ?", (oid.hex,)
        ).fetchone()
        conn.close()
        assert version == stored
        assert json.loads(meta)["log_hash"] is None  # changed in place: a rebuild computes the hash
    rebuilt = model_tables(db)
    app_.rebuild(replace=True)
    assert model_tables(db) == rebuilt
