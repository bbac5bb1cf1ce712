"""`orgsim diff`: the seeds' story in text and JSON, reverse and equal days, bad dates."""

from datetime import UTC

import pytest
from conftest import stored_events


def changes(data):
    return {(c["person"], c["change"]) for c in data["changes"]}


def test_september_shakeup_as_json(cli, db):
    data = cli.json("diff", "2024-09-01", "2024-10-15", "--store", db)
    assert (data["organisation"], data["from"], data["to"]) == ("OpenAI", "2024-09-01", "2024-10-15")
    got = changes(data)
    assert {("mira-murati", "left"), ("bob-mcgrew", "left"), ("barret-zoph", "left")} <= got
    assert ("mark-chen", "title_changed") in got
    for pid in ("mark-chen", "jakub-pachocki", "kevin-weil", "srinivas-narayanan", "matt-knight", "josh-achiam"):
        assert (pid, "manager_changed") in got
    for c in data["changes"]:
        assert set(c) >= {"person", "name", "change", "before", "after", "events"}
        assert c["events"], c
        for e in c["events"]:  # every change is traced to a cited event
            assert data["sources"][e]["source"]["document"]
    murati = next(c for c in data["changes"] if c["person"] == "mira-murati")
    assert murati["before"]["title"] == "CTO" and murati["before"]["status"] == "active" and murati["after"] is None
    assert data["sources"][murati["events"][0]]["kind"] == "departed"
    new_lines = [c for c in data["changes"] if c["change"] == "manager_changed"]
    assert all(c["after"]["reports_to"] == "sam-altman" for c in new_lines)


def test_september_shakeup_as_text(cli, db):
    result = cli("diff", "2024-09-01", "2024-10-15", "--store", db)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.index("Left (3)") < out.index("New title") < out.index("New manager")
    assert "Mira Murati [mira-murati]: CTO → left, on 2024-09-25" in out
    assert "Mark Chen [mark-chen]: title not reported → SVP of Research, on 2024-09-25" in out
    assert "Jakub Pachocki [jakub-pachocki]: reporting line not reported → reports to Sam Altman" in out
    assert "source: 002_fa3ea9b5eed048a8.txt “熟考の末" in out


def test_summer_2024_has_schulman_to_anthropic_and_brockman_on_leave(cli, db):
    data = cli.json("diff", "2024-07-01", "2024-09-01", "--store", db)
    assert {("john-schulman", "left"), ("greg-brockman", "on_leave")} <= changes(data)
    out = cli("diff", "2024-07-01", "2024-09-01", "--store", db).stdout
    assert "John Schulman [john-schulman]:" in out and "→ left → Anthropic, between 2024-08-01 and 2024-08-31" in out
    assert "Greg Brockman [greg-brockman]: active → on leave (until 2024-12), between 2024-08-01 and 2024-08-31" in out


def test_reverse_diff_swaps_before_and_after(cli, db):
    forward = cli.json("diff", "2024-07-01", "2024-09-01", "--store", db)
    backward = cli.json("diff", "2024-09-01", "2024-07-01", "--store", db)
    flip = {"left": "joined", "joined": "left", "rejoined": "left", "on_leave": "returned", "returned": "on_leave"}
    assert changes(backward) == {(p, flip.get(k, k)) for p, k in changes(forward)}
    schulman = next(c for c in backward["changes"] if c["person"] == "john-schulman")
    assert schulman["change"] == "joined" and schulman["before"] is None and schulman["after"]["id"] == "john-schulman"
    text = cli("diff", "2024-09-01", "2024-07-01", "--store", db).stdout
    assert "backwards" in text and "Returned (1)" in text


def test_equal_days_give_no_changes(cli, db):
    assert cli.json("diff", "2024-09-01", "2024-09-01", "--store", db)["changes"] == []
    assert "No changes." in cli("diff", "2024-09-01", "2024-09-01", "--store", db).stdout


@pytest.mark.parametrize(
    "args, message", [(["2024-13-01", "2024-10-15"], "FROM:"), (["2024-09-01", "yesterday"], "TO:")]
)
def test_bad_days_are_one_line_errors(cli, db, args, message):
    before = stored_events(db)
    result = cli("diff", *args, "--store", db)
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and stored_events(db) == before


