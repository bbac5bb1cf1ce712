"""The seeds are the articles' facts: every quote verbatim, every document copied unchanged."""

import yaml
from conftest import ROOT, SEEDS

SHARED = ROOT.parent / "shared" / "seeds"


def _raw():
    return yaml.load(SEEDS.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def test_every_cited_quote_occurs_verbatim_in_its_document():
    data = _raw()
    cited = [e["source"] for e in data["events"]] + [p["source"] for p in data["people"]]
    assert len(cited) > 50
    for source in cited:
        text = (ROOT / "seeds" / source["document"]).read_text(encoding="utf-8")
        assert source["quote"] in text, source["quote"]


def test_every_event_cites_a_document_and_a_quote():
    for event in _raw()["events"]:
        assert event["source"]["document"].endswith(".txt")
        assert len(event["source"]["quote"]) >= 4


def test_public_record_facts_say_so():
    """A day or a year the articles do not give must be marked as coming from the public record."""
    for event in _raw()["events"]:
        note = event["source"].get("note", "")
        if len(event["on"]) == 10:  # a day: the articles never give one
            assert "public record" in note, event


def test_seed_documents_are_verbatim_copies():
    if not SHARED.is_dir():  # outside the workspace the originals are not beside the repo
        assert sorted(p.name for p in (ROOT / "seeds").glob("*.txt")) == [
            "000_064822530e0d536b.txt",
            "002_fa3ea9b5eed048a8.txt",
        ]
        return
    for original in SHARED.glob("*.txt"):
        assert (ROOT / "seeds" / original.name).read_bytes() == original.read_bytes()
