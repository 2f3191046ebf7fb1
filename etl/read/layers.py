"""The text layer of a record: how its lines were laid out on the page, read before anything else.

A record copied from a PDF's text layer or typed from a printed page is not laid out as the seeds are (one
paragraph a line, a blank line between paragraphs): its lines are hard-wrapped at the width of the page, a
word is cut at the end of a line ("ambassa-" / "dor"), no blank line separates the paragraphs, running heads
and page numbers stand among the lines, and a transcript may print each speaker's label alone on its line,
the words on the next ("N. Ivanov:" / "We cannot agree ..."). Read as it stands, such a text is one block:
the title swallows the first paragraph and there are no turns.

This stage recognizes the layout from what the text holds, never from where it comes from:

- **hard-wrapped lines**: most lines of the text run close to one width, the lines stand in blocks without
  blank lines between them, and sentences run on from one line to the next (a line that ends without closing
  punctuation followed by one that opens in lower case, or a word cut by a hyphen at the end of a line);
- **label lines**: lines that hold nothing but a speaker's label and a colon, each followed at once by the
  words of a line of its own (``speaker_label_line`` in ``etl/curated/reading.yml``);
- **page furniture**: page numbers alone on their line (``page_number_lines``) and running heads (a short
  line printed again and again, its numbers aside), in a text whose layout is one of the above.

What it decides is kept as offsets into the record as printed. Paragraphs are rebuilt from lines: a line
break inside a rebuilt paragraph is a *join*, read as a space; a word cut at the end of a line is joined for
reading, its printed hyphen kept in the ledger as page furniture (or kept in the word where the word is a
compound: it goes on in upper case, or the record prints it hyphenated on one line elsewhere). Furniture
lines are set aside as page furniture, typed. Everything is pure: the text and the blocks are read, never
changed; a text of neither layout comes back exactly as it came in.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from etl.read.blocks import Paragraph, Span, split_lines


@dataclass(frozen=True)
class TextLayerRules:
    """The curated signals of the text layer (``text_layer`` in ``etl/curated/reading.yml``)."""

    page_number_lines: tuple[str, ...]
    speaker_label_line: str
    not_labels: frozenset[str]
    line_end_hyphens: str
    full_line_share: float  # of the width: a line at least this long is full (its paragraph goes on)
    min_full_lines: float  # share of the lines that are full, for a text to be hard-wrapped
    min_run_on_lines: int  # sentences that run on over a line break, for a text to be hard-wrapped
    min_label_lines: int  # label lines followed by words, for a transcript of label lines

    @property
    def page_number(self) -> re.Pattern[str]:
        return _compiled("|".join(f"(?:{p})" for p in self.page_number_lines))

    @property
    def label_line(self) -> re.Pattern[str]:
        return _compiled(self.speaker_label_line)


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class Join:
    """A line break inside a rebuilt paragraph: the end of the line before it and the start of the line after
    (seed offsets), and the hyphen at the end of the line before, if a word is cut there."""

    line_end: int  # where the line before ends (after its hyphen, if any)
    next_start: int  # where the line after starts (past any furniture between them)
    hyphen: Span | None = None
    hyphen_kept: bool = False  # the hyphen belongs to the word ("Anglo-" / "Soviet")
    why: str = "the paragraph runs on"


@dataclass
class TextLayer:
    """What the text-layer stage decided about a record, as offsets into it."""

    layouts: tuple[str, ...] = ()  # "hard-wrapped lines", "speaker labels on their own lines"; none: as printed
    width: int = 0  # the width of a full line, in characters (hard-wrapped lines only)
    evidence: tuple[str, ...] = ()  # what in the text says so
    joins: dict[int, Join] = field(default_factory=dict)  # by the offset where the line before ends
    furniture: list[tuple[str, Span]] = field(default_factory=list)  # (kind, line)
    label_lines: list[Span] = field(default_factory=list)
    paragraph_starts: list[tuple[Span, str]] = field(default_factory=list)  # (first line, why it starts one)

    @property
    def found(self) -> bool:
        return bool(self.layouts)


@dataclass(frozen=True)
class _Line:
    span: Span  # stripped
    indent: int  # spaces before it on its line
    block: int  # the index of the block it stands in


def read_text_layer(text: str, blocks: list[Span], rules: TextLayerRules) -> tuple[list[Span], TextLayer]:
    """The record's blocks as the text layer makes them (paragraphs rebuilt, furniture set aside), and the
    decisions taken; the blocks unchanged where the text shows neither layout."""
    lines = [
        _Line(line, line.start - (text.rfind("\n", 0, line.start) + 1), index)
        for index, block in enumerate(blocks)
        for line in split_lines(block)
    ]
    layer = TextLayer()
    if len(lines) < 3:
        return blocks, layer
    labels = _label_lines(lines, rules)
    width, wrapped_evidence = _hard_wrapped(lines, rules, labels)
    layouts, evidence = [], []
    if wrapped_evidence:
        layouts.append("hard-wrapped lines")
        evidence += wrapped_evidence
    label_layout = len(labels) >= rules.min_label_lines
    if label_layout:
        layouts.append("speaker labels on their own lines")
        evidence.append(f"{len(labels)} lines hold a speaker's label alone, the words on the next line")
    if not layouts:
        return blocks, layer
    layer.layouts, layer.width, layer.evidence = tuple(layouts), width, tuple(evidence)
    layer.label_lines = [lines[i].span for i in sorted(labels)]
    content = _set_aside_furniture(lines, rules, labels, layer)
    paragraphs = _rebuild_paragraphs(text, content, labels, width if wrapped_evidence else 0, rules, layer)
    rebuilt = []
    for paragraph in paragraphs:
        rebuilt.extend(_blocks_of(text, paragraph, layer))
    return rebuilt, layer


def _label_lines(lines: list[_Line], rules: TextLayerRules) -> set[int]:
    """The indexes of the lines that hold a speaker's label alone, the words on the next line of its block."""
    found = set()
    for index, line in enumerate(lines[:-1]):
        match = rules.label_line.match(line.span.text)
        if not match or lines[index + 1].block != line.block:
            continue
        label = match["label"]
        if label in rules.not_labels or label.title() in rules.not_labels:
            continue  # "Participants:" opens a list, not a turn
        if rules.label_line.match(lines[index + 1].span.text):
            continue  # a label needs words after it
        found.add(index)
    # Labels set off by blank lines are read as they stand (the label's paragraph is its turn): the layout is
    # that of turns without blank lines between them, two labels or more in one block.
    per_block = Counter(lines[index].block for index in found)
    return {index for index in found if per_block[lines[index].block] >= 2}


