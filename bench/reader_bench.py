"""The reader on real records it was not written against: the shared corpus's build time, and agreement with
the hand reading.

- The whole shared corpus (the folder ``HAVANA_CORPUS`` names, see tests/corpus.py; 90 records) is built by the real
  pipeline in a child process, serially: seconds, MB/s, rows/s, peak memory, coverage.
- The hand-read records of ``tests/fixtures/records`` are read and compared with what their readers
  wrote: the share of turns with the right speaker and mode, and of frames read exactly.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from bench.build_bench import run_build

ROOT = Path(__file__).resolve().parent.parent


def run(work: Path, log=print) -> dict:
    folder = work / "corpus"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    from corpus import absent_reason, corpus_records
    from seedfolder import write_manifest

    records = corpus_records()
    if not records:
        log(f"reader benchmark skipped: it {absent_reason()}")
        return {"records": 0, "skipped": absent_reason()}
    for path in records:
        shutil.copyfile(path, folder / path.name)

    write_manifest(folder)
    megabytes = sum(path.stat().st_size for path in records) / 2**20
    out = work / "corpus.db"
    build = run_build(folder, out, timeout=600)
    result = {"records": len(records), "megabytes": round(megabytes, 3), "build": build}
    if build["status"] == "ok":
        db = sqlite3.connect(out)
        rows = sum(
            db.execute(f"select count(*) from [{name}]").fetchone()[0]
            for (name,) in db.execute("select name from sqlite_master where type = 'table' and name not like '%fts%'")
        )
        unaccounted = db.execute("select count(*) from documents where unaccounted_chars > 0").fetchone()[0]
        result.update(
            rows=rows,
            ms_per_record=round(1000 * build["seconds"] / len(records), 1),
            mb_per_s=round(megabytes / build["seconds"], 2),
            rows_per_s=round(rows / build["seconds"]),
            peak_rss_mb=round(build["peak_rss_kb"] / 1024, 1),
            records_with_unaccounted_text=unaccounted,
        )
    result["hand_reading"] = agreement()
    log(format_result(result))
    return result


def agreement() -> dict:
    """How far the reader agrees with the hand reading of tests/fixtures/records."""
    from reading_fixtures import FRAME_COLUMNS, characters_agreeing, check_turns, hand_read_records, speaker_names

    from etl.build import read_one_record
    from etl.read.registry import load_registry

    registry_names = {p.participant_id: p.name for p in load_registry().participants.values()}
    turns = agreed = frames = exact_frames = characters = characters_right = 0
    for hand in hand_read_records():
        seed = read_one_record(hand.record)
        text = hand.record.read_text(encoding="utf-8")
        names = speaker_names(seed, registry_names)
        checks = check_turns(hand, seed, text, names)
        right, counted = characters_agreeing(hand, seed, text, names)
        characters += counted
        characters_right += right
        turns += len(checks)
        agreed += sum(check.agrees for check in checks)
        frames += 1
        expected = {
            key: (str(value) if value is not None else None)
            for key, value in hand.expected["frame"].items()
            if key in FRAME_COLUMNS
        }
        found = {
            key: (str(seed.document[column]) if seed.document[column] is not None else None)
            for key, column in FRAME_COLUMNS.items()
        }
        exact_frames += expected == found
    return {
        "records": frames,
        "turns": turns,
        "turns_agreeing": agreed,
        "turn_agreement": round(agreed / turns, 3) if turns else None,
        "target_turn_agreement": 0.95,
        "frames_exact": exact_frames,
        "characters": characters,
        "characters_agreeing": characters_right,
        "character_agreement": round(characters_right / characters, 3) if characters else None,
    }


def format_result(result: dict) -> str:
    build = result["build"]
    hand = result["hand_reading"]
    lines = [f"shared corpus: {result['records']} records, {result['megabytes']} MB"]
    if build["status"] == "ok":
        lines.append(
            f"  built in {build['seconds']:.2f} s ({result.get('ms_per_record')} ms a record, "
            f"{result['mb_per_s']} MB/s, {result['rows_per_s']} rows/s, peak "
            f"{result['peak_rss_mb']} MB); "
            f"records with unaccounted text: {result['records_with_unaccounted_text']}"
        )
    else:
        lines.append(f"  build {build['status']}: {build.get('error')}")
    met = (
        "met"
        if hand["turn_agreement"] is not None and hand["turn_agreement"] >= hand["target_turn_agreement"]
        else "NOT met"
    )
    lines.append(
        f"hand-read records: {hand['records']}; frames read exactly: {hand['frames_exact']}/{hand['records']}; "
        f"turns with the right speaker and mode: {hand['turns_agreeing']}/{hand['turns']} = "
        f"{hand['turn_agreement']:.1%} "
        f"(target {hand['target_turn_agreement']:.0%}: {met}); "
        f"characters of those turns given to the right speaker: {hand['character_agreement']:.1%} (no target)"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Reading grows linearly: one record of many reported-speech lines, read at three lengths

LONG_RECORD_LINES = (2_500, 5_000, 10_000)


def long_record(lines: int) -> str:
    """The 4 November telegram with ``lines`` lines of reported speech by one speaker before its signature."""
    seed = (ROOT / "seeds" / "002_982b1e65145e082d.txt").read_text(encoding="utf-8")
    head, signature, tail = seed.partition("4.XI.62 ALEKSEEV")
    body = "".join(f"Mikoyan says that point {number} of the talks is settled.\n" for number in range(lines))
    return head + body + "\n" + signature + tail


def linear_reading(work: Path) -> dict:
    """Seconds to read the long record at each length, and each length's time against the one before it
    (2.0 when reading is linear; 4.0 when it grows with the square)."""
    import time

    from etl.build import read_one_record

    seconds = {}
    for lines in LONG_RECORD_LINES:
        path = work / f"long-{lines}.txt"
        path.write_text(long_record(lines), encoding="utf-8")
        started = time.perf_counter()
        read_one_record(path)
        seconds[lines] = round(time.perf_counter() - started, 3)
    ratios = [
        round(seconds[longer] / seconds[shorter], 2)
        for shorter, longer in zip(LONG_RECORD_LINES, LONG_RECORD_LINES[1:], strict=False)
    ]
    return {
        "lines": list(LONG_RECORD_LINES),
        "seconds": [seconds[lines] for lines in LONG_RECORD_LINES],
        "doubling_ratios": ratios,
    }


def format_linear_reading(result: dict) -> str:
    lengths = ", ".join(
        f"{lines:,} lines {seconds:.2f} s" for lines, seconds in zip(result["lines"], result["seconds"], strict=True)
    )
    ratios = " and ".join(f"{ratio}x" for ratio in result["doubling_ratios"])
    return f"one record of reported speech: {lengths}; each doubling took {ratios} the time (2x is linear)"
