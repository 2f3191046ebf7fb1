"""The reader's faster searches find exactly what the plain searches find, on every real record.

A search that tries a pattern only where its opening words stand, or only where a line starts, is there for
speed alone: on the seeds and the whole shared corpus it must give the same matches as ``finditer``.
"""

from __future__ import annotations

import re

import pytest
from corpus import corpus_records
from seedfolder import REPO

from etl.read.blocks import find_at_line_starts, split_sentences
from etl.read.cast import NamingPlaces, read_cast
from etl.read.registry import load_registry
from etl.read.speakers import FIRST_PERSON_OPENINGS, FIRST_PERSON_SUBJECT, PRONOUN_OPENINGS, PRONOUN_SUBJECT, Attributor
from etl.read.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary()
RECORDS = sorted((REPO / "seeds").glob("*.txt")) + corpus_records()
# Texts made to trip a search up: a phrase at the very start and end, after a newline, inside a word.
TRICKY = [
    "Present: A. Dobrynin\nPresent at the conversation were: Rusk",
    "unin the presence of: no\nThe conversation was attended by Thompson approached me",
    "approached.approached on his own, as well as myselfish, where I [A. Alekseev] was also present",
    "1. There was a conversation at the reception with de Gaulle.\nVisited Thompson at his request.",
]


def texts() -> list[str]:
    found = [path.read_text(encoding="utf-8") for path in RECORDS]
    return found + [block for text in found for block in re.split(r"\n\s*\n", text)] + TRICKY


def spans(matches) -> list[tuple]:
    return [(match.span(), match.groups()) for match in matches]


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(VOCABULARY.phrases))
@pytest.mark.parametrize("flags", [0, re.MULTILINE], ids=["plain", "multiline"])
def test_each_kind_of_phrase_is_found_where_finditer_finds_it(name, flags):
    pattern = VOCABULARY.phrase(name, flags)
    assert len(RECORDS) > 90
    for text in texts():
        assert spans(VOCABULARY.find_phrases(name, text, flags)) == spans(pattern.finditer(text)), text[:80]
        assert spans(filter(None, [VOCABULARY.search_phrase(name, text, flags)])) == spans(
            filter(None, [pattern.search(text)])
        )
        if pattern.search(text):
            assert VOCABULARY.may_hold_phrase(name, text)


def test_a_text_without_the_opening_words_of_a_kind_holds_none_of_its_phrases():
    assert not VOCABULARY.may_hold_phrase("absence", "Fidel Castro came to the talks")
    assert VOCABULARY.may_hold_phrase("absence", "Fidel Castro had not been able to come because he is feeling poorly")
    assert VOCABULARY.may_hold_phrase("talk_with", "no plain words open these phrases: any text may hold one")


def test_a_pattern_that_may_match_nothing_at_a_line_start_is_found_as_finditer_finds_it():
    pattern = re.compile(r"^(?:Present:)?", re.MULTILINE)
    for text in ["Present:\n\nPresent: x", "a\nPresent:", ""]:
        assert spans(find_at_line_starts(pattern, text)) == spans(pattern.finditer(text))


@pytest.mark.corpus
def test_every_pronoun_attribution_stands_where_the_quick_scan_for_he_or_she_finds_a_word():
    attributor = Attributor(read_cast(NamingPlaces(), load_registry(), VOCABULARY), VOCABULARY)
    sentences = [text[a:b] for text in texts() for a, b in split_sentences(text)]
    sentences += [
        "He noted that",
        "she said so",
        "Then, in reply, he\tstated that",
        "1. He said",
        "Yes, he said, it is so.",
    ]
    found = [sentence for sentence in sentences if attributor.pronoun_attribution.search(sentence)]
    assert len(found) > 10
    for sentence in found:
        assert sentence.startswith(PRONOUN_OPENINGS) or PRONOUN_SUBJECT.search(sentence), sentence


@pytest.mark.corpus
@pytest.mark.parametrize(
    "pattern, openings, subject",
    [("pronoun_act", PRONOUN_OPENINGS, PRONOUN_SUBJECT), ("author_act", FIRST_PERSON_OPENINGS, FIRST_PERSON_SUBJECT)],
)
def test_every_act_of_he_or_i_stands_where_the_quick_scan_finds_its_subject(pattern, openings, subject):
    attributor = Attributor(read_cast(NamingPlaces(), load_registry(), VOCABULARY), VOCABULARY)
    sentences = [text[a:b] for text in texts() for a, b in split_sentences(text)]
    sentences += ["He handed it over.", "Then I\nwent home.", "After that, She left", "1. I left"]
    found = [sentence for sentence in sentences if getattr(attributor, pattern).match(sentence)]
    assert len(found) > 3
    for sentence in found:
        assert sentence.startswith(openings) or subject.search(sentence), sentence
