"""Attribution: cut a record's paragraphs into speaker turns and say who speaks each one, and how.

One set of rules serves every layout:

- A transcript turn starts with an upper-case label at the head of a paragraph: "A.I. MIKOYAN. ...",
  "ALEKSEEV: ...", "A.I. MIKOYAN, to Che: ...", "A.I. MIKOYAN What ..." (direct), or a label and a verb:
  "DORTICOS objects." (action), "A.I. MIKOYAN expressed his sympathy ..." (reported).
- In the recorder's narration and in reported speech, a turn starts at the sentence where a participant
  becomes the speaker: "In response Fidel Castro said that ...", "Unfortunately, A.I. Mikoyan said, ...",
  "We are aware, joked Fidel Castro, that ...". Turns can start mid-paragraph. A sentence that names the
  current speaker again ("I was saying, Fidel Castro continued, ...") continues the turn. Only names in
  the registry count, so "N.S. Khrushchev once said" inside Castro's speech is a quotation, not a turn.
- A paragraph without a label or attribution continues the previous turn; the recorder's narration
  resumes where a sentence is about a participant rather than by them ("Then for half an hour A.I.
  Mikoyan discussed ...", "Ambassador A. Alekseev attended the conversation.") or where the curated list
  of narration resumptions says so.
- In an account told by its author (a telegram, a resolution) the author's "I replied that ..." is his
  turn; people show up as speakers only in the account itself ("Ikeda noted that ..."), never inside
  someone's words; a paragraph that does not go on in the speaker's voice (no "I", no "you" to the one
  spoken to, no "in his opinion") returns to the account. Words about what was just said ("I told this to
  Home to prompt him"), what someone did not do, the author's reading ("One could understand ...") and
  asides in parentheses are the account, not speech.
- The cast comes first (``etl/read/cast.py``); where the first reading finds new speakers, the record is
  read again with everyone known from its first line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from etl.read.blocks import Paragraph, Span, find_where_possible, split_sentences
from etl.read.cast import PRINTED_NAME, SURNAME, Cast, provisional_id
from etl.read.vocabulary import Vocabulary

# The generic shape of a transcript label, for labels the registry does not know yet: initials and
# upper-case words, then a full stop or colon. "C. RAFAEL RODRIGUEZ. It would be possible ..."
UNKNOWN_LABEL = re.compile(
    r"^(?P<label>(?:[A-Z]\.\s?){0,3}[A-Z][A-Z'-]+(?:\s[A-Z][A-Z'-]+){0,2})(?P<after>\.\s+|:\s+)(?=\S)"
)


# A paragraph that goes on in the voice of the person speaking: a quotation, or the speaker's "I" or "we":
# "We are devoted to our system and intend to preserve it" (Johnson, after "He said that ..."); "In the
# past, I have repeatedly had to exchange opinions ..." (Mikoyan to Rusk).
SPEAKERS_VOICE = re.compile(
    r"""^(?:["“]|(?:I|We|My|Our|Me|Us)\b|(?:And|But|So|Therefore|However|Moreover|Besides|Now|Then),?\s+(?:I|we)\b|[A-Z][\w\s]{0,40},\s+I\b)"""
)


# Words in quotation marks, straight or curly: '"offensive" weapons'.
QUOTATION = re.compile(r'"[^"]*"|“[^”]*”')

# The end of words set off by commas that is itself a name: ", the accompanying head of ..., Gatrie,"
APPOSED_NAME = re.compile(rf",\s+(?P<name>{SURNAME})$")

# Words said to the one spoken to: a paragraph that addresses "you" goes on in the speaker's voice, whatever
# its first words: "Take, for example, the question of concluding a non-aggression pact. ... but then you
# suddenly completely froze this issue" (Mikoyan to Rusk, 1963 collection, No. 44).
SECOND_PERSON = re.compile(r"\b(?:you|your|yours|You|Your)\b")

# "He" or "She" as a word, at the start of a sentence or after a space, and before a space: where every
# ``pronoun_attribution`` names its speaker ("He noted that ...", "..., he said, ..."). Most sentences have
# none and are not tried against that pattern, whose lead-in is slow to try (a sentence is a few µs); this one
# opens with a space, which the regex engine skips to.
PRONOUN_SUBJECT = re.compile(r"\s(?:[Hh]e|[Ss]he)\s")
PRONOUN_OPENINGS = ("He", "he", "She", "she")

# "I" as a word in the same places: where the author's own act ("I await instructions ...") names him
# (``author_act``).
FIRST_PERSON_SUBJECT = re.compile(r"\sI\s")
FIRST_PERSON_OPENINGS = ("I",)

# An act or two before the words, joined by "and" or ", then": "Alphand ... approached me and began
# reminiscing about ...", "Johnson thanked for conveying the message and said that ...", "Salinger
# approached comrade Sukhodrev and asked him to ...", "Home ... approached on his own and greeted me
# cordially, then began saying ...", "He gladly agreed with this thesis, then asked if I knew Butler."
ACTS = r"(?:[a-z]+(?:\s+[\w.'-]+){0,5}?(?:,?\s+and(?:\s+then)?|,\s+then)\s+){1,2}"
FIRST_ACT = rf"(?:{ACTS})?"

# The speaker's own voice in a turn: a sentence of theirs that opens with "I" or "We" (perhaps after a
# phrase): "I [Castro] would like to say the following.", "We quite frankly want to cooperate with all
# peoples" (Johnson). An "I" inside a reported clause ("began saying that ..., I hadn't changed at all")
# is the author's, not the speaker's.
FIRST_PERSON = re.compile(r"""(?:^|[.!?:]["”]?\s+["“]?)(?:[A-Z][a-z]+(?:\s[a-z]+){0,4},\s+)?(?:I|We)[\s,]""")


@dataclass(frozen=True)
class Attribution:
    participant_id: str | None  # (a name of the cast resolves to someone: None only where it does not)
    label: str
    label_start: int  # offset within the sentence
    mode: str


@dataclass
class TurnPart:
    """The part of one paragraph that belongs to a turn, as offsets into the paragraph's text."""

    paragraph: Paragraph
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start : self.end]


