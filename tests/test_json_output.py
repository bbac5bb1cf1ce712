"""`--json` output: any value comes back unchanged, and the layout is one record per line."""

import contextlib
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.cli.common import json_text, print_json, print_json_list

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_json_text_round_trips_every_value(value):
    assert json.loads(json_text(value)) == value


def test_one_record_per_line_utf8_kept(cli, db):
    out = cli("show", "--at", "2024-10-15", "--json", "--store", db)
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    people = json.loads(out.stdout)["people"]
    assert lines[0] == "{" and lines[-1] == "}" and '  "organisation": "OpenAI",' in lines
    records = [line.strip().rstrip(",") for line in lines if line.startswith('    {"id": ')]
    assert [json.loads(r) for r in records] == people and len(people) > 5
    assert any("Mądry" in line for line in lines)  # not \\u-escaped


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, max_size=6))
def test_a_list_written_item_by_item_is_the_same_bytes(items):
    whole, streamed = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(whole):
        print_json(items)
    with contextlib.redirect_stdout(streamed):
        print_json_list(iter(items))
    assert streamed.getvalue() == whole.getvalue()
    assert json.loads(streamed.getvalue()) == items


def test_the_whole_log_from_the_model_equals_the_replay(cli, db):
    for args in ([], ["--json"], ["--recorded"], ["--recorded", "--json"], ["--kind", "departed", "--json"]):
        modelled = cli("log", *args, "--store", db)
        replayed = cli("log", *args, "--store", db, "--as-known-at", "2999-01-01")
        assert modelled.exit_code == 0 and replayed.exit_code == 0, modelled.stderr + replayed.stderr
        if "--json" in args:
            assert json.loads(modelled.stdout) == json.loads(replayed.stdout) and json.loads(modelled.stdout)
        else:
            assert modelled.stdout.splitlines()[1:] == replayed.stdout.splitlines()[1:]
            assert modelled.stdout.splitlines()[0].split(",")[0] == replayed.stdout.splitlines()[0].split(",")[0]


def test_a_json_list_holds_one_compact_record_a_line(cli, db):
    out = cli("log", "--json", "--store", db)
    lines = out.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    records = [json.loads(line.strip().rstrip(",")) for line in lines[1:-1]]
    assert records == json.loads(out.stdout) and len(records) == 40


def test_a_reader_that_stops_early_gets_no_error(tmp_path):
    """`orgsim log | head -1`: the pipe closes under a long log; orgsim stops quietly (no `Error:`)."""
    import subprocess
    import sys

    from conftest import generated_history

    from orgsim.application import open_store
    from orgsim.interchange import read_jsonl

    store = str(tmp_path / "g.db")
    open_store(store, create=True).load(read_jsonl(generated_history(tmp_path / "h.jsonl", 100, 2000, 5), "G"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "orgsim", "log", "--store", store], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout.readline().startswith(b"2000 events")
    proc.stdout.close()  # the reader goes away long before the 2,000 events are written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) != 0
    assert "Error" not in err and "Traceback" not in err and "Exception" not in err, err
