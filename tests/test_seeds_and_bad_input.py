"""Bad input is refused with an error that names the file, the line and what was expected, and the
previous database is left exactly as it was."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from seedfolder import REPO, copy_seeds, seed_text

from etl.build import build_database
from etl.errors import ParseError

NOTES_3_NOVEMBER = "000_1350c6598e69a2c4.txt"
TELEGRAM_4_NOVEMBER = "002_982b1e65145e082d.txt"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def previous_build(tmp_path: Path) -> Path:
    """A good database already at the output path, as after an earlier build."""
    out = tmp_path / "out" / "havana-1962.db"
    build_database(copy_seeds(tmp_path / "good"), out, strict=True, log=lambda line: None)
    return out


BAD_INPUTS = [
    pytest.param(
        {TELEGRAM_4_NOVEMBER: ""}, f"{TELEGRAM_4_NOVEMBER}:1: expected a seed record with text", id="empty file"
    ),
    pytest.param(
        {TELEGRAM_4_NOVEMBER: seed_text(TELEGRAM_4_NOVEMBER).encode("utf-8").replace(b"Fidel", b"Fid\xe9l", 1)},
        f"{TELEGRAM_4_NOVEMBER}:4: expected UTF-8 text; found 'the byte 0xe9, which is not UTF-8'",
        id="not UTF-8",
    ),
    pytest.param(
        {TELEGRAM_4_NOVEMBER: "Dear colleagues,\n\nplease find the notes attached.\n"},
        f"{TELEGRAM_4_NOVEMBER}:1: expected a date",
        id="a body with no date anywhere",
    ),
    pytest.param(
        {
            NOTES_3_NOVEMBER: seed_text(NOTES_3_NOVEMBER).split("### **Contents:**")[0]
            + "### **Contents:**\n\nTranslation - English\n"
        },
        f"{NOTES_3_NOVEMBER}:20: expected the record's text after the '### **Contents:**' section",
        id="archive page without the record",
    ),
    pytest.param(
        {TELEGRAM_4_NOVEMBER: seed_text(TELEGRAM_4_NOVEMBER).replace("Fidel", "Fi\x00del", 1)},
        f"{TELEGRAM_4_NOVEMBER}:4: expected text without NUL or other control characters; found 'U+0000'",
        id="a NUL byte",
    ),
    pytest.param(
        {TELEGRAM_4_NOVEMBER: "\ufeff" + seed_text(TELEGRAM_4_NOVEMBER)},
        f"{TELEGRAM_4_NOVEMBER}:1: expected UTF-8 text without a byte-order mark",
        id="a byte-order mark",
    ),
    pytest.param(
        {TELEGRAM_4_NOVEMBER: seed_text(TELEGRAM_4_NOVEMBER).replace("\n", "\r")},
        f"{TELEGRAM_4_NOVEMBER}:1: expected lines ending in a line feed",
        id="lines ended by a carriage return alone",
    ),
]


@pytest.mark.parametrize("replace, message", BAD_INPUTS)
def test_bad_input_is_refused_naming_file_line_and_expectation(tmp_path, previous_build, replace, message):
    before = sha256(previous_build)
    seeds = copy_seeds(tmp_path / "bad", replace)
    with pytest.raises(ParseError) as error:
        build_database(seeds, previous_build, strict=True, log=lambda line: None)
    assert message in str(error.value)
    assert sha256(previous_build) == before
    assert [p.name for p in previous_build.parent.iterdir()] == ["havana-1962.db"], "no partial file is left behind"


def test_an_edited_seed_is_a_loud_error_until_the_manifest_is_updated(tmp_path, previous_build):
    before = sha256(previous_build)
    edited = seed_text(TELEGRAM_4_NOVEMBER).replace("seven hours", "eight hours")
    seeds = copy_seeds(tmp_path / "edited", {TELEGRAM_4_NOVEMBER: edited}, manifest=False)
    with pytest.raises(ParseError) as error:
        build_database(seeds, previous_build, log=lambda line: None)
    assert f"{TELEGRAM_4_NOVEMBER}: expected SHA-256" in str(error.value)
    assert "the seed was edited" in str(error.value)
    assert sha256(previous_build) == before


def test_a_seed_missing_from_the_manifest_is_refused(tmp_path):
    seeds = copy_seeds(tmp_path / "extra")
    (seeds / "003_new.txt").write_text(seed_text(TELEGRAM_4_NOVEMBER), encoding="utf-8")
    with pytest.raises(ParseError, match=r"SHA256SUMS: expected a checksum line for 003_new.txt"):
        build_database(seeds, tmp_path / "x.db", log=lambda line: None)


def test_a_malformed_manifest_line_is_refused_with_its_line_number(tmp_path):
    seeds = copy_seeds(tmp_path / "manifest")
    manifest = seeds / "SHA256SUMS"
    manifest.write_text(manifest.read_text() + "not a checksum line\n")
    with pytest.raises(ParseError, match=r"SHA256SUMS:4: expected '<64 hex digits>  <file name>'"):
        build_database(seeds, tmp_path / "x.db", log=lambda line: None)


def test_the_command_line_exits_non_zero_with_the_message_and_no_traceback(tmp_path):
    seeds = copy_seeds(tmp_path / "cli", {TELEGRAM_4_NOVEMBER: ""})
    result = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--strict", "--seeds", str(seeds), "--out", str(tmp_path / "x.db")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"Error: {seeds / TELEGRAM_4_NOVEMBER}:1: expected a seed record with text" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_the_command_line_prints_a_line_per_record_and_a_summary(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--strict", "--out", str(tmp_path / "x.db")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("000_1350c6598e69a2c4.txt  1962-11-03-notes")
    assert "5 turns" in lines[0] and "17 notes" in lines[0] and "(100.00%)" in lines[0]
    assert lines[1].startswith("001_e4429c10425e4047.txt  1962-11-05-memorandum")
    assert lines[2].startswith("002_982b1e65145e082d.txt  1962-11-04-telegram")
    assert "site chrome 10 spans" in lines[1]
    assert lines[-1].startswith(f"built {tmp_path / 'x.db'}: 3 documents, 9 participants")


def test_a_curated_defect_that_no_longer_matches_names_its_entry(tmp_path):
    changed = seed_text(NOTES_3_NOVEMBER).replace("Regarding the guestions", "Regarding the questions")
    seeds = copy_seeds(tmp_path / "corrected", {NOTES_3_NOVEMBER: changed})
    with pytest.raises(ParseError) as error:
        build_database(seeds, tmp_path / "x.db", log=lambda line: None)
    message = str(error.value)
    assert message.startswith("etl/curated/defects.yml:")
    line = int(message.split(":")[1])
    entry_start = (REPO / "etl/curated/defects.yml").read_text().splitlines()[line - 1]
    assert entry_start.startswith("- seed_file: 000_1350c6598e69a2c4.txt")
    assert "'guestions' to occur exactly once in 000_1350c6598e69a2c4.txt" in message


def test_a_manifest_that_is_not_utf8_is_refused_with_its_line(tmp_path, previous_build):
    seeds = copy_seeds(tmp_path / "bad")
    (seeds / "SHA256SUMS").write_bytes((seeds / "SHA256SUMS").read_bytes() + b"\xff\n")
    with pytest.raises(ParseError, match=r"SHA256SUMS:4: expected UTF-8 text"):
        build_database(seeds, previous_build, strict=True, log=lambda line: None)


def test_reading_a_file_that_never_ends_is_refused_not_read_whole():
    result = subprocess.run(
        [sys.executable, "-m", "etl", "read", "/dev/zero"], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert result.returncode == 1
    assert "/dev/zero: expected a record of at most" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "records:\n  a.txt:\n    place: Havana\nrecords:\n  b.txt:\n    place: Moscow\n",
            "documents.yml:4: expected each key once in a mapping (it is also at line 1); found 'records'",
        ),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"k{n}: *a\n" for n in range(60)),
            "documents.yml:52: expected at most 50 aliases (*name) in a curated file",
        ),
        ("records:\n  a.txt:\n    place: Ha\xe9vana\n", "documents.yml:3: expected UTF-8 text"),
    ],
    ids=["a key twice", "an alias bomb", "a byte that is not UTF-8"],
)
def test_a_slip_in_a_curated_file_is_refused_with_file_and_line(tmp_path, text, message):
    from etl.curation import load_curated

    (tmp_path / "documents.yml").write_bytes(text.encode("latin-1") if "\xe9" in text else text.encode("utf-8"))
    with pytest.raises(ParseError) as error:
        load_curated("documents.yml", tmp_path)
    assert message in str(error.value)


def test_the_same_record_under_a_second_name_is_a_warning_and_fails_a_strict_build(tmp_path):
    seeds = copy_seeds(tmp_path / "twice", {"003_copy.txt": seed_text(TELEGRAM_4_NOVEMBER)})
    report = build_database(seeds, tmp_path / "out.db", log=lambda line: None)
    assert (
        f"003_copy.txt: expected a record of its own; it has the same text as {TELEGRAM_4_NOVEMBER}"
        in report.warnings[0]
    )
    with pytest.raises(ParseError, match="no warnings in a --strict build"):
        build_database(seeds, tmp_path / "strict.db", strict=True, log=lambda line: None)


def test_a_curated_entry_for_a_seed_that_is_not_built_is_a_warning_with_its_line(tmp_path):
    # Build two of the three seeds: the curated entries of the third name a seed that is not there.
    seeds = copy_seeds(tmp_path / "two")
    (seeds / TELEGRAM_4_NOVEMBER).unlink()
    from seedfolder import write_manifest

    write_manifest(seeds)
    report = build_database(seeds, tmp_path / "out.db", log=lambda line: None)
    absent = [warning for warning in report.warnings if "which is not among them" in warning]
    assert any("documents.yml:" in warning and TELEGRAM_4_NOVEMBER in warning for warning in absent)
    assert any("turns.yml:" in warning and TELEGRAM_4_NOVEMBER in warning for warning in absent)
    assert all(re.search(r"\.yml:\d+: expected a seed being built", warning) for warning in absent)


def test_text_appended_after_a_records_closing_is_reported_not_silently_metadata(tmp_path):
    appended = seed_text(TELEGRAM_4_NOVEMBER) + "".join(
        f"An appended line {n} of something else.\n" for n in range(1000)
    )
    seeds = copy_seeds(tmp_path / "appended", {TELEGRAM_4_NOVEMBER: appended})
    report = build_database(seeds, tmp_path / "out.db", log=lambda line: None)
    (warning,) = [warning for warning in report.warnings if "follow the closing" in warning]
    assert (
        warning.startswith(f"{TELEGRAM_4_NOVEMBER}:")
        and "lines follow the closing that are none of its parts" in warning
    )
    with pytest.raises(ParseError, match="no warnings in a --strict build"):
        build_database(seeds, tmp_path / "strict.db", strict=True, log=lambda line: None)
