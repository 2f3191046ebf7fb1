"""Curated data is an input like a record: a bad entry stops the build with the file, the line and what was expected.

Each test copies the pipeline (``etl/``, with its curated files) and the seeds into a scratch folder,
spoils one curated entry the way an editor might, and runs the real command line there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seedfolder import REPO


def copy_of_the_pipeline(folder: Path) -> Path:
    shutil.copytree(REPO / "etl", folder / "etl", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "seeds", folder / "seeds")
    return folder


def build(folder: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", "build", *options, "--seeds", "seeds", "--out", "out/havana-1962.db"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def spoil(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / "etl" / "curated" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(folder: Path, name: str, words: str) -> int:
    text = (folder / "etl" / "curated" / name).read_text(encoding="utf-8")
    return text[: text.index(words)].count("\n") + 1


def test_the_pipeline_copy_builds_as_it_is(tmp_path):
    result = build(copy_of_the_pipeline(tmp_path), "--strict")
    assert result.returncode == 0, result.stderr


def test_a_defect_entry_without_its_after_key_names_the_file_and_line(tmp_path):
    folder = copy_of_the_pipeline(tmp_path)
    line = line_of(folder, "defects.yml", '  after: " Unfortunately"')
    spoil(folder, "defects.yml", '  after: " Unfortunately"\n', "")
    result = build(folder)
    assert result.returncode == 1
    assert f"defects.yml:{line - 3}: expected the key 'after' at 0 (schema defects.schema.json)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_renamed_note_type_names_the_file_and_line(tmp_path):
    folder = copy_of_the_pipeline(tmp_path)
    line = line_of(folder, "note_types.yml", "gloss:")
    spoil(folder, "note_types.yml", "gloss:", "glos:")
    result = build(folder)
    assert result.returncode == 1
    assert f"note_types.yml:{line}: expected a note type the reader gives" in result.stderr
    assert "found 'glos'" in result.stderr and "Traceback" not in result.stderr


def test_a_turns_entry_whose_opening_no_longer_matches_fails_a_strict_build(tmp_path):
    folder = copy_of_the_pipeline(tmp_path)
    line = line_of(folder, "turns.yml", 'opening: "We will send a full record') - 1  # the entry starts the line before
    spoil(folder, "turns.yml", 'opening: "We will send a full record', 'opening: "We will send a FULL record')
    result = build(folder, "--strict")
    assert result.returncode == 1
    assert (
        f"turns.yml:{line}: expected the opening 'We will send a FULL record of the conversation to Moscow' to start "
        "exactly one sentence" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_yes_or_no_word_left_unquoted_in_a_vocabulary_is_caught_by_its_schema(tmp_path):
    folder = copy_of_the_pipeline(tmp_path)
    spoil(folder, "reading.yml", "  - 'No'\n", "  - No\n")
    result = build(folder)
    assert result.returncode == 1
    assert "reading.yml:" in result.stderr and "expected a value of type string at not_names/" in result.stderr
    assert "found 'False'" in result.stderr


@pytest.mark.parametrize(
    "name, old, new, expected",
    [
        (
            "participants.yml",
            "    side: Cuban\n",
            "    side: cuban\n",
            "expected a value matching ^[A-Z][a-z]+$ at participants/1/side",
        ),
        (
            "participants.yml",
            '      "Mikovan": misspelling',
            '      "Mikovan": typo',
            "expected one of 'speaker label', 'name', 'misspelling'",
        ),
        ("documents.yml", "    place_source: *havana\n", "", "expected the key 'place_source'"),
        (
            "reading.yml",
            "  - {forms: [said, says], mode: reported}",
            "  - {forms: [said, says], mode: spoken}",
            "expected one of 'reported', 'action' at reporting_verbs/0/mode",
        ),
        (
            "participants.yml",
            "    side: Cuban\n",
            "    side: Martian\n",
            "participants.yml:28: expected a side listed under 'sides' in reading.yml",
        ),
        (
            "participants.yml",
            '      "R. Castro": name\n',
            '      "R. Castro": name\n      "Castro": name\n',
            "participants.yml:38: expected each name form to name one participant; 'Castro' names fidel-castro and "
            "raul-castro",
        ),
        (
            "published_translations.yml",
            '  issue: "5"',
            '  issue: "6"',
            "published_translations.yml:9: expected the issue as note 1962-11-04-telegram-n001 prints it; found '6'",
        ),
        (
            "published_translations.yml",
            "- note_id: 1962-11-04-telegram-n001",
            "- note_id: 1962-11-04-telegram-n002",
            "published_translations.yml:5: expected a bibliographic note of 1962-11-04-telegram",
        ),
        (
            "office_holders.yml",
            '    to: "1963-11-22"',
            '    to: "1960-11-22"',
            "office_holders.yml:8: expected a term whose 'to' is not before its 'from'",
        ),
        (
            "office_holders.yml",
            "    participant_id: kennedy",
            "    participant_id: jfk",
            "office_holders.yml:8: expected a participant_id of participants.yml; found 'jfk'",
        ),
    ],
)
def test_a_bad_curated_entry_stops_the_build_with_its_file_and_line(tmp_path, name, old, new, expected):
    folder = copy_of_the_pipeline(tmp_path)
    spoil(folder, name, old, new)
    result = build(folder)
    assert result.returncode == 1
    assert f"{name}:" in result.stderr and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["data", "--db", "not-a-database.db", "--root", "out"],
        ["release", "--db", "not-a-database.db", "--out", "dist"],
        ["dictionary"],
    ],
    ids=["data", "release", "dictionary"],
)
def test_every_command_ends_in_a_clean_message_not_a_traceback(tmp_path, command):
    folder = copy_of_the_pipeline(tmp_path)
    (folder / "not-a-database.db").write_text("this is not SQLite\n" * 100, encoding="utf-8")
    spoil(
        folder, "reading.yml", "  - 'No'\n", "  - No\n"
    )  # every command reads the schema, which reads the vocabularies
    result = subprocess.run(
        [sys.executable, "-m", "etl", *command], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "reading.yml:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "  article_id: protocol-1962-10-31-article-13\n",
            "  article_id: protocol-1962-10-31-article-99\n",
            "article_links.yml:7: expected an article of the built records (1962-11-05-memorandum); found "
            "'protocol-1962-10-31-article-99'",
        ),
        (
            "- utterance_id: 1962-11-05-memorandum-u003\n",
            "- utterance_id: 1962-11-05-memorandum-u903\n",
            "article_links.yml:6: expected a turn of the built records (1962-11-05-memorandum); found "
            "'1962-11-05-memorandum-u903'",
        ),
    ],
    ids=["an article that does not exist", "a turn that does not exist"],
)
def test_a_curated_link_to_a_turn_or_article_that_does_not_exist_stops_the_build(tmp_path, old, new, expected):
    # The site reads these links when it serves a page; without this check a slip would drop a link unseen.
    folder = copy_of_the_pipeline(tmp_path)
    spoil(folder, "article_links.yml", old, new)
    result = build(folder)
    assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr, result.stderr
