"""Every rule, checked before anything is stored: a one-line error naming person, date and reason."""

import pytest
from conftest import make_store, stored_events

from orgsim.application import open_store
from orgsim.errors import AmbiguousPersonError, DateError, OrgsimError, RecordError, RuleError, UnknownPersonError
from orgsim.interchange import EventRecord, parse_event


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path, dataset):
    """The seeds in a SQLite file and in a PostgreSQL database."""
    path = make_store(request.param, tmp_path, request)
    open_store(path, create=True).load(dataset)
    return path


CASES = [
    ("departing twice", EventRecord("departed", "mira-murati", "2024-10-01"), RuleError, "not in the organisation"),
    ("returning when not on leave", EventRecord("returned", "sam-altman", "2024-10-01"), RuleError, "not on leave"),
    ("leave while on leave", EventRecord("on_leave", "greg-brockman", "2024-10-01"), RuleError, "already on leave"),
    ("leave after departure", EventRecord("on_leave", "john-schulman", "2024-10-01"), RuleError, "departed 2024-08"),
    (
        "reporting to oneself",
        EventRecord("reports_to", "mark-chen", "2024-10-01", manager="mark-chen"),
        RuleError,
        "themselves",
    ),
    (
        "reporting cycle",
        EventRecord("reports_to", "sam-altman", "2024-10-01", manager="mark-chen"),
        RuleError,
        "reporting to Mark Chen (mark-chen) would make a reporting cycle",
    ),
    (
        "manager not there on that date",
        EventRecord("reports_to", "mark-chen", "2024-10-01", manager="mira-murati"),
        RuleError,
        "not in the organisation on that date",
    ),
    (
        "manager not yet there",
        EventRecord("reports_to", "mark-chen", "2023-01-01", manager="kevin-weil"),
        RuleError,
        "not in the organisation on that date",
    ),
    ("unknown person", EventRecord("departed", "nobody-here", "2024-10-01"), UnknownPersonError, "unknown person"),
    (
        "unknown manager",
        EventRecord("reports_to", "mark-chen", "2024-10-01", manager="ghost"),
        UnknownPersonError,
        "ghost",
    ),
    ("ambiguous alias", EventRecord("departed", "Kevin", "2024-10-01"), AmbiguousPersonError, "could be any of"),
    ("malformed date", EventRecord("departed", "mark-chen", "2024-13-01"), DateError, "month 13"),
    ("not a date", EventRecord("departed", "mark-chen", "yesterday"), DateError, "not a date"),
    (
        "invalidates a later stored event",
        EventRecord("departed", "bob-mcgrew", "2024-01"),
        RuleError,
        "would make the stored event",
    ),
    (
        "departure before the person's appointment",
        EventRecord("departed", "kevin-weil", "2024-01"),
        RuleError,
        "not in the organisation",
    ),
]


@pytest.mark.parametrize("name, record, error, message", CASES, ids=[c[0] for c in CASES])
def test_a_forbidden_change_is_rejected_and_nothing_is_stored(store, name, record, error, message):
    app_ = open_store(store)
    if name == "ambiguous alias":  # a second person called "Kevin" (names may repeat; aliases may not)
        app_.record(EventRecord("appointed", "kevin-other", "2024-09", title="Engineer", name="Kevin"))
    before = stored_events(store)
    with pytest.raises(error) as err:
        app_.record(record)
    text = str(err.value)
    assert message in text and "\n" not in text
    if isinstance(err.value, RuleError):
        assert record.on in text or "would make" in text  # names the date
    assert stored_events(store) == before
    from datetime import date

    assert open_store(store).chart(date(2024, 10, 15)).row("sam-altman").title == "CEO"  # still readable


def test_the_error_names_the_person_date_and_reason(store):
    with pytest.raises(
        RuleError, match=r"^Mira Murati \(mira-murati\) on 2024-10-01: not in the organisation on that date"
    ):
        open_store(store).record(EventRecord("departed", "Mira Murati", "2024-10-01"))


def test_a_later_event_that_becomes_invalid_is_named(store):
    with pytest.raises(RuleError) as err:
        open_store(store).record(EventRecord("departed", "sam-altman", "2024-09"))
    assert "would make the stored event" in str(err.value) and "reports_to" in str(err.value)


def test_appointed_creates_an_unknown_person_and_others_do_not(store):
    app_ = open_store(store)
    app_.record(EventRecord("appointed", "jane-doe", "2024-10-01", title="COO", name="Jane Doe"))
    assert app_.replayed().people["jane-doe"]["name"] == "Jane Doe"


@pytest.mark.parametrize(
    "record, message",
    [
        ({"kind": "fired", "person": "x", "on": "2024"}, "unknown kind"),
        ({"kind": "departed", "on": "2024"}, "missing field 'person'"),
        ({"kind": "departed", "person": "x"}, "missing field 'on'"),
        ({"kind": "departed", "person": "x", "on": "2024", "title": "CEO"}, "do not belong"),
        ({"kind": "reports_to", "person": "x", "on": "2024"}, "missing field 'manager'"),
        ({"kind": "on_leave", "person": "x", "on": "2024", "until": "soon"}, "until"),
        ("not an object", "must be an object"),
    ],
)
def test_malformed_records_name_where_and_what(record, message):
    with pytest.raises(RecordError) as err:
        parse_event(record, "f.jsonl:3")
    assert str(err.value).startswith("f.jsonl:3: ") and message in str(err.value)