@dataclass
class Turn:
    """One speaker turn: who, how, and the parts of paragraphs it covers."""

    participant_id: str | None
    mode: str
    label: Span | None = None
    addressee_id: str | None = None
    parts: list[TurnPart] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(part.text for part in self.parts)

    @property
    def start(self) -> int:
        return self.parts[0].paragraph.seed_offset(self.parts[0].start)

    @property
    def end(self) -> int:
        return self.parts[-1].paragraph.seed_offset(self.parts[-1].end)


@dataclass(frozen=True)
class NoteParagraph:
    """A paragraph that is one bracketed note ("[Ed. note: ...]"), and the turn it follows."""

    paragraph: Paragraph
    after_turn: int | None


@dataclass(frozen=True)
class UnknownLabel:
    label: str
    offset: int


class Attributor:
    """Patterns built from the record's cast and the vocabularies: labels, attributions, narration sentences.

    Only the people of the record (its cast) can speak: a name of someone merely mentioned ("N.S.
    Khrushchev once said", "said Jackie") never starts a turn.
    """

    def __init__(
        self, cast: Cast, vocabulary: Vocabulary, narration_openings: tuple[str, ...] = (), author_id: str | None = None
    ):
        self.cast = cast
        self.registry = cast.registry
        self.vocabulary = vocabulary
        self.narration_openings = narration_openings
        self.author_id = author_id if author_id in cast.people else None

    @cached_property
    def _verbs(self) -> str:
        return self.vocabulary.verb_pattern

    @cached_property
    def _honorific(self) -> str:
        return self.vocabulary.honorific_pattern

    @cached_property
    def _title(self) -> str:
        return self.vocabulary.title_pattern

    @cached_property
    def act_then_speech(self) -> re.Pattern[str]:
        # An act and then words: "agreed with this thesis, then asked if I knew Butler" is speech.
        return re.compile(rf"{ACTS}(?:{self._verbs})\b")

    @cached_property
    def name_pattern(self) -> str:
        """Every printed form of the cast's names (registry labels excepted), longest first."""
        labels = set(self.registry.label_forms)
        names = sorted(
            {f for person in self.cast.people.values() for f in person.forms if f not in labels}, key=len, reverse=True
        )
        return "|".join(re.escape(name) for name in names) or r"(?!x)x"

    @cached_property
    def names_anywhere(self) -> re.Pattern[str]:
        # Any printed form of the cast's names, wherever it stands: most sentences name no one of the cast,
        # and one scan for a name spares them the attribution patterns that each need one.
        return re.compile(self.name_pattern)

    @cached_property
    def known_label(self) -> re.Pattern[str]:
        # "A.I. MIKOYAN. ...", "ALEKSEEV: ...", "A.I. MIKOYAN, to Che: ...", "A.I. MIKOYAN What ...",
        # "DORTICOS objects."
        labels = self.registry.label_alternation
        return re.compile(
            rf"""^(?P<label>{labels})
            (?:(?P<punctuation>\.\s+|:\s+)
              |,\s+to\s+(?P<addressee>[^:]{{1,40}}):\s+
              |\s+(?=(?P<verb>[a-z]+))
              |\s+(?=[A-Z]))""",
            re.VERBOSE,
        )

    @cached_property
    def cast_label(self) -> re.Pattern[str]:
        # A label in any case with a full stop or colon, on the line of the words or alone before them:
        # "McCloy. We believe ...", "A.I.Mikoyan. ...", "F. Castro:" then the words on the next line.
        # ... and with a stage direction before the colon: "N.S. Khrushchev (after the translation ended):"
        return re.compile(
            rf"^(?P<label>{self.name_pattern})(?:\s+\([^()\n]{{1,60}}\))?(?P<punctuation>[.:]\s+)(?=\S)", re.IGNORECASE
        )

    @cached_property
    def subject_attribution(self) -> re.Pattern[str]:
        # "In response Fidel Castro said that ...", "O. Dorticos asked ...", "Then A.I. Mikoyan,
        # developing arguments made in ..., offered additional arguments", "Kohler says that ..."
        return re.compile(
            rf"^{self.vocabulary.attribution_lead_in_pattern}{self._title}(?P<name>{self.name_pattern})(?:,(?P<apposition>[^;]{{1,300}}?),)?\s+{self.vocabulary.adverb_pattern}{FIRST_ACT}(?P<verb>{self._verbs})\b"
        )

    @cached_property
    def parenthetical_attribution(self) -> re.Pattern[str]:
        # "Unfortunately, A.I. Mikoyan said, some differences ...", "The death of Kennedy, as Walton stated, caused"
        return re.compile(rf",\s+(?:as\s+)?{self._honorific}(?P<name>{self.name_pattern})\s+(?P<verb>{self._verbs}),")

    @cached_property
    def according_to(self) -> re.Pattern[str]:
        # "President Johnson, according to Rusk, agrees with this." (1963 collection, No. 54)
        # "In Thompson's opinion, supporting his consideration ..., " (No. 32)
        return re.compile(
            rf"(?:^|,\s+)(?:(?P<verb>[Aa]ccording to)\s+{self._honorific}(?P<name>{self.name_pattern})[,.]"
            rf"|[Ii]n\s+{self._honorific}(?P<owner>{self.name_pattern})'s\s+(?P<view>opinion|view|words)\b)"
        )

    @cached_property
    def inverted_attribution(self) -> re.Pattern[str]:
        # "We are aware, joked Fidel Castro, that N.S. Khrushchev once said: ...",
        # "It is difficult for me, said Walton, to"
        # and after a question or exclamation in quotation marks: '"Why measures?" exclaimed de Gaulle, "when ...'
        # and with a few words after the name: "In any case, said R. Kennedy in conclusion, I will ..."
        return re.compile(
            rf"(?:,|[?!][\"”])\s+(?P<verb>{self._verbs})\s+{self._honorific}(?P<name>{self.name_pattern})(?:\s+[a-z]+(?:\s+[a-z]+){{0,3}})?[,.]"
        )

    @cached_property
    def quotation_then_speaker(self) -> re.Pattern[str]:
        # A quotation broken by its speaker: "'The question,' Berg began, 'is not the zones ...'" (a direct turn).
        verbs = f"{self._verbs}|{self.vocabulary.phrase('speaks_after_a_quotation').pattern}"
        return re.compile(
            rf"^(?P<quote>['‘\"“])[^'’\"”]{{1,200}}?[,?!]['’\"”]\s+{self._honorific}(?P<name>{self.name_pattern})"
            rf"\s+(?P<verb>{verbs}),\s+['‘\"“]"
        )

    @cached_property
    def first_person_attribution(self) -> re.Pattern[str]:
        # The author of a telegram: "I replied that ...", "Then I said: ...", and without a subject,
        # "Replied that we proceed from such understanding", "Emphasized that Johnson can fully rely ..."
        verbs = self._verbs
        capitalized = self.vocabulary.capitalized_verb_pattern
        # "I agreed with his opinion and noted that ...": the reporting verb after a first act.
        return re.compile(
            rf"^(?:{self.vocabulary.attribution_lead_in_pattern}(?P<pronoun>I|We)\s+{self.vocabulary.adverb_pattern}(?:[a-z]+(?:\s[a-z]+){{0,4}}\s+and\s+)?(?P<verb>{verbs})\b"
            rf"|(?P<bare>{capitalized})\s+(?:that|to|for|with|about)\b)"
        )

    @cached_property
    def author_act(self) -> re.Pattern[str]:
        # The author's own doing, not saying: "I await instructions regarding the response to Rusk".
        return re.compile(rf"^{self.vocabulary.lead_in_pattern}I\s+{self.vocabulary.adverb_pattern}(?P<verb>[a-z]+)\b")

    @cached_property
    def discovered_speaker(self) -> re.Pattern[str]:
        # Someone the author's account shows speaking, not yet in the cast: "Alphand said that de Gaulle
        # would like to speak with me", "De Gaulle stated that ...", "Ikeda noted that ...".
        return re.compile(
            rf"^{self.vocabulary.discovery_lead_in_pattern}{self._honorific}(?P<name>{PRINTED_NAME})"
            rf"(?:,(?P<apposition>[^;]{{1,120}}?),|,)?\s+{self.vocabulary.adverb_pattern}{FIRST_ACT}(?P<verb>{self._verbs})\b"
        )

    def discover(self, sentence: str, offset: int) -> Attribution | None:
        """A new speaker named as the subject of a reporting verb, where no one else is speaking."""
        match = self.discovered_speaker.match(sentence)
        if not match or self.vocabulary.mode_of(match["verb"]) != "reported":
            return None
        words = match["name"].split()
        name_start = match.start("name")
        apposed = APPOSED_NAME.search(match["apposition"] or "")
        if apposed:  # "On the way from Rask, the accompanying head of ..., Gatrie, drew attention": Gatrie
            words = [apposed["name"]]
            name_start = match.start("apposition") + apposed.start("name")
        if words[0] in self.vocabulary.subordinators:
            return None  # "Although Rusk strongly emphasized ..., ": not the sentence's speaker
        if len(words) == 2 and words[0] in self.vocabulary.not_names and words[1] not in self.vocabulary.not_names:
            # "Although Rusk strongly emphasized ...": the name is the second word.
            name_start += len(words[0]) + 1
            words = words[1:]
        if any(self.vocabulary.names_no_one(word) for word in words):
            return None
        name = " ".join(words)
        known = self.cast.resolve(name)
        participant_id = known or self.cast.add_speaker(name, self.vocabulary, offset + name_start)
        spoken_to = self.spoken_to.match(sentence, match.end("verb"))
        if (
            spoken_to
            and not any(self.vocabulary.names_no_one(word) for word in spoken_to["name"].split())
            and not self.cast.resolve(spoken_to["name"])
        ):
            # The one spoken to takes part too: "During this meeting, Johnson told Comrade Mikoyan that ..."
            self.cast.add_speaker(spoken_to["name"], self.vocabulary, offset + spoken_to.start("name"))
        self.forget_names()
        return Attribution(participant_id, name, name_start, "reported")

    @cached_property
    def spoken_to(self) -> re.Pattern[str]:
        # The person named right after a reporting verb: "told Comrade Mikoyan", "asked Rusk".
        return re.compile(rf"\s+{self._honorific}(?P<name>{PRINTED_NAME})(?=[\s,.;:])")

    def forget_names(self) -> None:
        """Drop the patterns built from the cast's names, after the cast has grown."""
        for cached in (
            "name_pattern",
            "names_anywhere",
            "cast_label",
            "subject_attribution",
            "parenthetical_attribution",
            "inverted_attribution",
            "according_to",
            "narration_sentence",
            "any_name",
            "discovered_speaker",
            "speech_referring_back",
        ):
            self.__dict__.pop(cached, None)

    @cached_property
    def pronoun_attribution(self) -> re.Pattern[str]:
        # "He noted that his first action ...": the person last named speaks.
        return re.compile(
            rf"(?:^{self.vocabulary.attribution_lead_in_pattern}(?P<pronoun>[Hh]e|[Ss]he)\s+{self.vocabulary.adverb_pattern}{FIRST_ACT}(?P<verb>{self._verbs})\b|,\s+(?P<inner>he|she)\s+(?P<inner_verb>{self._verbs}),)"
        )

    @cached_property
    def narration_sentence(self) -> re.Pattern[str]:
        # "Then for half an hour A.I. Mikoyan discussed the issues ...", "Ambassador A. Alekseev attended the
        # conversation.", "Johnson smiled with satisfaction", "Then comrade Sukhodrev read in English ...":
        # a person of the record does something other than speak.
        return re.compile(
            rf"^(?:\.\.\.\s*)?{self.vocabulary.lead_in_pattern}{self._honorific}(?P<name>{self.name_pattern})\s+{self.vocabulary.adverb_pattern}(?P<verb>[a-z]+(?:'t)?)\b"
        )

    def speaks_at(self, sentence: str, position: int) -> bool:
        """Whether the verb at a position of a sentence is a reporting verb ("spoke of him", not "spoke all this")."""
        return self.vocabulary.reporting_verb_at.match(sentence, position) is not None

    def _is_act(self, sentence: str, match: re.Match[str]) -> bool:
        """A verb of doing, not saying: a narration verb, or a past tense that is no reporting verb."""
        if self.speaks_at(sentence, match.start("verb")) or self.act_then_speech.match(sentence, match.start("verb")):
            return False
        verb = match["verb"]
        return verb in self.vocabulary.narration_verbs or verb.endswith("ed")

    @cached_property
    def speech_referring_back(self) -> re.Pattern[str]:
        # Words about what has just been said, not new words: "I told this to Home to prompt him to speak",
        # "He spoke all this with great sincerity and emotion", "She spoke of all this with inspiration".
        subjects = rf"(?:I|We|He|She|{self._honorific}(?:{self.name_pattern}))"
        verbs = "|".join([self._verbs, *map(re.escape, self.vocabulary.narration_verbs)])
        return re.compile(
            rf"^{self.vocabulary.lead_in_pattern}{subjects}\s+{self.vocabulary.adverb_pattern}(?:{verbs})\s+{self.vocabulary.phrase('referring_back').pattern}"
        )

    @cached_property
    def any_name(self) -> re.Pattern[str]:
        # Names, not offices: "for a meeting with the president" does not name the President of Israel.
        names = "|".join(part for part in self.name_pattern.split("|") if not part.startswith(("the\\ ", "The\\ ")))
        return re.compile(rf"(?<![\w.])(?P<name>{names or '(?!x)x'})(?![\w])")

    @cached_property
    def _reported_voice(self) -> re.Pattern[str]:
        # "in his opinion", ", he said,", "he, Thompson, knows", "according to him" (curated: reported_voice)
        verbs = rf"(?:{self._verbs})"
        return re.compile(
            "|".join(
                [
                    *self.vocabulary.phrases["reported_voice"],
                    rf"\b(?:he|she)(?:,\s+[A-Z][\w.]*(?:\s[A-Z][\w.]*)?,)?\s+{self.vocabulary.adverb_pattern}{verbs}\b",
                ]
            )
        )

    def reports_speech(self, sentence: str) -> bool:
        """Whether a sentence says, in passing, that it reports someone's words or views."""
        return self._reported_voice.search(_outside_quotations(sentence)) is not None

    @staticmethod
    def _apposed_name(match: re.Match[str]) -> bool:
        """Whether the words set off after a name end in another name, the sentence's subject: in "On the way
        from Rask, the accompanying head of the USSR Division of the State Department, Gatrie, drew attention
        ..." Gatrie speaks, not Rusk."""
        apposition = match.groupdict().get("apposition")
        return bool(apposition and APPOSED_NAME.search(apposition))

    def attribute(
        self, sentence: str, last_named: str | None = None, author_may_speak: bool = True
    ) -> Attribution | None:
        """Who a sentence makes the speaker, if anyone.

        The earliest attribution in the sentence wins.
        """
        found: list[re.Match[str]] = []
        if self.names_anywhere.search(sentence):  # (each of these attributions names someone of the cast)
            for pattern in (
                self.subject_attribution,
                self.parenthetical_attribution,
                self.inverted_attribution,
                self.quotation_then_speaker,
                self.according_to,
            ):
                match = pattern.search(sentence)
                if match:
                    found.append(match)
        found = [match for match in found if not self._apposed_name(match)]
        if found:
            match = min(found, key=lambda m: m.start("owner") if m.groupdict().get("owner") else m.start("name"))
            group = "owner" if match.groupdict().get("owner") else "name"
            participant_id = self.cast.resolve(match[group])
            mode = (self.vocabulary.mode_of(match["verb"]) if match["verb"] else None) or "reported"
            if match.groupdict().get("quote"):
                mode = "direct"  # the speaker's own words, in quotation marks
            return Attribution(participant_id, match[group], match.start(group), mode)
        if self.author_id and author_may_speak:
            # The author's "I said" is his own turn only where no one else is speaking or a paragraph
            # begins: inside Castro's reported speech, "I observed that people did not understand" and
            # "We spoke with the people" are Castro's.
            match = self.first_person_attribution.match(sentence)
            if match:
                group = "pronoun" if match["pronoun"] else "bare"
                return Attribution(self.author_id, match[group], match.start(group), "reported")
        if last_named and _holds_subject(sentence, PRONOUN_OPENINGS, PRONOUN_SUBJECT):
            # "He" names someone only after someone is named, and only where it stands (``PRONOUN_SUBJECT``).
            match = self.pronoun_attribution.search(sentence)
            if match:
                group = "pronoun" if match["pronoun"] else "inner"
                return Attribution(last_named, match[group], match.start(group), "reported")
        return None

    def last_named_in(self, sentence: str) -> str | None:
        """The last person of the cast (not the author) a sentence names."""
        last = None
        if not self.names_anywhere.search(sentence):
            return None  # (one quick scan for a name spares most sentences the slower search for whole names)
        # (``any_name``'s names are some of ``names_anywhere``'s: it is tried only where one of those stands.)
        for match in find_where_possible(self.any_name, self.names_anywhere, sentence):
            participant_id = self.cast.resolve(match["name"])
            if participant_id and participant_id != self.author_id:
                last = participant_id
        return last

    @cached_property
    def pronoun_act(self) -> re.Pattern[str]:
        # "He handed over this photo right away."
        return re.compile(
            rf"^{self.vocabulary.lead_in_pattern}(?:He|She)\s+{self.vocabulary.adverb_pattern}(?P<verb>[a-z]+(?:'t)?)\b"
        )

    def is_narration(self, sentence: str) -> bool:
        # (Each pattern is tried only where the name or the "He" it needs stands: most sentences have neither.)
        match = (self.narration_sentence.match(sentence) if self.names_anywhere.search(sentence) else None) or (
            self.pronoun_act.match(sentence) if _holds_subject(sentence, PRONOUN_OPENINGS, PRONOUN_SUBJECT) else None
        )
        if self.vocabulary.phrase("narration_sentence").match(sentence):
            return True
        if self.speech_referring_back.match(sentence):
            return True
        return bool(match and self._is_act(sentence, match)) or any(
            sentence.startswith(opening) for opening in self.narration_openings
        )


