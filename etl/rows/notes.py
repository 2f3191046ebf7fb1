"""The ``editorial_notes`` rows of a record: brackets, footnote numbers, closing notes and curated defects."""

from __future__ import annotations

from dataclasses import dataclass

from etl.errors import ParseError
from etl.read.articles import QuotedArticle, article_id, parse_article_quotation
from etl.read.blocks import Paragraph, Span
from etl.read.notes import classify_note, note_words, scan_brackets, scan_footnote_numbers
from etl.rows.ledger import Ledger
from etl.rows.turns import offset_in, utterance_at
from etl.rows.types import PAGE_FURNITURE, Curated, make_row, one_line


def is_note_paragraph(paragraph: Paragraph) -> bool:
    """True for a paragraph that is one closed bracketed note, e.g. "[Ed. note: ...]"."""
    text = paragraph.text
    if not (text.startswith("[") and text.endswith("]")):
        return False
    outer = [n for n in scan_brackets(Span(0, len(text), text)) if n.depth == 0]
    return len(outer) == 1 and outer[0].closed and outer[0].marker.end == len(text)


@dataclass(frozen=True)
class FoundNote:
    """A note found in a record, before it is numbered: what kind, where, its words, and what encloses it."""

    note_type: str
    marker: Span
    text: str
    enclosing: int | None = None  # index (among the found notes) of the note it is printed inside
    explanation: str | None = None  # for notes of this project: what is wrong
    after_turn: int | None = None  # for a note paragraph: the turn it follows
    words_start: int | None = None  # for a bracket: where its words (``text``) start in the seed, after any label
    quoted_article: QuotedArticle | None = None  # for an editor's note quoting a protocol article in full


@dataclass(frozen=True)
class NoteRows:
    """The rows of a record's notes, each with the note as found (its words' place, the article it quotes)."""

    rows: list[dict]
    found: list[FoundNote]  # one for one with ``rows``


def find_notes(
    text: str, layout, paragraphs: list[Paragraph], note_paragraphs, curated: Curated, seed_file: str
) -> list[FoundNote]:
    """Every note of a record: brackets (nested ones too), footnote numbers, closing notes, curated defects."""
    note_paragraph_after = {np.paragraph.start: np.after_turn for np in note_paragraphs}
    pieces = [(paragraph, piece) for paragraph in paragraphs for piece in paragraph.pieces]
    first_pass = [scan_brackets(piece) for _, piece in pieces]
    known_texts = tuple(sorted({note.text.text for notes in first_pass for note in notes if note.closed}))
    found: list[FoundNote] = []
    for (paragraph, piece), first_notes in zip(pieces, first_pass, strict=True):
        after_turn = note_paragraph_after.get(paragraph.start)
        enclosing_stack: list[tuple[int, Span]] = []
        # The known notes only say where an unclosed bracket's marker ends: a piece whose brackets all close
        # (nearly every one) is not scanned again.
        piece_notes = first_notes if all(note.closed for note in first_notes) else scan_brackets(piece, known_texts)
        for note in piece_notes:
            if not note.closed:
                explanation = (
                    f"Unclosed bracket: {note.marker.text!r} is never closed (the rest of the note was lost "
                    "in the PDF extraction); the text after it is kept as printed."
                )
                found.append(FoundNote("defect", note.marker, note.marker.text, None, explanation, after_turn))
                continue
            before = text[piece.start : note.marker.start]
            note_type = classify_note(note.text.text, before)
            words = note_words(note_type, note.text)
            enclosing = next(
                (
                    index
                    for index, marker in reversed(enclosing_stack)
                    if marker.start < note.marker.start and note.marker.end < marker.end
                ),
                None,
            )
            quoted = parse_article_quotation(words.text) if note_type == "ed_note" else None
            found.append(
                FoundNote(note_type, note.marker, words.text, enclosing, None, after_turn, words.start, quoted)
            )
            enclosing_stack.append((len(found) - 1, note.marker))
        for number in scan_footnote_numbers(piece):
            found.append(FoundNote("footnote_reference", number, number.text, after_turn=after_turn))
    for mark in layout.signature_marks:
        found.append(FoundNote("signature", mark, mark.text[1:-1]))
    for closing in layout.closing_notes:
        found.append(FoundNote(closing.note_type, closing.span, closing.text.text))
    for defect in curated.defects:
        marker = _defect_marker(text, defect, seed_file)
        found.append(FoundNote("defect", marker, defect["defect"], explanation=one_line(defect["explanation"])))
    return found