def _hard_wrapped(lines: list[_Line], rules: TextLayerRules, labels: set[int]) -> tuple[int, list[str]]:
    """The width of a full line and what says the text is hard-wrapped at it (nothing where it is not)."""
    lengths = sorted(len(line.span.text) + line.indent for line in lines)
    width = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
    if width < 30 or width > 130:
        return width, []  # one paragraph a line (the seeds' hundreds of characters), or a column of words
    runs = [
        (line, after)
        for index, (line, after) in enumerate(zip(lines, lines[1:], strict=False))
        if after.block == line.block and index not in labels
    ]
    if len(runs) < len(lines) / 2:
        return width, []  # most lines stand alone between blank lines: the text is not wrapped
    # (The share is of the lines of words: a label alone on its line is no wrapped line.)
    words = [line for index, line in enumerate(lines) if index not in labels]
    full = sum(len(line.span.text) + line.indent >= rules.full_line_share * width for line in words)
    if full < rules.min_full_lines * len(words):
        return width, []
    run_on = [
        (line, after) for line, after in runs if not _closes(line.span.text, rules) and after.span.text[:1].islower()
    ]
    cut = [(line, after) for line, after in run_on if _cut_word(line.span.text, rules)]
    if len(run_on) < rules.min_run_on_lines:
        return width, []
    return width, [
        f"{full} of {len(words)} lines of words run to within "
        f"{round(100 * (1 - rules.full_line_share))}% of {width} characters",
        f"{len(run_on)} sentences run on over a line break, {len(cut)} of them in a word cut by a hyphen",
    ]


CLOSING = re.compile(r"""[.?!:;"'\])”’]$""")


def _closes(line: str, rules: TextLayerRules) -> bool:
    return bool(CLOSING.search(line))


def _cut_word(line: str, rules: TextLayerRules) -> bool:
    """A line that ends in a word cut by a hyphen: a letter, then the hyphen ("ambassa-")."""
    return len(line) >= 2 and line[-1] in rules.line_end_hyphens and line[-2].isalpha()


