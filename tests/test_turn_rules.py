"""The turn cutter's named rules (etl/read/speakers.py), each on the example sentence its docstring gives.

The cutter reads a paragraph by the first of ``PARAGRAPH_RULES`` that takes it, and a paragraph without a
label sentence by sentence, by the first of ``SENTENCE_RULES`` that takes each sentence; an author's "I"
is his own act unless one of ``AUTHOR_ACT_VETOES`` says it is speech, and reported words go on in a
paragraph that one of ``GOES_ON`` keeps in them. Each rule is tried here alone, on its example.
"""

from __future__ import annotations

import re

import pytest

from etl.read.blocks import Paragraph, Span
from etl.read.cast import NamingPlaces, read_cast
from etl.read.registry import load_registry
from etl.read.speakers import (
    AUTHOR_ACT_VETOES,
    GOES_ON,
    PARAGRAPH_RULES,
    SENTENCE_RULES,
    Attributor,
    SentenceAt,
    Turn,
    TurnPart,
    TurnReading,
    account_resumes,
    act_is_speech,
    addresses_the_listener,
    announced,
    author_goes_on_speaking,
    in_speakers_voice,
    in_speech_tense,
    labelled_turn,
    names_the_speaker_again,
    narration_resumes,
    new_speaker,
    note_paragraph,
    reports_someone,
    someone_else_says_it,
    speaker_owns_the_i,
    turn_goes_on,
    unknown_label_turn,
)
from etl.read.vocabulary import load_vocabulary
from etl.rows.notes import is_note_paragraph

VOCABULARY = load_vocabulary()
# The people of the talks, as an opening sentence of the kind the records print names them; Rusk for the
# examples from the 1963 collection.
OPENING = (
    "Today talks were conducted between A.I. Mikoyan and Comrades Fidel Castro, O. Dorticos, R. Castro, "
    "E. Guevara, E. Aragonez, C.R. Rodriguez, D. Rusk and A. Alekseev."
)


def reading(author_id: str | None = None) -> TurnReading:
    """A reading that has found nothing yet, of a record whose author (if any) is ``author_id``."""
    cast = read_cast(NamingPlaces(body=[Span(0, len(OPENING), OPENING)]), load_registry(), VOCABULARY)
    return TurnReading(Attributor(cast, VOCABULARY, (), author_id), is_note_paragraph)


def paragraph(text: str, start: int = 1000) -> Paragraph:
    return Paragraph((Span(start, start + len(text), text),))


def with_turn(found: TurnReading, participant_id: str | None, mode: str, text: str) -> Turn:
    """The reading, with a turn read before: ``text`` as one whole paragraph."""
    turn = Turn(participant_id, mode)
    found.start_turn(turn, paragraph(text, 0), 0)
    return turn


def sentence(found: TurnReading, text: str, first: bool = True, before: str = "") -> SentenceAt:
    """A sentence of a new paragraph (after the words ``before`` in it when it is not the first), as the
    cutter hands it to the sentence rules."""
    current = found.current
    if not first:  # the paragraph's earlier words are in the current turn already
        current = current or with_turn(found, None, "narration", before)
        current.parts.append(TurnPart(paragraph(before + text), 0, len(before + text)))
    at_paragraph = current.parts[-1].paragraph if not first and current else paragraph(text)
    speaking = current.participant_id if current and current.mode != "narration" else None
    return SentenceAt(at_paragraph, len(before), text, first, current, speaking or found.last_named)


def author_act(found: TurnReading, text: str) -> re.Match[str]:
    act = found.attributor.author_act.match(text)
    assert act, text
    return act


# --- Paragraph rules


def test_note_paragraph_sets_the_note_aside():
    found = reading()
    note = paragraph('[Ed. note: Article 13 of the draft protocol read: "The Government of the Republic of Cuba ..."]')
    assert note_paragraph(found, note) is True
    assert [n.after_turn for n in found.notes] == [None] and found.turns == []
    assert note_paragraph(found, paragraph("A.I. MIKOYAN. The variant which includes inspection.")) is False


def test_labelled_turn_opens_a_transcript_turn():
    found = reading()
    assert labelled_turn(found, paragraph("A.I. MIKOYAN. The variant which includes inspection.")) is True
    (turn,) = found.turns
    assert (turn.participant_id, turn.mode, turn.label.text, turn.text) == (
        "mikoyan",
        "direct",
        "A.I. MIKOYAN",
        "The variant which includes inspection.",
    )
    assert found.last_named == "mikoyan"
    assert labelled_turn(found, paragraph("A.I. MIKOYAN, to Che: Let's meet and talk a little.")) is True
    assert found.turns[-1].addressee_id == "guevara"
    assert labelled_turn(found, paragraph("DORTICOS objects.")) is True
    assert (found.turns[-1].participant_id, found.turns[-1].mode) == ("dorticos", "action")
    assert labelled_turn(found, paragraph("The talks lasted seven hours.")) is False


