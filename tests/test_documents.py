"""Each record's metadata, as printed, from each of the three layouts; empty where a record says nothing."""

from __future__ import annotations

import pytest

from etl.read.frame import recognize_layout
from etl.read.vocabulary import load_vocabulary


@pytest.mark.parametrize(
    "seed_file, layout",
    [
        ("000_1350c6598e69a2c4.txt", "archive_markdown_page"),
        ("001_e4429c10425e4047.txt", "archive_web_page"),
        ("002_982b1e65145e082d.txt", "plain_record"),
    ],
)
def test_each_layout_is_recognized_by_its_form(seed_texts, seed_file, layout):
    assert recognize_layout(seed_texts[seed_file], load_vocabulary().archive_page) == layout


def test_notes_of_3_november_from_the_archive_page(db):
    document = db["documents"].get("1962-11-03-notes")
    assert document["title"] == "Notes of Conversation between A.I. Mikoyan and Fidel Castro"
    assert (document["date"], document["date_as_printed"], document["time_of_day"]) == (
        "1962-11-03",
        "November 3, 1962",
        "morning",
    )
    assert document["document_type"] == "notes of conversation"
    assert document["heading_as_printed"] == "NOTES OF CONVERSATION BETWEEN A.I. MIKOYAN and FIDEL CASTRO"
    assert document["original_language"] == "Russian"
    assert document["archive"] == "Russian Foreign Ministry archives"
    assert document["provenance"] == "obtained and translated by NHK television, copy provided by Philip Brenner"
    assert document["translator"] == "Vladimir Zaemsky"
    assert document["citation"].startswith(
        '"Notes of Conversation between A.I. Mikoyan and Fidel Castro", November 3, 1962, Wilson Center Digital Archive'
    )
    assert document["source_url"].endswith("/document/110955")
    assert (document["record_id"], document["canonical_url"]) == (
        "110955",
        "https://digitalarchive.wilsoncenter.org/document/110955",
    )
    assert document["summary"].startswith("Soviet Ambassador to Cuba Alexeev reports on the conversation")
    assert document["signature_as_printed"] == "3.XI.62 ALEKSEEV"
    assert document["classification"] is None and document["rights"] is None


def test_memorandum_of_5_november_from_the_archive_web_page(db):
    document = db["documents"].get("1962-11-05-memorandum")
    assert (
        document["title"] == "Memorandum of Conversation, A.I. Mikoyan with Osvaldo Dorticos, Ernesto Guevara, "
        "and Carlos Rafael Rodriguez"
    )
    assert (document["date"], document["date_as_printed"], document["time_of_day"]) == (
        "1962-11-05",
        "Evening 5 November 1962",
        "evening",
    )
    assert (document["document_type"], document["classification"]) == ("memorandum of conversation", "Top Secret")
    assert document["provenance"] == "copy provided by National Security Archive, Washington, D.C."
    assert document["translator"] == "Mark H. Doctoroff"
    assert document["record_id"] == "110969"
    assert document["rights"].startswith(
        "The History and Public Policy Program welcomes reuse of Digital Archive materials"
    )
    assert document["summary"].startswith("Alekseev and Mikoyan discuss the nature of UN inspections in Cuba")
    assert document["citation"] is None and document["source_url"] is None, "the web page prints neither"


def test_telegram_of_4_november_says_only_what_it_prints(db):
    document = db["documents"].get("1962-11-04-telegram")
    assert (document["date"], document["date_as_printed"], document["time_of_day"]) == (
        "1962-11-04",
        "4 November 1962",
        None,
    )
    assert document["document_type"] == "telegram"
    assert document["title_source"].startswith("Supplied by this project")
    assert document["summary"].startswith("Alekseev sends the results of a meeting with Cuban leadership")
    for unstated in ("record_id", "canonical_url", "translator", "archive", "rights", "citation"):
        assert document[unstated] is None, unstated


def test_values_from_outside_the_seeds_carry_their_source(db):
    for document in db.query("select * from documents"):
        assert document["place"] == "Havana"
        assert "conversations in Havana" in document["place_source"]