def _holds_subject(sentence: str, openings: tuple[str, ...], subject: re.Pattern[str]) -> bool:
    """Whether a sentence opens with one of some words, or holds one after a space (``PRONOUN_SUBJECT``):
    where a pattern whose subject is that word may stand, the only places it need be tried."""
    return sentence.startswith(openings) or subject.search(sentence) is not None


def _inside_quotation(text: str) -> bool:
    """True when a quotation opened in the text is still open at its end: 'This, he said, is "a major blow ...'.
    Single quotation marks count where a quotation opens with one ("'The question,' Berg began, '...")."""
    straight = text.count('"') % 2 == 1
    curly = text.count("“") > text.count("”")
    single = text.startswith(("'", "‘")) and len(re.findall(r"(?<![\w'‘])['‘](?=\w)", text)) > len(
        re.findall(r"(?<=\S)['’](?!\w)", text)
    )
    return straight or curly or single


def _outside_quotations(text: str) -> str:
    """The text with what is in quotation marks left out."""
    return QUOTATION.sub(" ", text)


def _text_so_far(turn: Turn, paragraph: Paragraph, position: int) -> str:
    """The words of a turn up to a position of the paragraph being read."""
    parts = [
        part.text if part.paragraph is not paragraph else part.paragraph.text[part.start : position]
        for part in turn.parts
    ]
    return " ".join(parts)


