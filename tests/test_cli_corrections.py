"""`orgsim retract` and `orgsim correct`: mistakes fixed by new events; the old ones stay in the log."""

import json

import pytest
from conftest import stored_events

from orgsim.application import open_store


def fact_of(store, person, kind):
    return next(f for f in open_store(store).timeline().facts if f.person == person and f.kind == kind)


def test_retract_keeps_the_event_and_stops_it_counting(cli, db):
    leave = fact_of(db, "greg-brockman", "on_leave")
    before = stored_events(db)
    result = cli("retract", leave.id[:6], "--reason", "misread the article", "--store", db)
    assert result.exit_code == 0, result.stderr
    assert (
        f"Retracted Greg Brockman (greg-brockman): on leave until 2024-12 on 2024-08 [event {leave.id}]"
        in result.stdout
    )
    assert "Returned (1)" in result.stdout
    assert len(stored_events(db)) == len(before) + 1 and stored_events(db)[: len(before)] != []
    timeline = open_store(db).timeline()
    assert leave.id in timeline.fact_map()  # still in the log
    assert [(r.target, r.reason) for r in timeline.retractions] == [(leave.id, "misread the article")]
    greg = next(
        p for p in cli.json("show", "--at", "2024-09-01", "--store", db)["people"] if p["id"] == "greg-brockman"
    )
    assert greg["status"] == "active"


@pytest.mark.parametrize(
    "args, message",
    [
        (["ffffffff", "--reason", "x"], "no stored event has id"),
        (["{murati_joined}", "--reason", "x"], "would make the timeline invalid"),
        (["{murati_left}", "--reason", "  "], "needs a reason"),
    ],
)
def test_bad_retractions_change_nothing(cli, db, args, message):
    ids = {
        "murati_joined": fact_of(db, "mira-murati", "appointed").id,
        "murati_left": fact_of(db, "mira-murati", "departed").id,
    }
    args = [a.format(**ids) for a in args]
    before = stored_events(db)
    result = cli("retract", *args, "--store", db)
    assert result.exit_code == 1 and message in result.stderr and result.stderr.count("\n") == 1
    assert stored_events(db) == before


def test_retracting_twice_is_refused(cli, db):
    leave = fact_of(db, "greg-brockman", "on_leave")
    assert cli("retract", leave.id, "--reason", "x", "--store", db).exit_code == 0
    before = stored_events(db)
    result = cli("retract", leave.id, "--reason", "x", "--store", db)
    assert result.exit_code == 1 and "already retracted" in result.stderr and stored_events(db) == before


def test_correct_a_date_is_one_retraction_and_one_event(cli, db):
    left = fact_of(db, "mira-murati", "departed")
    before = stored_events(db)
    dry = cli("correct", left.id, "--on", "2024-10", "--reason", "later report", "--dry-run", "--store", db)
    assert dry.exit_code == 0 and "Would correct" in dry.stdout and stored_events(db) == before
    data = cli.json("correct", left.id, "--on", "2024-10", "--reason", "later report", "--store", db)
    assert data["retracted"] == left.id and data["stored"] is True and data["record"]["on"] == "2024-10"
    assert [c["on"] for c in data["changes"]] == ["2024-09-25", "2024-10-01"]
    assert {(c["person"], c["change"]) for c in data["changes"][0]["changes"]} == {("mira-murati", "joined")}
    rows = stored_events(db)
    assert len(rows) == len(before) + 2
    timeline = open_store(db).timeline()
    (retraction,) = timeline.retractions
    assert retraction.target == left.id and retraction.replaced_by == data["event"]
    assert timeline.facts[-1].id == data["event"] and retraction.seq + 1 == timeline.facts[-1].seq
    people = {p["id"] for p in cli.json("show", "--at", "2024-09-30", "--store", db)["people"]}
    assert "mira-murati" in people


def test_correct_what_a_retraction_alone_may_not_remove(cli, db):
    joined = fact_of(db, "mira-murati", "appointed")  # her departure depends on it: retracting alone is refused
    result = cli("correct", joined.id, "--title", "Chief Technology Officer", "--reason", "full title", "--store", db)
    assert result.exit_code == 0, result.stderr
    assert "CTO → Chief Technology Officer" in result.stdout
    assert fact_of(db, "mira-murati", "departed").id in open_store(db).timeline().fact_map()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--reason", "nothing"], "changes nothing"),
        (["--title", "CTO", "--reason", "x"], "no title to correct"),
        (["--on", "2000", "--reason", "x"], "not in the organisation on that date"),  # before she joined
        (["--on", "2024-13", "--reason", "x"], "month 13"),
    ],
)
def test_bad_corrections_change_nothing(cli, db, args, message):
    left = fact_of(db, "mira-murati", "departed")
    before = stored_events(db)
    result = cli("correct", left.id, *args, "--store", db)
    assert result.exit_code == 1 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert stored_events(db) == before


