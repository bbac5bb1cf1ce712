"""The seeds' story, November 2023 → October 2024, as the articles tell it — in memory and in SQLite."""

from datetime import date

import pytest


def rows(app_, day):
    return {r.id: r for r in app_.chart(date.fromisoformat(day)).rows}


def test_before_the_november_2023_crisis_altman_is_ceo(seeded):
    people = rows(seeded, "2023-11-10")
    assert people["sam-altman"].title == "CEO"
    assert people["mira-murati"].title == "CTO"
    assert people["greg-brockman"].title == "President"
    assert people["barret-zoph"].reports_to == "bob-mcgrew"
    assert "kevin-weil" not in people and "sarah-friar" not in people


def test_altman_is_removed_then_returns_as_ceo(seeded):
    assert "sam-altman" not in rows(seeded, "2023-11-20")
    assert rows(seeded, "2023-11-29")["sam-altman"].title == "CEO"


def test_karpathy_leaves_in_february_2024_known_only_to_the_month(seeded):
    assert "andrej-karpathy" in rows(seeded, "2024-01-31")
    chart = seeded.chart(date(2024, 2, 10))
    assert chart.row("andrej-karpathy") is None
    (gone,) = [a for a in chart.alumni if a.id == "andrej-karpathy"]
    assert gone.uncertain and gone.departed_on == "2024-02" and "education" in gone.destination
    assert not [a for a in seeded.chart(date(2024, 3, 1)).alumni if a.id == "andrej-karpathy"][0].uncertain


def test_sutskever_leaves_and_jakub_becomes_chief_scientist(seeded):
    assert "ilya-sutskever" in rows(seeded, "2024-05-13")
    people = rows(seeded, "2024-05-20")
    assert "ilya-sutskever" not in people
    assert people["jakub-pachocki"].title == "Chief Scientist"
    assert people["jakub-pachocki"].uncertain  # "2024-05": a month, still open on the 20th


def test_first_cfo_and_cpo_arrive_and_madry_moves_to_an_unnamed_role(seeded):
    people = rows(seeded, "2024-07-31")
    assert people["sarah-friar"].title == "CFO"
    assert people["kevin-weil"].title == "Chief Product Officer"
    assert people["aleksander-madry"].title is None
    assert rows(seeded, "2024-06-30")["aleksander-madry"].title == "Head of Preparedness"


def test_august_2024_schulman_leaves_for_anthropic_and_brockman_goes_on_leave(seeded):
    chart = seeded.chart(date(2024, 9, 1))
    assert chart.row("john-schulman") is None
    assert [a.destination for a in chart.alumni if a.id == "john-schulman"] == ["Anthropic"]
    brockman = chart.row("greg-brockman")
    assert (brockman.status, brockman.leave_since, brockman.leave_until) == ("on_leave", "2024-08", "2024-12")


def test_the_september_2024_shakeup(seeded):
    before = rows(seeded, "2024-09-24")
    assert {"mira-murati", "bob-mcgrew", "barret-zoph"} <= set(before)
    after = rows(seeded, "2024-09-25")
    assert not {"mira-murati", "bob-mcgrew", "barret-zoph"} & set(after)
    assert after["mark-chen"].title == "SVP of Research"
    assert after["josh-achiam"].title == "Head of Mission Alignment"
    assert after["matt-knight"].title == "Chief Information Security Officer"


def test_show_2024_10_15_altman_at_the_top_with_six_reports(seeded):
    chart = seeded.chart(date(2024, 10, 15)).as_json()
    people = {p["id"]: p for p in chart["people"]}
    assert chart["organisation"] == "OpenAI" and chart["at"] == "2024-10-15"
    assert people["sam-altman"]["reports_to"] is None and people["sam-altman"]["title"] == "CEO"
    reports = sorted(pid for pid, p in people.items() if p["reports_to"] == "sam-altman")
    assert reports == ["jakub-pachocki", "josh-achiam", "kevin-weil", "mark-chen", "matt-knight", "srinivas-narayanan"]
    for gone in ("mira-murati", "bob-mcgrew", "barret-zoph", "john-schulman", "ilya-sutskever", "andrej-karpathy"):
        assert gone not in people
    assert people["greg-brockman"]["status"] == "on_leave"
    assert all(p["status"] in ("active", "on_leave") for p in people.values())
    assert not any(p["uncertain"] for p in people.values())


def test_unreported_reporting_lines_stay_unknown(seeded):
    people = rows(seeded, "2024-10-15")
    for pid in ("greg-brockman", "sarah-friar", "mia-glaese", "aleksander-madry"):
        assert people[pid].reports_to is None


def test_memory_and_sqlite_tell_the_same_story(tmp_path, dataset):
    from orgsim.application import open_store

    mem = open_store(":memory:")
    mem.load(dataset)
    disk = open_store(str(tmp_path / "s.db"), create=True)
    disk.load(dataset)
    reopened = open_store(str(tmp_path / "s.db"))
    for day in ("2023-11-20", "2024-02-15", "2024-08-15", "2024-10-15"):
        d = date.fromisoformat(day)
        assert mem.chart(d).as_json() == reopened.chart(d).as_json()


@pytest.mark.parametrize("day", ["2024-08-01", "2024-08-31"])
def test_rows_touched_by_a_month_date_are_uncertain_through_that_month(seeded, day):
    assert rows(seeded, day)["greg-brockman"].uncertain
    assert not rows(seeded, "2024-09-01")["greg-brockman"].uncertain


def test_an_event_recorded_later_about_the_past_lands_in_the_past(seeded):
    from orgsim.interchange import EventRecord

    seeded.record(EventRecord("reports_to", "sarah-friar", "2024-07-01", manager="sam-altman"))
    assert rows(seeded, "2024-07-15")["sarah-friar"].reports_to == "sam-altman"
    assert rows(seeded, "2024-06-30")["sarah-friar"].reports_to is None


def test_loading_the_same_seeds_twice_stores_nothing_new(seeded, dataset):
    count = seeded.event_count()
    report = seeded.load(dataset)
    assert (report.events_added, report.people_added, report.events_already_stored) == (0, 0, len(dataset.events))
    assert seeded.event_count() == count


def test_a_replay_read_a_few_events_at_a_time_is_the_same_aggregate(seeded, monkeypatch):
    """`replayed` reads the stored events a page at a time; pages of 7 give what one read of all gives,
    on every kind of store (the last page full or not)."""
    whole = seeded.replayed()
    for size in (7, 8, whole.version, whole.version + 100):  # (a last page exactly full, too)
        monkeypatch.setattr(type(seeded), "REPLAY_PAGE", size)
        paged = seeded.replayed()
        assert paged.version == whole.version and paged.facts == whole.facts
        assert paged.people == whole.people and paged.retractions == whole.retractions
    assert seeded.organisations() == ["OpenAI"]
