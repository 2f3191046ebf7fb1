"""Synthetic corpora for the build benchmark: the real seeds replicated with new dates and speaker orders.

The dataset has three records; a benchmark needs thousands to show how the build grows. Copy ``k`` of a
seed is the seed with the record's own date moved by ``k`` times the span of the seeds' dates (3 days for
3-5 November, so every copy gets a new date, hence a new ``document_id``) and, in transcript records, some
pairs of adjacent one-paragraph turns swapped (so the speakers come in a new order). Everything else is the
seed's text, byte for byte, so the copies are valid input for the real parser. Copy 0 is the seed unchanged.

The corpora are synthetic benchmark input only: they live in a temporary folder and never in the dataset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from etl.dates import MONTHS, ROMAN_MONTHS
from etl.read.registry import load_registry

# The record's own date, in the three forms the seeds print it:
#   "November 3, 1962"  (heading of the 3 November record, "# November 3, 1962 Notes of Conversation")
#   "4 November 1962"   (date line of the telegram, " 4 November 1962")
#   "3.XI.62"           (signature, "3.XI.62 ALEKSEEV")


def starts_with_label(line: str, label_forms: list[str]) -> bool:
    """Whether a line opens a transcript turn with a speaker label the registry knows.

    >>> starts_with_label("O. DORTICOS. We have analyzed ...", ["O. DORTICOS"])
    True
    >>> starts_with_label("A.I. MIKOYAN, to Che: Let's meet ...", ["A.I. MIKOYAN"])
    True
    >>> starts_with_label("A.I. MIKOYAN expressed his sympathy", ["A.I. MIKOYAN"])
    False
    """
    return any(line.startswith(form) and line[len(form) : len(form) + 1] in (".", ":", ",") for form in label_forms)


def seed_dates(db_path: Path) -> dict[str, dt.date]:
    """The date each seed reports, read from a database the real pipeline built from the seeds."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("select seed_file, date from documents").fetchall()
    return {seed_file: dt.date.fromisoformat(date) for seed_file, date in rows}


@dataclass(frozen=True)
class Corpus:
    """A written synthetic corpus: its folder, how many records and bytes it holds, and which seed each file copies."""

    folder: Path
    copies: int
    records: int
    bytes: int
    sources: dict[str, str]  # copy's file name -> the seed file it copies


def date_forms(day: dt.date) -> list[str]:
    """The printed forms of a date that the seeds use, longest first.

    >>> date_forms(dt.date(1962, 11, 3))
    ['November 3, 1962', '3 November 1962', '3.XI.62']
    """
    month = MONTHS[day.month - 1]
    return [
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month} {day.year}",
        f"{day.day}.{ROMAN_MONTHS[day.month - 1]}.{day.year % 100:02d}",
    ]


def move_date(text: str, old: dt.date, new: dt.date) -> str:
    """Replace every printed form of the record's own date ``old`` by the same form of ``new``.

    Only whole forms are replaced ("3-5 November 1962" in a bibliographic note is not the record's date
    and is left alone because its day is preceded by a hyphen).

    >>> move_date("3.XI.62 ALEKSEEV", dt.date(1962, 11, 3), dt.date(1963, 1, 2))
    '2.I.63 ALEKSEEV'
    """
    for old_form, new_form in zip(date_forms(old), date_forms(new), strict=True):  # (the same forms of each)
        text = re.sub(rf"(?<![\w-]){re.escape(old_form)}(?!\w)", new_form, text)
    return text


def swap_turns(text: str, rng: random.Random, label_forms: list[str]) -> str:
    """Swap some pairs of adjacent one-paragraph transcript turns, keeping every separator in place.

    A turn is a line that starts with a speaker label; it is swapped only with the next turn, only when
    both are a single line ending a sentence and free of brackets (so no note or page break moves).
    """
    lines = text.split("\n")
    content = [i for i, line in enumerate(lines) if line.strip()]
    swappable = []
    for position, index in enumerate(content):
        line = lines[index]
        is_turn = starts_with_label(line, label_forms)
        next_is_turn = position + 1 < len(content) and starts_with_label(lines[content[position + 1]], label_forms)
        if is_turn and next_is_turn and "[" not in line and line.rstrip()[-1:] in '.?!"':
            swappable.append(position)
    previous = -2
    for position in swappable:
        following = lines[content[position + 1]]
        if position == previous + 1 or "[" in following or following.rstrip()[-1:] not in '.?!"':
            continue
        if position + 2 < len(content) and not starts_with_label(lines[content[position + 2]], label_forms):
            continue  # the next turn goes on in more paragraphs
        if rng.random() < 0.5:
            a, b = content[position], content[position + 1]
            lines[a], lines[b] = lines[b], lines[a]
            previous = position
    return "\n".join(lines)


