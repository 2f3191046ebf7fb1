"""The bracket scanner and the typology of editorial notes.

Square brackets in the records are never the speakers' words: they are the translator's or the editor's
("[Castro]", "[obeskurazheni]", "[in Cuba--ed.]", "[Ed. note: ...]"). The scanner finds every bracket,
nested ones included ("[UN]" inside an "[Ed. note: ...]"), and reports a bracket that is never closed as a
defect instead of swallowing the text after it ("...[Ellipsis in And suddenly--concessions...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.read.blocks import Span, find_where_possible

# "[Ed. note: Article 13 of the draft protocol read: "..." Draft Soviet-American-Cuban protocol ...]"
EDITORS_NOTE = re.compile(r"^Ed\.\s+note:\s*(?P<text>.*)$", re.DOTALL)

# "[Ellipsis in original.]"
ELLIPSIS_IN_ORIGINAL = re.compile(r"^Ellipsis in original\.?$")

# "[signature]"
SIGNATURE_MARK = re.compile(r"^signature$")

# A query: "[?]" or "[escort?--ed.]"
QUERY = re.compile(r"^(?:\?|.*\?\s*--\s*ed\.)$")

# An editor's clarification: "[in Cuba--ed.]", "[the proposal to swap ... in Turkey--ed.]"
CLARIFICATION = re.compile(r"^.+--\s*ed\.$")

# A transliterated Russian word glossing the English before it: "dismayed [obeskurazheni]",
# "legally [iuridicheskii]". Russian transliteration shows itself in endings and letter groups that
# English words do not have (-ii, -yi, -nyi, -eni, zh, kh, iu, ia).
RUSSIAN_GLOSS = re.compile(r"^[a-z]+(?:ii|yi|nyi|oi|eni|ie|aia|iia)$|^[a-z]*(?:zh|kh|iu|ia)[a-z]*(?:i|y)$")

# Where a page of the printed edition begins, in its online text: "[Page 412]", "[Page 97]"
PAGE_MARKER = re.compile(r"^Page \d{1,4}$")

# A footnote number of a published collection in brackets: "President Roosevelt's son[211]"
FOOTNOTE_IN_BRACKETS = re.compile(r"^\d{1,4}$")

# A footnote number glued to the word it annotates, as a PDF extraction leaves it: "Yalta229",
# "(text transmitted separately)126", "E. Johnston127." and superscripts "Cuba¹²⁸". Only digits glued to
# a letter or a closing mark count: "1963", "B-52" and "the 10th" are words of the text.
FOOTNOTE_NUMBER = re.compile(
    r"(?:(?<=[A-Za-z)\]\"”’])(?P<digits>\d{1,4})(?=[\s.,;:!?)\]\"”]|$)|(?P<superscript>[¹²³⁴⁵⁶⁷⁸⁹⁰]+)"
    # and between slashes after a word or a full stop, as an online documentary edition prints it: "garden./2/"
    r"|(?<=[A-Za-z.,;:)\]\"”’]/)(?P<slashed>\d{1,2})(?=/(?:\s|$)))"
)

# What every FOOTNOTE_NUMBER opens with: a digit or a superscript digit.
FOOTNOTE_DIGIT = re.compile(r"[\d¹²³⁴⁵⁶⁷⁸⁹⁰]")

# An acronym directly before a bracket that spells it out: "National CDR [Committees for the Defense of
# the Revolution]"
ACRONYM_BEFORE = re.compile(r"\b(?P<acronym>[A-Z]{2,})\s*$")


# Every kind of note the reader gives; etl/curated/note_types.yml says what each means and whose it is,
# and the build stops if the two lists differ.
READER_NOTE_TYPES = (
    "ed_note",
    "insertion",
    "expansion",
    "gloss",
    "query",
    "clarification",
    "ellipsis_in_original",
    "signature",
    "bibliographic",
    "archival",
    "defect",
    "footnote_reference",
    "archive_note",
    "page_marker",
)


# An opening or a closing square bracket.
BRACKET = re.compile(r"[\[\]]")


@dataclass(frozen=True)
class BracketNote:
    """A bracketed note as printed: its marker (brackets included), its text, and whether it is closed."""

    marker: Span
    text: Span
    closed: bool
    depth: int  # 0 for a bracket in running text, 1 for a bracket inside another bracket


def scan_brackets(span: Span, known_note_texts: tuple[str, ...] = ()) -> list[BracketNote]:
    """Find every bracket in a span, nested ones included, in order of their opening.

    An opening bracket that is never closed is returned with ``closed=False``; its marker is the bracket
    and the words it shares with a known note ("[Ellipsis in" for "Ellipsis in original."), so that the
    text after it is kept as text.

    >>> [n.marker.text for n in scan_brackets(Span(0, 26, "new [UN] Council [our] aid"))]
    ['[UN]', '[our]']
    """
    text = span.text
    if "[" not in text:
        return []  # no opening bracket, no note (most pieces of a record have none)
    found: list[BracketNote] = []
    open_at: list[int] = []
    for bracket in BRACKET.finditer(text):
        position = bracket.start()
        if bracket.group(0) == "[":
            open_at.append(position)
        elif open_at:
            start = open_at.pop()
            found.append(BracketNote(span.sub(start, position + 1), span.sub(start + 1, position), True, 0))
    # A bracket still open at the end of its paragraph was never closed.
    for start in open_at:
        marker_end = start + 1 + _shared_prefix_length(text[start + 1 :], known_note_texts)
        found.append(BracketNote(span.sub(start, marker_end), span.sub(start + 1, marker_end), False, 0))
    # Depth counts only closed brackets around a note: an unclosed bracket encloses nothing.
    closed = [n for n in found if n.closed]
    found = [
        BracketNote(n.marker, n.text, n.closed, sum(_encloses(outer, n) for outer in closed) if n.closed else 0)
        for n in found
    ]
    return sorted(found, key=lambda note: note.marker.start)


def scan_footnote_numbers(span: Span) -> list[Span]:
    """The footnote numbers glued to words in a span, outside brackets.

    >>> [s.text for s in scan_footnote_numbers(Span(0, 40, "the meeting in Yalta229 and Cuba¹²⁸ in 1963"))]
    ['229', '¹²⁸']
    >>> [s.text for s in scan_footnote_numbers(Span(0, 30, "a walk in the garden./2/ While"))]
    ['2']
    """
    text = span.text
    # Every number opens with a digit: the pattern (which opens with a look behind) is tried only at the
    # digits, not at every place (most pieces have none at all).
    numbers = list(find_where_possible(FOOTNOTE_NUMBER, FOOTNOTE_DIGIT, text))
    if not numbers:
        return []
    inside = [(n.marker.start - span.start, n.marker.end - span.start) for n in scan_brackets(span) if n.closed]
    return [span.sub(m.start(), m.end()) for m in numbers if not any(a < m.start() < b for a, b in inside)]


def _encloses(outer: BracketNote, inner: BracketNote) -> bool:
    return outer.marker.start < inner.marker.start and inner.marker.end < outer.marker.end


def _shared_prefix_length(following: str, known_note_texts: tuple[str, ...]) -> int:
    """Length of the longest run of whole words that ``following`` shares with the start of a known note."""
    best = 0
    for known in known_note_texts:
        words = known.split(" ")
        for count in range(len(words), 0, -1):
            prefix = " ".join(words[:count])
            if following.startswith(prefix) and (len(following) == len(prefix) or following[len(prefix)] == " "):
                if count < len(words):  # a whole known note would have been closed
                    best = max(best, len(prefix))
                break
    return best


def classify_note(text: str, text_before: str) -> str:
    """The type of a bracketed note, from its words and the words just before it.

    >>> classify_note("obeskurazheni", "They are dismayed ")
    'gloss'
    >>> classify_note("Committees for the Defense of the Revolution", "the National CDR ")
    'expansion'
    >>> classify_note("escort?--ed.", "without lead ")
    'query'
    """
    if EDITORS_NOTE.match(text):
        return "ed_note"
    if FOOTNOTE_IN_BRACKETS.match(text):
        return "footnote_reference"
    if PAGE_MARKER.match(text):
        return "page_marker"
    if ELLIPSIS_IN_ORIGINAL.match(text):
        return "ellipsis_in_original"
    if SIGNATURE_MARK.match(text):
        return "signature"
    if QUERY.match(text):
        return "query"
    if CLARIFICATION.match(text):
        return "clarification"
    if RUSSIAN_GLOSS.match(text):
        return "gloss"
    acronym = ACRONYM_BEFORE.search(text_before)
    if acronym and _spells_out(acronym["acronym"], text):
        return "expansion"
    return "insertion"


def _spells_out(acronym: str, words: str) -> bool:
    """True when the capitalized words' initials spell the acronym ("Committees ... Defense ... Revolution")."""
    initials = "".join(word[0] for word in words.split() if word[:1].isupper())
    return initials == acronym


def note_words(note_type: str, text: Span) -> Span:
    """The words of a bracketed note without its label, where they are printed: the text after "Ed. note:" for
    an editor's note, the whole text between the brackets for any other.

    >>> note_words("ed_note", Span(11, 37, "Ed. note: Article 13 read.")).start
    21
    """
    match = EDITORS_NOTE.match(text.text) if note_type == "ed_note" else None  # ("ed_note" where it matches)
    return text.sub(match.start("text"), len(text.text)) if match else text
