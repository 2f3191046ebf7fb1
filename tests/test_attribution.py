"""Who speaks: every label form of the transcript and every reported-speech turn goes to the right person."""

from __future__ import annotations

import pytest

from etl.read.blocks import Span, split_sentences
from etl.read.cast import NamingPlaces, read_cast
from etl.read.registry import load_registry
from etl.read.speakers import Attributor
from etl.read.vocabulary import load_vocabulary

# The people of the 4 November telegram, as its opening sentence names them.
OPENING_OF_4_NOVEMBER = (
    "Today talks were conducted between A.I. Mikoyan and Comrades Fidel Castro, O. Dorticos, R. Castro, "
    "E. Guevara, E. Aragonez, and C.R. Rodriguez, as well as myself."
)
CAST_OF_4_NOVEMBER = read_cast(
    NamingPlaces(body=[Span(0, len(OPENING_OF_4_NOVEMBER), OPENING_OF_4_NOVEMBER)]),
    load_registry(),
    load_vocabulary(),
)

MEMORANDUM = "1962-11-05-memorandum"
NOTES = "1962-11-03-notes"
TELEGRAM = "1962-11-04-telegram"


def turn_starting(db, document_id: str, opening: str) -> dict:
    rows = list(
        db.query("select * from utterances where document_id = ? and text like ? || '%'", [document_id, opening])
    )
    assert len(rows) == 1, f"expected one turn of {document_id} starting {opening!r}, found {len(rows)}"
    return rows[0]


@pytest.mark.parametrize(
    "printed, opening, participant_id, mode, addressee_id",
    [
        (
            "A.I. MIKOYAN. The variant which includes",
            "The variant which includes inspection",
            "mikoyan",
            "direct",
            None,
        ),
        (
            "A.I. MIKOYAN What are you going to do about that?",
            "What are you going to do about that?",
            "mikoyan",
            "direct",
            None,
        ),
        (
            "A.I. MIKOYAN, to Che: Let's meet and talk a little.",
            "Let's meet and talk a little.",
            "mikoyan",
            "direct",
            "guevara",
        ),
        ("A.I. MIKOYAN expressed his sympathy", "expressed his sympathy", "mikoyan", "reported", None),
        ("ALEKSEEV: But Che is an Argentinean.", "But Che is an Argentinean.", "alekseev", "direct", None),
        (
            "ALEKSEEV. We should not miss this opportunity.",
            "We should not miss this opportunity.",
            "alekseev",
            "direct",
            None,
        ),
        (
            "A.I. ALEKSEEV. This would give us the possibility",
            "This would give us the possibility",
            "alekseev",
            "direct",
            None,
        ),
        (
            "C. RAFAEL RODRIGUEZ. It would be possible to make many",
            "It would be possible to make many",
            "rodriguez",
            "direct",
            None,
        ),
        ("C.R. RODRIGUEZ. And change article 10.", "And change article 10.", "rodriguez", "direct", None),
        (
            "O. DORTICOS. I agree. Consequently we should strike article 13.",
            "I agree. Consequently",
            "dorticos",
            "direct",
            None,
        ),
        (
            "DORTICOS. We will try to prepare our variant by tomorrow.",
            "We will try to prepare",
            "dorticos",
            "direct",
            None,
        ),
        (
            "DORTICOS agrees with Comrade Mikoyan's proposal.",
            "agrees with Comrade Mikoyan's proposal.",
            "dorticos",
            "action",
            None,
        ),
        (
            "E. GUEVARA. That formula really causes doubts.",
            "That formula really causes doubts.",
            "guevara",
            "direct",
            None,
        ),
        (
            "ERNESTO GUEVARA. In essence we are in agreement",
            "In essence we are in agreement",
            "guevara",
            "direct",
            None,
        ),
    ],
)
def test_each_transcript_label_form_goes_to_its_participant(db, printed, opening, participant_id, mode, addressee_id):
    turn = turn_starting(db, MEMORANDUM, opening)
    assert (turn["participant_id"], turn["mode"], turn["addressee_id"]) == (participant_id, mode, addressee_id)
    assert printed.startswith(turn["speaker_label"])
    assert not turn["text"].startswith(turn["speaker_label"]), "the label is not part of the text"


def test_dorticos_objects_and_guevara_objects_are_actions_of_one_word(db):
    actions = list(
        db.query(
            "select participant_id, speaker_label, text from utterances where mode = 'action' and text = 'objects.'"
        )
    )
    assert actions == [
        {"participant_id": "dorticos", "speaker_label": "DORTICOS", "text": "objects."},
        {"participant_id": "guevara", "speaker_label": "GUEVARA", "text": "objects."},
    ]


def test_unlabelled_paragraphs_continue_the_previous_turn(db):
    turn = turn_starting(db, MEMORANDUM, "It is still possible to do some serious editing work.")
    paragraphs = turn["text"].split("\n\n")
    assert turn["paragraphs"] == len(paragraphs) == 4
    assert paragraphs[1].startswith("Despite the fact that the Americans may not accept")
    assert paragraphs[3].endswith("And what is your opinion, Comrades?")


