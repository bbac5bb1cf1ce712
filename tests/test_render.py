"""Rendering the chart with Graphviz: golden DOT, the real `dot`'s SVG, hostile names, --root/--depth,
large teams folded, the CLI's formats, a missing `dot`, and diagrams/ kept current.

Golden files live in tests/golden/; regenerate them only on purpose: ORGSIM_REGEN_GOLDEN=1 pytest.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from orgsim.application import open_store
from orgsim.chart import OrgChart, Row, chart_at
from orgsim.facts import Timeline
from orgsim.interchange import EventRecord
from orgsim.render.dot import chart_graph
from orgsim.render.layout import layout
from orgsim.render.provenance import log_hash

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
DIAGRAMS = ROOT / "diagrams"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; write it only when ORGSIM_REGEN_GOLDEN=1 says so."""
    path = GOLDEN / name
    if os.environ.get("ORGSIM_REGEN_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run ORGSIM_REGEN_GOLDEN=1 pytest tests/test_render.py"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{path.name} differs: if the change is intended, run ORGSIM_REGEN_GOLDEN=1 pytest"


def graph_at(app_, day: str, **kw):
    timeline = app_.timeline()
    return chart_graph(chart_at(timeline, date.fromisoformat(day)), timeline, **kw)


def svg_of(graph) -> ET.Element:
    return ET.fromstring(graph.pipe(format="svg"))


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(SVG + "text")]


def node_group(svg: ET.Element, element_id: str) -> ET.Element:
    (group,) = [g for g in svg.iter(SVG + "g") if g.get("id") == element_id]
    return group


def tooltip(group: ET.Element) -> str:
    (link,) = [a for a in group.iter(SVG + "a") if a.get(XLINK + "title")]
    return link.get(XLINK + "title")


def shape_of(group: ET.Element) -> ET.Element:
    return [e for e in group.iter() if e.tag in (SVG + "path", SVG + "polygon")][0]


# --- golden DOT ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, options, name",
    [
        ("2023-11-20", {"alumni": True}, "chart-2023-11-20.dot"),
        ("2024-08-15", {}, "chart-2024-08-15.dot"),
        ("2024-10-15", {"alumni": True}, "chart-2024-10-15.dot"),
        ("2024-10-15", {"lang": "ja"}, "chart-2024-10-15-ja.dot"),
        ("2024-10-15", {"root": "sam-altman", "depth": 0}, "chart-2024-10-15-altman-depth0.dot"),
    ],
)
def test_dot_matches_the_golden_file_in_sqlite_and_in_memory(seeded, day, options, name):
    check_golden(name, graph_at(seeded, day, **options).source)


def test_same_events_render_the_same_bytes(dataset_app):
    first = graph_at(dataset_app, "2024-08-15", alumni=True).source
    assert first == graph_at(dataset_app, "2024-08-15", alumni=True).source
    assert "2026" not in first and "recorded" not in first  # no recording times inside


def test_nobody_is_attached_to_a_guessed_manager(dataset_app):
    source = graph_at(dataset_app, "2024-10-15").source
    edges = re.findall(r'^\t"([a-z-]+)" -> "([a-z-]+)" \[tooltip=', source, flags=re.M)  # not the invisible ones
    chart = dataset_app.chart(date(2024, 10, 15))
    assert sorted(edges) == sorted((r.reports_to, r.id) for r in chart.rows if r.reports_to)
    unreported = source.split("subgraph cluster_unreported")[1].split("subgraph cluster_legend")[0]
    for pid in ("greg-brockman", "sarah-friar", "aleksander-madry", "mia-glaese", "boaz-barak"):
        assert f'"{pid}" [' in unreported
    assert '"sam-altman" [' not in unreported  # a manager at the top is an ordinary root


def test_footer_names_documents_and_the_log_hash(dataset_app):
    timeline = dataset_app.timeline()
    source = graph_at(dataset_app, "2024-10-15").source
    assert "Sources: 000_064822530e0d536b.txt, 002_fa3ea9b5eed048a8.txt" in source
    assert re.fullmatch(r"[0-9a-f]{12}", log_hash(timeline))
    assert f"Event log sha256 {log_hash(timeline)}" in source


