"""The reading vocabularies: document types, reporting verbs, honorifics, sides and signal phrases.

They live in ``etl/curated/reading.yml`` (one place, each list with its source) and are read here once into
a frozen value that every reading stage takes as an argument. A new kind of record, a new reporting verb
or a new phrase is an entry in that file, never a branch in the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from etl.curation import load_curated
from etl.read.blocks import find_at_line_starts, find_where_words_stand, opens_lines, plain_opening
from etl.read.layers import TextLayerRules

VOCABULARY_FILE = "reading.yml"


@dataclass(frozen=True)
class ArchivePageRules:
    """How an archive's web page around a record is read (``archive_page`` in ``etl/curated/reading.yml``)."""

    navigation_lines: frozenset[str]
    breadcrumb: re.Pattern[str]
    funder_line: re.Pattern[str]
    footer_heading: str
    section_labels: dict[str, str]  # label as printed -> field

    def is_chrome(self, text: str) -> str | None:
        """What a paragraph of the page is when it is chrome (navigation, breadcrumb, funder), else None.

        >>> rules = load_vocabulary().archive_page
        >>> rules.is_chrome("Skip to content"), rules.is_chrome("Home / Collections / Cuba"), rules.is_chrome("Cuba")
        ('site navigation', 'breadcrumb', None)
        """
        if text in self.navigation_lines:
            return "site navigation"
        if self.breadcrumb.match(text):
            return "breadcrumb"
        if self.funder_line.match(text):
            return "funder's line"
        return None


