"""CSV: `--csv` on every table command is its `--json`, a row per record, as the README's "CSV columns"
say; `import --format csv` is JSON Lines' import, row by row (all or nothing, `FILE:ROW` errors), and an
export as CSV imports back to the same history and charts."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from conftest import ROOT, Cli

from orgsim.dates import PartialDate

README = (ROOT / "README.md").read_text(encoding="utf-8")


def documented_columns(command: str) -> list[str]:
    """The columns the README's "CSV columns" list for `command` (diff's before./after. spelled out)."""
    section = README.split("### CSV columns", 1)[1].split("\n## ", 1)[0]
    line = next(x for x in section.splitlines() if x.startswith(f"- `{command}`: "))
    body = line.split(": ", 1)[1].split(" (", 1)[0]
    names = re.findall(r"`([\w.]+)`", body)
    if command != "diff":
        return names
    row = names[names.index("before.") + 2 : -1]  # (`before.` and `after.` each followed by the row's fields)
    return names[: names.index("before.")] + [f"{side}{c}" for side in ("before.", "after.") for c in row] + ["events"]


def parsed(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV text as Python's `csv` module reads it: its header and its rows."""
    assert text.endswith("\r\n")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def leaves(record: dict, prefix: str = "") -> dict:
    """A JSON record's values by column name, as the README's rule names them (`field.key`)."""
    out: dict = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(leaves(value, prefix + key + "."))
        else:
            out[prefix + key] = value
    return out


def same_value(cell: str, value) -> bool:
    """A cell against its JSON value, by the README's rule."""
    if value is None or value == []:
        return cell == ""
    if isinstance(value, bool):
        return cell == ("true" if value else "false")
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return json.loads(cell) == value
    if isinstance(value, list):
        return cell.split("; ") == [str(v) for v in value]
    return cell == str(value)


def assert_csv_is_json(command: str, text: str, records: list[dict]) -> None:
    """The CSV's header is the documented columns, and each row is its JSON record: every value of the
    record in its column (no value left out), every other cell empty."""
    header, rows = parsed(text)
    assert header == documented_columns(command)
    assert len(rows) == len(records) > 0
    for row, record in zip(rows, records, strict=True):
        values = leaves(record)
        assert {k for k, v in values.items() if v is not None} <= set(header), record  # nothing dropped
        for column in header:
            assert same_value(row[column], values.get(column)), (column, row[column], values.get(column))


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The seeds (with a retracted appointment), and `make demo`'s store: the seeds and the public record."""
    where = tmp_path_factory.mktemp("csv")
    cli = Cli()
    seeds, demo = str(where / "seeds.db"), str(where / "demo.db")
    assert cli("load", "--store", seeds).exit_code == 0
    added = cli.json(
        "append", "appointed", "jane-doe", "--title", "COO", "--on", "2024-11", "--source", "a memo", "--store", seeds
    )
    assert cli("retract", added["event"], "--reason", "not confirmed", "--store", seeds).exit_code == 0
    assert cli("load", "--store", demo).exit_code == 0
    assert cli("import", ROOT / "demo" / "public-record.jsonl", "--store", demo).exit_code == 0
    return {"seeds": seeds, "demo": demo}


def both(cli, *args):
    """A command's --csv text and its --json, parsed."""
    result = cli(*args, "--csv")
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes.decode("utf-8"), cli.json(*args)  # (`.stdout` would turn \r\n into \n)


@pytest.mark.parametrize(
    "store, at, org",
    [("seeds", "2024-09-10", None), ("demo", "2023-11-18", "OpenAI"), ("demo", "2023-11-25", "OpenAI")],
)
def test_show_csv_is_its_json(cli, stores, store, at, org):
    text, data = both(cli, "show", "--at", at, "--store", stores[store], *(["--org", org] if org else []))
    people = data["people"]
    if store == "demo":  # the day has what a row can hold: posts in a unit, acting holders, uncertain rows
        assert any(p["posts"] and p["posts"][0]["unit"] for p in people)
        assert any(len(p["posts"]) > 1 for p in people) or at != "2023-11-18"
        assert any(p["uncertain"] for p in people) or at != "2023-11-25"
    head = {k: data[k] for k in ("organisation", "at", "as_known_at")}
    assert_csv_is_json("show", text, [{**head, **p} for p in people])


