"""Spans (`orgsim.spans`): each stretch a person was in the organisation, held a post, reported to
someone or was on leave, with the facts that began and ended it — what the interval formats (FtM's
occupancies, Popolo's memberships) and `holders` read. Checked against the chart itself on every day
a fact takes effect, on the seeds and the public record demo."""

import pytest
from conftest import ROOT

from orgsim.application import open_store
from orgsim.chart import chart_at
from orgsim.spans import SpanKind, spans

DEMO = ROOT / "demo" / "public-record.jsonl"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def demo(cli, db):
    ok(cli("import", DEMO, "--store", db))
    return db


def open_on(found, day):
    """The spans open at the end of `day`."""
    return [s for s in found if s.start.on.start <= day and (s.end is None or s.end.on.start > day)]


@pytest.mark.parametrize("with_demo", [False, True])
def test_the_spans_open_on_each_day_are_the_chart_of_that_day(cli, db, with_demo):
    if with_demo:
        ok(cli("import", DEMO, "--store", db))
    app = open_store(db)
    for organisation in app.organisations():
        timeline = app.timeline(organisation)
        found = spans(timeline)
        assert all(s.end is None or s.end.order > s.start.order for s in found)
        for day in sorted({f.on.start for f in timeline.effective()}):
            chart = chart_at(timeline, day)
            now = open_on(found, day)
            assert {s.person for s in now if s.kind is SpanKind.MEMBER} == {r.id for r in chart.rows}, day
            for row in chart.rows:
                mine = [s for s in now if s.person == row.id]
                titled = sorted((p.title.casefold(), p.unit or "", p.acting) for p in row.posts if p.title)
                held = sorted(
                    (s.post.title.casefold(), s.post.unit or "", s.post.acting) for s in mine if s.kind is SpanKind.POST
                )
                assert held == titled, (day, row.id)
                assert [s.manager for s in mine if s.kind is SpanKind.LINE] == (
                    [row.reports_to] if row.reports_to else []
                ), (day, row.id)
                assert any(s.kind is SpanKind.LEAVE for s in mine) == (row.status == "on_leave"), (day, row.id)


def test_a_comeback_is_a_second_span_in_the_organisation_and_in_the_post(db):
    found = [s for s in spans(open_store(db).timeline("OpenAI")) if s.person == "sam-altman"]
    member = [s for s in found if s.kind is SpanKind.MEMBER]
    ceo = [s for s in found if s.kind is SpanKind.POST and s.post.title == "CEO"]
    for two in (member, ceo):
        assert [(str(s.start.on), s.end and str(s.end.on)) for s in two] == [
            ("2019", "2023-11-17"),
            ("2023-11-29", None),
        ]
        assert two[0].end.kind == "departed" and two[1].start.kind == "appointed"
        assert [s.events for s in two] == [[two[0].start.id, two[0].end.id], [two[1].start.id]]


def test_a_line_to_a_leaver_ends_with_the_leavers_departure(cli, db):
    ok(
        cli(
            "append", "departed", "sam-altman", "--on", "2025-01-10",
            "--url", "https://example.org/a-departure", "--store", db,
        )
    )  # fmt: skip
    timeline = open_store(db).timeline("OpenAI")
    (leaving,) = [f for f in timeline.effective() if str(f.on) == "2025-01-10"]
    lines = [s for s in spans(timeline) if s.kind is SpanKind.LINE and s.manager == "sam-altman"]
    assert lines and all(s.end == leaving for s in lines)
    assert {s.person for s in lines} >= {"mark-chen", "jakub-pachocki"}
    assert all(s.start.person == s.person and s.start.kind == "reports_to" for s in lines)


def test_a_leave_is_begun_by_the_leave(demo):
    (leave,) = [s for s in spans(open_store(demo).timeline("OpenAI")) if s.kind is SpanKind.LEAVE]
    assert (leave.person, leave.start.kind, str(leave.start.on)) == ("greg-brockman", "on_leave", "2024-08")


def test_stepping_down_from_one_post_ends_only_that_post_and_quitting_the_same_day_ends_the_rest(demo):
    # 17 November 2023: Brockman steps down as chairman, then quits; each span cites the fact that ended it
    found = [
        s
        for s in spans(open_store(demo).timeline("OpenAI"))
        if s.person == "greg-brockman" and s.end is not None and str(s.end.on) == "2023-11-17"
    ]
    ended = {(s.kind.value, s.post.title if s.post else None): (s.end.kind, s.end.post) for s in found}
    assert ended == {
        ("member", None): ("departed", None),
        ("post", "President"): ("departed", None),
        ("post", "Chairman"): ("departed", "Chairman"),
        ("line", None): ("departed", None),  # (to Murati, reported that day: "reporting to the CEO")
    }
    (line,) = [s for s in found if s.kind is SpanKind.LINE]
    assert (line.manager, line.start.kind, str(line.start.on)) == ("mira-murati", "reports_to", "2023-11-17")


@pytest.mark.parametrize(
    ("person", "start", "end", "titled"),
    [("jan-leike", "[..2024-05-14]", "2024-05-14", True), ("szymon-sidor", "[..2023-11-17]", "2023-11-17", False)],
)
def test_a_post_held_on_or_before_a_day_and_left_that_day_is_a_span_as_history_says(
    cli, demo, person, start, end, titled
):
    found = [s for s in spans(open_store(demo).timeline("OpenAI")) if s.person == person]
    member = [(str(s.start.on), s.end and str(s.end.on)) for s in found if s.kind is SpanKind.MEMBER]
    assert member[0] == (start, end)
    posts = [(str(s.start.on), s.end and str(s.end.on)) for s in found if s.kind is SpanKind.POST]
    assert ((start, end) in posts) == titled  # (Sidor's title is not reported: no post)
    stints = cli.json("history", person, "--org", "OpenAI", "--store", demo)["stints"]
    assert [(s["from"], s["to"]) for s in stints] == member