def test_a_correction_is_recorded_at_one_instant(cli, db):
    joined = fact_of(db, "mira-murati", "appointed")
    assert cli("correct", joined.id, "--on", "2018-05", "--reason", "month known", "--store", db).exit_code == 0
    timeline = open_store(db).timeline()
    (retraction,) = timeline.retractions
    new = timeline.fact_map()[retraction.replaced_by]
    assert retraction.recorded_at == new.recorded_at  # no moment knows one without the other
    from orgsim.chart import check

    check(timeline.as_known_at(retraction.recorded_at))


def test_a_corrected_start_date_is_previewed_as_in_or_out_of_the_organisation_that_day(cli, db):
    """Two timelines on one day: moving Murati's start from 2018 to 2019 takes her out of the
    2018-01-01 chart (she did not leave: she was not there yet) and changes nothing on 2019-01-01
    (she is CTO then in both; no "left and joined again")."""
    fid = fact_of(db, "mira-murati", "appointed").id
    out = cli("correct", fid, "--on", "2019", "--reason", "test", "--dry-run", "--store", db).stdout
    day_2018, day_2019 = out.split("Effect on the chart on 2019-01-01:")
    assert "No longer in the organisation that day (1)" in day_2018
    assert "Mira Murati [mira-murati]: CTO → not in the organisation\n" in day_2018 + "\n"
    assert "Left" not in out and "date not recorded" not in out
    assert day_2019.strip().startswith("No changes.")


def test_retract_and_correct_print_and_store_the_same_with_or_without_the_read_model(cli, db, tmp_path, monkeypatch):
    """(From a review.) On a store with a read model `retract` and `correct` change it in place, without
    a replay; the same commands on a copy made to take the replay path
    print the same bytes (text and --json), refuse with the same message, and leave the same model."""
    import shutil

    from test_backdated import tables, the_rest

    from orgsim.application import OrgsimApp
    from orgsim.domain import organisation_id

    replayed = str(tmp_path / "replayed.db")
    shutil.copy(db, replayed)
    view, get, replays = OrgsimApp.view, OrgsimApp.replayed, []
    monkeypatch.setattr(  # the copy has no usable read model: its commands check against a replay
        OrgsimApp, "view", lambda self, org=None: view(self, org) if self.read_model().path == db else None
    )

    def replaying(self, org=None, whole=False):
        found = get(self, org, whole)
        replays.append(organisation_id(found.name))
        return found

    monkeypatch.setattr(OrgsimApp, "replayed", replaying)
    karpathy_hired, karpathy_left = (
        fact_of(db, "andrej-karpathy", "appointed").id,
        fact_of(db, "andrej-karpathy", "departed").id,
    )
    leave, founded = fact_of(db, "greg-brockman", "on_leave").id, fact_of(db, "greg-brockman", "appointed").id
    ilya_left = fact_of(db, "ilya-sutskever", "departed").id
    steps = [
        ("append", "reports-to", "Mark Chen", "--manager", "Ilya Sutskever", "--on", "2024-01-01", "--source", "t"),
        ("retract", fact_of(db, "mira-murati", "appointed").id[:4], "--reason", "x"),  # refused: her departure needs it
        ("correct", karpathy_hired, "--on", "2024-02-10", "--reason", "x"),  # refused: within his 2024-02 departure
        ("correct", karpathy_left, "--on", "2024-03", "--reason", "later", "--dry-run"),
        ("correct", karpathy_left, "--on", "2023-12", "--reason", "earlier", "--dry-run", "--json"),
        ("correct", karpathy_left, "--on", "2023-12", "--reason", "earlier", "--json"),
        ("correct", founded, "--title", "Co-founder and President", "--reason", "on the history's first day"),
        ("retract", ilya_left, "--reason", "he stayed"),  # Mark Chen reports to him again
        ("retract", leave[:6], "--reason", "a month-dated fact"),
        ("retract", leave, "--reason", "twice"),  # refused: already retracted
        ("correct", ilya_left, "--on", "2024-06", "--reason", "x"),  # refused: already retracted
    ]
    for step in steps:
        outputs = []
        for store in (db, replayed):
            replays.clear()
            result = cli(*step, "--store", store)
            outputs.append((result.exit_code, result.stdout, result.stderr))
            if store == db and step[0] != "append":
                assert organisation_id("OpenAI") not in replays, step
        assert outputs[0] == outputs[1], (step, outputs)
    assert outputs[0][0] == 1 and "is already retracted" in outputs[0][2]
    mark = next(p for p in cli.json("show", "--at", "2024-06-01", "--store", db)["people"] if p["id"] == "mark-chen")
    assert mark["reports_to"] == "ilya-sutskever"
    model, rebuilt = tables(db, "OpenAI"), tables(replayed, "OpenAI")
    meta, rebuilt_meta = the_rest(db, "OpenAI")[4], the_rest(replayed, "OpenAI")[4]
    assert model == rebuilt  # (the meta's retraction records hold each store's own recording times)
    assert (meta["last"], meta["retractions"]) == (rebuilt_meta["last"], rebuilt_meta["retractions"])


