"""`render --format mermaid` and `--format graphml`: both parse (Mermaid line by line, GraphML with
`xml.etree` in the GraphML namespace), hold the same people, lines, folded boxes and groups as the
DOT of the same command (they are written from the same drawing), and keep odd names intact."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from orgsim.application import open_store
from orgsim.interchange import EventRecord
from orgsim.render.drawing import drawing

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "public-record.jsonl"
NS = "{http://graphml.graphdrawing.org/xmlns}"


def render(cli, store, fmt, *args):
    result = cli("render", "--store", store, "--format", fmt, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- reading each format back ----------------------------------------------------------------------


def dot_picture(source: str) -> dict:
    """People, units, folded boxes, lines (reported and to a folded box) and groups of a DOT picture."""
    node = r'^\t+"?([\w-]+)"? \[label='
    groups = {}
    for key, body in re.findall(r"subgraph cluster_(unit_\d+|unreported) \{\n(.*?)\n\t\}", source, flags=re.S):
        groups[key] = sorted(re.findall(node, body, flags=re.M))
    return {
        "people": sorted(re.findall(r' id="person-([\w-]+)"', source)),
        "units": sorted(re.findall(r' id="unit-([\w-]+)"', source)),
        "folds": sorted(n for n in re.findall(node, source, flags=re.M) if re.match(r"_(below|more|unreported)_", n)),
        "lines": sorted(re.findall(r'^\t"?([\w-]+)"? -> "?([\w-]+)"? \[tooltip=', source, flags=re.M)),
        "fold_lines": sorted(re.findall(r'^\t"?([\w-]+)"? -> "?([\w-]+)"? \[style=dashed\]', source, flags=re.M)),
        "groups": groups,
    }


MERMAID_NODE = re.compile(r'^ +([A-Za-z0-9_]+)(\(|\[\[|\[)"([^"]*)"(\)|\]\]|\])$')
MERMAID_LINK = re.compile(r"^ +([A-Za-z0-9_]+) (---|-\.-|~~~) ([A-Za-z0-9_]+)$")
MERMAID_SUBGRAPH = re.compile(r'^ +subgraph ([A-Za-z0-9_]+)\["([^"]*)"\]$')


def decoded(label: str) -> str:
    """A Mermaid label as the reader sees it: entity codes and `<br>` undone."""
    assert "<" not in label.replace("<br>", ""), label  # no markup but line breaks
    assert not re.search(r"#(?!\d+;)", label), label  # every `#` starts an entity code
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label.replace("<br>", "\n"))


def mermaid_picture(text: str) -> dict:
    """Every line of a Mermaid flowchart read back; a line of any other form fails the test."""
    lines = text.splitlines()
    assert lines[:4] == ["---", lines[1], "---", "flowchart TB"] and lines[1].startswith('title: "')
    nodes, links, groups, classes = {}, [], {}, {}
    group = None
    for line in lines[4:]:
        if m := MERMAID_NODE.match(line):
            nodes[m.group(1)] = (m.group(2), decoded(m.group(3)))
            if group is not None:
                groups[group][1].append(m.group(1))
        elif m := MERMAID_LINK.match(line):
            links.append(m.groups())
        elif m := MERMAID_SUBGRAPH.match(line):
            group = m.group(1)
            groups[group] = (decoded(m.group(2)), [])
        elif line.strip() == "end":
            group = None
        elif m := re.match(r"^ +class ([\w,]+) (\w+)$", line):
            classes.update((n, m.group(2)) for n in m.group(1).split(","))
        else:
            assert re.match(r"^ +(direction TB|classDef \w+ [\w#:,. -]+|linkStyle default \S+)$", line), line
    assert set(classes) == set(nodes)  # every box styled, nothing styled that is not a box
    return {"nodes": nodes, "links": links, "groups": groups, "classes": classes}


def mermaid_id(box_id: str) -> str:
    return ("f_" + box_id[1:] if box_id.startswith("_") else "p_" + box_id).replace("-", "_")


def graphml_picture(data: bytes) -> tuple[ET.Element, dict[str, dict[str, str]], list[tuple[str, str, str]]]:
    root = ET.fromstring(data)
    assert root.tag == NS + "graphml"
    keys = {k.get("id"): (k.get("for"), k.get("attr.name")) for k in root.findall(NS + "key")}
    (graph,) = root.findall(NS + "graph")
    assert graph.get("edgedefault") == "directed"
    nodes = {}
    for node in graph.findall(NS + "node"):
        values = {keys[d.get("key")][1]: d.text or "" for d in node.findall(NS + "data")}
        assert all(keys[d.get("key")][0] == "node" for d in node.findall(NS + "data"))
        nodes[node.get("id")] = values
    edges = []
    for edge in graph.findall(NS + "edge"):
        values = {keys[d.get("key")][1]: d.text or "" for d in edge.findall(NS + "data")}
        assert set(values) <= {"kind", "sources"} and edge.get("source") in nodes and edge.get("target") in nodes
        edges.append((edge.get("source"), edge.get("target"), values["kind"]))
    return graph, nodes, edges


def same_as_the_dot(dot: dict, mermaid: dict, graphml_nodes: dict, graphml_edges: list) -> None:
    people = {n for n, v in graphml_nodes.items() if v["kind"] == "person"}
    assert sorted(people) == dot["people"]
    assert sorted(n for n, v in graphml_nodes.items() if v["kind"] == "unit") == dot["units"]
    assert sorted(n for n, v in graphml_nodes.items() if v["kind"] == "fold") == dot["folds"]
    assert sorted((a, b) for a, b, kind in graphml_edges if kind == "reports") == dot["lines"]
    assert sorted((a, b) for a, b, kind in graphml_edges if kind == "fold") == dot["fold_lines"]
    assert {n for n in mermaid["nodes"] if n.startswith("p_")} == {mermaid_id(p) for p in dot["people"]}
    assert {n for n in mermaid["nodes"] if n.startswith("u_")} == {"u_" + u.replace("-", "_") for u in dot["units"]}
    assert {n for n in mermaid["nodes"] if n.startswith("f_")} == {mermaid_id(f) for f in dot["folds"]}
    units = {"u_" + u.replace("-", "_"): u for u in dot["units"]}

    def back(n: str) -> str:
        return units.get(n) or next(b for b in dot["people"] + dot["folds"] if mermaid_id(b) == n)

    assert sorted((back(a), back(b)) for a, link, b in mermaid["links"] if link == "---") == dot["lines"]
    assert sorted((back(a), back(b)) for a, link, b in mermaid["links"] if link == "-.-") == dot["fold_lines"]
    for key, members in dot["groups"].items():
        assert sorted(back(m) for m in mermaid["groups"][f"g_{key}"][1]) == members
        assert sorted(n for n, v in graphml_nodes.items() if v.get("group") == mermaid["groups"][f"g_{key}"][0]) == (
            members
        )
    assert sorted(g for g in mermaid["groups"] if g != "legend") == sorted(f"g_{k}" for k in dot["groups"])


# --- the same picture in every format ----------------------------------------------------------------


CASES = [
    ("2023-11-20", ["--alumni"]),
    ("2024-08-15", []),
    ("2024-10-15", ["--alumni"]),
    ("2024-10-15", ["--root", "sam-altman", "--depth", "0"]),
    ("2024-10-15", ["--root", "アルトマン", "--depth", "1"]),
    ("2024-09-01", ["--root", "bob-mcgrew"]),
    ("2024-10-15", ["--depth", "0", "--lang", "ja"]),
]


@pytest.mark.parametrize("day, options", CASES)
def test_mermaid_and_graphml_hold_the_people_and_lines_of_the_dot(cli, db, day, options):
    args = ["--at", day, *options]
    dot = dot_picture(render(cli, db, "dot", *args))
    mermaid = mermaid_picture(render(cli, db, "mermaid", *args))
    result = cli("render", "--store", db, "--format", "graphml", *args)
    assert result.exit_code == 0, result.stderr
    _, nodes, edges = graphml_picture(result.stdout_bytes)
    assert dot["people"]  # (something to compare)
    same_as_the_dot(dot, mermaid, nodes, edges)


def test_the_seeds_on_2024_10_15_in_mermaid_and_graphml(cli, db):
    text = render(cli, db, "mermaid", "--at", "2024-10-15", "--alumni")
    lines = text.splitlines()
    assert (
        lines[1]
        == 'title: "OpenAI on 2024-10-15 · 12 people in the organisation · 1 on leave · 5 with no reported reporting line"'
    )
    assert '    p_sam_altman("Sam Altman<br>CEO")' in lines
    assert "    p_sam_altman --- p_mark_chen" in lines
    assert '        p_greg_brockman("Greg Brockman<br>President<br>on leave since 2024-08<br>until 2024-12")' in lines
    picture = mermaid_picture(text)
    assert picture["classes"]["p_greg_brockman"] == "leave" and picture["classes"]["p_sam_altman"] == "person"
    assert picture["groups"]["g_unreported"][0] == "Reporting line not reported"
    assert "Mira Murati, CTO: left 2024-09-25 (destination not reported)" in picture["nodes"]["alumni"][1]
    assert picture["nodes"]["footer"][1].startswith("Sources: 000_064822530e0d536b.txt, 002_fa3ea9b5eed048a8.txt")
    result = cli("render", "--store", db, "--format", "graphml", "--at", "2024-10-15", "--alumni")
    graph, nodes, _ = graphml_picture(result.stdout_bytes)
    altman = nodes["sam-altman"]
    assert (altman["label"], altman["name"], altman["posts"], altman["status"]) == (
        "Sam Altman\nCEO",
        "Sam Altman",
        "CEO",
        "active",
    )
    assert (
        "昨年11月のアルトマンCEOの解雇と再雇用" in altman["sources"] and "000_064822530e0d536b.txt" in altman["sources"]
    )
    assert (
        nodes["greg-brockman"]["status"] == "on_leave"
        and nodes["greg-brockman"]["group"] == "Reporting line not reported"
    )
    (sources,) = [
        d.text
        for e in graph.findall(NS + "edge")
        if e.get("target") == "mark-chen"
        for d in e
        if d.get("key") == "edge_sources"
    ]
    assert "reports to Sam Altman" in sources  # the event that reported the line, with its quote
    graph_data = {d.get("key"): d.text for d in graph.findall(NS + "data")}
    assert graph_data["title"].startswith("OpenAI on 2024-10-15\n") and "Anthropic" in graph_data["panel"]


def test_a_date_still_open_is_styled_as_in_the_svg(cli, db):
    picture = mermaid_picture(render(cli, db, "mermaid", "--at", "2024-08-15"))
    assert picture["classes"]["p_boaz_barak"] == "uncertain"  # appointed "2024-08": still open on the 15th
    assert "date partly known" in picture["nodes"]["p_boaz_barak"][1]
    assert "John Schulman" in picture["nodes"]["left_open"][1]  # may still be here, as the DOT says
    result = cli("render", "--store", db, "--format", "graphml", "--at", "2024-08-15")
    assert graphml_picture(result.stdout_bytes)[1]["boaz-barak"]["uncertain"] == "true"


@pytest.mark.parametrize("day", ["2023-11-16", "2023-11-18", "2023-11-20", "2023-11-25", "2024-10-15"])
def test_the_board_and_its_members_come_out_as_in_the_dot(cli, db, day):
    assert cli("import", DEMO, "--store", db).exit_code == 0
    args = ["--at", day, "--org", "OpenAI", "--alumni"]
    dot = dot_picture(render(cli, db, "dot", *args))
    mermaid = mermaid_picture(render(cli, db, "mermaid", *args))
    _, nodes, edges = graphml_picture(cli("render", "--store", db, "--format", "graphml", *args).stdout_bytes)
    same_as_the_dot(dot, mermaid, nodes, edges)
    if day == "2023-11-16":
        assert dot["units"] == ["board-of-directors"]
        shape, label = mermaid["nodes"]["u_board_of_directors"]
        assert shape == "[[" and label.startswith("Board of Directors\n(unit of the organisation)")
        assert nodes["board-of-directors"]["kind"] == "unit" and "Helen Toner" in nodes["board-of-directors"]["sources"]


def test_a_large_team_folds_the_same_way_in_every_format(cli, tmp_path):
    store = str(tmp_path / "big.db")
    assert cli("org", "add", "Big", "--store", store).exit_code == 0
    app_ = open_store(store)
    app_.record(
        EventRecord(
            kind="appointed", person="boss", name="The Boss", title="CEO", on="2024-01-01", source={"note": "n"}
        )
    )
    for n in range(15):
        app_.record(
            EventRecord(
                kind="appointed",
                person=f"p{n:02d}",
                name=f"Person {n}",
                title="VP",
                on="2024-01-02",
                manager="boss",
                source={"note": "n"},
            )
        )
    dot = dot_picture(render(cli, store, "dot", "--at", "2024-02-01"))
    assert dot["folds"] == ["_more_boss"] and len(dot["lines"]) == 11
    mermaid = mermaid_picture(render(cli, store, "mermaid", "--at", "2024-02-01"))
    _, nodes, edges = graphml_picture(
        cli("render", "--store", store, "--format", "graphml", "--at", "2024-02-01").stdout_bytes
    )
    same_as_the_dot(dot, mermaid, nodes, edges)
    assert mermaid["nodes"]["f_more_boss"][1] == "+4 more reports" and mermaid["classes"]["f_more_boss"] == "fold"
    assert nodes["_more_boss"]["label"] == "+4 more reports" and "Person 14" in nodes["_more_boss"]["sources"]


# --- odd names -----------------------------------------------------------------------------------------


ODD = {
    "quotes": ('Robert "Bobby" Tables', 'title with "quotes" and ]; ['),
    "markup": ("</text><script>alert(1)</script>", "A & B <b>bold</b> &amp;"),
    "syntax": ("Eve}; end; p_x --> y", "#35; not a hash code, # a hash, `ticks`"),
    "lines": ("Line one\nLine two", "(brackets) [square] {curly} |pipe|"),
    "yamada": ("山田 太郎", "最高経営責任者"),
    "directive": ("Dee %% comment", "%%{init: {'theme':'dark'}}%%"),
}


@pytest.fixture
def odd_store(tmp_path, dataset):
    store = str(tmp_path / "odd.db")
    app_ = open_store(store, create=True)
    app_.load(dataset)
    for pid, (name, title) in ODD.items():
        app_.record(
            EventRecord(
                kind="appointed",
                person=pid,
                name=name,
                title=title,
                on="2024-10-01",
                manager="sam-altman",
                source={"note": f'quoted "{name}" <b> & #'},
            )
        )
    return store


def test_odd_names_come_out_of_mermaid_escaped_and_intact(cli, odd_store):
    text = render(cli, odd_store, "mermaid", "--at", "2024-10-15")
    assert "<script" not in text and "<b>" not in text and '"Bobby"' not in text
    assert "%%{" not in text and "%% comment" not in text  # a directive or a comment in a label stays text
    picture = mermaid_picture(text)  # every line still one of the forms expected: nothing injected
    for pid, (name, title) in ODD.items():
        assert picture["nodes"][f"p_{pid}"] == ("(", f"{name}\n{title}")
        assert ("p_sam_altman", "---", f"p_{pid}") in picture["links"]
    assert len([n for n in picture["nodes"] if n.startswith("p_")]) == 12 + len(ODD)


def test_odd_names_come_out_of_graphml_intact(cli, odd_store):
    result = cli("render", "--store", odd_store, "--format", "graphml", "--at", "2024-10-15")
    _, nodes, edges = graphml_picture(result.stdout_bytes)
    for pid, (name, title) in ODD.items():
        assert (nodes[pid]["name"], nodes[pid]["posts"], nodes[pid]["label"]) == (name, title, f"{name}\n{title}")
        assert f'quoted "{name}" <b> & #' in nodes[pid]["sources"]
        assert ("sam-altman", pid, "reports") in edges


# --- the command line ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix, start", [(".mmd", b"---\ntitle: "), (".mermaid", b"---\ntitle: "), (".graphml", b"<?xml")]
)
def test_the_file_extension_chooses_mermaid_or_graphml(cli, db, tmp_path, suffix, start):
    out = tmp_path / f"chart{suffix}"
    result = cli("render", "--at", "2024-10-15", "--store", db, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(start)
    assert f"Wrote {out}" in result.stderr


def test_the_same_store_writes_the_same_bytes(cli, db):
    for fmt in ("mermaid", "graphml"):
        assert render(cli, db, fmt, "--at", "2024-08-15", "--alumni") == render(
            cli, db, fmt, "--at", "2024-08-15", "--alumni"
        )


def test_the_drawing_holds_every_person_of_the_chart_once(dataset_app):
    timeline = dataset_app.timeline()
    for day in ("2023-11-20", "2024-08-15", "2024-10-15"):
        chart = dataset_app.chart(date.fromisoformat(day))
        d = drawing(chart, timeline, alumni=True)
        placed = list(d.trees) + [m for g in d.groups for m in g.members]
        assert sorted(placed) == d.people() == [r.id for r in chart.rows]
        assert sorted((line.top, line.bottom) for line in d.lines) == sorted(
            (r.reports_to, r.id) for r in chart.rows if r.reports_to
        )


def test_the_readme_mermaid_block_is_the_seeds_on_2024_10_15(cli, db):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"^```mermaid\n(.*?)^```$", readme, flags=re.S | re.M)
    assert block == render(cli, db, "mermaid", "--at", "2024-10-15"), "README's Mermaid block is stale: paste it anew"


def test_only_render_speaks_mermaid_and_graphml(cli, db, tmp_path):
    help_text = cli("render", "--help").stdout
    assert "mermaid" in help_text and "graphml" in help_text
    bad = cli("render", "--at", "2024-10-15", "--store", db, "-o", tmp_path / "chart.jpeg")
    assert bad.exit_code == 2 and ".mmd" in bad.stderr and ".graphml" in bad.stderr
    diff = cli("diff", "2024-09-01", "2024-10-15", "--store", db, "-o", tmp_path / "diff.mmd")
    assert (
        diff.exit_code == 2
        and "cannot tell the format" in diff.stderr
        and "use .svg, .png, .pdf or .dot," in diff.stderr
    )
    assert not (tmp_path / "diff.mmd").exists()
