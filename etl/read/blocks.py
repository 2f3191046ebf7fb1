"""Blocks of text: spans with offsets, paragraphs, lines and sentences.

Everything here is pure: it takes a seed's text and offsets and returns frozen records that carry their
own offsets, so that every later stage can say exactly which characters it used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Span:
    """A run of characters of a seed: ``text == seed[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, seed_text: str, start: int, end: int) -> Span:
        return cls(start, end, seed_text[start:end])

    def strip(self) -> Span:
        """The same span without surrounding whitespace (no-break spaces included)."""
        if self.text and not self.text[0].isspace() and not self.text[-1].isspace():
            return self  # (most lines and blocks have none)
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        if right <= left:
            return Span(self.start + left, self.start + left, "")
        return Span(self.start + left, self.start + right, self.text[left:right])

    def sub(self, start: int, end: int) -> Span:
        """The part of this span between two offsets relative to its start."""
        return Span(self.start + start, self.start + end, self.text[start:end])


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the body: one or more pieces of text separated in the seed only by layout.

    A paragraph has more than one piece when a page break cut a sentence in two ("for the time being it
    is" / "still a poor country"); its text joins the pieces with a single space. A paragraph rebuilt from
    hard-wrapped lines (``etl/read/layers.py``) has a piece a line, and says what joins each piece to the next:
    a space, or nothing where a word cut at the end of a line is read whole ("ambassa" / "dor").
    """

    pieces: tuple[Span, ...]
    # What joins each piece to the next (one fewer than the pieces); none given: a space each.
    separators: tuple[str, ...] | None = None

    @property
    def start(self) -> int:
        return self.pieces[0].start

    @property
    def end(self) -> int:
        return self.pieces[-1].end

    @cached_property
    def text(self) -> str:
        # Joined once: the reader asks a paragraph for its text hundreds of thousands of times in a large build.
        if self.separators is None:
            return " ".join(piece.text for piece in self.pieces)
        return "".join(
            piece.text + separator for piece, separator in zip(self.pieces, (*self.separators, ""), strict=True)
        )

    def _separator_after(self, index: int) -> int:
        """The length of what joins piece ``index`` to the next."""
        return 1 if self.separators is None else len(self.separators[index]) if index < len(self.separators) else 0

    def seed_spans(self, start: int, end: int) -> list[Span]:
        """The seed spans behind the paragraph text between two offsets (one per piece it touches)."""
        spans: list[Span] = []
        offset = 0
        for index, piece in enumerate(self.pieces):
            piece_start, piece_end = offset, offset + len(piece.text)
            low, high = max(start, piece_start), min(end, piece_end)
            if low < high:
                spans.append(piece.sub(low - piece_start, high - piece_start))
            offset = piece_end + self._separator_after(index)  # the joining space
        return spans

    def seed_offset(self, position: int) -> int:
        """The seed offset of a position in the paragraph text."""
        offset = 0
        for index, piece in enumerate(self.pieces):
            if position <= offset + len(piece.text):
                return piece.start + max(0, position - offset)
            offset += len(piece.text) + self._separator_after(index)
        return self.pieces[-1].end


# A line that holds nothing but whitespace, no-break spaces included, separates paragraphs:
#   "\u00a0" between the turns of the 5 November record.
BLANK_LINE = re.compile(r"\n[^\S\n]*\n(?:[^\S\n]*\n)*")

# A paragraph that ends without closing punctuation was cut by a page break and goes on in the next one:
#   "...China is big, but for the time being it is" / "still a poor country."
CLOSING_PUNCTUATION = re.compile(r"""[.?!:;"'\])”’]$""")


def split_blocks(seed_text: str, start: int, end: int) -> list[Span]:
    """Split a region of a seed into its blocks: runs of non-blank lines, stripped, with offsets.

    >>> [b.text for b in split_blocks("a b\\n\\u00a0\\nc\\nd\\n\\n", 0, 12)]
    ['a b', 'c\\nd']
    """
    return list(iter_blocks(seed_text, start, end))


def iter_blocks(seed_text: str, start: int, end: int) -> Iterator[Span]:
    """The blocks of a region one at a time, for a reader that needs only the first few (``split_blocks``)."""
    position = start
    region = seed_text[start:end]
    for separator in BLANK_LINE.finditer(region):
        block = Span.of(seed_text, position, start + separator.start()).strip()
        if block.text:
            yield block
        position = start + separator.end()
    block = Span.of(seed_text, position, end).strip()
    if block.text:
        yield block


def split_lines(block: Span) -> list[Span]:
    """The non-blank lines of a block, stripped, with offsets."""
    lines: list[Span] = []
    offset = 0
    for line in block.text.split("\n"):
        span = block.sub(offset, offset + len(line)).strip()
        if span.text:
            lines.append(span)
        offset += len(line) + 1
    return lines


# A block that opens in lower case goes on with the sentence before a page break, whatever ends the block
# before it: "... a major blow to relations" / [a footnote, a page number] / "between our countries ..."
CONTINUATION_OPENING = re.compile(r"^[a-z]")


def join_page_breaks(blocks: list[Span]) -> list[Paragraph]:
    """Group blocks into paragraphs, joining a block cut by a page break to the block after it."""
    paragraphs: list[list[Span]] = []
    for block in blocks:
        if paragraphs and (
            not CLOSING_PUNCTUATION.search(paragraphs[-1][-1].text) or CONTINUATION_OPENING.match(block.text)
        ):
            paragraphs[-1].append(block)
        else:
            paragraphs.append([block])
    return [Paragraph(tuple(pieces)) for pieces in paragraphs]


# Where a sentence may end: closing punctuation (perhaps a closing bracket or quote), then space, then
# what can open a sentence: a capital, a digit, an opening quote or bracket, or an ellipsis.
#   "...where I [...] was also present. 3 Unfortunately, A.I. Mikoyan said, ..."
# (The punctuation is matched, not looked behind for: a pattern that opens with a character class is
# searched for much faster, and only the space is used.)
SENTENCE_BREAK = re.compile(r"""[.?!][\]"”)]?(?P<space>\s+)(?=[A-Z0-9"“(\[]|\.\.\.)""")

# Words after which a full stop does not end a sentence: initials ("A.I. Mikoyan", "N.S. Khrushchev"),
# titles and abbreviations ("Com. Dorticos", "Cdes. M.A. Suslov", "i.e.", "U.N.").
ABBREVIATION_BEFORE = re.compile(r"""(?:\b[A-Z]\.|\b(?:Com|Comrade|Cdes?|Mr|Mrs|Dr|St|No|vs|i\.e|e\.g|D\.C)\.)$""")


# Any letter or digit: a sentence has at least one.
ALPHANUMERIC = re.compile(r"[^\W_]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Offsets (start, end) of the sentences of a paragraph's text.

    >>> text = "Then A.I. Mikoyan said so. In response Fidel Castro said that we agree."
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['Then A.I. Mikoyan said so.', 'In response Fidel Castro said that we agree.']
    """
    sentences: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_BREAK.finditer(text):
        before = text[max(0, match.start("space") - 12) : match.start("space")]  # an abbreviation is short
        if ABBREVIATION_BEFORE.search(before.rstrip('"”)]')):
            continue
        if not ALPHANUMERIC.search(text, start, match.start("space")):
            continue  # an ellipsis alone ("... Then for half an hour") opens the sentence after it
        sentences.append((start, match.start("space")))
        start = match.end("space")
    if start < len(text):
        sentences.append((start, len(text.rstrip()) if text.rstrip() else len(text)))
    return sentences


def find_where_possible(pattern: re.Pattern[str], openings: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern each of whose matches starts where ``openings``
    matches: ``openings`` is searched for, and ``pattern`` tried only there.

    A pattern that opens with a look behind (``(?<![\\w.])``) or an alternation is tried by the regex engine
    at every place of a text; one that opens with a plain character or class (a digit, a name's first letter)
    is searched for by skipping to it, much faster. ``pattern`` must not match the empty string.

    >>> [m.group(0) for m in find_where_possible(re.compile(r"(?<![\\w.])\\d+"), re.compile(r"\\d"), "a1 2 x.3 45")]
    ['2', '45']
    """

    def next_opening(position: int) -> int:
        opening = openings.search(text, position)
        return opening.start() if opening else -1

    return _tried_at_openings(pattern, text, next_opening)


def find_where_words_stand(pattern: re.Pattern[str], words: tuple[str, ...], text: str) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern each of whose matches opens with one of ``words``
    (in their case): the words are looked for with ``str.find``, and ``pattern`` tried only where one stands.

    For a few words this is faster than a pattern of them (``find_where_possible``): the regex engine tries
    an alternation of words at every place that holds the first letter of one of them.

    >>> pattern = re.compile(r"\\bas well as myself|\\bwhere I\\b")
    >>> words = ("as well as myself", "where I")
    >>> [m.group(0) for m in find_where_words_stand(pattern, words, "somewhere I, as well as myself")]
    ['as well as myself']
    """

    def next_opening(position: int) -> int:
        return min((start for word in words if (start := text.find(word, position)) >= 0), default=-1)

    return _tried_at_openings(pattern, text, next_opening)


def _tried_at_openings(
    pattern: re.Pattern[str], text: str, next_opening: Callable[[int], int]
) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, ``pattern`` tried only at each place ``next_opening(position)``
    gives (the first at or after ``position``; -1 for none), going on after each match as ``finditer`` does."""
    position = 0
    while (start := next_opening(position)) >= 0:
        match = pattern.match(text, start)  # (a look behind or \\b sees the characters before the start)
        if match:
            yield match
            position = match.end()
        else:
            position = start + 1


def find_at_line_starts(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern each of whose matches starts where a line does
    (every alternative opens with ``^``): ``pattern`` is tried at the start of each line only, instead of at
    every place of the text.

    >>> pattern = re.compile(r"^Present:|^(?:\\d\\.\\s)?Visited", re.MULTILINE)
    >>> [m.group(0) for m in find_at_line_starts(pattern, "Present: A\\n1. Visited B, Present:")]
    ['Present:', '1. Visited']
    """
    position = 0
    while True:
        match = pattern.match(text, position)  # (``^`` fails at once where no line starts)
        if match and match.end() == match.start():
            # After an empty match ``finditer`` must move on by one character: the rest is left to it.
            yield from pattern.finditer(text, match.start())
            return
        if match:
            yield match
            position = match.end()  # (the search goes on from there, as ``finditer``'s does)
            continue
        newline = text.find("\n", position)
        if newline < 0:
            return
        position = newline + 1


# The characters that end a phrase's plain words: those that mean something in a regular expression.
SPECIAL_CHARACTERS = frozenset("\\.^$*+?{}[]|()")

# What a phrase may open with that stands for no character: a word boundary, the start of a line.
ZERO_WIDTH_OPENING = re.compile(r"(?:\\b|\^)*")

# A quantifier: the plain character before it may not be there ("in the presence of:?").
QUANTIFIERS = "?*{"


def plain_opening(phrase: str) -> str:
    r"""The plain words every match of a regular expression opens with, after a leading ``\b`` or ``^``;
    '' where it has none (it opens with a group or a class, or is an alternation of its own).

    Where every phrase of a kind has plain words to open with, a search for those words finds each place
    where a phrase may stand, far faster than trying the phrases at every place (``find_where_words_stand``).

    >>> plain_opening(r"\bin the presence of:?")
    'in the presence of'
    >>> plain_opening(r"approached(?=[.;])")
    'approached'
    >>> plain_opening(r"^(?:\d+\.\s+)?There was a")
    ''
    >>> plain_opening(r"was absent|could not come")  # (an alternation opens with either)
    ''
    """
    if has_alternation(phrase):
        return ""
    opening = ZERO_WIDTH_OPENING.match(phrase)  # (it matches every phrase, if only with nothing)
    rest = phrase[opening.end() if opening else 0 :]
    end = 0
    while end < len(rest) and rest[end] not in SPECIAL_CHARACTERS:
        end += 1
    if end < len(rest) and rest[end] in QUANTIFIERS:
        end = max(end - 1, 0)
    return rest[:end]


def opens_lines(phrase: str) -> bool:
    r"""Whether every match of a regular expression starts where a line does (it opens with ``^``).

    >>> opens_lines(r"^Present:"), opens_lines(r"^Present:|Present at"), opens_lines(r"\bin the presence")
    (True, False, False)
    """
    return phrase.startswith("^") and not has_alternation(phrase)


def has_alternation(phrase: str) -> bool:
    r"""Whether a regular expression is an alternation at its top level, outside any group or class.

    >>> has_alternation(r"a|b"), has_alternation(r"(?:a|b)c"), has_alternation(r"[|]\|")
    (True, False, False)
    """
    depth, in_class, position = 0, False, 0
    while position < len(phrase):
        character = phrase[position]
        if character == "\\":
            position += 2
            continue
        if in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
            position += 1
            if phrase.startswith("^", position):
                position += 1
            if phrase.startswith("]", position):
                position += 1  # (a "]" first in a class is one of its characters)
            continue
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif character == "|" and depth == 0:
            return True
        position += 1
    return False