def test_a_paragraph_cut_by_a_page_break_is_one_paragraph(db):
    turn = turn_starting(db, MEMORANDUM, "Let's meet and talk a little.")
    assert "China is big, but for the time being it is still a poor country." in turn["text"]
    assert turn["paragraphs"] == 2


def test_reported_turns_of_3_november_in_order(db):
    turns = [
        (r["participant_id"], r["mode"], r["speaker_label"], r["text"][:45])
        for r in db.query("select * from utterances where document_id = ? order by seq", [NOTES])
    ]
    assert turns == [
        (None, "narration", None, "This morning a two-hour conversation took pla"),
        ("mikoyan", "reported", "A.I. Mikoyan", "3 Unfortunately, A.I. Mikoyan said, some diff"),
        ("fidel-castro", "reported", "Fidel Castro", "In response Fidel Castro said that the Cuban "),
        ("mikoyan", "reported", "A.I. Mikoyan", "Comrade A.I. Mikoyan made an observation that"),
        (None, "narration", None, "... Then for half an hour A.I. Mikoyan discus"),
    ]


def test_castro_continues_across_asides_quotations_and_paragraphs(db):
    castro = turn_starting(db, NOTES, "In response Fidel Castro said that")
    assert "We are aware, joked Fidel Castro, that N.S. Khrushchev once said:" in castro["text"]
    assert "I was saying, Fidel Castro continued, that in the post-revolutionary years" in castro["text"]
    assert "Reports of missile launchers being dismantled and returned to the USSR at first seemed" in castro["text"]
    assert castro["paragraphs"] == 2
    assert castro["text"].endswith("we would have been in a better position.")


def test_reported_turns_of_4_november_in_order(db):
    turns = [
        (r["participant_id"], r["speaker_label"], r["text"][:40])
        for r in db.query("select * from utterances where document_id = ? order by seq", [TELEGRAM])
    ]
    assert turns == [
        (None, None, "Today talks were conducted between A.I. "),
        ("mikoyan", "Mikoyan", "Comrade Mikoyan conveyed warm, fraternal"),
        ("fidel-castro", "Fidel Castro", "Fidel Castro declared that he has alread"),
        ("mikoyan", "A.I. Mikoyan", "A.I. Mikoyan remarked that Fidel Castro "),
        ("dorticos", "O. Dorticos", "O. Dorticos asked for an explanation of "),
        ("rodriguez", "C.R. Rodriguez", "C.R. Rodriguez put a question to Comrade"),
        ("mikoyan", "A.I. Mikoyan", "Then A.I. Mikoyan, developing arguments "),
        (None, None, "We will send a full record of the conver"),
    ]


def test_the_frame_of_a_record_is_metadata_not_turns(db):
    texts = " ".join(r["text"] for r in db.query("select text from utterances"))
    for frame in (
        "Top Secret",
        "Recorded by",
        "3.XI.62 ALEKSEEV",
        "4.XI.62",
        "Evening 5 November 1962",
        "Alekseev and Mikoyan discuss the nature",
    ):
        assert frame not in texts


@pytest.mark.parametrize(
    "sentence, participant_id",
    [
        ("Unfortunately, A.I. Mikoyan said, some differences of opinion have arisen.", "mikoyan"),
        ("In response Fidel Castro said that the Cuban leadership was glad.", "fidel-castro"),
        ("O. Dorticos asked for an explanation of why N.S. Khrushchev approved the proposal.", "dorticos"),
        ("Comrade A.I. Mikoyan made an observation that the threat of aggression was so critical.", "mikoyan"),
        ("We are aware, joked Fidel Castro, that N.S. Khrushchev once said: there is a Cuban.", "fidel-castro"),
        ("We believed, Rodriguez noted, that we could not yet talk about victory.", "rodriguez"),
        ("After mutual greetings, Com. Dorticos said that Fidel Castro had not been able to come.", "dorticos"),
        ("N.S. Khrushchev once said: there is a Cuban in the CC CPSU.", None),
        (
            "The talks lasted seven hours, more than five hours of which were taken up by Comrade Mikoyan's "
            "explanations.",
            None,
        ),
    ],
)
def test_attribution_of_a_sentence(sentence, participant_id):
    attribution = Attributor(CAST_OF_4_NOVEMBER, load_vocabulary()).attribute(sentence)
    assert (attribution.participant_id if attribution else None) == participant_id


def test_initials_do_not_end_a_sentence():
    text = "Then A.I. Mikoyan, developing arguments made in N.S. Khrushchev's letters, offered more. He spoke."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Then A.I. Mikoyan, developing arguments made in N.S. Khrushchev's letters, offered more.",
        "He spoke.",
    ]