def test_diff_picture_dot_matches_the_committed_diagram(cli, db):
    from conftest import ROOT

    result = cli("diff", "2024-09-01", "2024-10-15", "--format", "dot", "--store", db)
    assert result.exit_code == 0, result.stderr
    committed = (ROOT / "diagrams" / "openai-diff-2024-09-01_2024-10-15.dot").read_text(encoding="utf-8")
    assert result.stdout == committed


@pytest.mark.needs_dot
def test_diff_picture_svg_through_real_dot(cli, db, tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "shakeup.svg"
    result = cli("diff", "2024-09-01", "2024-10-15", "-o", out, "--store", db)
    assert result.exit_code == 0, result.stderr
    texts = {t.text for t in ET.parse(out).iter("{http://www.w3.org/2000/svg}text")}
    assert {"Mira Murati", "Bob McGrew", "Barret Zoph", "Mark Chen"} <= texts


def test_diff_as_known_at_ignores_later_recordings(cli, db):
    from datetime import datetime

    from orgsim.application import open_store
    from orgsim.interchange import EventRecord

    late = datetime(2030, 1, 1, tzinfo=UTC)
    open_store(db).record(EventRecord("departed", "sarah-friar", "2024-10-01", destination="Elsewhere"), timestamp=late)
    now = cli.json("diff", "2024-09-01", "2024-10-15", "--store", db)
    assert ("sarah-friar", "left") in {(c["person"], c["change"]) for c in now["changes"]}
    before = cli.json("diff", "2024-09-01", "2024-10-15", "--as-known-at", "2029-12-31", "--store", db)
    assert ("sarah-friar", "left") not in {(c["person"], c["change"]) for c in before["changes"]}
    assert before["as_known_at"].startswith("2029-12-31T23:59:59")


def test_json_and_a_picture_are_not_both_asked_for(cli, db, tmp_path):
    result = cli("diff", "2024-09-01", "2024-10-15", "--json", "-o", tmp_path / "x.svg", "--store", db)
    assert result.exit_code == 1 and "not both" in result.stderr and not (tmp_path / "x.svg").exists()


def test_someone_who_joined_and_is_on_leave_by_the_second_day_is_said_to_be_on_leave(cli, db):
    """Joining and going on leave in between is one change ("joined"): its line gives the whole state."""
    for extra in ((), ("--as-known-at", "2999-01-01")):
        text = cli("diff", "2000-01-01", "2024-10-15", "--store", db, *extra).stdout
        line = next(x for x in text.splitlines() if "[greg-brockman]" in x)
        assert line.startswith(
            "  Greg Brockman [greg-brockman]: not in the organisation → President, on leave (until 2024-12),"
        )
    back = cli("diff", "2024-10-15", "2000-01-01", "--store", db).stdout  # the reverse: he "left" while on leave
    assert "[greg-brockman]: President, on leave (until 2024-12) → left," in back


def test_a_change_known_only_to_its_month_says_it_may_not_have_happened_yet_on_the_later_day(cli, db):
    """As `show` says of such a day. Schulman left in 2024-08 (the month only)."""
    for span in (("2024-07-01", "2024-08-15"), ("2024-08-15", "2024-07-01")):
        text = cli("diff", *span, "--store", db).stdout
        line = next(x for x in text.splitlines() if "[john-schulman]" in x)
        assert line.endswith("between 2024-08-01 and 2024-08-31 (may not have happened yet on 2024-08-15)"), line
    whole = cli("diff", "2024-07-01", "2024-09-01", "--store", db).stdout
    assert "may not have happened yet" not in whole  # the month is over by then


def test_a_reverse_diff_says_each_change_undoes_the_dated_one(cli, db):
    """Going back from 2024-10-15 to 2024-09-01, Zoph "joined": the line says it undoes his departure's date."""
    text = cli("diff", "2024-10-15", "2024-09-01", "--store", db).stdout
    line = next(x for x in text.splitlines() if "[barret-zoph]" in x)
    assert (
        line
        == "  Barret Zoph [barret-zoph]: not in the organisation → VP of Research, reporting to Bob McGrew, undoing the change on 2024-09-25"
    )
    assert "undoing" not in cli("diff", "2024-09-01", "2024-10-15", "--store", db).stdout