# How far before the end of what was searched a search of a turn's new words starts again, so that a
# FIRST_PERSON match that began in the words already searched is still found.
FIRST_PERSON_OVERLAP = 300


class FirstPersonScan:
    """Whether the words of a turn up to a position of the paragraph read hold the speaker's own "I" or "We"
    (FIRST_PERSON in the words of ``_text_so_far``), each word searched about once.

    A turn's words only grow as the reading goes on, so once they hold it they always do; until then each
    question searches only the words added since the last one (from ``FIRST_PERSON_OVERLAP`` characters
    before), not the whole turn again: reading a turn of n sentences takes time in n, not in n squared.
    A part after the first is searched behind the last characters of the part before it and the space that
    ``_text_so_far`` joins them with, so a match across the join is found as in the joined words.
    """

    def __init__(self) -> None:
        self.turn: Turn | None = None
        self.part: TurnPart | None = None
        self._start(None)

    def _start(self, turn: Turn | None) -> None:
        self.turn, self.found, self.done, self.offset, self.part, self.previous_end = turn, False, 0, 0, None, ""

    def speaks_as_i(self, turn: Turn, paragraph: Paragraph, position: int) -> bool:
        if turn is not self.turn or self.done > len(turn.parts):
            self._start(turn)
        if self.found:
            return True
        while self.done < len(turn.parts):
            part = turn.parts[self.done]
            if part is not self.part:
                self.part, self.offset = part, 0
            being_read = part.paragraph is paragraph
            text = part.paragraph.text[part.start : position] if being_read else part.text
            if self._holds_first_person(text):
                self.found = True
                return True
            if being_read:  # the rest of this part is searched when the reading has gone further
                self.offset = len(text)
                return False
            self.done, self.previous_end = self.done + 1, text[-3:]
        return False

    def _holds_first_person(self, text: str) -> bool:
        if self.done == 0:  # the turn's first words: "^" matches where they start
            start = max(0, self.offset - FIRST_PERSON_OVERLAP) if self.offset else 0
            return bool(FIRST_PERSON.search(text, start))
        behind = "\x00" + self.previous_end + " "  # the NUL keeps "^" from matching inside the turn
        start = max(1, len(behind) + self.offset - FIRST_PERSON_OVERLAP) if self.offset else 1
        return bool(FIRST_PERSON.search(behind + text, start))


