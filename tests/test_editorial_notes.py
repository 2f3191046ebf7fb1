"""Every bracket and every note of the records is a row, typed, placed and tied to its exact characters."""

from __future__ import annotations

import pytest

from etl.read.blocks import Span
from etl.read.notes import classify_note, scan_brackets

MEMORANDUM = "1962-11-05-memorandum"


@pytest.mark.parametrize(
    "document_id, marker, note_type, resp",
    [
        ("1962-11-03-notes", "[Castro]", "insertion", "translator"),
        ("1962-11-03-notes", "[news]", "insertion", "translator"),
        ("1962-11-05-memorandum", "[our]", "insertion", "translator"),
        ("1962-11-03-notes", "[Committees for the Defense of the Revolution]", "expansion", "translator"),
        ("1962-11-05-memorandum", "[obeskurazheni]", "gloss", "translator"),
        ("1962-11-05-memorandum", "[iuridicheskii]", "gloss", "translator"),
        ("1962-11-05-memorandum", "[?]", "query", "publishing editor"),
        ("1962-11-05-memorandum", "[escort?--ed.]", "query", "publishing editor"),
        ("1962-11-05-memorandum", "[in Cuba--ed.]", "clarification", "publishing editor"),
        ("1962-11-03-notes", "[Ellipsis in original.]", "ellipsis_in_original", "publishing editor"),
        ("1962-11-05-memorandum", "[signature]", "signature", "translator"),
        ("1962-11-05-memorandum", "[UN]", "insertion", "translator"),
        ("1962-11-05-memorandum", "[including]", "insertion", "translator"),
        ("1962-11-03-notes", "[Ellipsis in", "defect", "this project"),
        ("1962-11-03-notes", "November 1962...", "defect", "this project"),
        ("1962-11-03-notes", "3", "defect", "this project"),
    ],
)
def test_each_kind_of_note_is_found_where_the_seeds_have_it(db, document_id, marker, note_type, resp):
    rows = list(db.query("select * from editorial_notes where document_id = ? and marker = ?", [document_id, marker]))
    assert rows, f"no note {marker!r} in {document_id}"
    assert {(r["note_type"], r["resp"]) for r in rows} == {(note_type, resp)}


# Kinds of notes that only records of other sources print (the published collection's footnote numbers and
# its archive notes, an online edition's page marks): tests/test_reader_corpus.py finds them in the hand-read
# records and the records of tests/fixtures/other_sources/.
OTHER_SOURCES_NOTE_TYPES = {"footnote_reference", "archive_note", "page_marker"}


def test_every_note_type_occurs(db):
    found = {r["note_type"] for r in db.query("select distinct note_type from editorial_notes")}
    assert found == {r["note_type"] for r in db.query("select note_type from note_types")} - OTHER_SOURCES_NOTE_TYPES


def test_the_notes_after_the_records(db):
    archival = db.execute(
        "select marker, utterance_id, resp from editorial_notes where note_type = 'archival'"
    ).fetchall()
    assert archival == [
        ("Com. Mikoyan A.I. has not looked over the transcript of the conversation.", None, "Soviet recorder")
    ]
    bibliographic = db.execute(
        "select text, document_id from editorial_notes where note_type = 'bibliographic'"
    ).fetchall()
    assert len(bibliographic) == 1
    assert bibliographic[0][0].startswith("For English translations of the Russian records of conversations in Havana")
    assert bibliographic[0][0].endswith("CWIHP Bulletin 5 (Spring 1995), 59, 89-92 and 109, 159.")
    assert bibliographic[0][1] == "1962-11-04-telegram"


@pytest.mark.parametrize(
    "number, follows, opening, closing",
    [
        (
            13,
            "I agree. Consequently we should strike article 13.",
            'Article 13 of the draft protocol read: "The Government of the Republic of Cuba agrees',
            "Draft Soviet-American-Cuban protocol (unoffical translation), 31 October 1962, Russian Foreign Ministry "
            "archives.",
        ),
        (
            10,
            "And change article 10.",
            'Article 10 of the draft protocol read: "The Government of the USSR, taking into account',
            "Draft Soviet-American-Cuban protocol (unofficial translation), 31 October 1962, Russian Foreign Ministry "
            "archives.",
        ),
        (
            5,
            "What are you going to do about that?",
            'Article 5 of the draft protocol read: "The Government of the USA declares',
            "Draft Soviet-American-Cuban protocol (unofficial translation), 31 October 1962, Russian Foreign Ministry "
            "archives.",
        ),
    ],
)
def test_the_three_editors_notes_quote_articles_13_10_and_5_in_full(db, number, follows, opening, closing):
    note = next(db.query("select * from editorial_notes where note_type = 'ed_note' and text like ? || '%'", [opening]))
    assert note["text"].endswith(closing)
    assert note["marker"] == f"[Ed. note: {note['text']}]"
    assert note["article_id"] == f"protocol-1962-10-31-article-{number}"
    turn = db["utterances"].get(note["utterance_id"])
    assert turn["text"].startswith(follows), "the note belongs to the turn it follows"
    article = db["protocol_articles"].get(note["article_id"])
    assert article["completeness"] == "full" and article["source_note_id"] == note["note_id"]
    assert note["text"].startswith(f'Article {number} of the draft protocol read: "{article["text"]}"')