def test_a_load_with_one_bad_event_stores_nothing(store, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "organisation: OpenAI\nevents:\n"
        "  - {kind: appointed, person: new-one, title: Engineer, on: '2024-10'}\n"
        "  - {kind: departed, person: mira-murati, on: '2024-10-02'}\n",
        encoding="utf-8",
    )
    from orgsim.interchange import read_yaml

    before = stored_events(store)
    with pytest.raises(OrgsimError) as err:
        open_store(store).load(read_yaml(bad))
    assert "bad.yaml:4" in str(err.value)
    assert stored_events(store) == before


def test_an_alias_already_naming_someone_else_is_refused(store):
    before = stored_events(store)
    with pytest.raises(RuleError, match="alias 'Mira' already names Mira Murati"):
        open_store(store).record(
            EventRecord("appointed", "new-person", "2024-11", title="X", name="New Person", aliases=("Mira",))
        )
    assert stored_events(store) == before


@pytest.mark.parametrize(
    "spelling", ["Mira Murati", "mira murati", "MIRA-MURATI", "ミラ ムラティ", "ミラ・ムラティ", "Murati"]
)
def test_names_resolve_in_any_case_and_spacing(store, spelling):
    assert open_store(store).replayed().resolve(spelling) == "mira-murati"


def test_a_typo_gets_a_suggestion(store):
    with pytest.raises(UnknownPersonError, match=r"did you mean Mira Murati \(mira-murati\)\?"):
        open_store(store).replayed().resolve("mira-muratti")


def test_an_empty_title_means_not_reported(store):
    app_ = open_store(store)
    app_.record(EventRecord("appointed", "zed", "2024-10-01", title="  ", name="Zed"))
    from datetime import date

    assert app_.chart(date(2024, 10, 2)).row("zed").title is None


def _seed_file(tmp_path, event_yaml: str):
    import shutil

    from conftest import ROOT

    for doc in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(doc, tmp_path / doc.name)
    f = tmp_path / "s.yaml"
    f.write_text("organisation: Acme\nevents:\n" + event_yaml, encoding="utf-8")
    return f


def test_a_record_level_note_is_kept_in_the_source(tmp_path):
    from orgsim.interchange import read_yaml

    f = _seed_file(tmp_path, "  - {kind: appointed, person: ann, title: CEO, on: 2020-01-05, note: 'my note'}\n")
    (event,) = read_yaml(f).events
    assert event.source == {"note": "my note"} and event.on == "2020-01-05"  # an unquoted YAML date works too


@pytest.mark.parametrize("doc", ["/etc/passwd", "../seeds/000_064822530e0d536b.txt", "sub/x.txt", ".."])
def test_a_cited_document_must_be_a_file_beside_the_seeds(tmp_path, doc):
    from orgsim.interchange import read_yaml

    f = _seed_file(
        tmp_path,
        f"  - {{kind: appointed, person: ann, title: CEO, on: '2020', source: {{document: '{doc}', quote: 'root'}}}}\n",
    )
    with pytest.raises(RecordError, match="not a path"):
        read_yaml(f)


def test_a_departure_too_coarse_to_order_against_a_later_fact_is_refused(store):
    """Departing 'in 2024' cannot be placed against the 2024-09-25 promotion: refused, not re-ordered."""
    before = stored_events(store)
    with pytest.raises(
        RuleError,
        match=r"which came first cannot be told from the dates of event \w+ \(departed, 2024\) and event \w+ "
        r"\(appointed, 2024-09-25\)",
    ):
        open_store(store).record(EventRecord("departed", "mark-chen", "2024"))
    assert stored_events(store) == before
    open_store(store).record(EventRecord("departed", "mark-chen", "2024-10-01"))  # a precise date is fine


@pytest.mark.parametrize("where", ["sqlite", "memory"])
def test_a_return_inside_a_partly_known_departure_is_refused_on_every_path(tmp_path, dataset, where):
    """Landing after every other fact (the SQLite read model's fast path) or not, the same rule holds."""
    app_ = open_store(":memory:" if where == "memory" else str(tmp_path / "f.db"), create=True)
    app_.load(dataset)
    app_.record(EventRecord("appointed", "zoe-new", "2025-01-10", title="Engineer", name="Zoe New"))
    app_.record(EventRecord("departed", "zoe-new", "2025-03"))
    with pytest.raises(
        RuleError,
        match=r"which came first cannot be told from the dates of event \w+ \(departed, 2025-03\) and event \w+ "
        r"\(appointed, 2025-03-20\)",
    ):
        app_.record(EventRecord("appointed", "zoe-new", "2025-03-20", title="Engineer"))
    app_.record(EventRecord("appointed", "zoe-new", "2025-04-02", title="Engineer"))  # after the month: fine