def test_unknown_label_turn_opens_a_provisional_turn():
    found = reading()
    text = "C. RAFAEL RODRIGUEZ. It would be possible to make many editorial changes here."
    assert unknown_label_turn(found, paragraph(text)) is True
    (turn,) = found.turns
    assert (turn.mode, turn.label.text, turn.text) == (
        "direct",
        "C. RAFAEL RODRIGUEZ",
        "It would be possible to make many editorial changes here.",
    )
    assert [label.label for label in found.unknown] == ["C. RAFAEL RODRIGUEZ"]
    assert unknown_label_turn(found, paragraph("NOTE: For persons requesting transit visa.")) is False


# --- Sentence rules


def test_narration_resumes_where_a_sentence_is_about_a_participant():
    found = reading()
    with_turn(found, "mikoyan", "reported", "A.I. Mikoyan remarked that the talks went well.")
    assert narration_resumes(found, sentence(found, "Ambassador A. Alekseev attended the conversation.")) is True
    assert [(turn.participant_id, turn.mode) for turn in found.turns] == [("mikoyan", "reported"), (None, "narration")]


def test_narration_resumes_at_the_authors_own_act():
    found = reading(author_id="alekseev")
    at = sentence(found, "I await instructions regarding the response to Rusk.")
    assert narration_resumes(found, at) is True
    assert [(turn.participant_id, turn.mode) for turn in found.turns] == [(None, "narration")]


def test_narration_does_not_resume_mid_paragraph_in_a_direct_turn():
    found = reading()
    with_turn(found, "mikoyan", "direct", "We are going.")
    at = sentence(found, "Ambassador A. Alekseev attended the conversation.", first=False, before="We are going. ")
    assert narration_resumes(found, at) is False


def test_new_speaker_starts_a_turn_where_a_sentence_makes_someone_the_speaker():
    found = reading()
    with_turn(found, None, "narration", "The conversation took place in the evening.")
    text = "In response Fidel Castro said that the Cuban leadership was glad to see A.I. Mikoyan."
    assert new_speaker(found, sentence(found, text)) is True
    turn = found.turns[-1]
    assert (turn.participant_id, turn.mode, turn.label.text) == ("fidel-castro", "reported", "Fidel Castro")


def test_new_speaker_starts_a_turn_mid_paragraph():
    found = reading()
    with_turn(found, "dorticos", "reported", "O. Dorticos asked for an explanation.")
    before = "The talks went on. "
    at = sentence(found, "Unfortunately, A.I. Mikoyan said, some differences of opinion remain.", False, before)
    assert new_speaker(found, at) is True
    assert found.turns[-1].participant_id == "mikoyan"
    assert found.turns[-2].parts[-1].text == "The talks went on."  # Dorticos's turn ends where Mikoyan's begins


def test_new_speaker_leaves_a_sentence_that_names_the_person_speaking_again():
    found = reading()
    with_turn(found, "rodriguez", "reported", "C.R. Rodriguez put a question to Comrade Mikoyan.")
    at = sentence(found, "We believed, Rodriguez noted, that we could not yet talk about victory.")
    assert new_speaker(found, at) is False
    assert at.attribution is not None and at.attribution.participant_id == "rodriguez"


def test_account_resumes_where_reported_words_do_not_go_on():
    found = reading()
    with_turn(found, "rusk", "reported", "Rusk said that the talks went well.")
    assert account_resumes(found, sentence(found, "After the correspondents left, we sat at another table.")) is True
    assert [(turn.participant_id, turn.mode) for turn in found.turns][-1] == (None, "narration")


def test_account_resumes_at_a_records_first_paragraph():
    found = reading()
    assert account_resumes(found, sentence(found, "4 November 1962")) is True
    assert [(turn.participant_id, turn.mode) for turn in found.turns] == [(None, "narration")]


def test_account_does_not_resume_in_a_direct_turn():
    found = reading()
    with_turn(found, "mikoyan", "direct", "The variant which includes inspection.")
    assert account_resumes(found, sentence(found, "After the correspondents left, we sat at another table.")) is False


def test_turn_goes_on_over_a_paragraph_no_rule_before_takes():
    found = reading()
    turn = with_turn(found, "mikoyan", "direct", "The variant which includes inspection.")
    text = "I would also like to propose that we not publish a report about every meeting."
    assert turn_goes_on(found, sentence(found, text)) is True
    assert turn.text.endswith(text) and len(turn.parts) == 2
    assert turn_goes_on(found, sentence(found, text, first=False, before="So. ")) is False


# --- Vetoes of the author's own act