def test_notes_nested_in_a_quoted_article_belong_to_that_article(db):
    nested = db.execute(
        "select marker, article_id from editorial_notes where marker in ('[UN]', '[including]') order by char_start"
    ).fetchall()
    assert nested == [("[UN]", "protocol-1962-10-31-article-10"), ("[including]", "protocol-1962-10-31-article-5")]


def test_a_note_printed_inside_another_names_it_as_its_enclosing_note(db):
    nested = db.execute(
        "select note.marker, enclosing.marker from editorial_notes note "
        "join editorial_notes enclosing on enclosing.note_id = note.enclosing_note_id order by note.char_start"
    ).fetchall()
    assert [(marker, enclosing.split(" of ")[0]) for marker, enclosing in nested] == [
        ("[UN]", "[Ed. note: Article 10"),
        ("[including]", "[Ed. note: Article 5"),
    ]


def test_every_enclosing_note_is_the_innermost_note_of_the_record_whose_marker_encloses_it(db):
    notes = list(db.query("select * from editorial_notes"))

    def encloses(outer, inner):
        return (
            outer["note_id"] != inner["note_id"]
            and outer["document_id"] == inner["document_id"]
            and outer["char_start"] <= inner["char_start"]
            and inner["char_end"] <= outer["char_end"]
            and (outer["char_start"], outer["char_end"]) != (inner["char_start"], inner["char_end"])
        )

    for note in notes:
        around = [outer for outer in notes if encloses(outer, note)]
        innermost = min(around, key=lambda outer: outer["char_end"] - outer["char_start"], default=None)
        assert note["enclosing_note_id"] == (innermost["note_id"] if innermost else None), note["note_id"]
        if innermost:
            start = note["char_start"] - innermost["char_start"]
            assert innermost["marker"][start : start + len(note["marker"])] == note["marker"]
    assert sum(note["enclosing_note_id"] is not None for note in notes) == 2


def test_offsets_in_the_turn_point_at_the_marker(db):
    rows = list(
        db.query(
            "select n.marker, n.offset_in_utterance, u.text from editorial_notes n join utterances u using "
            "(utterance_id) where n.offset_in_utterance is not null"
        )
    )
    assert len(rows) >= 25
    for row in rows:
        assert row["text"][row["offset_in_utterance"] :].startswith(row["marker"])


def test_an_unclosed_bracket_is_a_defect_and_the_text_after_it_is_kept():
    text = (
        "The whole of Cuba was ready for defense...[Ellipsis in And suddenly--concessions...[Ellipsis in original.] "
        "Concessions"
    )
    notes = scan_brackets(Span(0, len(text), text), known_note_texts=("Ellipsis in original.",))
    assert [(n.marker.text, n.closed) for n in notes] == [("[Ellipsis in", False), ("[Ellipsis in original.]", True)]
    assert all(n.depth == 0 for n in notes)


def test_the_unclosed_bracket_of_3_november_is_recorded_with_its_explanation(db):
    defect = next(db.query("select * from editorial_notes where marker = '[Ellipsis in'"))
    assert defect["note_type"] == "defect"
    assert "never closed" in defect["explanation"]
    turn = db["utterances"].get(defect["utterance_id"])
    assert "[Ellipsis in And suddenly--concessions...[Ellipsis in original.] Concessions on the part" in turn["text"]


@pytest.mark.parametrize(
    "text, before, expected",
    [
        ("obeskurazheni", "They are dismayed ", "gloss"),
        ("iuridicheskii", "destroyed us legally ", "gloss"),
        ("news", "the American ", "insertion"),
        ("Committees for the Defense of the Revolution", "the National CDR ", "expansion"),
        ("Soviet officials", "Maybe tomorrow ", "insertion"),
        ("the proposal to swap Soviet missiles in Cuba for U.S. missiles in Turkey--ed.", "", "clarification"),
    ],
)
def test_classify_note(text, before, expected):
    assert classify_note(text, before) == expected