# How much further than most lines a line is set in to be a heading or a centred line, not a paragraph's
# first line (set in by a few spaces at most).
CENTRED_INDENT = 6

# The shape of a line with its numbers aside, to find a running head printed on every page.
DIGITS = re.compile(r"\d+")


def _set_aside_furniture(
    lines: list[_Line], rules: TextLayerRules, labels: set[int], layer: TextLayer
) -> list[tuple[int, _Line]]:
    """The lines that are the record's words (with their indexes); page numbers and running heads go to the layer."""
    shapes: dict[str, int] = {}
    for line in lines:
        shape = DIGITS.sub("#", " ".join(line.span.text.split()))
        shapes[shape] = shapes.get(shape, 0) + 1
    content = []
    carried_over = _carried_over(lines, rules)
    for index, line in enumerate(lines):
        text = line.span.text
        shape = DIGITS.sub("#", " ".join(text.split()))
        if index < carried_over:
            layer.furniture.append(("text of the page before", line.span))
        elif rules.page_number.fullmatch(text):
            layer.furniture.append(("page number", line.span))
        elif (
            shapes[shape] >= 2
            and index not in labels
            and not _closes(text, rules)
            and not rules.label_line.match(text)
            and len(text.split()) >= 2
            and (not layer.width or len(text) < rules.full_line_share * layer.width)
        ):
            layer.furniture.append(("running head", line.span))
        else:
            content.append((index, line))
    return content


# The most lines a sentence carried over from the page before the record may run to.
MAX_CARRIED_OVER_LINES = 3


def _carried_over(lines: list[_Line], rules: TextLayerRules) -> int:
    """How many lines at the top are the end of a sentence of the page before: a text layer cut from a
    printed volume may open mid-word or mid-sentence ("ment of the British Legation." above the record's date
    line); those lines, up to the end of their sentence, are not the record's words. 0 where the text opens
    with a capital."""
    if not lines or not lines[0].span.text[:1].islower():
        return 0
    for count, line in enumerate(lines[:MAX_CARRIED_OVER_LINES], start=1):
        if _closes(line.span.text, rules):
            return count
    return 0


def _rebuild_paragraphs(
    text: str,
    content: list[tuple[int, _Line]],
    labels: set[int],
    width: int,
    rules: TextLayerRules,
    layer: TextLayer,
) -> list[list[_Line]]:
    """Group the record's lines into paragraphs, recording each join and each paragraph's reason to start."""
    paragraphs: list[list[_Line]] = []
    previous_index: int | None = None
    indents = Counter(line.indent for _, line in content)
    base_indent = indents.most_common(1)[0][0] if indents else 0
    for index, line in content:
        before = paragraphs[-1][-1] if paragraphs else None
        why_new = _starts_paragraph(before, previous_index, index, line, labels, width, rules, base_indent)
        if before is None or why_new:
            paragraphs.append([line])
            layer.paragraph_starts.append((line.span, why_new or "the first line"))
        else:
            paragraphs[-1].append(line)
            layer.joins[before.span.end] = _join(text, before, line, labels, previous_index, rules)
        previous_index = index
    return paragraphs


def _starts_paragraph(
    before: _Line | None,
    before_index: int | None,
    index: int,
    line: _Line,
    labels: set[int],
    width: int,
    rules: TextLayerRules,
    base_indent: int = 0,
) -> str:
    """Why a line opens a paragraph of its own ('' where it goes on the paragraph before it)."""
    if before is None or before_index is None:
        return "the first line"
    if before_index in labels:
        return ""  # the words after a label are its turn's
    if index in labels:
        return "a speaker's label"
    if before.block != line.block and _closes(before.span.text, rules):
        return "a blank line"
    if _cut_word(before.span.text, rules) and line.span.text[:1].islower():
        return ""  # "ambassa-" / "dor"
    if before.indent >= base_indent + CENTRED_INDENT and not line.span.text[:1].islower():
        return "the line before is set in (a heading)"
    if not width:
        # Lines not wrapped (a transcript of label lines): each is a paragraph unless a sentence runs on.
        return "" if line.span.text[:1].islower() else "a line of its own"
    if (
        line.indent > before.indent
        and len(before.span.text) + before.indent < width
        and _closes(before.span.text, rules)
    ):
        return "an indented line"
    if len(before.span.text) + before.indent < rules.full_line_share * width and not line.span.text[:1].islower():
        return "the line before is short"
    return ""


