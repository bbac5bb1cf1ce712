"""`export --format ftm` and `import --format ftm`: every entity valid for the followthemoney model,
the charts rebuilt on every day the seeds (and the public record demo) change, a plain FtM file from
elsewhere read as cited events, and a bad file refused in one line with nothing stored."""

import json
from datetime import timedelta

import pytest
from conftest import ROOT, stored_events
from followthemoney import model, registry

from orgsim.dates import PartialDate

DEMO = ROOT / "demo" / "public-record.jsonl"


@pytest.fixture(params=["seeds", "demo"])
def store(request, cli, db):
    if request.param == "demo":
        assert cli("import", DEMO, "--store", db).exit_code == 0
    return db


def exported(cli, store, tmp_path):
    path = tmp_path / "export.ftm.json"
    result = cli("export", "--format", "ftm", "--store", store, "-o", path)
    assert result.exit_code == 0, result.stderr
    return path, [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_exported_entity_is_valid_for_the_followthemoney_model(cli, store, tmp_path):
    _, entities = exported(cli, store, tmp_path)
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids))
    for entity in entities:
        schema = model.get(entity["schema"])
        assert schema is not None and not schema.abstract, entity["schema"]
        for name, values in entity["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (schema.name, name)
            for value in values:
                assert prop.type.validate(value), (schema.name, name, value)
                assert prop.type.clean(value) is not None
                if prop.type == registry.entity:
                    assert value in ids, (schema.name, name, value)
    schemas = {e["schema"] for e in entities}
    assert {"Person", "Organization", "Position", "Occupancy", "Employment", "UnknownLink", "Document"} <= schemas
    organisations = {e["properties"]["name"][0] for e in entities if e["schema"] == "Organization"}
    assert {"OpenAI"} <= organisations


def test_an_occupancy_gives_the_holder_the_post_its_dates_and_sources(cli, db, tmp_path):
    _, entities = exported(cli, db, tmp_path)
    by_id = {e["id"]: e for e in entities}
    murati = [
        e
        for e in entities
        if e["schema"] == "Occupancy" and by_id[e["properties"]["holder"][0]]["properties"]["name"] == ["Mira Murati"]
    ]
    (cto,) = [e for e in murati if by_id[e["properties"]["post"][0]]["properties"]["name"] == ["CTO"]]
    assert cto["properties"]["endDate"] == ["2024-09-25"]
    assert by_id[cto["properties"]["proof"][0]]["properties"]["name"][0].endswith(".txt")
    assert "“" in cto["properties"]["summary"][0]  # the quotes a reader sees
    (line,) = [
        e
        for e in entities
        if e["schema"] == "UnknownLink"
        and by_id[e["properties"]["subject"][0]]["properties"]["name"] == ["Barret Zoph"]
    ]
    assert line["properties"]["role"] == ["reports to"]
    assert by_id[line["properties"]["object"][0]]["properties"]["name"] == ["Bob McGrew"]


def change_days(cli, store, org):
    """Every day an event of the organisation takes effect or stops being partly known, and the day before."""
    days = set()
    for entry in cli.json("log", "--org", org, "--store", store):
        if not entry["retracted"]:
            on = PartialDate.parse(entry["on"])
            days |= {on.start, on.start - timedelta(days=1)} | ({on.end} if on.end.year < 9999 else set())
    return sorted(days)


def chart(cli, store, org, day):
    """`show --json` without the event ids (a new store gives its events new ids)."""
    shown = cli.json("show", "--at", day.isoformat(), "--org", org, "--store", store)
    for row in shown["people"]:
        row.pop("events")
        for post in row["posts"]:
            post.pop("events")
    return shown["people"], shown["units"]


def test_importing_the_export_rebuilds_the_same_charts_on_every_change_day(cli, store, tmp_path):
    path, _ = exported(cli, store, tmp_path)
    copy = str(tmp_path / "copy.db")
    result = cli("import", "--format", "ftm", path, "--store", copy)
    assert result.exit_code == 0, result.stderr
    organisations = [o["name"] for o in cli.json("org", "list", "--store", store)["organisations"]]
    assert [o["name"] for o in cli.json("org", "list", "--store", copy)["organisations"]] == organisations
    for org in organisations:
        for day in change_days(cli, store, org):
            assert chart(cli, copy, org, day) == chart(cli, store, org, day), (org, day)
    assert cli.json("people", "--store", copy)["people"] == cli.json("people", "--store", store)["people"]
    again = cli("import", "--format", "ftm", path, "--store", copy)
    assert again.exit_code == 0 and "0 events and 0 people added" in again.stderr


def test_export_with_org_writes_that_organisation_and_the_people_it_names(cli, db, tmp_path):
    assert cli("import", DEMO, "--store", db).exit_code == 0
    path = tmp_path / "anthropic.ftm.json"
    assert cli("export", "--format", "ftm", "--org", "Anthropic", "--store", db, "-o", path).exit_code == 0
    entities = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [e["properties"]["name"] for e in entities if e["schema"] == "Organization"] == [["Anthropic"]]
    people = {e["properties"]["name"][0] for e in entities if e["schema"] == "Person"}
    assert "John Schulman" in people and "Mira Murati" not in people


FOREIGN = [
    {"id": "acme", "schema": "Organization", "properties": {"name": ["Acme Corp"]}},
    {"id": "p-jane", "schema": "Person", "properties": {"name": ["Jane Doe"], "alias": ["J. Doe"]}},
    {"id": "p-raj", "schema": "Person", "properties": {"name": ["Raj Patel"]}},
    {"id": "pos-ceo", "schema": "Position", "properties": {"name": ["CEO"], "organization": ["acme"]}},
    {"id": "pos-cfo", "schema": "Position", "properties": {"name": ["CFO"], "organization": ["acme"]}},
    {
        "id": "occ-1",
        "schema": "Occupancy",
        "properties": {
            "holder": ["p-jane"],
            "post": ["pos-cfo"],
            "startDate": ["2019-03"],
            "endDate": ["2021-06-30"],
            "sourceUrl": ["https://example.org/acme/board-2019"],
        },
    },
    {
        "id": "occ-2",
        "schema": "Occupancy",
        "properties": {
            "holder": ["p-jane"],
            "post": ["pos-ceo"],
            "startDate": ["2021-06-01"],
            "endDate": ["2024-01"],
            "sourceUrl": ["https://example.org/acme/ceo"],
            "publisher": ["Acme press office"],
        },
    },
    {
        "id": "occ-3",
        "schema": "Occupancy",
        "properties": {"holder": ["p-raj"], "post": ["pos-cfo"], "startDate": ["2021-07-01"]},
    },
    {"id": "addr", "schema": "Address", "properties": {"full": ["1 Main St"]}},
]


def write(path, entities):
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


def test_a_plain_ftm_file_from_elsewhere_imports_as_cited_events(cli, tmp_path):
    path, store = write(tmp_path / "acme.ftm.json", FOREIGN), str(tmp_path / "acme.db")
    result = cli("import", "--format", "ftm", path, "--store", store)
    assert result.exit_code == 0, result.stderr
    assert "Note: 1 entities not used" in result.stderr and "1 Address" in result.stderr

    def posts(day):
        people = cli.json("show", "--at", day, "--org", "Acme Corp", "--store", store)["people"]
        return {p["id"]: p["title"] for p in people}

    assert posts("2019-12-31") == {"jane-doe": "CFO"}
    assert posts("2021-06-15") == {"jane-doe": "CFO and CEO"}  # the CEO post held beside the CFO's
    assert posts("2021-07-15") == {"jane-doe": "CEO", "raj-patel": "CFO"}
    assert posts("2024-02-01") == {"raj-patel": "CFO"}  # her last post ended: she left
    log = cli.json("log", "--org", "Acme Corp", "--store", store)
    kinds = [(e["kind"], e["person"], e["on"], e["details"].get("post")) for e in log]
    assert ("departed", "jane-doe", "2021-06-30", "CFO") in kinds
    assert ("departed", "jane-doe", "2024-01", None) in kinds
    ceo = next(e for e in log if e["kind"] == "appointed" and e["details"]["title"] == "CEO")
    assert ceo["details"]["also"] is True
    assert ceo["sources"] == [
        {"url": "https://example.org/acme/ceo", "note": "FollowTheMoney Occupancy occ-2; publisher: Acme press office"}
    ]
    assert "J. Doe" in cli.json("people", "--store", store)["people"][0]["aliases"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda es: es.append({"id": "x", "schema": "Spaceship", "properties": {}}), "unknown FollowTheMoney schema"),
        (lambda es: es[6]["properties"].update(startDate=["2021-13-01"]), "Occupancy startDate: '2021-13-01' is not"),
        (lambda es: es[7]["properties"].update(post=["pos-cto"]), "Occupancy post: no entity 'pos-cto' in the file"),
        (lambda es: es[1]["properties"].update(colour=["blue"]), "Person has no property 'colour'"),
        (
            lambda es: es.append({"id": "p-jane", "schema": "Person", "properties": {"name": ["Someone Else"]}}),
            "entity 'p-jane' is given again (first at",
        ),
        (lambda es: es[6]["properties"].update(holder=["acme"]), "holder: 'acme' is an Organization, not a Person"),
        (lambda es: es[6]["properties"].update(post=["p-raj"]), "post: 'p-raj' is a Person, not a Position"),
        (lambda es: es[7]["properties"].update(endDate=["2020"]), "endDate 2020 is before its startDate 2021-07-01"),
    ],
)
def test_a_bad_ftm_file_is_refused_in_one_line_and_nothing_is_stored(cli, db, tmp_path, change, reason):
    entities = json.loads(json.dumps(FOREIGN))
    change(entities)
    path = write(tmp_path / "bad.ftm.json", entities)
    before = stored_events(db)
    result = cli("import", "--format", "ftm", path, "--store", db, "--org", "OpenAI")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {path}:")
    assert reason in result.stderr
    assert stored_events(db) == before


