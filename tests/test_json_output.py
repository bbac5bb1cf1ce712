"""`--json` output: any value comes back unchanged, and the layout is one record per line."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.cli.common import json_text

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