def test_the_log_hash_changes_when_a_fact_is_retracted(tmp_path, dataset):
    app_ = open_store(":memory:")
    app_.load(dataset)
    before = log_hash(app_.timeline())
    fact = next(f for f in app_.timeline().facts if f.person == "greg-brockman" and f.kind == "on_leave")
    app_.retract(fact.id, "test")
    assert log_hash(app_.timeline()) != before


def test_japanese_labels_use_the_aliases_the_sources_use(dataset_app):
    source = graph_at(dataset_app, "2024-10-15", lang="ja").source
    assert 'label="サム・アルトマン\\nCEO"' in source
    assert 'label="Josh Achiam\\nHead of Mission Alignment"' in source  # no Japanese alias: English name


# --- the real dot: SVG ---------------------------------------------------------------------------


@pytest.mark.needs_dot
def test_svg_has_names_leave_and_uncertain_styles_and_tooltips_with_quotes(dataset_app):
    svg = svg_of(graph_at(dataset_app, "2024-08-15", alumni=True))
    words = texts(svg)
    for name in ("Sam Altman", "Mira Murati", "Greg Brockman", "Barret Zoph", "Reporting line not reported"):
        assert name in words
    assert "on leave since 2024-08" in words and "until 2024-12" in words and "date partly known" in words
    leave = node_group(svg, "person-greg-brockman")
    assert shape_of(leave).get("fill") == "#e5e7eb" and shape_of(leave).get("stroke-dasharray")
    assert "私は今年の終わりまで1年間の休暇を取る予定です。" in tooltip(leave)
    assert "000_064822530e0d536b.txt" in tooltip(leave)
    uncertain = node_group(svg, "person-boaz-barak")  # appointed "2024-08": still open on the 15th
    assert shape_of(uncertain).get("stroke") == "#b7791f" and shape_of(uncertain).get("stroke-dasharray")
    active = node_group(svg, "person-sam-altman")
    assert shape_of(active).get("stroke-dasharray") is None
    assert "昨年11月のアルトマンCEOの解雇と再雇用" in tooltip(active)
    assert any("Anthropic" in t for t in words)  # the alumni panel


HOSTILE = {
    "node": ('Robert "Bobby" Tables', "</text><script>alert(1)</script>"),
    "graph": ("Eve}; digraph evil { x -> y", "back\\slash \\N \\l \\G"),
    "edge": ("Line one\nLine two", 'title with "quotes" and ]; ['),
}


@pytest.mark.needs_dot
def test_hostile_names_and_titles_render_literally(tmp_path, dataset):
    app_ = open_store(str(tmp_path / "h.db"), create=True)
    app_.load(dataset)
    for pid, (name, title) in HOSTILE.items():
        app_.record(
            EventRecord(
                kind="appointed",
                person=pid,
                name=name,
                title=title,
                on="2024-10-01",
                manager="sam-altman",
                source={"note": f'quoted "{name}" <b>'},
            )
        )
    app_.record(
        EventRecord(
            kind="appointed", person="mallory", name="Mallory <i>", title="x\\", on="2024-10-02", manager="node"
        )
    )
    graph = graph_at(app_, "2024-10-15")
    svg_bytes = graph.pipe(format="svg")
    svg = ET.fromstring(svg_bytes)
    words = texts(svg)
    for pid, (name, title) in HOSTILE.items():
        for line in name.split("\n") + [title]:
            assert line in words, (line, words)
        assert name.split("\n")[0] in tooltip(node_group(svg, f"person-{pid}"))
    assert "Mallory <i>" in words and "x\\" in words
    assert not [e for e in svg.iter() if e.tag.endswith("script") or e.tag.endswith("}i")]
    assert b"<script>" not in svg_bytes
    nodes = {g.get("id") for g in svg.iter(SVG + "g") if g.get("class") == "node"}
    assert {"person-node", "person-graph", "person-edge", "person-mallory"} <= nodes
    assert len([n for n in nodes if n.startswith("person-")]) == 12 + 4  # no node injected, none lost
    edges = {"".join(g.find(SVG + "title").itertext()) for g in svg.iter(SVG + "g") if g.get("class") == "edge"}
    assert {"sam-altman->node", "sam-altman->graph", "sam-altman->edge", "node->mallory"} <= edges


# --- --root, --depth, large teams ----------------------------------------------------------------