@dataclass(frozen=True)
class DocumentType:
    document_type: str
    slug: str
    signals: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    document_types: tuple[DocumentType, ...]
    unnamed_signed_record_type: str
    unnamed_record_type: str
    reporting_verbs: dict[str, str]  # printed form -> mode
    narration_verbs: tuple[str, ...]
    honorifics: tuple[str, ...]
    offices: tuple[str, ...]
    subordinators: tuple[str, ...]
    adverbs: tuple[str, ...]
    not_names: frozenset[str]
    sides: dict[str, str]  # signal word -> side
    phrases: dict[str, tuple[str, ...]]
    text_layer: TextLayerRules
    archive_page: ArchivePageRules
    abbreviations: dict[str, str]  # as printed -> what it stands for

    def abbreviations_in(self, text: str) -> Iterator[re.Match[str]]:
        """The curated abbreviations a text prints, as whole words, in order.

        >>> [m.group(0) for m in load_vocabulary().abbreviations_in("FYI he saw Pres on Dept's instructions.")]
        ['FYI', 'Pres', 'Dept']
        """
        return self._abbreviation.finditer(text)

    @cached_property
    def _abbreviation(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w.])(?:{longest_first(self.abbreviations)})(?![\w])")

    def abbreviated(self, words: str) -> tuple[str, ...]:
        """The abbreviations that stand for some words ("President" -> "Pres")."""
        return tuple(short for short, full in self.abbreviations.items() if full == words)

    def names_no_one(self, word: str) -> bool:
        """A capitalized word that is never a person's name: a not-name, an honorific, an office or an
        abbreviation of telegrams ("Sov Govt")."""
        return word in self.not_names or word in self.honorifics or word in self.offices or word in self.abbreviations

    def document_type(self, name: str) -> DocumentType:
        return next(t for t in self.document_types if t.document_type == name)

    @cached_property
    def document_type_signal(self) -> re.Pattern[str]:
        """The words that name a kind of record at the start of a title or heading, longest first, any case.

        >>> load_vocabulary().document_type_signal.match("Coded telegram from First Deputy")["signal"]
        'Coded telegram'
        """
        signals = sorted({s for t in self.document_types for s in t.signals}, key=len, reverse=True)
        return re.compile(r"^(?P<signal>" + "|".join(re.escape(s) for s in signals) + r")\b", re.IGNORECASE)

    def type_of_signal(self, signal: str) -> str:
        """The document type a signal names ("Coded telegram" -> "coded telegram")."""
        folded = signal.casefold()
        return next(t.document_type for t in self.document_types if folded in (s.casefold() for s in t.signals))

    @cached_property
    def honorific_pattern(self) -> str:
        """Optional honorifics before a name, as a regex fragment: "Comrade ", "Ambassador "."""
        words = longest_first(self.honorifics)
        return rf"(?:(?:{words})\s+)?"

    @cached_property
    def title_pattern(self) -> str:
        """Words of an office before a name, besides the honorifics: "White House Press Secretary Salinger"
        (but "When Thompson expressed ..." opens a clause that is not the sentence's main one)."""
        not_titles = longest_first(self.subordinators)
        return rf"{self.honorific_pattern}(?:(?!(?:{not_titles})\b)[A-Z][\w.'-]*\s+){{0,4}}?"

    @cached_property
    def capitalized_verb_pattern(self) -> str:
        """Every reporting verb form as it opens a sentence ("Replied", "Emphasized"), longest first."""
        return longest_first(v[:1].upper() + v[1:] for v in self.reporting_verbs)

    @cached_property
    def lead_in_pattern(self) -> str:
        """What may stand before the speaker's name at the start of a sentence, as a regex fragment: a few
        words set off by a comma ("After mutual greetings, "), or without one ("In response ", "Then "),
        but never a subordinate clause ("When Thompson expressed ..., it was felt")."""
        subordinators = "|".join(re.escape(s) for s in self.subordinators)
        return (
            r"(?:[A-Z][a-z]+(?:\s[a-z]+){0,4},\s+(?:[a-z]+(?:\s[a-z]+){0,4},\s+)?"
            rf"|(?!(?:{subordinators})\b)[A-Z][a-z]+(?:\s[a-z]+){{0,4}}\s+)??"
        )

    @cached_property
    def attribution_lead_in_pattern(self) -> str:
        """What may stand before a speaker's name: the lead-in above, or a whole phrase or clause set off
        by a comma before the main clause ("In conversation with counselor Zinchuk, she said ...";
        "Secondly, welcoming A.I. Mikoyan's upcoming arrival to Washington, Thompson ... advised him")."""
        # An item number may open it: "1. British Prime Minister Home, upon seeing me, approached ...".
        # A quotation inside it is passed over whole: 'Further referring to the fact that he and I have
        # "special personal relations, ...," R. Kennedy asked me ...'.
        return (
            rf"(?:\d{{1,2}}\.\s+)?(?:{self.lead_in_pattern}"
            r"|[A-Z](?:[^.;:!?\"“”]|(?<=[A-Z])\.|\"[^\"]{0,300}\"|“[^”]{0,300}”){0,600}?(?:,|(?<=,[\"”]))\s+)"
        )

    @cached_property
    def discovery_lead_in_pattern(self) -> str:
        """What may stand before the name of someone not yet known to speak: the short lead-in only, since a
        clause set off by a comma may name someone merely told of ("According to the memoirs of Lenin's
        sister M.I. Ulyanova, Vladimir Ilyich ..."). A name set off after the subject is still read
        ("On the way from Rask, the accompanying head of ..., Gatrie, drew attention": Gatrie)."""
        return rf"(?:\d{{1,2}}\.\s+)?{self.lead_in_pattern}"

    @cached_property
    def adverb_pattern(self) -> str:
        """An optional adverb between a name and its verb, as a regex fragment: "immediately ", "again "."""
        words = longest_first(self.adverbs)
        return rf"(?:(?:[a-z]+ly|{words})\s+){{0,2}}"

    @cached_property
    def verb_pattern(self) -> str:
        """Every reporting verb form, longest first, as a regex alternation; "..." in a form is up to four words."""
        return "|".join(_form_pattern(v) for v in sorted(self.reporting_verbs, key=len, reverse=True))

    @cached_property
    def _verb_forms(self) -> list[tuple[re.Pattern[str], str]]:
        return [
            (re.compile(_form_pattern(form)), mode)
            for form, mode in self.reporting_verbs.items()
            if WORDS_BETWEEN in form
        ]

    def mode_of(self, verb: str) -> str | None:
        """The mode a reporting verb as printed starts ("says" -> reported, "spoke in favor of" -> reported)."""
        if verb in self.reporting_verbs:
            return self.reporting_verbs[verb]
        return next((mode for pattern, mode in self._verb_forms if pattern.fullmatch(verb)), None)

    @cached_property
    def reporting_verb_at(self) -> re.Pattern[str]:
        """A reporting verb form where a verb stands: "spoke of him" is speech, "spoke all this" is not."""
        return re.compile(rf"(?:{self.verb_pattern})\b")

    def phrase(self, name: str, flags: int = 0) -> re.Pattern[str]:
        """The phrases of one kind as one compiled alternation (compiled once)."""
        cache = self.__dict__.setdefault("_phrase_patterns", {})
        if (name, flags) not in cache:
            cache[(name, flags)] = re.compile("|".join(f"(?:{p})" for p in self.phrases[name]), flags)
        return cache[(name, flags)]

    def find_phrases(self, name: str, text: str, flags: int = 0) -> Iterator[re.Match[str]]:
        """What ``phrase(name, flags).finditer(text)`` finds, found without trying the phrases at every place
        of the text where they allow it (a phrase that opens with ``\\b`` or ``^`` is otherwise tried at every
        place): where every phrase of the kind opens with plain words ("in the presence of"), they are tried
        only where those words stand; where every one opens a line, only where a line starts."""
        pattern = self.phrase(name, flags)
        words, at_line_starts = self._phrase_openings(name, flags)
        if words:
            return find_where_words_stand(pattern, words, text)
        if at_line_starts:
            return find_at_line_starts(pattern, text)
        return pattern.finditer(text)

    def search_phrase(self, name: str, text: str, flags: int = 0) -> re.Match[str] | None:
        """What ``phrase(name, flags).search(text)`` finds (the first of ``find_phrases``)."""
        return next(self.find_phrases(name, text, flags), None)

    def may_hold_phrase(self, name: str, text: str) -> bool:
        """False only where no phrase of a kind can stand in a text, even inside a larger pattern: none of the
        plain words every phrase of the kind opens with is in it (``str.find``, one quick scan per word)."""
        words, _ = self._phrase_openings(name, 0)
        return not words or any(word in text for word in words)

    def _phrase_openings(self, name: str, flags: int) -> tuple[tuple[str, ...], bool]:
        """The plain words the phrases of a kind open with (``plain_opening``; none where a phrase has none,
        or where the phrases are read in any case or verbosely), and whether every phrase opens a line.
        Worked out once per kind."""
        cache = self.__dict__.setdefault("_phrase_openings_of", {})
        if (name, flags) not in cache:
            phrases = self.phrases[name]
            openings = {plain_opening(phrase) for phrase in phrases}
            usable = bool(phrases) and "" not in openings and not flags & (re.IGNORECASE | re.VERBOSE)
            # A word that opens with another of them adds no place to look: "approached" finds "approached on".
            words = tuple(
                sorted(
                    word for word in openings if not any(other != word and word.startswith(other) for other in openings)
                )
            )
            cache[(name, flags)] = (
                words if usable else (),
                bool(phrases) and all(opens_lines(phrase) for phrase in phrases) and not flags & re.VERBOSE,
            )
        return cache[(name, flags)]

    @cached_property
    def title_before_name(self) -> re.Pattern[str]:
        """The office or honorific words before a listed person's name, perhaps with what qualifies an office:
        "Deputy Foreign Minister ", "Mr. ", "The Secretary " (the office, if one is among them, in ``office``).

        >>> load_vocabulary().title_before_name.match("Deputy Foreign Minister Gromyko")["office"]
        'Foreign Minister'
        """
        words = longest_first((*self.honorifics, *self.offices))
        return re.compile(
            rf"^{OFFICE_QUALIFIERS}(?:(?P<office>{self.office_alternation})|{words})\s+(?:(?:{words})\s+)*"
        )

    @cached_property
    def listed_person(self) -> re.Pattern[str]:
        """A line of a list of participants that is one person: an office or honorific, perhaps a name, and what
        the list adds after a comma, a dash or in brackets ("Mr. Tyler, EUR", "Mr. Akalovsky (Interpreting)").

        >>> lines = ("The President", "Mr. Tyler (Interpreting)", "The meeting ended.")
        >>> [bool(load_vocabulary().listed_person.match(line)) for line in lines]
        [True, True, False]
        """
        words = longest_first((*self.honorifics, *self.offices))
        name = r"(?:[A-Z][a-z]?\.\s?){0,3}[A-Z][\w'-]+"
        return re.compile(
            rf"^{OFFICE_QUALIFIERS}(?:{words})(?:\s+{name}){{0,3}}(?:,\s+[^.]+|\s*[—–-]\s*[^.]+|\s+\([^()]+\))?$"
        )

    @cached_property
    def office_alternation(self) -> str:
        """The offices as a regex alternation, longest first ("Secretary of State" before "Secretary")."""
        return longest_first(self.offices)

    @cached_property
    def office_at_end(self) -> re.Pattern[str]:
        """An office at the end of the words before a name: "US Secretary of State " (D. Rusk), "the
        Japanese Foreign Minister " (Ohira), "The President of Israel Zalman " (Shazar)."""
        return re.compile(
            rf"\b(?P<office>{self.office_alternation})(?:'s)?(?:\s+of\s+[A-Z][a-z]+)?(?:\s+[A-Z][a-z]+)?\s+$"
        )

    @cached_property
    def mentioned_after_office(self) -> re.Pattern[str]:
        """The words before a name that make it a mention: "of", perhaps a side, an office ("the
        assassination of US President ")."""
        return re.compile(rf"\bof\s+(?:the\s+)?(?:[A-Z][\w.]*\s+){{0,2}}?(?:{self.office_alternation})\s+$")

    @cached_property
    def side_pattern(self) -> re.Pattern[str]:
        """A side word before a name or in a list: "from the Soviet side", "US Ambassador"."""
        words = longest_first(self.sides)
        return re.compile(rf"(?<![\w.])(?P<side>{words})(?![\w])")


