"""`import` checks the history its file produces as a whole: a file whose records are in date order
is accepted when the final history is valid, even where one record alone would not fit; a file
whose history breaks a rule is refused in one line naming the record that broke it, and nothing is
stored. (Issue 17, item 7.)"""

from __future__ import annotations

import json

from conftest import stored_events

URL = "https://example.org/news"  # a made-up address: these tests check rules, not sources


def write(path, records: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return str(path)


# Greg Brockman's stored history: President since 2015, on leave from 2024-08. A departure on
# 2023-11-17 alone would leave him out of the organisation when the 2024 leave begins; with the
# rehire on 2023-11-22 after it, the whole history is valid.
IN_DATE_ORDER = [
    {"kind": "departed", "person": "greg-brockman", "on": "2023-11-17", "source": {"url": URL}},
    {"kind": "appointed", "person": "greg-brockman", "title": "President", "on": "2023-11-22", "source": {"url": URL}},
]


def test_a_file_in_date_order_is_accepted_when_its_whole_history_is_valid(cli, db, tmp_path):
    done = cli("import", write(tmp_path / "crisis.jsonl", IN_DATE_ORDER), "--store", db)
    assert done.exit_code == 0, done.stderr
    assert "2 events" in done.stderr  # (messages go to stderr, data to stdout)
    ids = lambda day: {p["id"] for p in cli.json("show", "--at", day, "--json", "--store", db)["people"]}  # noqa: E731
    assert "greg-brockman" not in ids("2023-11-20")
    assert "greg-brockman" in ids("2023-11-23")
    on_leave = cli.json("show", "--at", "2024-09-01", "--json", "--store", db)["people"]
    assert [p["status"] for p in on_leave if p["id"] == "greg-brockman"] == ["on_leave"]


def test_the_same_file_reversed_gives_the_same_charts(cli, db, tmp_path, dataset):
    from conftest import ROOT  # (a second store, the file reversed)

    other = str(tmp_path / "other.db")
    cli("load", str(ROOT / "seeds" / "openai.yaml"), "--store", other)
    forward = cli("import", write(tmp_path / "a.jsonl", IN_DATE_ORDER), "--store", db)
    backward = cli("import", write(tmp_path / "b.jsonl", IN_DATE_ORDER[::-1]), "--store", other)
    assert forward.exit_code == backward.exit_code == 0
    for day in ("2023-11-20", "2023-11-23", "2024-09-01"):
        a = cli.json("show", "--at", day, "--json", "--store", db)
        b = cli.json("show", "--at", day, "--json", "--store", other)
        assert [(p["id"], p["title"], p["status"]) for p in a["people"]] == [
            (p["id"], p["title"], p["status"]) for p in b["people"]
        ]


def test_a_file_whose_whole_history_breaks_a_rule_is_refused_at_the_record_that_broke_it(cli, db, tmp_path):
    before = stored_events(db)
    path = write(tmp_path / "bad.jsonl", IN_DATE_ORDER[:1])  # the departure without the rehire
    refused = cli("import", path, "--store", db)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.startswith("Error: ") and refused.stderr.count("\n") == 1
    assert "the stored event" in refused.stderr and "(on_leave, 2024-08)" in refused.stderr
    assert "Greg Brockman (greg-brockman)" in refused.stderr
    assert stored_events(db) == before


def test_a_rule_broken_inside_the_file_names_its_line(cli, db, tmp_path):
    before = stored_events(db)
    records = [
        *IN_DATE_ORDER,
        {"kind": "on_leave", "person": "greg-brockman", "on": "2023-11-18", "source": {"url": URL}},
    ]  # line 3: a leave while he is out of the organisation (between his departure and his return)
    refused = cli("import", write(tmp_path / "leave.jsonl", records), "--store", db)
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        f"Error: {tmp_path / 'leave.jsonl'}:3: Greg Brockman (greg-brockman) on 2023-11-18"
    )
    assert stored_events(db) == before