def test_root_draws_only_that_persons_part(dataset_app):
    chart = dataset_app.chart(date(2024, 9, 1))
    lay = layout(chart, root="bob-mcgrew")
    assert lay.drawn == ["barret-zoph", "bob-mcgrew"] and lay.unreported == []
    source = graph_at(dataset_app, "2024-09-01", root="bob-mcgrew").source
    assert "cluster_unreported" not in source and '"sam-altman"' not in source
    assert "Bob McGrew and their reports" in source and "2 of the organisation's 15 people" in source


def test_depth_folds_what_is_below_into_one_box(dataset_app):
    source = graph_at(dataset_app, "2024-10-15", root="sam-altman", depth=0).source
    assert '"_below_sam-altman" [label="6 reports below"' in source
    assert '"mark-chen"' not in source
    whole = layout(dataset_app.chart(date(2024, 10, 15)), depth=1)
    assert len(whole.drawn) == 7 and not whole.folded


def test_root_not_in_the_organisation_that_day_is_an_error(dataset_app):
    from orgsim.errors import UnknownPersonError

    with pytest.raises(UnknownPersonError, match="Mira Murati left on 2024-09-25"):
        graph_at(dataset_app, "2024-10-15", root="mira-murati")


def big_chart(managers: int, per_manager: int) -> tuple[OrgChart, Timeline]:
    rows = [Row("boss", "The Boss", "CEO", "active", None)]
    for m in range(managers):
        rows.append(Row(f"m{m:03d}", f"Manager {m}", "VP", "active", "boss"))
        rows += [Row(f"m{m:03d}-p{p:03d}", f"Person {m}.{p}", None, "active", f"m{m:03d}") for p in range(per_manager)]
    rows.append(Row("zz-loner", "A Loner", None, "active", None))
    chart = OrgChart("Big", date(2025, 1, 1), tuple(sorted(rows, key=lambda r: r.id)))
    return chart, Timeline("Big", {}, ())


def test_a_large_team_folds_into_n_more_reports():
    chart, timeline = big_chart(managers=30, per_manager=2)
    lay = layout(chart, max_reports=12)
    assert [(p, why, len(hidden), total) for p, why, hidden, total in lay.folded] == [("boss", "more", 19, 57)]
    source = chart_graph(chart, timeline).source
    assert '_more_boss [label="+19 more reports\\n(57 people in all)"' in source
    assert source.count(" -> ") - source.count("style=invis") == 11 + 1 + 11 * 2


def test_ten_thousand_people_render_a_readable_dot():
    chart, timeline = big_chart(managers=100, per_manager=99)
    assert len(chart.rows) == 10_002
    source = chart_graph(chart, timeline).source
    drawn = set(re.findall(r'^\t+"?([\w-]+)"? \[label=', source, flags=re.M))
    assert len(drawn) < 200  # 1 + 11 managers (+ their 11 + 1 each) + folds + legend
    assert "+89 more reports" in source and "(8900 people in all)" in source


# --- the command line -----------------------------------------------------------------------------


def test_render_writes_dot_to_stdout_by_default(cli, db):
    result = cli("render", "--at", "2024-10-15", "--store", db)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("digraph orgchart {")


@pytest.mark.needs_dot
@pytest.mark.parametrize(
    "suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF"), (".dot", b"digraph")]
)
def test_render_format_follows_the_file_extension(cli, db, tmp_path, suffix, magic):
    out = tmp_path / f"chart{suffix}"
    result = cli("render", "--at", "2024-10-15", "--store", db, "-o", out, "--alumni")
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(magic)
    assert f"Wrote {out}" in result.stderr


def test_explicit_format_wins_and_unknown_extension_is_a_usage_error(cli, db, tmp_path):
    out = tmp_path / "chart.txt"
    assert cli("render", "--at", "2024-10-15", "--store", db, "-o", out, "--format", "dot").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("digraph")
    bad = cli("render", "--at", "2024-10-15", "--store", db, "-o", tmp_path / "chart.jpeg")
    assert bad.exit_code == 2 and "cannot tell the format" in bad.stderr


