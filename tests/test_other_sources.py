"""Records of sources the reader was not fitted to, read with the right frame, people and speaker sequence.

Each record of tests/fixtures/other_sources/ is invented in the form of one class of records (a PDF text layer
with hard-wrapped lines, cut words, running heads and page numbers; a transcript whose labels stand alone on
their lines; an archive's page with its menus and citation; minutes in the present tense; a cable whose author
is the "I" named only in its title; a US memorandum naming people by office), and its expected file says what
a reader sees in it. They are built through the real pipeline, as a folder of seeds with its manifest.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from seedfolder import REPO, write_manifest

from etl.build import build_database, read_one_record
from etl.report import NO_TEXT_LAYER, render_reading

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "other_sources"
EXPECTED = {path.name.removesuffix(".expected.yml"): path for path in sorted(FIXTURES.glob("*.expected.yml"))}


def expected(name: str) -> dict:
    return yaml.safe_load(EXPECTED[name].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite_utils.Database, list[str]]:
    folder = tmp_path_factory.mktemp("other_sources")
    for name in EXPECTED:
        shutil.copyfile(FIXTURES / f"{name}.txt", folder / f"{name}.txt")
    write_manifest(folder)
    out = folder / "other_sources.db"
    report = build_database(folder, out, log=lambda line: None, workers=1)
    return sqlite_utils.Database(out), report.warnings


def document_of(db: sqlite_utils.Database, name: str) -> dict:
    return next(db.query("select * from documents where seed_file = ?", [f"{name}.txt"]))


def test_there_is_a_fixture_of_each_class():
    classes = {expected(name)["class"] for name in EXPECTED}
    assert classes == {
        "PDF text layer",
        "transcript labels alone on their line",
        "archive page with menus and citation",
        "present-tense reported speech",
        "reported speech in any tense and order",
        "transcript of an archive's translation",
        "author in the first person, named only in the title",
        "US record",
    }
    layouts = {layout for name in EXPECTED for layout in expected(name)["layouts"]}
    assert layouts == {"hard-wrapped lines", "speaker labels on their own lines"}


@pytest.mark.parametrize("name", EXPECTED)
def test_the_layout_is_recognized_from_the_text(name):
    seed = read_one_record(FIXTURES / f"{name}.txt")
    assert seed.text_layer is not None
    assert list(seed.text_layer.layouts) == expected(name)["layouts"]


@pytest.mark.parametrize("name", EXPECTED)
def test_the_frame_is_read(built, name):
    db, _ = built
    document = document_of(db, name)
    frame = expected(name)["frame"]
    if "title" in frame:
        assert document["title"] == " ".join(frame["title"].split())
    assert document["date"] == frame["date"].isoformat()
    for column in ("place", "classification"):
        assert document[column] == frame.get(column)


@pytest.mark.parametrize(
    "name", [name for name in EXPECTED if "fields" in expected(name) or "chrome" in expected(name)]
)
def test_the_pages_fields_are_read_and_its_chrome_set_aside(built, name):
    db, _ = built
    document = document_of(db, name)
    spans = list(db.query("select * from seed_spans where document_id = ?", [document["document_id"]]))
    for field, value in expected(name).get("fields", {}).items():
        assert (field, value) in {(s["field"], s["text"]) for s in spans if s["category"] == "metadata"}, field
        if field in document:
            assert document[field] == value
    chrome = {s["text"] for s in spans if s["category"] == "site_chrome"}
    assert set(expected(name).get("chrome", [])) <= chrome
    turns_text = " ".join(
        row["text"] for row in db.query("select text from utterances where document_id = ?", [document["document_id"]])
    )
    for line in expected(name).get("chrome", []):
        assert line not in turns_text.split("\n"), line


@pytest.mark.parametrize("name", [name for name in EXPECTED if "registered" in expected(name)])
def test_offices_in_a_list_of_participants_name_who_held_them_that_day(built, name):
    db, _ = built
    document = document_of(db, name)
    roles = {
        (row["evidence"], row["participant_id"])
        for row in db.query("select * from document_participants where document_id = ?", [document["document_id"]])
    }
    for office, participant_id in expected(name)["registered"].items():
        assert (office, participant_id) in roles


@pytest.mark.parametrize(
    "printed, holder",
    [
        ("June 20, 1961", "kennedy"),
        ("June 20, 1964", "johnson"),  # the office names whoever held it on the record's day
        ("November 22, 1963", None),  # the day both men held it names neither
        ("June 20, 1960", None),  # no holder of that day is curated
    ],
)
def test_an_office_names_who_held_it_on_the_records_day_and_no_one_outside_the_curated_terms(tmp_path, printed, holder):
    text = (FIXTURES / "us-memorandum-1961.txt").read_text(encoding="utf-8").replace("June 20, 1961", printed)
    record = tmp_path / "us-memorandum.txt"
    record.write_text(text, encoding="utf-8")
    seed = read_one_record(record)
    presidents = {person.participant_id for person in seed.people} & {"kennedy", "johnson"}
    assert presidents == ({holder} if holder else set())
    unresolved = any("'The President' in the list of participants names no single holder" in w for w in seed.warnings)
    assert unresolved == (holder is None)


@pytest.mark.parametrize("name", [name for name in EXPECTED if "author" in expected(name)])
def test_the_author_named_in_the_title_is_the_i_of_the_body(built, name):
    db, _ = built
    document = document_of(db, name)
    author = next(db.query("select name from participants where participant_id = ?", [document["author_id"]]))
    assert author["name"] == expected(name)["author"]
    first_person = list(
        db.query(
            "select participant_id from utterances where document_id = ? and text like 'I %' and mode != 'narration'",
            [document["document_id"]],
        )
    )
    assert first_person and all(row["participant_id"] == document["author_id"] for row in first_person)


@pytest.mark.parametrize("name", EXPECTED)
def test_the_participants_are_read(built, name):
    db, _ = built
    document = document_of(db, name)
    names = {
        row["name"]
        for row in db.query(
            "select p.name from document_participants d join participants p using (participant_id) "
            "where d.document_id = ?",
            [document["document_id"]],
        )
    }
    for surname in expected(name)["participants"]:
        assert any(surname.casefold() in found.casefold() for found in names), (surname, names)
    assert len(names) == len(expected(name)["participants"]), names  # and no one else (no "Sov Govt")


@pytest.mark.parametrize("name", EXPECTED)
def test_the_speakers_follow_one_another_as_read_by_hand(built, name):
    db, _ = built
    document = document_of(db, name)
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    turns = list(
        db.query(
            "select u.*, p.name from utterances u left join participants p using (participant_id) "
            "where document_id = ? order by seq",
            [document["document_id"]],
        )
    )
    for turn in expected(name)["turns"]:
        offset = text.find(turn["opening"])
        assert offset >= 0, turn["opening"]
        found = next((t for t in turns if t["char_start"] <= offset < t["char_end"]), None)
        assert found is not None, f"no turn at {turn['opening']!r}"
        speaker = found["name"]
        if turn["speaker"] is None:
            assert (speaker, found["mode"]) == (None, "narration"), turn["opening"]
        else:
            assert speaker and turn["speaker"].casefold() in speaker.casefold(), (turn["opening"], speaker)
            assert found["mode"] == turn["mode"], turn["opening"]
    # and no turn the hand reading does not have: one turn of the reader for each speaker in turn
    changes = [t["speaker"] for t in expected(name)["turns"]]
    changes = [s for i, s in enumerate(changes) if i == 0 or s != changes[i - 1]]
    read = [t["name"] for t in turns]
    read = [s for i, s in enumerate(read) if i == 0 or s != read[i - 1]]
    assert len(read) == len(changes), (read, changes)


@pytest.mark.parametrize("name", EXPECTED)
def test_every_character_is_accounted_for_and_the_hyphens_and_furniture_are_typed(built, name):
    db, _ = built
    document = document_of(db, name)
    assert document["unaccounted_chars"] == 0
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    furniture = [
        (row["field"], row["text"])
        for row in db.query(
            "select * from seed_spans where document_id = ? and category = 'page_furniture' order by char_start",
            [document["document_id"]],
        )
    ]
    for item in expected(name).get("furniture", []):
        assert (item["kind"], item["text"]) in furniture
    hyphens = [entry for entry in furniture if entry[0] == "end-of-line hyphen"]
    read_whole = expected(name).get("read_whole", [])
    all_words = " ".join(
        row["text"] for row in db.query("select text from utterances where document_id = ?", [document["document_id"]])
    )
    for word in read_whole:
        assert word in all_words, word
    for compound in expected(name).get("kept_hyphens", []):
        assert compound in all_words, compound
    assert len(hyphens) == len(read_whole), hyphens  # one hyphen left out of the words for each word read whole
    for row in db.query("select * from seed_spans where document_id = ?", [document["document_id"]]):
        assert text[row["char_start"] : row["char_end"]] == row["text"]


@pytest.mark.parametrize("name", [name for name in EXPECTED if "labels" in expected(name)])
def test_labels_alone_on_their_line_are_the_turns_labels(built, name):
    db, _ = built
    document = document_of(db, name)
    labels = [
        row["speaker_label"]
        for row in db.query(
            "select speaker_label from utterances where document_id = ? and speaker_label is not null order by seq",
            [document["document_id"]],
        )
    ]
    assert [label + ":" for label in labels] == expected(name)["labels"]


@pytest.mark.parametrize("name", EXPECTED)
def test_etl_read_shows_the_text_layer_decisions(name):
    path = FIXTURES / f"{name}.txt"
    shown = render_reading(read_one_record(path), path.read_text(encoding="utf-8"))
    if not expected(name)["layouts"]:
        assert NO_TEXT_LAYER in shown
        for line in expected(name).get("chrome", []):
            assert repr(line[:40]) in shown or repr(line[:39] + "…") in shown, line
        return
    assert "Text layer: " + ", ".join(expected(name)["layouts"]) in shown
    assert "Lines joined:" in shown and "Hyphens at the end of a line" in shown and "Page furniture (" in shown
    for item in expected(name).get("furniture", []):
        assert f"{item['kind']:<13} {item['text']!r}" in shown
    for word in expected(name).get("read_whole", []):
        if " " not in word:
            assert f"-> {word!r}: joined" in shown
    for compound in expected(name).get("kept_hyphens", []):
        assert f"-> {compound!r}: hyphen kept" in shown


def test_a_record_laid_out_as_the_seeds_is_left_as_printed_and_its_reading_shows_no_text_layer():
    path = REPO / "seeds" / "000_1350c6598e69a2c4.txt"
    shown = render_reading(read_one_record(path), path.read_text(encoding="utf-8"))
    assert NO_TEXT_LAYER in shown and "Lines joined" not in shown
    assert not read_one_record(path).text_layer.found


@pytest.mark.parametrize("name", [name for name in EXPECTED if "abbreviations" in expected(name)])
def test_abbreviations_are_kept_as_printed_and_shown_with_what_they_stand_for(built, name):
    db, _ = built
    document = document_of(db, name)
    words = " ".join(
        row["text"] for row in db.query("select text from utterances where document_id = ?", [document["document_id"]])
    )
    path = FIXTURES / f"{name}.txt"
    shown = render_reading(read_one_record(path), path.read_text(encoding="utf-8"))
    for short, full in expected(name)["abbreviations"].items():
        assert re.search(rf"(?<!\w){short}(?!\w)", words)  # (the text as printed, never expanded)
        assert f"{short!r:<10} {full}" in shown


def test_an_office_abbreviated_in_telegraphese_names_its_holder(tmp_path):
    text = (FIXTURES / "us-memorandum-1961.txt").read_text(encoding="utf-8")
    record = tmp_path / "us-memorandum-pres.txt"
    record.write_text(
        text.replace("The President said that he regretted", "Pres said that he regretted"), encoding="utf-8"
    )
    seed = read_one_record(record)
    last_speaker = [row for row in seed.rows["utterances"] if row["mode"] != "narration"][-1]
    assert (last_speaker["speaker_label"], last_speaker["participant_id"]) == ("Pres", "kennedy")


README = REPO / "README.md"


@pytest.mark.parametrize("name", ["pdf-memorandum-1958", "archive-page-1957"])
def test_the_readmes_examples_of_adding_a_record_are_what_etl_read_shows(name):
    section = README.read_text(encoding="utf-8").split("### Two examples: a PDF text layer and an archive page")[1]
    block = section.split(f"other_sources/{name}.txt")[1].split("```text\n")[1].split("```")[0]
    path = FIXTURES / f"{name}.txt"
    shown = render_reading(read_one_record(path), path.read_text(encoding="utf-8")).splitlines()
    for line in block.splitlines():
        assert line in shown, line


@pytest.mark.parametrize("name", [name for name in EXPECTED if "last_words" in expected(name)])
def test_a_text_broken_off_mid_word_ends_its_last_turn_as_printed(built, name):
    db, _ = built
    document = document_of(db, name)
    last = next(
        db.query(
            "select text from utterances where document_id = ? order by seq desc limit 1", [document["document_id"]]
        )
    )
    assert last["text"].endswith(expected(name)["last_words"])


@pytest.mark.parametrize("name", [name for name in EXPECTED if "sides" in expected(name)])
def test_people_listed_under_a_side_are_of_that_side(built, name):
    db, _ = built
    document = document_of(db, name)
    sides = {
        row["name"]: row["side"]
        for row in db.query(
            "select p.name, p.side from document_participants d join participants p using (participant_id) "
            "where d.document_id = ?",
            [document["document_id"]],
        )
    }
    assert sides == {**sides, **expected(name)["sides"]}


@pytest.mark.parametrize("name", [name for name in EXPECTED if "notes" in expected(name)])
def test_an_editions_marks_are_notes_of_their_kind(built, name):
    db, _ = built
    document = document_of(db, name)
    for note_type, texts in expected(name)["notes"].items():
        found = [
            row["text"]
            for row in db.query(
                "select text from editorial_notes where document_id = ? and note_type = ?",
                [document["document_id"], note_type],
            )
        ]
        assert found == texts