def make_copy(name: str, text: str, date: dt.date, copy: int, step_days: int, label_forms: list[str]) -> str:
    """Copy ``copy`` of the seed ``name`` dated ``date``: its date moved by ``step_days`` per copy, its turns
    reordered."""
    if copy == 0:
        return text
    text = move_date(text, date, date + dt.timedelta(days=step_days * copy))
    return swap_turns(text, random.Random(f"{name}:{copy}"), label_forms)


def write_corpus(seeds_dir: Path, folder: Path, copies: int, dates: dict[str, dt.date]) -> Corpus:
    """Write ``copies`` copies of every seed into ``folder`` with a matching SHA256SUMS.

    ``dates`` gives each seed's own date (see ``seed_dates``). Each copy moves every date by the span of
    the seeds' dates (three days for 3-5 November), so no two records share a date, hence an id.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    seeds = {path.name: path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt"))}
    undated = set(seeds) - set(dates)
    if undated:
        raise ValueError(f"no date for seeds {sorted(undated)}")
    step_days = (max(dates.values()) - min(dates.values())).days + 1
    label_forms = load_registry().label_forms
    sums = []
    sources = {}
    total = 0
    number = 0
    for copy in range(copies):
        for name, text in seeds.items():
            data = make_copy(name, text, dates[name], copy, step_days, label_forms).encode("utf-8")
            file_name = name if copy == 0 else f"{number:03d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
            (folder / file_name).write_bytes(data)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {file_name}\n")
            sources[file_name] = name
            total += len(data)
            number += 1
    (folder / "SHA256SUMS").write_text("".join(sorted(sums, key=lambda line: line.split("  ")[1])), encoding="utf-8")
    return Corpus(folder=folder, copies=copies, records=number, bytes=total, sources=sources)


def extend_curated(data, sources: dict[str, str]):
    """The curated data of ``etl/curated`` with every per-seed entry repeated for each copy of that seed.

    The curated files key per-record facts by seed file name (a mapping key, or a ``seed_file`` field
    in a list entry); a copy is a new record of the same kind, so it gets the same entries, as a
    contributor adding a record would write them. Nothing else changes.

    >>> extend_curated({"records": {"a.txt": {"place": "Havana"}}}, {"a.txt": "a.txt", "b.txt": "a.txt"})
    {'records': {'a.txt': {'place': 'Havana'}, 'b.txt': {'place': 'Havana'}}}
    >>> extend_curated([{"seed_file": "a.txt", "x": 1}], {"b.txt": "a.txt"})
    [{'seed_file': 'a.txt', 'x': 1}, {'seed_file': 'b.txt', 'x': 1}]
    """
    copies_of: dict[str, list[str]] = {}
    for copy_name, seed_name in sources.items():
        if copy_name != seed_name:
            copies_of.setdefault(seed_name, []).append(copy_name)
    return _repeat_entries(data, copies_of)


def _repeat_entries(data, copies_of: dict[str, list[str]]):
    if isinstance(data, dict):
        extended = {key: _repeat_entries(value, copies_of) for key, value in data.items()}
        for key, value in data.items():
            for copy_name in copies_of.get(key, []) if isinstance(key, str) else []:
                extended[copy_name] = _repeat_entries(value, copies_of)
        return extended
    if isinstance(data, list):
        extended = [_repeat_entries(item, copies_of) for item in data]
        for item in data:
            if isinstance(item, dict) and item.get("seed_file") in copies_of:
                for copy_name in copies_of[item["seed_file"]]:
                    extended.append({**_repeat_entries(item, copies_of), "seed_file": copy_name})
        return extended
    return data