def test_root_by_japanese_alias_and_depth_on_the_command_line(cli, db):
    result = cli("render", "--at", "2024-10-15", "--store", db, "--root", "アルトマン", "--depth", "0")
    assert result.exit_code == 0, result.stderr
    assert '"_below_sam-altman"' in result.stdout and '"mark-chen"' not in result.stdout
    gone = cli("render", "--at", "2024-10-15", "--store", db, "--root", "ミラ・ムラティ")
    assert gone.exit_code == 1 and gone.stderr.startswith("Error: ") and "left on 2024-09-25" in gone.stderr
    assert cli("render", "--store", db, "--root", "Nobody").exit_code == 1


def path_without_dot() -> str:
    dot = shutil.which("dot")
    assert dot, "Graphviz's dot must be installed for this test (make setup)"
    folder = str(Path(dot).resolve().parent)
    kept = [
        p
        for p in os.environ.get("PATH", "").split(os.pathsep)
        if p and not (Path(p) / "dot").exists() and str(Path(p).resolve()) != folder
    ]
    return os.pathsep.join(kept) or "/nonexistent"


@pytest.mark.needs_dot
def test_without_dot_svg_fails_in_one_line_and_dot_output_still_works(db, tmp_path):
    env = {**os.environ, "PATH": path_without_dot()}
    run = [sys.executable, "-m", "orgsim", "render", "--at", "2024-10-15", "--store", db]
    out = tmp_path / "chart.svg"
    failed = subprocess.run(run + ["-o", str(out)], env=env, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1 and failed.stderr.startswith("Error: ")
    assert "install Graphviz" in failed.stderr and "apt-get install graphviz" in failed.stderr
    assert not out.exists() and not list(tmp_path.glob(".chart.svg*"))
    works = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60)
    assert works.returncode == 0 and works.stdout.startswith("digraph orgchart {")


# --- diagrams/ stays current ----------------------------------------------------------------------