def _join(
    text: str, before: _Line, line: _Line, labels: set[int], before_index: int | None, rules: TextLayerRules
) -> Join:
    """How the line break between two lines of a paragraph is read."""
    if before_index in labels:
        return Join(before.span.end, line.span.start, why="a label and its words")
    printed = before.span.text
    if not _cut_word(printed, rules):
        return Join(before.span.end, line.span.start)
    hyphen = before.span.sub(len(printed) - 1, len(printed))
    word_start = re.search(r"[\w'’-]*$", printed[:-1])
    left = printed[word_start.start() if word_start else len(printed) - 1 : -1]
    right_match = re.match(r"[\w'’]+", line.span.text)
    right = right_match.group(0) if right_match else ""
    if not line.span.text[:1].islower():
        return Join(before.span.end, line.span.start, hyphen, True, "a compound: it goes on in upper case")
    if right and re.search(rf"(?<![\w]){re.escape(left)}-{re.escape(right)}(?![\w])", text):
        return Join(
            before.span.end, line.span.start, hyphen, True, f"a compound: the record prints {left}-{right} elsewhere"
        )
    return Join(before.span.end, line.span.start, hyphen, False, f"a word cut at the end of the line: {left}{right}")


def _blocks_of(text: str, paragraph: list[_Line], layer: TextLayer) -> list[Span]:
    """A rebuilt paragraph as blocks of the record: one span from its first line to its last, cut where
    furniture stands between its lines (the reader joins the pieces again, as across a page break)."""
    blocks, first = [], paragraph[0]
    furniture = [span for _, span in layer.furniture]
    for previous, line in zip(paragraph, paragraph[1:], strict=False):
        if any(previous.span.end <= span.start < line.span.start for span in furniture):
            blocks.append(Span.of(text, first.span.start, previous.span.end))
            first = line
    blocks.append(Span.of(text, first.span.start, paragraph[-1].span.end))
    return blocks


def layer_paragraphs(blocks: list[Span], layer: TextLayer) -> list[Paragraph]:
    """The paragraphs of blocks the layer rebuilt: a block goes on the one before it where the layer joined
    their lines across page furniture ("pre-" / a running head, a page number / "sent"), or where it opens in
    lower case; a short last line or a label already ended the paragraph before (``_starts_paragraph``)."""
    paragraphs: list[list[Span]] = []
    for block in blocks:
        if paragraphs and (paragraphs[-1][-1].end in layer.joins or block.text[:1].islower()):
            paragraphs[-1].append(block)
        else:
            paragraphs.append([block])
    return [Paragraph(tuple(pieces)) for pieces in paragraphs]


def join_lines(paragraphs: list[Paragraph], layer: TextLayer) -> tuple[list[Paragraph], list[Span]]:
    """The paragraphs with the layer's joins read: each line a piece, joined by a space, or by nothing after a
    hyphen at a cut word (the hyphen left out of the pieces where the word is read whole); and the hyphens
    left out, for the ledger. Paragraphs without joins come back as they are."""
    if not layer.joins:
        return paragraphs, []
    rebuilt, hyphens = [], []
    for paragraph in paragraphs:
        pieces: list[Span] = []
        separators: list[str] = []
        for number, piece in enumerate(paragraph.pieces):
            if number:
                separators.append(" ")
            start = 0
            for newline in re.finditer(r"[^\S\n]*\n\s*", piece.text):
                if piece.start + newline.start() in layer.joins:
                    pieces.append(piece.sub(start, newline.start()))
                    separators.append(" ")
                    start = newline.end()
            pieces.append(piece.sub(start, len(piece.text)))
        # Where a word is cut at the end of a piece, read it whole: the piece without its hyphen, joined by nothing.
        for number in range(len(pieces) - 1):
            join = layer.joins.get(pieces[number].end)
            if join is None or join.hyphen is None:
                continue
            separators[number] = ""
            if not join.hyphen_kept:
                piece = pieces[number]
                pieces[number] = Span(
                    piece.start, piece.end - len(join.hyphen.text), piece.text[: -len(join.hyphen.text)]
                )
                hyphens.append(join.hyphen)
        rebuilt.append(Paragraph(tuple(pieces), tuple(separators)) if len(pieces) > 1 else paragraph)
    return rebuilt, hyphens
