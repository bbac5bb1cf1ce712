"""`orgsim export --format popolo` (`orgsim.interchange.popolo`): one Popolo JSON document, checked on
the seeds and on the public record demo (four organisations) against the specification's own JSON
Schemas (tests/data/popolo/, validated with `jsonschema`), its date forms, its references, and the
store itself: every membership's dates and sources are those `holders --json` (a post) and `history
--json` (a stint) give for the same person, read through the CLI."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from orgsim.dates import PartialDate

DEMO = ROOT / "demo" / "public-record.jsonl"
SCHEMAS = ROOT / "tests" / "data" / "popolo"
REDUCED_ISO = re.compile(r"^[0-9]{4}(-[0-9]{2}){0,2}$")
CLASSES = {"persons": "person", "organizations": "organization", "posts": "post", "memberships": "membership"}


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def validators() -> dict[str, Draft3Validator]:
    """The specification's schema of each class, its `$ref`s resolved among the copied schemas."""
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.glob("*.json"))]
    registry = Registry().with_resources(
        (s["id"].rstrip("#"), Resource(contents=s, specification=DRAFT3)) for s in schemas
    )
    by_id = {s["id"].rstrip("#").rsplit("/", 1)[1].removesuffix(".json"): s for s in schemas}
    return {name: Draft3Validator(by_id[name], registry=registry) for name in CLASSES.values()}


def exported(cli, store, *args):
    return json.loads(ok(cli("export", "--format", "popolo", "--store", store, *args)).stdout)


@pytest.fixture(params=["seeds", "demo"])
def store(request, cli, db):
    if request.param == "demo":
        ok(cli("import", DEMO, "--store", db))
    return db


def test_every_record_validates_against_the_specifications_json_schema(cli, store):
    document = exported(cli, store)
    assert list(document) == ["persons", "organizations", "posts", "memberships"]
    check = validators()
    for key, records in document.items():
        assert records, key
        for record in records:
            errors = [e.message for e in check[CLASSES[key]].iter_errors(record)]
            assert errors == [], (key, record)
    # what the specification's text requires beyond its schemas (section 4, Serialization)
    assert all(m.get("person_id") and (m.get("organization_id") or m.get("post_id")) for m in document["memberships"])
    assert all(p.get("organization_id") for p in document["posts"])
    assert all(p.get("id") and p.get("name") for p in document["persons"] + document["organizations"])


def test_the_schemas_catch_what_popolo_does_not_allow():
    # (the check above is live: an EDTF date, or a source without its address, is refused)
    check = validators()
    assert list(check["membership"].iter_errors({"person_id": "x", "start_date": "[..2023-11-16]"}))
    assert list(check["person"].iter_errors({"id": "x", "sources": [{"note": "no url"}]}))
    assert not list(check["membership"].iter_errors({"person_id": "x", "start_date": "2023-11"}))


def test_dates_are_reduced_iso_dates_and_every_reference_resolves(cli, store):
    document = exported(cli, store)
    people = {p["id"] for p in document["persons"]}
    organizations = {o["id"]: o for o in document["organizations"]}
    posts = {p["id"]: p for p in document["posts"]}
    assert len(people) == len(document["persons"]) and len(posts) == len(document["posts"])
    assert len(organizations) == len(document["organizations"])
    for unit in organizations.values():
        assert unit.get("parent_id", unit["id"]) in organizations
    for post in posts.values():
        assert post["organization_id"] in organizations
    for m in document["memberships"]:
        assert m["person_id"] in people and m["organization_id"] in organizations
        if "post_id" in m:
            assert posts[m["post_id"]]["organization_id"] == m["organization_id"]
        for key in ("start_date", "end_date"):
            assert key not in m or REDUCED_ISO.match(m[key]), m
        assert "start_date" in m or "+start_date" in m, m  # (every stretch began on a date the store holds)


def test_people_and_organisations_are_the_stores(cli, store):
    document = exported(cli, store)
    listed = cli.json("people", "--store", store)["people"]
    assert [p["id"] for p in document["persons"]] == sorted(p["id"] for p in listed)
    by_id = {p["id"]: p for p in listed}
    for person in document["persons"]:
        assert person["name"] == by_id[person["id"]]["name"]
        assert [n["name"] for n in person.get("other_names", [])] == by_id[person["id"]]["aliases"]
    held = cli.json("org", "list", "--store", store)["organisations"]
    tops = [o for o in document["organizations"] if "parent_id" not in o]
    assert [o["name"] for o in tops] == [o["name"] for o in held]
    units = sorted((o["parent_id"], o["name"]) for o in document["organizations"] if "parent_id" in o)
    top_id = {o["name"]: o["id"] for o in tops}
    assert units == sorted((top_id[o["name"]], name) for o in held for name in o.get("units", {}).values())


def dates_of(membership):
    """A membership's first and last day as the store has them (the exact form where Popolo's is less)."""
    return tuple(membership.get("+" + k, membership.get(k)) for k in ("start_date", "end_date"))


def assert_same_dates(membership, start, end):
    assert dates_of(membership) == (start, end), membership
    for key, value in (("start_date", start), ("end_date", end)):
        prefix = PartialDate.parse(value).prefix if value is not None else None
        assert membership.get(key) == prefix, membership  # never more than is known
        assert ("+" + key in membership) == (value is not None and prefix != value), membership