def test_an_export_whose_carried_records_were_damaged_is_refused_in_one_line(cli, db, tmp_path):
    path, entities = exported(cli, db, tmp_path)
    occupancy = next(e for e in entities if e["schema"] == "Occupancy")
    occupancy["properties"]["description"] = ["orgsim: {not json"]
    write(path, entities)
    result = cli("import", "--format", "ftm", path, "--store", str(tmp_path / "copy.db"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "description: the orgsim records are not valid JSON" in result.stderr
    assert not (tmp_path / "copy.db").exists()


def occupancy(eid, holder, post, start, end=None):
    dates = {"startDate": [start], **({"endDate": [end]} if end else {})}
    props = {"holder": [holder], "post": [post], "sourceUrl": [f"https://example.org/{eid}"], **dates}
    return {"id": eid, "schema": "Occupancy", "properties": props}


def test_namesakes_stay_two_people_a_persons_sources_are_kept_and_a_handover_leaves_no_gap(cli, tmp_path):
    entities = [
        {"id": "town", "schema": "Organization", "properties": {"name": ["Town Council"]}},
        {"id": "js-1950", "schema": "Person", "properties": {"name": ["John Smith"], "birthDate": ["1950"]}},
        {"id": "js-1980", "schema": "Person", "properties": {"name": ["John Smith"], "birthDate": ["1980"]}},
        {
            "id": "jane",
            "schema": "Person",
            "properties": {"name": ["Jane Doe"], "sourceUrl": ["https://example.gov/jane"]},
        },
        {"id": "mayor", "schema": "Position", "properties": {"name": ["Mayor"], "organization": ["town"]}},
        {"id": "clerk", "schema": "Position", "properties": {"name": ["Clerk"], "organization": ["town"]}},
        {"id": "councillor", "schema": "Position", "properties": {"name": ["Councillor"], "organization": ["town"]}},
        occupancy("o1", "js-1950", "mayor", "2010", "2017"),
        occupancy("o2", "js-1980", "clerk", "2012"),
        occupancy("o3", "jane", "councillor", "2014", "2018-01-01"),
        occupancy("o4", "jane", "mayor", "2018-01-01"),
    ]
    path, store = write(tmp_path / "town.ftm.json", entities), str(tmp_path / "town.db")
    result = cli("import", "--format", "ftm", path, "--store", store)
    assert result.exit_code == 0, result.stderr
    people = {p["id"]: p for p in cli.json("people", "--store", store)["people"]}
    assert {"john-smith", "john-smith-2", "jane-doe"} <= set(people)
    assert people["jane-doe"]["source"]["url"] == "https://example.gov/jane"
    chart = {p["id"]: p["title"] for p in cli.json("show", "--at", "2016-06-01", "--store", store)["people"]}
    assert chart == {"john-smith": "Mayor", "john-smith-2": "Clerk", "jane-doe": "Councillor"}
    titles = cli.json("history", "jane-doe", "--store", store)["titles"]
    assert [(t["title"], t["from"], t["to"]) for t in titles] == [
        ("Councillor", "2014", "2018-01-01"),
        ("Mayor", "2018-01-01", None),
    ]


def test_someone_only_registered_comes_back_in_their_own_organisation(cli, tmp_path):
    lines = [
        {"kind": "organisation", "name": "Alpha"},
        {"kind": "appointed", "person": "ann-lee", "name": "Ann Lee", "title": "CEO", "on": "2024", "source": "memo"},
        {"kind": "organisation", "name": "Beta"},
        {"kind": "person", "person": "cy-ng", "name": "Cy Ng"},
        {"kind": "appointed", "person": "bo-li", "name": "Bo Li", "title": "CTO", "on": "2024", "source": "memo"},
    ]
    history, store, copy = tmp_path / "h.jsonl", str(tmp_path / "s.db"), str(tmp_path / "c.db")
    write(history, lines)
    assert cli("import", history, "--store", store).exit_code == 0
    path = tmp_path / "x.ftm.json"
    assert cli("export", "--format", "ftm", "--store", store, "-o", path).exit_code == 0
    result = cli("import", "--format", "ftm", path, "--store", copy)
    assert result.exit_code == 0, result.stderr

    def registers(s):
        return {p["id"]: p["organisations"] for p in cli.json("people", "--store", s)["people"]}

    assert registers(copy) == registers(store) and registers(copy)["cy-ng"] == ["Beta"]