@pytest.mark.parametrize("store", ["seeds", "demo"])
def test_people_csv_is_its_json(cli, stores, store):
    text, data = both(cli, "people", "--store", stores[store])
    if "organisation" in data:  # one organisation: its JSON names it once, the CSV on every row
        records = [{**p, "organisations": [data["organisation"]]} for p in data["people"]]
    else:
        records = data["people"]
        assert any(len(p["organisations"]) > 1 for p in records)
    assert_csv_is_json("people", text, records)


@pytest.mark.parametrize("store", ["seeds", "demo"])
def test_log_csv_is_its_json(cli, stores, store):
    text, entries = both(cli, "log", "--store", stores[store])
    if store == "seeds":  # one organisation: its JSON does not name it, the CSV does on every row
        assert any(e["retracted"] for e in entries)
        records = [{"organisation": "OpenAI", **e} for e in entries]
    else:
        assert any(len(e["sources"]) > 1 for e in entries) and any(e["details"].get("acting") for e in entries)
        records = entries
    assert_csv_is_json("log", text, records)


@pytest.mark.parametrize("person, org", [("john-schulman", None), ("greg-brockman", "OpenAI")])
def test_history_csv_is_its_json(cli, stores, person, org):
    text, data = both(cli, "history", person, "--store", stores["demo"], *(["--org", org] if org else []))
    histories = data.get("histories", [data])
    lines = {"stints": "stint", "titles": "title", "managers": "manager", "leaves": "leave"}
    records = [
        {"organisation": h["organisation"], "person": h["person"], "line": line, **entry}
        for h in histories
        for key, line in lines.items()
        for entry in h[key]
    ]
    assert {r["line"] for r in records} >= ({"stint", "title"} if org is None else set(lines.values()))
    assert_csv_is_json("history", text, records)


@pytest.mark.parametrize(
    "store, a, b, org", [("seeds", "2024-08-01", "2024-10-15", None), ("demo", "2023-11-16", "2023-11-30", "OpenAI")]
)
def test_diff_csv_is_its_json(cli, stores, store, a, b, org):
    text, data = both(cli, "diff", a, b, "--store", stores[store], *(["--org", org] if org else []))
    assert {c["change"] for c in data["changes"]} >= {"left", "joined"} or store == "seeds"
    head = {k: data[k] for k in ("organisation", "from", "to", "as_known_at")}
    assert_csv_is_json("diff", text, [{**head, **c} for c in data["changes"]])


def test_flows_csv_is_its_json(cli, stores):
    text, data = both(cli, "flows", "--store", stores["demo"])
    assert_csv_is_json("flows", text, data["moves"])


@pytest.mark.parametrize("store, title, org", [("demo", "CEO", "OpenAI"), ("seeds", "CTO", None)])
def test_holders_csv_is_its_json(cli, stores, store, title, org):
    text, data = both(cli, "holders", title, "--store", stores[store], *(["--org", org] if org else []))
    assert_csv_is_json("holders", text, [{"organisation": data["organisation"], **t} for t in data["holders"]])


@pytest.mark.parametrize(
    "args",
    [
        ["show"],
        ["people"],
        ["log"],
        ["history", "sam-altman"],
        ["diff", "2024-01", "2024-12"],
        ["flows"],
        ["holders", "CEO"],
    ],
)
def test_csv_with_json_is_a_usage_error(cli, tmp_path, args):
    result = cli(*args, "--csv", "--json", "--store", tmp_path / "none.db")  # said before any store is read
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: choose --json or --csv, not both") and result.stderr.count("\n") == 1


def test_an_empty_table_is_its_header(cli, stores):
    result = cli("log", "--from", "1990", "--to", "1991", "--store", stores["seeds"], "--csv")
    assert result.exit_code == 0 and parsed(result.stdout_bytes.decode()) == (documented_columns("log"), [])


# -- import and export -----------------------------------------------------------------------------


def records(cli, store) -> list[dict]:
    """A store's export as JSON Lines, each line parsed (a source's fields in any order)."""
    result = cli("export", "--store", store)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def change_days(cli, store, org: str) -> list[str]:
    """Every day a change of the organisation begins or ends, and the day after."""
    days = set()
    for entry in cli.json("log", "--store", store, "--org", org):
        on = PartialDate.parse(entry["on"])
        days.update(str(d) for d in (on.start, on.last_named, on.last_named + timedelta(days=1)))
    return sorted(days)