def assert_same_sources(membership, sources):
    """Each source of the store, in order, as a Popolo link: its address (else its document), and in
    its note the document, the quote and the note."""
    links = membership.get("sources", [])
    assert len(links) + len(membership.get("+notes", [])) == len(sources), membership
    addressed = [s for s in sources if s.get("url") or s.get("document")]
    assert len(links) == len(addressed)
    for link, source in zip(links, addressed):
        assert link["url"] == source.get("url", source.get("document"))
        for part in ("document", "quote", "note"):
            assert source.get(part, "") in link["note"], (link, source)


def test_each_post_membership_is_a_tenure_that_holders_gives(cli, store):
    document = exported(cli, store)
    organizations = {o["id"]: o for o in document["organizations"]}
    posts = {p["id"]: p for p in document["posts"]}
    checked = 0
    for post in posts.values():
        owner = organizations[post["organization_id"]]
        top = organizations[owner.get("parent_id", owner["id"])]["name"]
        unit = owner["name"] if "parent_id" in owner else None
        asked = ["holders", post["label"], "--org", top, "--store", store] + (["--unit", unit] if unit else [])
        tenures = [t for t in cli.json(*asked)["holders"] if not t["vacant"] and t["unit"] == unit]
        mine = [m for m in document["memberships"] if m.get("post_id") == post["id"]]
        assert len(mine) == len(tenures), post
        for membership, tenure in zip(mine, tenures):
            assert membership["person_id"] == tenure["person"]
            assert membership["organization_id"] == owner["id"]
            assert membership["role"] == tenure["title"]
            assert membership["label"] == ("acting " if tenure["acting"] else "") + tenure["title"]
            assert_same_dates(membership, tenure["from"], tenure["to"])
            assert_same_sources(membership, tenure["sources"])
            checked += 1
    assert checked == sum(1 for m in document["memberships"] if "post_id" in m) > 10


def test_each_membership_without_a_post_is_a_stint_that_history_gives(cli, store):
    document = exported(cli, store)
    names = {o["id"]: o["name"] for o in document["organizations"] if "parent_id" not in o}
    members = [m for m in document["memberships"] if "post_id" not in m]
    assert all(m["organization_id"] in names for m in members)
    seen = 0
    for person in sorted({m["person_id"] for m in members}):
        for org_id, org in names.items():
            mine = [m for m in members if m["person_id"] == person and m["organization_id"] == org_id]
            if not mine:
                continue
            history = cli.json("history", person, "--org", org, "--store", store)
            events = {e["id"]: e for e in history["events"]}
            assert len(mine) == len(history["stints"]), (person, org)
            for membership, stint in zip(mine, history["stints"]):
                assert_same_dates(membership, stint["from"], stint["to"])
                assert_same_sources(membership, [s for e in stint["events"] for s in events[e]["sources"]])
                seen += 1
    assert seen == len(members)


def test_an_organisation_alone_and_what_has_no_address(cli, tmp_path):
    store = str(tmp_path / "acme.db")
    ok(cli("org", "add", "Acme", "--store", store))
    ok(cli("append", "appointed", "jane-roe", "--name", "Jane Roe", "--title", "CEO", "--on", "2024-03-04..2024-05-02",
           "--source", "told by a reader", "--store", store))  # fmt: skip
    ok(cli("append", "departed", "jane-roe", "--on", "..2025-01-31", "--url", "https://example.org/a-departure",
           "--quote", "Jane Roe has left", "--store", store))  # fmt: skip
    out = tmp_path / "acme.json"
    result = ok(cli("export", "--format", "popolo", "-o", out, "--store", store))
    assert result.stdout == "" and f"to {out}" in result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["organizations"] == [{"id": "acme", "name": "Acme"}]
    assert document["posts"] == [{"id": "acme/ceo", "label": "CEO", "organization_id": "acme"}]
    (member, ceo) = document["memberships"]
    assert ceo["post_id"] == "acme/ceo" and member["organization_id"] == ceo["organization_id"] == "acme"
    for membership in (member, ceo):
        # a range across three months is known only to its year; an open bound has no reduced ISO date
        assert membership["start_date"] == "2024" and membership["+start_date"] == "[2024-03-04..2024-05-02]"
        assert "end_date" not in membership and membership["+end_date"] == "[..2025-01-31]"
        assert membership["+notes"] == ["start on [2024-03-04..2024-05-02] (appointed CEO); told by a reader"]
        assert membership["sources"] == [
            {
                "url": "https://example.org/a-departure",
                "note": "end on or before 2025-01-31 (departed); quote “Jane Roe has left”",
            }
        ]


def test_one_organisation_of_several(cli, db):
    ok(cli("import", DEMO, "--store", db))
    first, again = (ok(cli("export", "--format", "popolo", "--store", db)).stdout for _ in range(2))
    assert first == again  # (the same store, the same bytes)
    document = exported(cli, db, "--org", "Anthropic")
    assert [o["name"] for o in document["organizations"]] == ["Anthropic"]
    assert {m["organization_id"] for m in document["memberships"]} == {"anthropic"}
    register = {p["id"] for p in cli.json("people", "--org", "Anthropic", "--store", db)["people"]}
    assert {p["id"] for p in document["persons"]} == register >= {m["person_id"] for m in document["memberships"]}