def parse_turns(
    paragraphs: list[Paragraph], attributor: Attributor, note_paragraph: Callable[[Paragraph], bool]
) -> tuple[list[Turn], list[NoteParagraph], list[UnknownLabel]]:
    """Cut paragraphs into turns; set aside paragraphs that are a bracketed note; report unknown labels.

    A person the account shows speaking only further on ("Thompson said nothing more") is one of the
    record's people from its first line ("During the reception, Thompson approached me. He said that
    ..."): where the first reading finds new people, the record is read again with all of them known.
    """
    known = set(attributor.cast.people)
    reading = _cut_turns(paragraphs, attributor, note_paragraph)
    if set(attributor.cast.people) != known:
        attributor.forget_names()
        reading = _cut_turns(paragraphs, attributor, note_paragraph)
    return reading


def _cut_turns(
    paragraphs: list[Paragraph], attributor: Attributor, note_paragraph: Callable[[Paragraph], bool]
) -> tuple[list[Turn], list[NoteParagraph], list[UnknownLabel]]:
    """One reading of the paragraphs with the cast as it stands (``parse_turns`` says why there may be two).

    A paragraph is read by the first of ``PARAGRAPH_RULES`` that takes it; a paragraph none takes is read
    sentence by sentence, each sentence by the first of ``SENTENCE_RULES`` that takes it. A sentence that no
    rule takes stays in the turn it stands in.
    """
    reading = TurnReading(attributor, note_paragraph)
    for paragraph in paragraphs:
        if not any(rule(reading, paragraph) for rule in PARAGRAPH_RULES):
            _read_sentences(reading, paragraph)
    return reading.turns, reading.notes, reading.unknown


