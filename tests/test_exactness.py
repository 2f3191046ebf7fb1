"""Nothing lost, nothing invented: offsets reproduce the printed text, coverage is complete, builds repeat."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from etl.build import build_database, load_curated_inputs
from etl.errors import InvariantError
from etl.invariants import check_invariants
from etl.rows.record import parse_seed
from etl.schema import TABLES


def test_every_note_marker_is_exactly_the_printed_text(db, seed_texts):
    for row in db.query("select * from editorial_notes"):
        assert seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]] == row["marker"], row["note_id"]


def printed_words(spans: list[dict]) -> list[str]:
    """The words a turn's spans print, in order.

    A turn can go on across a note paragraph ("[Ed. note: ...]") or a line of the printed page
    ("113Reference copy"); those are rows of their own, and the turn's spans leave them out.
    """
    return [word for span in spans for word in span["text"].split()]


def test_every_turn_is_the_printed_text_of_its_spans(db, seed_texts):
    for row in db.query("select * from utterances"):
        printed = seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]]
        spans = list(
            db.query(
                "select * from seed_spans where category = 'utterance' and field = ? order by char_start",
                [row["utterance_id"]],
            )
        )
        for span in spans:
            assert seed_texts[row["seed_file"]][span["char_start"] : span["char_end"]] == span["text"]
        assert (spans[0]["char_start"], spans[-1]["char_end"]) == (row["char_start"], row["char_end"])
        assert printed_words(spans) == row["text"].split(), row["utterance_id"]
        assert printed.startswith(row["text"].split("\n\n")[0].split(" ")[0])
        if row["speaker_label"]:
            label = seed_texts[row["seed_file"]][row["speaker_label_char_start"] : row["speaker_label_char_end"]]
            assert label == row["speaker_label"], row["utterance_id"]


def printed_label_faults(turn: dict, seed: str) -> list[str]:
    """What is wrong with a turn's label columns: a label is shown once, before the words (``lead_in``, the seed's
    words from the label to the text) or inside them (``speaker_label_offset_in_text``, exactly the label)."""
    label, lead_in, at = turn["speaker_label"], turn["lead_in"], turn["speaker_label_offset_in_text"]
    if label is None:
        return [] if lead_in is None and at is None else ["a turn without a label has a label's columns"]
    if (lead_in is None) == (at is None):
        return [f"the label {label!r} is placed {'twice' if lead_in else 'nowhere'}"]
    if lead_in is not None:
        before_text = " ".join(seed[turn["speaker_label_char_start"] : turn["char_start"]].split())
        return [] if lead_in == before_text and lead_in.startswith(label) else [f"lead-in {lead_in!r}"]
    return [] if turn["text"][at : at + len(label)] == label else [f"{label!r} is not at {at} of the text"]


def test_a_turns_label_is_printed_before_its_words_or_exactly_at_its_offset_in_them(db, seed_texts):
    turns = list(db.query("select * from utterances"))
    for turn in turns:
        assert printed_label_faults(turn, seed_texts[turn["seed_file"]]) == [], turn["utterance_id"]
    placed = [(turn["lead_in"] is not None, turn["speaker_label_offset_in_text"] is not None) for turn in turns]
    assert (placed.count((True, False)), placed.count((False, True))) == (67, 10)
    (lead_in,) = [turn["lead_in"] for turn in turns if turn["utterance_id"] == "1962-11-05-memorandum-u064"]
    assert lead_in == "A.I. MIKOYAN, to Che:"


def test_every_span_of_the_ledger_is_exactly_the_printed_text(db, seed_texts):
    for row in db.query("select * from seed_spans"):
        assert seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]] == row["text"], row["span_id"]


def test_evidence_of_roles_is_the_printed_text(db, seed_texts):
    for row in db.query("select * from document_participants"):
        assert seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]] == row["evidence"]


def test_the_ledger_covers_every_non_blank_character_of_every_seed(db, seed_texts):
    for document in db.query("select * from documents"):
        text = seed_texts[document["seed_file"]]
        covered = bytearray(len(text))
        for span in db.query(
            "select char_start, char_end from seed_spans where document_id = ?", [document["document_id"]]
        ):
            covered[span["char_start"] : span["char_end"]] = b"\x01" * (span["char_end"] - span["char_start"])
        missing = [i for i, c in enumerate(text) if not c.isspace() and not covered[i]]
        assert missing == [], f"{document['seed_file']}: unaccounted text at {missing[:5]}"
        assert document["unaccounted_chars"] == 0
        assert document["seed_nonblank_chars"] == sum(1 for c in text if not c.isspace())


def test_site_chrome_and_page_furniture_are_declared(db):
    chrome = {r["text"] for r in db.query("select text from seed_spans where category = 'site_chrome'")}
    assert {"Skip to content", "Document Information", "Record ID", "### Citation:", "Translation - English"} <= chrome
    furniture = {r["text"] for r in db.query("select text from seed_spans where category = 'page_furniture'")}
    assert furniture == {"3", "November 1962..."}


def test_foreign_keys_are_declared_and_hold(database_path):
    connection = sqlite3.connect(database_path)
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    declared = {
        (table, row[3], row[2])
        for table in ("utterances", "editorial_notes", "article_references")
        for row in connection.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert ("utterances", "participant_id", "participants") in declared
    assert ("editorial_notes", "article_id", "protocol_articles") in declared
    assert ("article_references", "article_id", "protocol_articles") in declared


def test_every_table_has_an_explicit_primary_key(db):
    for table in TABLES:
        assert db[table.name].pks == list(table.primary_key)
        assert not db[table.name].use_rowid


def test_full_text_search_folds_diacritics(db):
    def search(table: str, term: str) -> int:
        return db.execute(f"select count(*) from {table}_fts where {table}_fts match ?", [term]).fetchone()[0]

    assert search("utterances", "Dorticos") == search("utterances", "Dorticós") > 0
    assert search("utterances", "inspection") > 0
    assert search("editorial_notes", "obeskurazheni") == 1


def test_the_turns_view_puts_date_title_and_speaker_beside_the_text(db):
    row = next(db.query("select * from turns where utterance_id = '1962-11-05-memorandum-u008'"))
    assert (row["date"], row["speaker_name"], row["speaker_side"], row["text"]) == (
        "1962-11-05",
        "Ernesto Guevara",
        "Cuban",
        "That formula really causes doubts.",
    )
    assert db.execute("select count(*) from turns").fetchone()[0] == db["utterances"].count


def test_two_builds_give_identical_bytes(tmp_path, repo_root):
    digests = []
    for name in ("one.db", "two.db"):
        build_database(repo_root / "seeds", tmp_path / name, strict=True, log=lambda line: None)
        digests.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert digests[0] == digests[1]


@pytest.mark.parametrize(
    "table, fault, message",
    [
        ("seed_spans", lambda rows: rows.append(dict(rows[0])), "primary key .* is empty or repeated"),
        ("seed_spans", lambda rows: rows[-1].update(category="margin"), "category='margin' is not one of"),
        ("seed_spans", lambda rows: rows[-1].update(document_id=None), "required column document_id is empty"),
        ("seed_spans", lambda rows: rows[-1].pop("seed_file"), "required column seed_file is empty"),
        (
            "utterances",
            lambda rows: rows[-1].update(text=rows[-1]["text"] + " more"),
            "offsets do not reproduce the text's words",
        ),
    ],
)
def test_the_invariants_name_a_row_at_fault_among_rows_that_hold(table, fault, message, seed_texts):
    """Each record's rows are checked a column at a time, and the row at fault is then named."""
    seed_file, inputs = "000_1350c6598e69a2c4.txt", load_curated_inputs()
    parsed = parse_seed(seed_texts[seed_file], seed_file, "0" * 64, inputs.registry, inputs.for_record(seed_file))
    rows = {
        "documents": [parsed.document],
        **{name: [dict(row) for row in table_rows] for name, table_rows in parsed.rows.items()},
    }
    check_invariants(rows, {seed_file: seed_texts[seed_file]})
    fault(rows[table])
    with pytest.raises(InvariantError, match=message):
        check_invariants(rows, {seed_file: seed_texts[seed_file]})