def test_act_is_speech_where_the_verb_reports():
    found = reading(author_id="alekseev")
    for text in ("I replied that we agree.", "I agreed with his opinion and noted that it was late."):
        assert act_is_speech(found, sentence(found, text), author_act(found, text)) is True
    text = "I await instructions regarding the response to Rusk."
    assert act_is_speech(found, sentence(found, text), author_act(found, text)) is False


def test_someone_else_says_it_where_the_sentence_names_the_speaker():
    found = reading(author_id="alekseev")
    text = "I would also like to emphasize, Rusk continued, that this is so."
    assert someone_else_says_it(found, sentence(found, text), author_act(found, text)) is True


def test_speaker_owns_the_i_once_the_person_speaking_speaks_as_i():
    found = reading(author_id="alekseev")
    with_turn(found, "rusk", "reported", "Rusk said: We quite frankly want to cooperate with all peoples.")
    text = "I know that this is so."
    assert speaker_owns_the_i(found, sentence(found, text), author_act(found, text)) is True
    found = reading(author_id="alekseev")
    with_turn(found, "rusk", "reported", "Rusk said that the talks went well.")
    assert speaker_owns_the_i(found, sentence(found, text), author_act(found, text)) is False


def test_author_goes_on_speaking_in_his_own_words():
    found = reading(author_id="alekseev")
    with_turn(found, "alekseev", "reported", "I replied that we agree.")
    for text in ("For my part, I can say that, as I well know, Cuba would agree.", "I saw your soldiers there."):
        assert author_goes_on_speaking(found, sentence(found, text), author_act(found, text)) is True
    text = "I await instructions regarding the response to Rusk."
    assert author_goes_on_speaking(found, sentence(found, text), author_act(found, text)) is False


# --- What keeps a paragraph in someone's reported words


def reported(
    author_id: str | None = None, speaker: str = "rusk", words: str = "Rusk said that it was late."
) -> TurnReading:
    found = reading(author_id)
    with_turn(found, speaker, "reported", words)
    return found


def test_in_speakers_voice():
    found = reported(words="He said: We quite frankly want to cooperate with all peoples.")
    assert in_speakers_voice(found, sentence(found, "We are devoted to our system and intend to preserve it.")) is True
    found = reported()  # someone reported in the third person: an "I" opening is the author again
    assert in_speakers_voice(found, sentence(found, "I await instructions regarding the response to Rusk.")) is False
    assert in_speakers_voice(found, sentence(found, "“It is late,” he said.")) is True
    assert in_speakers_voice(found, sentence(found, "After the correspondents left, we sat at another table.")) is False


def test_addresses_the_listener():
    found = reported(author_id="alekseev", speaker="alekseev", words="I replied that we agree.")
    text = "Take, for example, the question of concluding a non-aggression pact, but then you froze this issue."
    assert addresses_the_listener(found, sentence(found, text)) is True
    assert addresses_the_listener(reported(), sentence(found, text)) is False  # not the author's words


def test_announced():
    found = reported(words="Thompson advised him:")
    assert announced(found, sentence(found, "It would be better to wait.")) is True
    found = reported()
    assert announced(found, sentence(found, "It would be better to wait.")) is False


def test_reports_someone():
    found = reported()
    assert reports_someone(found, sentence(found, "Firstly, in his opinion, it would be better to wait.")) is True
    assert reports_someone(found, sentence(found, "Firstly, it would be better to wait.")) is False


def test_in_speech_tense():
    found = reported()
    assert in_speech_tense(found, sentence(found, "West Germany is a rich country with large gold reserves.")) is True
    assert in_speech_tense(found, sentence(found, "After the correspondents left, we sat at another table.")) is False


def test_names_the_speaker_again():
    found = reported(speaker="rodriguez", words="C.R. Rodriguez put a question to Comrade Mikoyan.")
    at = sentence(found, "We believed, Rodriguez noted, that we could not yet talk about victory.")
    assert new_speaker(found, at) is False  # (the rule before it looks for the sentence's speaker)
    assert names_the_speaker_again(found, at) is True
    assert names_the_speaker_again(found, sentence(found, "It was late.")) is False


# --- The tables


@pytest.mark.parametrize("table", [PARAGRAPH_RULES, SENTENCE_RULES, AUTHOR_ACT_VETOES, GOES_ON])
def test_every_rule_says_why_with_an_example_and_is_tested_here(table):
    tests = {name for name in globals() if name.startswith("test_")}
    for rule in table:
        assert rule.__doc__ and '"' in rule.__doc__, f"{rule.__name__} gives no example sentence"
        assert any(rule.__name__ in test or _tested(rule.__name__, test) for test in tests), rule.__name__


def _tested(rule: str, test: str) -> bool:
    """Whether a test is about a rule: it calls the rule (its name is in the test's code)."""
    return rule in globals()[test].__code__.co_names
