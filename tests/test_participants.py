"""Who took part: canonical names, every printed form of them, and each person's role in each record."""

from __future__ import annotations

import pytest
from seedfolder import copy_seeds, seed_text

from etl.build import build_database
from etl.errors import ParseError

TELEGRAM = "002_982b1e65145e082d.txt"


def test_the_participants_are_the_nine_people_of_the_talks(db):
    rows = {r["participant_id"]: (r["name"], r["side"]) for r in db.query("select * from participants")}
    assert rows == {
        "mikoyan": ("Anastas I. Mikoyan", "Soviet"),
        "fidel-castro": ("Fidel Castro", "Cuban"),
        "raul-castro": ("Raúl Castro", "Cuban"),
        "dorticos": ("Osvaldo Dorticós", "Cuban"),
        "guevara": ("Ernesto Guevara", "Cuban"),
        "rodriguez": ("Carlos Rafael Rodríguez", "Cuban"),
        "aragones": ("Emilio Aragonés", "Cuban"),
        "alekseev": ("Aleksandr Alekseev", "Soviet"),
        "tikhmenev": ("V. Tikhmenev", "Soviet"),
    }
    assert all(r["source"] for r in db.query("select source from participants"))


@pytest.mark.parametrize(
    "printed, participant_id, kind",
    [
        ("A.I. MIKOYAN", "mikoyan", "speaker label"),
        ("Mikovan", "mikoyan", "misspelling"),
        ("C. RAFAEL RODRIGUEZ", "rodriguez", "speaker label"),
        ("C.R. RODRIGUEZ", "rodriguez", "speaker label"),
        ("Carlos Rafael Rodriquez", "rodriguez", "misspelling"),
        ("E. Aragonez", "aragones", "misspelling"),
        ("Alexeev", "alekseev", "variant spelling"),
        ("Che", "guevara", "nickname"),
        ("R. Castro", "raul-castro", "name"),
    ],
)
def test_every_printed_form_is_an_alias_of_one_participant(db, printed, participant_id, kind):
    # In the 3 November heading "A.I. MIKOYAN" is a name, not a label: kinds are judged per record.
    rows = list(
        db.query(
            "select participant_id, kind from participant_names where name_as_printed = ? and not (document_id = "
            "'1962-11-03-notes' and kind = 'name' and name_as_printed = upper(name_as_printed))",
            [printed],
        )
    )
    assert rows and {(r["participant_id"], r["kind"]) for r in rows} == {(participant_id, kind)}


def test_fidel_castro_is_absent_on_5_november_and_says_why(db):
    roles = db.execute(
        "select role, evidence from document_participants where document_id = '1962-11-05-memorandum' and "
        "participant_id = 'fidel-castro'"
    ).fetchall()
    assert roles == [("absent", "Fidel Castro had not been able to come")]


@pytest.mark.parametrize(
    "document_id, present",
    [
        ("1962-11-03-notes", {"mikoyan", "fidel-castro", "alekseev"}),
        (
            "1962-11-04-telegram",
            {"mikoyan", "fidel-castro", "dorticos", "raul-castro", "guevara", "aragones", "rodriguez", "alekseev"},
        ),
        ("1962-11-05-memorandum", {"mikoyan", "dorticos", "guevara", "rodriguez", "alekseev"}),
    ],
)
def test_who_was_present_at_each_conversation(db, document_id, present):
    rows = {
        r["participant_id"]
        for r in db.query(
            "select participant_id from document_participants where document_id = ? and role = 'present'", [document_id]
        )
    }
    assert rows == present


def test_authors_and_recorder(db):
    assert {(r["document_id"], r["author_id"]) for r in db.query("select document_id, author_id from documents")} == {
        ("1962-11-03-notes", "alekseev"),
        ("1962-11-04-telegram", "alekseev"),
        ("1962-11-05-memorandum", "tikhmenev"),
    }
    recorder = db.execute(
        "select participant_id, evidence from document_participants where role = 'recorder'"
    ).fetchall()
    assert recorder == [("tikhmenev", "V. Tikhmenev")]