@pytest.mark.parametrize("store", ["seeds", "demo"])
def test_a_csv_export_imports_back_to_the_same_history_and_charts(cli, stores, tmp_path, store):
    original = stores[store]
    out = tmp_path / "history.csv"
    result = cli("export", "--format", "csv", "-o", out, "--store", original)
    assert result.exit_code == 0 and "Exported" in result.stderr, result.stderr
    assert cli("export", "--store", original, "--format", "csv").stdout_bytes == out.read_bytes()  # -o and stdout
    header, rows = parsed(out.read_bytes().decode("utf-8"))
    assert header[:3] == ["kind", "person", "unit"] and rows[0]["kind"] == "organisation"

    fresh = str(tmp_path / "fresh.db")
    result = cli("import", out, "--store", fresh)  # (.csv: read as CSV)
    assert result.exit_code == 0, result.stderr
    assert records(cli, fresh) == records(cli, original)  # the same people, events, ids, retractions, citations
    for org in [o["name"] for o in cli.json("org", "list", "--store", original)["organisations"]]:
        for day in change_days(cli, original, org):
            chart = ["show", "--at", day, "--org", org]
            assert cli.json(*chart, "--store", fresh) == cli.json(*chart, "--store", original), (org, day)
    again = json.loads(cli("import", "--format", "csv", out, "--store", fresh, "--json").stdout)
    assert all(part["events_added"] == 0 for part in again.get("organisations", [again]))  # twice adds nothing


