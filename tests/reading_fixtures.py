"""The hand-read records of tests/fixtures/records/ and how a reading of one compares with what was read by hand.

The expectations are this project's own files; the records' texts are read from the shared corpus
(tests/corpus.py), never from a committed copy. Shared by the tests of the reader
(tests/test_reader_corpus.py) and by ``make bench``, which reports the same agreement figures.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from corpus import corpus_folder

from etl.rows.types import SeedRows

RECORDS = Path(__file__).resolve().parent / "fixtures" / "records"

# The frame fields of an expected file and the documents column each is compared with.
FRAME_COLUMNS = {
    "collection_number": "collection_number",
    "title": "title",
    "date": "date",
    "date_as_printed": "date_as_printed",
    "place": "place",
    "document_type": "document_type",
    "classification": "classification",
    "reference_number": "reference_number",
    "addressee": "addressee",
    "signature": "signature_as_printed",
    "archival_reference": "archival_reference",
}


@dataclass(frozen=True)
class HandRead:
    collection: str
    record: Path
    expected: dict

    @property
    def name(self) -> str:
        return f"{self.collection}/{self.record.name}"


@dataclass(frozen=True)
class TurnCheck:
    opening: str
    expected_speaker: str | None
    expected_mode: str
    found_speaker: str | None
    found_mode: str | None

    @property
    def agrees(self) -> bool:
        if self.expected_speaker is None:
            return self.found_speaker is None and self.found_mode == "narration"
        return (
            self.found_speaker is not None
            and fold(self.expected_speaker) in fold(self.found_speaker)
            and self.found_mode == self.expected_mode
        )


def hand_read_records() -> list[HandRead]:
    """Each expected file with the path of its record in the corpus (which may be absent: see tests/corpus.py)."""
    found = []
    for expected_path in sorted(RECORDS.glob("*/*.expected.yml")):
        record = corpus_folder() / expected_path.name.replace(".expected.yml", ".txt")
        found.append(
            HandRead(expected_path.parent.name, record, yaml.safe_load(expected_path.read_text(encoding="utf-8")))
        )
    return found


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def speaker_names(seed: SeedRows, registry_names: dict[str, str]) -> dict[str, str]:
    """Participant id -> the name a reader knows them by (the registry's, or as printed)."""
    names = dict(registry_names)
    for person in seed.people:
        names[person.participant_id] = person.name + " " + " ".join(person.forms)
    return names


def check_turns(hand_read: HandRead, seed: SeedRows, text: str, names: dict[str, str]) -> list[TurnCheck]:
    """For each turn read by hand, the speaker and mode of the turn the reader has at that place."""
    turns = seed.rows.get("utterances", [])
    checks = []
    for expected in hand_read.expected.get("turns") or []:
        offset = text.find(expected["opening"])
        assert offset >= 0, f"{hand_read.name}: the opening {expected['opening']!r} is not in the record"
        turn = next((t for t in turns if t["char_start"] <= offset < t["char_end"]), None)
        speaker = names.get(turn["participant_id"], turn["participant_id"]) if turn and turn["participant_id"] else None
        checks.append(
            TurnCheck(
                expected["opening"], expected["speaker"], expected["mode"], speaker, turn["mode"] if turn else None
            )
        )
    return checks


def characters_agreeing(hand_read: HandRead, seed: SeedRows, text: str, names: dict[str, str]) -> tuple[int, int]:
    """How many characters of the hand-read turns the reader gives to the same speaker and mode, of how many.

    A stricter measure than the turns' openings: a turn cut in two by a stray narration counts against it.
    Each hand-read turn runs from its opening to the next one's (the last to the end of the reader's turns).
    """
    expected = hand_read.expected.get("turns") or []
    starts = [text.find(turn["opening"]) for turn in expected]
    turns = seed.rows.get("utterances", [])
    end_of_turns = max((turn["char_end"] for turn in turns), default=len(text))
    total = agreeing = 0
    for index, turn in enumerate(expected):
        start, end = starts[index], starts[index + 1] if index + 1 < len(expected) else end_of_turns
        for found in turns:
            overlap = min(end, found["char_end"]) - max(start, found["char_start"])
            if overlap <= 0:
                continue
            speaker = names.get(found["participant_id"], found["participant_id"]) if found["participant_id"] else None
            check = TurnCheck(turn["opening"], turn["speaker"], turn["mode"], speaker, found["mode"])
            total += overlap
            agreeing += overlap if check.agrees else 0
    return agreeing, total
