"""Reading grows linearly with a record's length: whether the person speaking already speaks as "I" is found
by searching each word of a turn about once (FirstPersonScan), with the same answer as searching the turn's
whole words again at every sentence (the reading before it, which took time in the square of a turn's length)."""

from __future__ import annotations

import random

import pytest

from etl.read.blocks import Paragraph, Span
from etl.read.speakers import FIRST_PERSON, FirstPersonScan, Turn, TurnPart, _text_so_far

SENTENCES = [
    "Mikoyan says that the talks went well.",
    "I replied that we agree.",
    "We believe, he said, that this is so.",
    "For my part, I can say nothing.",
    "“I am sure of it,” Castro said.",
    "He noted that the missiles had gone.",
    "Comrade Dorticos, We must go on.",
    "The conversation proceeded in a good atmosphere.",
    "Then I",
    "left.",
]


def paragraph(text: str, start: int) -> Paragraph:
    return Paragraph((Span(start, start + len(text), text),))


def brute_force(turn: Turn, current: Paragraph, position: int) -> bool:
    return bool(FIRST_PERSON.search(_text_so_far(turn, current, position)))


@pytest.mark.parametrize("seed", range(40))
def test_the_scan_answers_as_a_search_of_the_whole_turn_at_every_sentence(seed: int):
    rng = random.Random(seed)
    scan = FirstPersonScan()
    turn = Turn("mikoyan", "reported")
    offset = 0
    for _ in range(rng.randint(1, 4)):  # the turn runs over a few paragraphs
        sentences = [rng.choice(SENTENCES[:1] + SENTENCES[5:8]) for _ in range(rng.randint(1, 30))]
        sentences += [rng.choice(SENTENCES)] if rng.random() < 0.3 else []
        text = " ".join(rng.sample(sentences, len(sentences)))
        current = paragraph(text, offset)
        offset += len(text) + 2
        part = TurnPart(current, 0, 0)
        turn.parts.append(part)
        position = 0
        for sentence_end in [i + 1 for i, c in enumerate(text) if c == "."] + [len(text)]:
            position = sentence_end
            part.end = position
            assert scan.speaks_as_i(turn, current, position) == brute_force(turn, current, position), (
                seed,
                text[:position],
            )
        part.end = len(text.rstrip())


def test_a_match_across_the_join_of_two_paragraphs_is_found():
    first, second = paragraph("It was agreed.", 0), paragraph("I left then.", 20)
    turn = Turn("mikoyan", "reported", parts=[TurnPart(first, 0, 14), TurnPart(second, 0, 0)])
    assert FirstPersonScan().speaks_as_i(turn, second, 12) is True
    assert brute_force(turn, second, 12) is True


class CountingScan(FirstPersonScan):
    """The scan, counting the characters it hands to the search."""

    searched = 0

    def _holds_first_person(self, text: str) -> bool:
        self.searched += len(text) - max(0, self.offset - 300) if self.offset else len(text)
        return super()._holds_first_person(text)


def test_a_turn_of_ten_thousand_sentences_is_searched_about_once_per_character():
    text = " ".join(f"Mikoyan says that point {number} is settled." for number in range(10_000))
    current = paragraph(text, 0)
    turn = Turn("mikoyan", "reported", parts=[TurnPart(current, 0, 0)])
    scan = CountingScan()
    for position in (i + 1 for i, c in enumerate(text) if c == "."):
        assert scan.speaks_as_i(turn, current, position) is False
    assert scan.searched < len(text) + 300 * 10_000  # each character once, and the overlap; never the whole turn again
    assert scan.searched < len(text) * 10  # against about len(text) * 5,000 when the whole turn was searched each time