def _defect_marker(text: str, defect: dict, seed_file: str) -> Span:
    """Where a curated defect sits: its quote, found once in the record with its context."""
    anchor = defect["before"] + defect["quote"] + defect["after"]
    count = text.count(anchor)
    if count != 1:
        raise ParseError(
            "etl/curated/defects.yml",
            defect.get("line"),
            f"the defect {defect['quote']!r} to occur exactly once in {seed_file} with its context "
            "(before + quote + after); correct the entry or the seed",
            f"{count} occurrences",
        )
    start = text.index(anchor) + len(defect["before"])
    return Span.of(text, start, start + len(defect["quote"]))


def note_rows(
    document_id: str,
    seed_file: str,
    found: list[FoundNote],
    segments,
    utterance_ids: list[str],
    curated: Curated,
    ledger: Ledger,
) -> NoteRows:
    """The ``editorial_notes`` rows, numbered in order of the record (an enclosing note before what it encloses).

    A note's article is the one it quotes, else its enclosing note's ("[UN]" inside a note quoting Article 13).
    """
    order = sorted(range(len(found)), key=lambda i: (found[i].marker.start, -found[i].marker.end, found[i].note_type))
    number_of = {index: number for number, index in enumerate(order, start=1)}
    rows: list[dict] = []
    article_of: dict[int, str | None] = {}  # index -> the article's id (an enclosing note comes first in ``order``)
    for index in order:
        note = found[index]
        quoted = note.quoted_article
        article_of[index] = (
            article_id(quoted.protocol_date, quoted.number)
            if quoted
            else article_of[note.enclosing]
            if note.enclosing is not None
            else None
        )
        note_id = f"{document_id}-n{number_of[index]:03d}"
        located = utterance_at(segments, note.marker.start)
        utterance_index, offset = located if located else (note.after_turn, None)
        rows.append(
            make_row(
                "editorial_notes",
                note_id=note_id,
                document_id=document_id,
                utterance_id=utterance_ids[utterance_index] if utterance_index is not None else None,
                note_type=note.note_type,
                marker=note.marker.text,
                text=note.text,
                offset_in_utterance=offset,
                article_id=article_of[index],
                resp=curated.note_types[note.note_type]["resp"],
                explanation=note.explanation,
                enclosing_note_id=(
                    f"{document_id}-n{number_of[note.enclosing]:03d}" if note.enclosing is not None else None
                ),
                seed_file=seed_file,
                char_start=note.marker.start,
                char_end=note.marker.end,
            )
        )
        ledger.add("editorial_note", note_id, note.marker)
        if note.note_type == "defect" and note.text in PAGE_FURNITURE:
            ledger.add("page_furniture", note.text, note.marker)
    return NoteRows(rows, [found[index] for index in order])


def added_words(found: list[FoundNote], segments, note_types: dict) -> list[list[tuple[int, int | None]]]:
    """For each turn, the ranges of its text (offsets in the turn's text) that notes mark as added to the
    speaker's words: the marker of a note whose type is not ``spoken`` (an insertion, a gloss, a footnote
    number), or of page furniture printed inside the turn. A marker that leaves its turn is cut at the turn's end.
    """
    ranges: list[list[tuple[int, int | None]]] = [[] for _ in segments]
    for note in found:
        furniture = note.note_type == "defect" and note.text in PAGE_FURNITURE
        if note_types[note.note_type]["spoken"] and not furniture:
            continue
        located = utterance_at(segments, note.marker.start)
        if located is None:
            continue
        turn, start = located
        end = offset_in(segments[turn], note.marker.end - 1)
        ranges[turn].append((start, (end + 1) if end is not None else None))
    return ranges