def diagrams_script():
    spec = importlib.util.spec_from_file_location("diagrams_script", ROOT / "scripts" / "diagrams.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_diagrams_are_current():
    script = diagrams_script()
    committed = sorted(p.stem for p in DIAGRAMS.glob("*.dot"))
    assert committed == sorted(script.DIAGRAMS), "diagrams/ does not match scripts/diagrams.py: run `make diagrams`"
    timeline = script.seeded_timeline()
    for stem in committed:
        for ext in ("svg", "png"):
            assert (DIAGRAMS / f"{stem}.{ext}").exists(), f"diagrams/{stem}.{ext} is missing: run `make diagrams`"
        fresh = script.diagram(stem, timeline).source
        stored = (DIAGRAMS / f"{stem}.dot").read_text(encoding="utf-8")
        assert stored == fresh, f"diagrams/{stem}.dot is stale: run `make diagrams` and commit diagrams/"


# --- the diff picture (issue 4) -------------------------------------------------------------------


def diff_picture(app_, start: str, end: str, lang: str = "en"):
    from orgsim.diff import diff
    from orgsim.render.diff_dot import diff_graph

    timeline = app_.timeline()
    a, b = (chart_at(timeline, date.fromisoformat(d)) for d in (start, end))
    return diff_graph(diff(a, b, timeline.fact_map()), timeline, lang=lang)


def test_diff_dot_matches_the_golden_file(seeded):
    check_golden("diff-2024-09-01_2024-10-15.dot", diff_picture(seeded, "2024-09-01", "2024-10-15").source)


def test_diff_picture_marks_each_kind_of_change(dataset_app):
    source = diff_picture(dataset_app, "2024-09-01", "2024-10-15").source
    assert "3 left · 3 new titles · 6 changed reporting lines" in source
    for pid in ("mira-murati", "bob-mcgrew", "barret-zoph"):
        assert re.search(rf'"{pid}" \[label="[^"]*left 2024-09-25"[^\]]*fillcolor="#FDE8E8"', source)
    assert re.search(
        r'"mark-chen" \[label="Mark Chen\\nSVP of Research\\nwas: \(title not reported\)"[^\]]*color="#6B46C1"', source
    )
    assert len(re.findall(r'^\t"sam-altman" -> "[a-z-]+" \[color="#2F855A"', source, flags=re.M)) == 6  # new lines
    assert re.search(r'^\t"bob-mcgrew" -> "barret-zoph" \[color="#C53030"[^\]]*style=dashed', source, flags=re.M)
    summer = diff_picture(dataset_app, "2024-07-01", "2024-09-01").source
    assert "1 left · 2 joined · 1 went on leave" in summer
    assert "left 2024-08 → Anthropic" in summer and "joined 2024-08" in summer
    assert re.search(
        r'"greg-brockman" \[label="[^"]*on leave since 2024-08, until 2024-12"[^\]]*style="rounded,filled,dashed"',
        summer,
    )


def test_reverse_diff_picture_swaps_left_and_joined(dataset_app):
    source = diff_picture(dataset_app, "2024-10-15", "2024-09-01").source
    assert "3 joined · 3 new titles · 6 changed reporting lines" in source
    assert re.search(r'^\t"sam-altman" -> "mark-chen" \[color="#C53030"', source, flags=re.M)  # that line ended
    assert diff_picture(dataset_app, "2024-10-15", "2024-10-15").source.count("no changes") == 1


@pytest.mark.needs_dot
def test_diff_svg_has_marked_boxes_lines_legend_and_quotes(dataset_app):
    svg = svg_of(diff_picture(dataset_app, "2024-09-01", "2024-10-15"))
    words = texts(svg)
    for text in ("Mira Murati", "left 2024-09-25", "was: (title not reported)", "new line", "line ended", "Legend"):
        assert any(text in w for w in words), text
    murati = node_group(svg, "person-mira-murati")
    assert shape_of(murati).get("fill") == "#fde8e8" and shape_of(murati).get("stroke") == "#c53030"
    assert "熟考の末、OpenAl を離れるという難しい決断をしました。" in tooltip(murati)
    new_line = [
        g
        for g in svg.iter(SVG + "g")
        if g.get("class") == "edge" and "".join(g.find(SVG + "title").itertext()) == "sam-altman->mark-chen"
    ][0]
    assert shape_of(new_line).get("stroke") == "#2f855a"
    assert "Mark、Jakub、Kevin、Srinivas、Matt、Josh が私に報告します。" in tooltip(new_line)


def test_as_known_at_draws_only_what_the_store_knew_then(cli, db):
    early = cli("render", "--at", "2024-10-15", "--store", db, "--as-known-at", "2000-01-01")
    assert early.exit_code == 0, early.stderr
    assert "0 people in the organisation" in early.stdout and '"sam-altman"' not in early.stdout
    now = cli("render", "--at", "2024-10-15", "--store", db)
    assert "12 people in the organisation" in now.stdout


def test_diff_picture_of_a_departure_and_return(dataset_app):
    from orgsim.chart import chart_at
    from orgsim.diff import diff
    from orgsim.render.diff_dot import diff_graph

    tl = dataset_app.timeline()
    d = diff(chart_at(tl, date(2023, 11, 10)), chart_at(tl, date(2023, 12, 1)), tl.fact_map())
    source = diff_graph(d, tl).source
    altman = [line for line in source.splitlines() if line.strip().startswith('"sam-altman" [')][0]
    assert "left 2023-11-17; back 2023-11-29" in altman and "not in the organisation" not in altman


def test_a_chart_past_the_node_budget_draws_the_levels_that_fit():
    """Teams of 12 four levels deep (1,885 people, no team folds): past MAX_NODES boxes the picture
    draws whole levels and folds the rest into 'N reports below' boxes, and the title says so."""
    from orgsim.render.layout import MAX_NODES

    rows, level = [Row("r", "Root", "CEO", "active", None)], ["r"]
    for _ in range(3):
        nxt = []
        for parent in level:
            for k in range(12):
                pid = f"{parent}-{k:02d}"
                rows.append(Row(pid, pid, None, "active", parent))
                nxt.append(pid)
        level = nxt
    chart = OrgChart("Deep", date(2025, 1, 1), tuple(sorted(rows, key=lambda r: r.id)))
    assert len(chart.rows) == 1 + 12 + 144 + 1728 > MAX_NODES
    source = chart_graph(chart, Timeline("Deep", {}, ())).source
    drawn = set(re.findall(r'^\t+"?([\w-]+)"? \[label=', source, flags=re.M))
    people = {p for p in drawn if not p.startswith("_")}
    assert len(people) == 1 + 12 + 144 and len(drawn) <= MAX_NODES + 20  # three levels, then folds
    assert source.count("_below_") >= 144 and "2 levels below the top" in source
    assert chart_graph(chart, Timeline("Deep", {}, ()), depth=3).source.count("_below_") == 0  # asked for: obeyed


def test_a_leave_whose_expected_end_has_passed_says_so_and_stays_a_leave(cli, db):
    """Brockman's leave was reported "until the end of the year" (2024-12); no return was reported. On a
    later day he is still drawn on leave (a return is never guessed) and the box, the tree, `why` and
    a diff say the date has passed; up to that date's last day they do not."""
    passed = "until 2024-12, passed: no return reported"
    later = cli("show", "--at", "2025-03-01", "--store", db).stdout
    line = next(x for x in later.splitlines() if "[greg-brockman]" in x)
    assert line.endswith(f"(on leave since 2024-08, {passed})")
    dot = cli("render", "--at", "2025-03-01", "--store", db, "--format", "dot").stdout
    assert f"on leave since 2024-08\\n{passed}" in dot and "dashed" in dot
    for day in ("2024-12-31", "2024-10-15"):
        assert passed not in cli("show", "--at", day, "--store", db).stdout
        assert "passed:" not in cli("render", "--at", day, "--store", db, "--format", "dot").stdout
    why = cli("why", "greg-brockman", "--at", "2025-03-01", "--store", db).stdout
    assert f"status: on leave since 2024-08, {passed}" in why
    diff = cli("diff", "2024-07-01", "2025-03-01", "--store", db).stdout
    assert f"[greg-brockman]: active → on leave ({passed})," in diff
    assert "passed" not in cli("diff", "2024-07-01", "2024-12-31", "--store", db).stdout
    data = cli.json("show", "--at", "2025-03-01", "--store", db)
    brockman = next(p for p in data["people"] if p["id"] == "greg-brockman")
    assert (brockman["status"], brockman["leave_until"]) == ("on_leave", "2024-12")  # the data as reported


def test_the_footer_counts_sources_that_are_only_a_note(cli, tmp_path):
    store = str(tmp_path / "acme.db")
    assert cli("org", "add", "Acme", "--store", store).exit_code == 0
    for who, note in (
        ("Alice Smith", "Acme press release"),
        ("Bob Jones", "Acme press release"),
        ("Carol White", "Blog"),
    ):
        result = cli(
            "append", "appointed", who, "--title", "VP", "--on", "2024-01-01", "--source", note, "--store", store
        )
        assert result.exit_code == 0, result.stderr
    out = tmp_path / "acme.dot"
    assert cli("render", "--at", "2024-02-01", "-o", str(out), "--store", store).exit_code == 0
    assert "Sources: 2 notes" in out.read_text(encoding="utf-8")  # (the same note twice is one source)


def test_a_picture_names_who_left_on_a_date_still_open_as_show_does(cli, db, tmp_path):
    # the seeds: Schulman left in August 2024 (the month only), so on 15 August he may still be there
    out = tmp_path / "aug.dot"
    assert cli("render", "--at", "2024-08-15", "-o", str(out), "--store", db).exit_code == 0
    panel = next(line for line in out.read_text(encoding="utf-8").splitlines() if "_left_open [" in line)
    assert "Left, on a date known only within bounds (may still be here)" in panel and "John Schulman" in panel
    shown = cli("show", "--at", "2024-08-15", "--store", db).stdout
    assert "Left, on a date known only within bounds (may still be here): John Schulman (2024-08)" in shown


@pytest.mark.needs_dot
def test_text_with_entities_and_backslashes_stays_literal_in_the_svg_and_its_tooltips(cli, tmp_path):
    import xml.etree.ElementTree as ET

    store, odd = str(tmp_path / "s.db"), r"A &lt; B \N \G \\ C"
    assert cli("init", "--org", "Acme", "--store", store).exit_code == 0
    appended = cli("append", "appointed", "Jane Roe", "--title", odd, "--on", "2024", "--url", "https://x.org", "--store", store)  # fmt: skip
    assert appended.exit_code == 0, appended.stderr
    out = tmp_path / "c.svg"
    assert cli("render", "--at", "2024-06-01", "-o", out, "--store", store).exit_code == 0
    root = ET.parse(out).getroot()
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    titles = [a.get("{http://www.w3.org/1999/xlink}title") or "" for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert odd in texts
    assert any(odd in t.splitlines() or odd in t for t in titles), titles