def test_export_to_a_csv_file_writes_csv(cli, stores, tmp_path):
    out = tmp_path / "backup.csv"
    assert cli("export", "-o", out, "--store", stores["seeds"]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("kind,person,unit,name,")


def write_csv(path, header, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


HEADER = ["kind", "person", "name", "title", "reports_to", "manager", "to", "until", "on", "source.note", "also"]
ROWS = [
    ["appointed", "jane-doe", "Jane Doe", "COO", "サム・アルトマン", "", "", "", "2024-11", "a memo", ""],
    ["appointed", "john-roe", "John Roe", "", "", "", "", "", "2024-11-05", "a post", ""],
    ["reports_to", "kevin weil", "", "", "", "Jane Doe", "", "", "2024-12-01", "org memo", ""],
    ["appointed", "jane-doe", "", "acting CFO", "", "", "", "", "2024-12-02", "a memo", "true"],
    ["on_leave", "jane-doe", "", "", "", "", "", "2025-03", "2025-01", "a post", ""],
    ["returned", "jane-doe", "", "", "", "", "", "", "2025-03-10", "a post", ""],
    ["departed", "Jane Doe", "", "", "", "", "Acme", "", "2025-06", "a post", ""],
]


def test_a_spreadsheet_of_changes_imports_as_its_json_lines_would(cli, stores, tmp_path):
    store = str(tmp_path / "s.db")
    assert cli("load", "--store", store).exit_code == 0
    f = write_csv(tmp_path / "changes.txt", HEADER, ROWS, encoding="utf-8-sig")  # (as Excel saves it)
    result = cli("import", "--format", "csv", f, "--store", store, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["events_added"] == 7
    chart = {p["id"]: p for p in cli.json("show", "--at", "2024-12-05", "--store", store)["people"]}
    assert chart["jane-doe"]["reports_to"] == "sam-altman" and chart["kevin-weil"]["reports_to"] == "jane-doe"
    assert [p["title"] for p in chart["jane-doe"]["posts"]] == ["COO", "acting CFO"]  # (also: true)
    assert chart["john-roe"]["title"] is None  # an empty title cell: not reported
    assert cli.json("show", "--at", "2025-02-01", "--store", store)["people"]
    log = cli.json("log", "--person", "jane-doe", "--store", store)
    assert log[-1]["details"] == {"to": "Acme"} and log[-1]["source"] == {"note": "a post"}


def test_the_readme_example_imports(cli, stores, tmp_path):
    example = README.split("```csv\n", 1)[1].split("```", 1)[0]
    store = str(tmp_path / "s.db")
    assert cli("load", "--store", store).exit_code == 0
    f = tmp_path / "changes.csv"
    f.write_text(example, encoding="utf-8")
    result = cli("import", f, "--store", store)
    assert result.exit_code == 0 and "1 quote not checked" in result.stderr, result.stderr
    departed = cli.json("log", "--kind", "departed", "--person", "jane-doe", "--store", store)[0]
    assert departed["source"] == {"url": "https://example.com/jane", "note": "announced on Monday, Pacific time"}


BAD = [
    ("a missing column", [c for c in HEADER if c != "on"], None, "changes.csv:1: missing column 'on'"),
    (
        "a typo in a column",
        [("titel" if c == "title" else c) for c in HEADER],
        None,
        "changes.csv:1: unknown column 'titel'",
    ),
    ("a column twice", HEADER + ["on"], None, "changes.csv:1: column 'on' is given twice"),
    ("a bad date on row 7", HEADER, (5, "on", "2025-13-01"), "changes.csv:7: on: "),
    ("an unknown person on row 4", HEADER, (2, "person", "nobody"), "changes.csv:4: "),
    ("a field of another kind", HEADER, (6, "until", "2025-07"), "changes.csv:8: field(s) until do not belong"),
    ("a flag not true or false", HEADER, (3, "also", "yes"), "changes.csv:5: field 'also' must be true or false"),
]


@pytest.mark.parametrize("name, header, change, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_spreadsheet_is_one_line_and_stores_nothing(cli, stores, tmp_path, name, header, change, message):
    store = str(tmp_path / "s.db")
    assert cli("load", "--store", store).exit_code == 0
    cells = [dict(zip(HEADER, r, strict=True)) for r in ROWS]
    if change is not None:
        row, column, value = change
        cells[row][column] = value
    rows = [[c.get("title" if column == "titel" else column, "") for column in header] for c in cells]
    f = write_csv(tmp_path / "changes.csv", header, rows)
    before = cli("export", "--store", store).stdout
    result = cli("import", f, "--store", store)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {tmp_path}/") and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert cli("export", "--store", store).stdout == before


@pytest.mark.parametrize("content", ["", "kind,person,on\r\n", "kind,person,on\r\n,,\r\n"])
def test_a_spreadsheet_without_changes_is_an_error(cli, stores, tmp_path, content):
    f = tmp_path / "changes.csv"
    f.write_text(content, encoding="utf-8")
    result = cli("import", f, "--store", stores["seeds"])
    assert result.exit_code == 1 and "holds no events" in result.stderr


def test_a_row_longer_than_the_header_is_refused(cli, stores, tmp_path):
    f = tmp_path / "changes.csv"
    f.write_text("kind,person,on\ndeparted,mark-chen,2024-10,extra\n", encoding="utf-8")
    result = cli("import", f, "--store", stores["seeds"])
    assert result.exit_code == 1 and f"{f}:2: 4 cells, more than the 3 columns" in result.stderr


def test_a_spreadsheets_capitalised_header_is_read(cli, tmp_path):
    store = str(tmp_path / "s.db")
    assert cli("init", "--org", "Acme", "--store", store).exit_code == 0
    f = tmp_path / "changes.csv"
    f.write_text("Kind,Person,Title,On,Source.URL\nappointed,jane-doe,CEO,2024-05,https://example.com/x\n", "utf-8")
    assert cli("import", f, "--store", store).exit_code == 0
    (jane,) = cli.json("show", "--at", "2024-06-01", "--store", store)["people"]
    assert (jane["id"], jane["title"]) == ("jane-doe", "CEO")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sheet.csv", "kind;person;on\nappointed;jane;2024\n", "separate the columns with commas, not ';'"),
        ("sheet.txt", "kind,person,on\nappointed,jane,2024\n", "a CSV file? use `orgsim import --format csv FILE`"),
    ],
)
def test_a_spreadsheet_in_another_form_is_named_so(cli, stores, tmp_path, name, content, message):
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    before = cli("export", "--store", stores["seeds"]).stdout
    result = cli("import", f, "--store", stores["seeds"])
    assert result.exit_code == 1 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert cli("export", "--store", stores["seeds"]).stdout == before