@dataclass
class TurnReading:
    """What one reading of a record has found so far: the turns, the notes set aside, the unknown labels, and
    the person last named (whom a "He" further on may mean)."""

    attributor: Attributor
    note_paragraph: Callable[[Paragraph], bool]
    turns: list[Turn] = field(default_factory=list)
    notes: list[NoteParagraph] = field(default_factory=list)
    unknown: list[UnknownLabel] = field(default_factory=list)
    last_named: str | None = None
    scan: FirstPersonScan = field(default_factory=FirstPersonScan)

    @property
    def current(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def speaks_as_i(self, turn: Turn, paragraph: Paragraph, position: int) -> bool:
        return self.scan.speaks_as_i(turn, paragraph, position)

    def start_turn(self, turn: Turn, paragraph: Paragraph, start: int) -> None:
        """A new turn, from a position of a paragraph to its end (a later turn may cut it short)."""
        turn.parts.append(TurnPart(paragraph, start, len(paragraph.text)))
        self.turns.append(turn)

    def close_current_at(self, position: int) -> None:
        """End the current turn before a position of the paragraph being read; a turn left empty is dropped."""
        part = self.turns[-1].parts[-1]
        end = len(part.paragraph.text[:position].rstrip())
        if end <= part.start:
            self.turns[-1].parts.pop()
            if not self.turns[-1].parts:
                self.turns.pop()
        else:
            part.end = end

    def is_authors(self, turn: Turn) -> bool:
        return turn.participant_id == self.attributor.author_id


@dataclass
class SentenceAt:
    """One sentence being read: where it stands, and the turn it may go on."""

    paragraph: Paragraph
    start: int  # offset within the paragraph's text
    text: str
    first: bool  # the sentence opens its paragraph
    current: Turn | None  # the turn being read when the sentence begins
    named_before: str | None  # whom a "He" means: the person speaking, or the person last named
    # Who the sentence makes the speaker, once ``new_speaker`` has looked (later rules read it).
    attribution: Attribution | None = None


# --- Rules for a whole paragraph: each takes the paragraph (and says True) or leaves it to the next.


def note_paragraph(reading: TurnReading, paragraph: Paragraph) -> bool:
    """A bracketed note is set aside, after the turn it follows: "[Ed. note: Article 13 of the draft
    protocol read: ...]"."""
    if not reading.note_paragraph(paragraph):
        return False
    reading.notes.append(NoteParagraph(paragraph, len(reading.turns) - 1 if reading.turns else None))
    return True


def labelled_turn(reading: TurnReading, paragraph: Paragraph) -> bool:
    """A label of someone known opens a transcript turn: "A.I. MIKOYAN. The variant which includes
    inspection ...", "A.I. MIKOYAN, to Che: Let's meet ...", "DORTICOS objects." (an action)."""
    attributor, text = reading.attributor, paragraph.text
    label = attributor.known_label.match(text) or attributor.cast_label.match(text)
    if not label:
        return False
    participant_id = attributor.registry.resolve(label["label"]) or attributor.cast.resolve(label["label"])
    verb = label.groupdict().get("verb")
    mode = "direct" if not verb else attributor.vocabulary.mode_of(verb) or "reported"
    addressee = attributor.registry.resolve(label["addressee"]) if label.groupdict().get("addressee") else None
    label_span = Span(paragraph.seed_offset(0), paragraph.seed_offset(len(label["label"])), label["label"])
    reading.start_turn(Turn(participant_id, mode, label_span, addressee), paragraph, label.end())
    if participant_id != attributor.author_id:
        reading.last_named = participant_id
    return True


def unknown_label_turn(reading: TurnReading, paragraph: Paragraph) -> bool:
    """A label of the transcript's shape that no one known has opens a turn of a provisional participant,
    reported as an unknown label: "C. RAFAEL RODRIGUEZ. It would be possible to make many editorial changes
    here." (before the registry knew him)."""
    generic = UNKNOWN_LABEL.match(paragraph.text)
    if not generic or generic["label"].title() in reading.attributor.vocabulary.not_names:
        return False  # "NOTE: For persons requesting transit visa ..." is a heading, not a speaker
    reading.unknown.append(UnknownLabel(generic["label"], paragraph.seed_offset(0)))
    label_span = Span(paragraph.seed_offset(0), paragraph.seed_offset(len(generic["label"])), generic["label"])
    turn = Turn(provisional_id(generic["label"]), "direct", label_span)
    reading.start_turn(turn, paragraph, generic.end())
    return True


PARAGRAPH_RULES: tuple[Callable[[TurnReading, Paragraph], bool], ...] = (
    note_paragraph,
    labelled_turn,
    unknown_label_turn,
)


def _read_sentences(reading: TurnReading, paragraph: Paragraph) -> None:
    """A paragraph without a label, sentence by sentence: a turn may start at any of them."""
    attributor, text = reading.attributor, paragraph.text
    for index, (start, end) in enumerate(split_sentences(text)):
        sentence = text[start:end]
        current = reading.current
        # "He" is the person speaking, or where no one (but the author) is, the person last named.
        speaking = (
            current.participant_id
            if current and current.mode != "narration" and not reading.is_authors(current)
            else None
        )
        named_before = speaking or reading.last_named
        reading.last_named = attributor.last_named_in(sentence) or reading.last_named
        at = SentenceAt(paragraph, start, sentence, index == 0, current, named_before)
        for rule in SENTENCE_RULES:
            if rule(reading, at):
                break


# --- Rules for a sentence: each takes the sentence (and says True) or leaves it to the next.


def narration_resumes(reading: TurnReading, at: SentenceAt) -> bool:
    """The recorder's account resumes where a sentence is about a participant rather than by them, or is the
    author's own doing: "Ambassador A. Alekseev attended the conversation.", "I await instructions regarding
    the response to Rusk." Never mid-paragraph in a direct turn."""
    current = at.current
    author_acts = _author_acts(reading, at)
    if not (at.first or current is None or current.mode != "direct"):
        return False
    if not (author_acts or reading.attributor.is_narration(at.text)):
        return False
    if current is not None and current.mode == "narration":
        if at.first:  # (mid-paragraph, the narration simply goes on)
            current.parts.append(TurnPart(at.paragraph, at.start, len(at.paragraph.text)))
        return True
    if not at.first:
        reading.close_current_at(at.start)
    reading.start_turn(Turn(None, "narration"), at.paragraph, at.start)
    return True


def new_speaker(reading: TurnReading, at: SentenceAt) -> bool:
    """A sentence that makes someone other than the person speaking the speaker starts their turn: "In
    response Fidel Castro said that the Cuban leadership was glad to see A.I. Mikoyan ...", "Unfortunately,
    A.I. Mikoyan said, some differences of opinion ...". A sentence that names the person speaking again
    ("We believed, Rodriguez noted, that ...") goes on their turn."""
    current = at.current
    attribution = at.attribution = _attribution(reading, at)
    if attribution is None:
        return False
    if current is not None and current.mode != "narration" and attribution.participant_id == current.participant_id:
        return False
    if not at.first:
        reading.close_current_at(at.start)
    label_at = at.start + attribution.label_start
    label_span = Span(
        at.paragraph.seed_offset(label_at),
        at.paragraph.seed_offset(label_at + len(attribution.label)),
        attribution.label,
    )
    reading.start_turn(Turn(attribution.participant_id, attribution.mode, label_span), at.paragraph, at.start)
    return True


def account_resumes(reading: TurnReading, at: SentenceAt) -> bool:
    """Where speech is reported, a paragraph that does not go on in the speaker's voice (``GOES_ON``) is the
    account again: "After the correspondents left, we sat at another table" (a dispatch); "In Moscow, it is
    believed that the new president ..." (a resolution, 1963 collection, No. 49). So is the first paragraph
    of a record that no other rule takes: "4 November 1962"."""
    current = at.current
    if not at.first:
        return False
    if current is not None and (current.mode != "reported" or _goes_on(reading, at)):
        return False
    reading.start_turn(Turn(None, "narration"), at.paragraph, at.start)
    return True


def turn_goes_on(reading: TurnReading, at: SentenceAt) -> bool:
    """A paragraph that no rule before takes goes on the turn before it: "I would also like to propose that
    we not publish a report about every meeting." (Mikoyan, after "A.I. MIKOYAN. ...")."""
    if not at.first or at.current is None:
        return False
    at.current.parts.append(TurnPart(at.paragraph, at.start, len(at.paragraph.text)))
    return True


SENTENCE_RULES: tuple[Callable[[TurnReading, SentenceAt], bool], ...] = (
    narration_resumes,
    new_speaker,
    account_resumes,
    turn_goes_on,
)


def _attribution(reading: TurnReading, at: SentenceAt) -> Attribution | None:
    """Who a sentence makes the speaker, if anyone: in a direct turn no one else starts speaking, so an
    attribution is looked for only outside one; a new person of the record, only in the account."""
    attributor, current = reading.attributor, at.current
    attribution = None
    no_one_speaks_as_i = False
    if current is None or current.mode != "direct" or _quotation_ended(current, at):
        # The author's "I" starts his turn where a paragraph begins, where no one else speaks, or where the
        # person speaking is reported in the third person; once that person speaks as "I" (Castro's long
        # statement of 3 November), an "I" is theirs.
        no_one_speaks_as_i = (
            current is None
            or current.mode == "narration"
            or reading.is_authors(current)
            or not reading.speaks_as_i(current, at.paragraph, at.start)
        )
        attribution = attributor.attribute(at.text, at.named_before, at.first or no_one_speaks_as_i)
    if attribution is None and _may_discover(at, no_one_speaks_as_i):
        attribution = attributor.discover(at.text, at.paragraph.seed_offset(at.start))
        if attribution:
            reading.last_named = attribution.participant_id
    return attribution


def _quotation_ended(current: Turn, at: SentenceAt) -> bool:
    """A direct turn read from a quotation in the account (not a transcript's label) ends with its paragraph
    once the quotation is closed: "'The question,' Berg began, '... from the radio.'" / "I objected that ..."."""
    opens_with_quotation = current.parts[0].text.startswith(QUOTATION_MARKS)
    return opens_with_quotation and at.first and not _inside_quotation(_text_so_far(current, at.paragraph, at.start))


# The marks a quotation opens with, straight or curly, double or single.
QUOTATION_MARKS = ('"', "“", "'", "‘")


def _may_discover(at: SentenceAt, no_one_speaks_as_i: bool) -> bool:
    """A new speaker may appear only in the account of the talk (its narration, or a paragraph that opens
    while someone's words are reported in the third person): inside anyone's words, the author's own
    included, a name is someone they tell of ("Robert Kennedy asked to convey ...", told by Walton, who
    speaks as "I"; "During my stay in Cuba, Fidel Castro told me ...", told by the author to Johnson)."""
    current = at.current
    return (
        current is None
        or current.mode == "narration"
        or (at.first and current.mode == "reported" and no_one_speaks_as_i)
    )


# --- The author's own doing ("I await instructions ..."): his act, unless one of the vetoes says it is speech.


def _author_acts(reading: TurnReading, at: SentenceAt) -> bool:
    """Whether a sentence is the author's own act. In a transcript every "I" is the speaker's: the author's
    acts are looked for only elsewhere (and only in a sentence where an "I" stands: most have none)."""
    attributor, current = reading.attributor, at.current
    in_transcript_turn = current is not None and current.mode in ("direct", "action")
    if not attributor.author_id or in_transcript_turn:
        return False
    if not _holds_subject(at.text, FIRST_PERSON_OPENINGS, FIRST_PERSON_SUBJECT):
        return False
    act = attributor.author_act.match(at.text)
    return act is not None and not any(veto(reading, at, act) for veto in AUTHOR_ACT_VETOES)


def act_is_speech(reading: TurnReading, at: SentenceAt, act: re.Match[str]) -> bool:
    """The verb after "I" is a reporting verb, or an act leads to one: "I replied that we agree.", "I agreed
    with his opinion and noted that ..."."""
    return reading.attributor.speaks_at(at.text, act.start("verb")) or " and " in at.text[:80]


def someone_else_says_it(reading: TurnReading, at: SentenceAt, act: re.Match[str]) -> bool:
    """The sentence names who says it: "I would also like to emphasize, Rusk continued, that ...": Rusk's
    "I"."""
    attributor = reading.attributor
    return bool(attributor.parenthetical_attribution.search(at.text) or attributor.inverted_attribution.search(at.text))


def speaker_owns_the_i(reading: TurnReading, at: SentenceAt, act: re.Match[str]) -> bool:
    """The person whose words are reported already speaks as "I", or is being quoted: the "I" is theirs.
    "I know that ..." goes on Johnson's turn once he has said "We quite frankly want to cooperate with all
    peoples"."""
    current = at.current
    if current is None or current.mode != "reported" or reading.is_authors(current):
        return False
    return reading.speaks_as_i(current, at.paragraph, at.start) or _inside_quotation(
        _text_so_far(current, at.paragraph, at.start)
    )


def author_goes_on_speaking(reading: TurnReading, at: SentenceAt, act: re.Match[str]) -> bool:
    """In the author's own reported turn, an "I" that speaks now or to the one spoken to goes on his words:
    "For my part, I can say that, as I well know, Cuba would ...", "I saw your soldiers there"."""
    current = at.current
    if current is None or not reading.is_authors(current) or current.mode != "reported":
        return False
    speaking_now = reading.attributor.vocabulary.phrase("speaking_now").match(at.text, act.start("verb"))
    return bool(speaking_now or SECOND_PERSON.search(at.text))


AUTHOR_ACT_VETOES: tuple[Callable[[TurnReading, SentenceAt, re.Match[str]], bool], ...] = (
    act_is_speech,
    someone_else_says_it,
    speaker_owns_the_i,
    author_goes_on_speaking,
)


# --- What keeps a paragraph in someone's reported words (``account_resumes``): any one of these.


def _goes_on(reading: TurnReading, at: SentenceAt) -> bool:
    return any(check(reading, at) for check in GOES_ON)


def in_speakers_voice(reading: TurnReading, at: SentenceAt) -> bool:
    """The paragraph opens in the voice of the person speaking (``SPEAKERS_VOICE``): "We are devoted to our
    system and intend to preserve it" (Johnson, after "He said that ..."). An "I" or "We" opening after
    someone else's reported words is the author again ("I await instructions ..." after Rusk's), unless the
    person speaking already speaks as "I" or "we" ("I know that ..." goes on Johnson's turn)."""
    current = at.current
    if not SPEAKERS_VOICE.match(at.text):
        return False
    if at.text.startswith(("I ", "We ")) and current and not reading.is_authors(current):
        return reading.speaks_as_i(current, at.paragraph, at.start)
    return True


def addresses_the_listener(reading: TurnReading, at: SentenceAt) -> bool:
    """In the author's reported words, a paragraph that says "you" to the one spoken to goes on: "Take, for
    example, the question of concluding a non-aggression pact. ... but then you suddenly completely froze
    this issue" (Mikoyan to Rusk, 1963 collection, No. 44)."""
    current = at.current
    return bool(
        current is not None
        and current.mode == "reported"
        and reading.is_authors(current)
        and SECOND_PERSON.search(_outside_quotations(at.paragraph.text))
    )


def announced(reading: TurnReading, at: SentenceAt) -> bool:
    """The turn's last paragraph announced the words: "Thompson ... advised him:"."""
    return at.current is not None and at.current.parts[-1].text.rstrip().endswith(":")


def reports_someone(reading: TurnReading, at: SentenceAt) -> bool:
    """The first sentence says it reports the person speaking: "Firstly, in his opinion, it would be better if
    ..." (1963 collection, No. 32)."""
    current = at.current
    return (
        current is not None
        and current.mode == "reported"
        and not reading.is_authors(current)
        and reading.attributor.reports_speech(at.text)
    )


def in_speech_tense(reading: TurnReading, at: SentenceAt) -> bool:
    """The present or future of someone's argument, where the account is told in the past: "West Germany is a
    rich country with large gold reserves." (Mikoyan to Rusk; 1963 collection, No. 44)."""
    current = at.current
    speech_tense = reading.attributor.vocabulary.phrase("speech_tense")
    return (
        current is not None
        and current.mode == "reported"
        and speech_tense.search(_outside_quotations(at.text)) is not None
    )


def names_the_speaker_again(reading: TurnReading, at: SentenceAt) -> bool:
    """The first sentence names the person speaking as its speaker again: "We believed, Rodriguez noted, that
    we could not yet talk about victory ..." (after "C.R. Rodriguez put a question ...")."""
    current = at.current
    return bool(current and at.attribution and at.attribution.participant_id == current.participant_id)


GOES_ON: tuple[Callable[[TurnReading, SentenceAt], bool], ...] = (
    in_speakers_voice,
    addresses_the_listener,
    announced,
    reports_someone,
    in_speech_tense,
    names_the_speaker_again,
)