# What may stand before an office or honorific in a list of participants or a title: "The President", "Under
# Secretary Ball", "Acting Secretary Bowles", "Deputy Foreign Minister Semenov", "Assistant Secretary Tyler".
OFFICE_QUALIFIERS = r"(?:The\s+|Under\s+|Acting\s+|Deputy\s+|Assistant\s+)*"


def longest_first(words: Iterable[str]) -> str:
    r"""Words as a regex alternation, longest first, so that "Vice President" wins over "President".

    >>> longest_first(["President", "Vice President"])
    'Vice\\ President|President'
    """
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# What "..." in a reporting verb form stands for: up to four words ("spoke in a friendly manner about").
WORDS_BETWEEN = " ... "


def _form_pattern(form: str) -> str:
    return r"(?:\s+[\w'-]+){0,4}\s+".join(re.escape(part) for part in form.split(WORDS_BETWEEN))


def load_vocabulary() -> Vocabulary:
    """Read and check ``etl/curated/reading.yml``."""
    data = load_curated(VOCABULARY_FILE)
    return Vocabulary(
        document_types=tuple(
            DocumentType(t["document_type"], t["slug"], tuple(t["signals"])) for t in data["document_types"]
        ),
        unnamed_signed_record_type=data["unnamed_signed_record_type"],
        unnamed_record_type=data["unnamed_record_type"],
        reporting_verbs={form: entry["mode"] for entry in data["reporting_verbs"] for form in entry["forms"]},
        narration_verbs=tuple(data["narration_verbs"]),
        honorifics=tuple(data["honorifics"]),
        offices=tuple(data["offices"]),
        subordinators=tuple(data["subordinators"]),
        adverbs=tuple(data["adverbs"]),
        not_names=frozenset(data["not_names"]),
        sides={signal: entry["side"] for entry in data["sides"] for signal in entry["signals"]},
        phrases={name: tuple(values) for name, values in data["phrases"].items()},
        text_layer=text_layer_rules(data["text_layer"]),
        archive_page=archive_page_rules(data["archive_page"]),
        abbreviations=dict(data["abbreviations"]),
    )


def archive_page_rules(data: dict) -> ArchivePageRules:
    """The ``archive_page`` section of ``etl/curated/reading.yml``."""
    return ArchivePageRules(
        navigation_lines=frozenset(data["navigation_lines"]),
        breadcrumb=re.compile(data["breadcrumb"]),
        funder_line=re.compile(data["funder_line"]),
        footer_heading=data["footer_heading"],
        section_labels=dict(data["section_labels"]),
    )


def text_layer_rules(data: dict) -> TextLayerRules:
    """The ``text_layer`` section of ``etl/curated/reading.yml``."""
    return TextLayerRules(
        page_number_lines=tuple(data["page_number_lines"]),
        speaker_label_line=data["speaker_label_line"],
        not_labels=frozenset(data["not_labels"]),
        line_end_hyphens=data["line_end_hyphens"],
        full_line_share=float(data["full_line_share"]),
        min_full_lines=float(data["min_full_lines"]),
        min_run_on_lines=int(data["min_run_on_lines"]),
        min_label_lines=int(data["min_label_lines"]),
    )