# --- from the new-user trial ------------------------------------------------------------------------
def test_retract_dry_run_prints_the_effect_and_stores_nothing(cli, db):
    leave = fact_of(db, "greg-brockman", "on_leave")
    before = stored_events(db)
    dry = cli("retract", leave.id, "--reason", "misread", "--dry-run", "--store", db)
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout.startswith(
        f"Would retract Greg Brockman (greg-brockman): on leave until 2024-12 on 2024-08 [event {leave.id}]"
    )
    assert "Returned (1)" in dry.stdout and "Retraction id" not in dry.stdout and "nothing was stored" in dry.stderr
    data = cli.json("retract", leave.id, "--reason", "misread", "--dry-run", "--store", db)
    assert data["stored"] is False and data["target"] == leave.id
    assert {(c["person"], c["change"]) for c in data["changes"][0]["changes"]} == {("greg-brockman", "returned")}
    assert stored_events(db) == before


def test_a_refused_retraction_names_the_stored_event_it_would_break(cli, db):
    joined, left = fact_of(db, "mira-murati", "appointed"), fact_of(db, "mira-murati", "departed")
    result = cli("retract", joined.id, "--reason", "x", "--store", db)
    assert result.exit_code == 1
    later = [f.id for f in open_store(db).timeline().facts if f.person == "mira-murati" and f.id != joined.id]
    assert left.id in later and any(f"the stored event {fid}" in result.stderr for fid in later), result.stderr


def test_correct_with_a_new_quote_keeps_the_document_and_checks_the_quote_against_it(cli, db):
    left = fact_of(db, "mira-murati", "departed")
    assert left.source.get("document"), left.source
    before = stored_events(db)
    bad = cli("correct", left.id, "--quote", "bogus quote nobody said", "--reason", "quote fix", "--store", db)
    assert bad.exit_code == 1 and "does not occur verbatim" in bad.stderr and bad.stderr.count("\n") == 1
    assert stored_events(db) == before
    quote = left.source["quote"][: max(8, len(left.source["quote"]) // 2)]  # a shorter part of the same sentence
    good = cli.json("correct", left.id, "--quote", quote, "--reason", "a shorter quote", "--store", db)
    assert good["record"]["source"] == {**left.source, "quote": quote}  # the document (and note) kept


def test_a_correction_that_does_not_fit_says_an_appointed_event(cli, db):
    joined = fact_of(db, "mira-murati", "appointed")
    result = cli("correct", joined.id, "--to", "Elsewhere", "--reason", "x", "--store", db)
    assert result.exit_code == 1 and f"event {joined.id} is an appointed event" in result.stderr


def test_retract_and_correct_name_the_person_and_the_manager_as_append_does(cli, db):
    log = json.loads(cli("log", "--person", "mark-chen", "--json", "--store", db).stdout)
    line = next(e for e in log if e["kind"] == "reports_to")
    dry = cli("retract", line["id"], "--reason", "a test", "--dry-run", "--store", db)
    assert dry.stdout.startswith(
        f"Would retract Mark Chen (mark-chen): reports to Sam Altman on 2024-09-25 [event {line['id']}]"
    )
    fixed = cli("correct", line["id"], "--on", "2024-09-26", "--reason", "a test", "--dry-run", "--store", db)
    assert fixed.stdout.startswith(
        f"Would correct Mark Chen (mark-chen): reports to Sam Altman on 2024-09-25 [event {line['id']}] → "
        "reports to Sam Altman on 2024-09-26 [event "
    ), fixed.stdout