def test_an_unknown_speaker_label_makes_a_provisional_participant_and_a_warning(tmp_path):
    memorandum = "001_e4429c10425e4047.txt"
    changed = seed_text(memorandum).replace("ALEKSEEV. We should not miss", "BAZYKIN. We should not miss")
    seeds = copy_seeds(tmp_path / "seeds", {memorandum: changed})
    log: list[str] = []
    report = build_database(seeds, tmp_path / "x.db", log=log.append)
    assert any(w.startswith(f"{memorandum}:") and "unknown speaker label 'BAZYKIN'" in w for w in report.warnings)
    assert any("warning:" in line and "BAZYKIN" in line for line in log)
    import sqlite_utils

    db = sqlite_utils.Database(tmp_path / "x.db")
    provisional = db["participants"].get("provisional-bazykin")
    assert provisional["is_provisional"] == 1
    assert db.execute("select participant_id from utterances where text like 'We should not miss%'").fetchone() == (
        "provisional-bazykin",
    )
    with pytest.raises(ParseError, match="no warnings in a --strict build"):
        build_database(seeds, tmp_path / "strict.db", strict=True, log=lambda line: None)
    assert not (tmp_path / "strict.db").exists()


def test_a_fourth_record_of_a_known_kind_needs_no_code_change(tmp_path):
    """A telegram of another day, with its own speakers, builds with the registry as it is."""
    fourth = (
        " 6 November 1962\n\n\n"
        "Today talks were conducted between A.I. Mikoyan and Comrades O. Dorticos and E. Guevara, as well as "
        "myself.\n\n"
        "E. Guevara asked whether the protocol would be ready.\n\n"
        "In response A.I. Mikoyan said that it would be ready tomorrow [sic].\n\n"
        "6.XI.62 ALEKSEEV\n"
    )
    seeds = copy_seeds(tmp_path / "seeds", {"003_fourth.txt": fourth})
    report = build_database(seeds, tmp_path / "x.db", strict=False, log=lambda line: None)
    import sqlite_utils

    db = sqlite_utils.Database(tmp_path / "x.db")
    turns = db.execute(
        "select participant_id, mode from utterances where document_id = '1962-11-06-telegram' order by seq"
    ).fetchall()
    assert turns == [(None, "narration"), ("guevara", "reported"), ("mikoyan", "reported")]
    assert db.execute("select note_type from editorial_notes where marker = '[sic]'").fetchone() == ("insertion",)
    document = db["documents"].get("1962-11-06-telegram")
    assert (document["document_type"], document["author_id"]) == ("telegram", "alekseev")
    assert document["title"] == "Telegram of 6 November 1962, signed 6.XI.62 ALEKSEEV"
    assert report.warnings == []


def test_a_person_named_without_a_role_still_has_a_participant_row(tmp_path):
    """A damaged closing line ("Recorded by: signature] V. Tikhmenev") loses the recorder's role, but the
    name printed in the record must still resolve to a participant, never to a dangling key."""
    memorandum = "001_e4429c10425e4047.txt"
    changed = seed_text(memorandum).replace(
        "Recorded by: [signature] V. Tikhmenev", "Recorded by: signature] V. Tikhmenev"
    )
    seeds = copy_seeds(tmp_path / "seeds", {memorandum: changed})
    build_database(seeds, tmp_path / "x.db", log=lambda line: None)
    import sqlite_utils

    db = sqlite_utils.Database(tmp_path / "x.db")
    assert db.execute("select count(*) from document_participants where participant_id = 'tikhmenev'").fetchone() == (
        0,
    )
    assert db["participants"].get("tikhmenev")["name"] == "V. Tikhmenev"
    assert db.execute("select count(*) from participant_names where participant_id = 'tikhmenev'").fetchone() == (1,)
