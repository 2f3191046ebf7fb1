"""The ``utterances`` rows of a record, and where each character of a turn's text is in the record."""

from __future__ import annotations

from etl.read.blocks import Span
from etl.read.speakers import Turn
from etl.rows.ledger import Ledger
from etl.rows.types import TableRows


def utterance_rows(
    rows: TableRows,
    turns: list[Turn],
    segments: list[list[tuple[Span, int]]],
    document_id: str,
    seed_file: str,
    ledger: Ledger,
    added: list[list[tuple[int, int | None]]],
) -> list[str]:
    """The ``utterances`` rows, each turn's seed spans (``turn_segments``, worked out once for the notes and
    articles too) entered in the ledger with its label's. ``added`` holds, for each turn, the ranges of its
    text that notes mark as added to the speaker's words (``etl.rows.notes.added_words``)."""
    ids = []
    for seq, (turn, spans_of_turn, added_ranges) in enumerate(zip(turns, segments, added, strict=True), start=1):
        utterance_id = f"{document_id}-u{seq:03d}"
        ids.append(utterance_id)
        text, start, label = turn.text, turn.start, turn.label
        spoken = spoken_text(text, added_ranges)
        # A transcript label and what follows it up to the text ("A.I. MIKOYAN, to Che: "), or a name printed
        # inside the words ("Unfortunately, A.I. Mikoyan said, ...").
        label_spans = []
        if label and label.start < start:
            first = turn.parts[0]
            label_spans = [span.strip() for span in first.paragraph.seed_spans(0, first.start)]
        label_offset = offset_in(spans_of_turn, label.start) if label and not label_spans else None
        rows.add(
            "utterances",
            {
                "utterance_id": utterance_id,
                "document_id": document_id,
                "seq": seq,
                "participant_id": turn.participant_id,
                "speaker_label": label.text if label else None,
                "speaker_label_char_start": label.start if label else None,
                "speaker_label_char_end": label.end if label else None,
                "lead_in": " ".join(span.text for span in label_spans if span.text) or None,
                "speaker_label_offset_in_text": label_offset,
                "mode": turn.mode,
                "addressee_id": turn.addressee_id,
                "text": text,
                "paragraphs": len(turn.parts),
                "words": len(text.split()),
                "spoken_text": spoken,
                "spoken_words": len(spoken.split()),
                "seed_file": seed_file,
                "char_start": start,
                "char_end": turn.end,
            },
        )
        for span, _ in spans_of_turn:
            ledger.add("utterance", utterance_id, span)
        for span in label_spans:
            ledger.add("speaker_label", utterance_id, span)
    return ids


def spoken_text(text: str, added: list[tuple[int, int | None]]) -> str:
    """A turn's text without the ranges ``added`` to it (start, end; an end of None is the end of the text).

    Where a range is cut out, the space before it goes too if a space or a punctuation mark follows, so that
    the words read as they would have without the insertion; every other character stays as printed.

    >>> spoken_text("the exchange [of missiles--ed.], and second", [(13, 31)])
    'the exchange, and second'
    >>> spoken_text("dismayed [obeskurazheni] by the actions", [(9, 24)])
    'dismayed by the actions'
    >>> spoken_text("I [Castro] would", [(2, 10)])
    'I would'
    """
    kept, position = [], 0
    for start, end in sorted((start, len(text) if end is None else end) for start, end in added):
        if start < position:  # inside a range already cut out (a note printed inside another)
            position = max(position, end)
            continue
        piece = text[position:start]
        following = text[end : end + 1]
        if piece.endswith(" ") and (following == "" or following.isspace() or following in ",.;:!?)"):
            piece = piece[:-1]
        kept.append(piece)
        position = end
    kept.append(text[position:])
    return "".join(kept)


def turn_segments(turn: Turn) -> list[tuple[Span, int]]:
    """Each seed span of a turn's text with the offset where it starts in the turn's text."""
    segments = []
    offset = 0
    for part in turn.parts:
        local = offset
        for span in part.paragraph.seed_spans(part.start, part.end):
            segments.append((span, local))
            local += len(span.text) + 1
        offset += len(part.text) + 2
    return segments


def offset_in(segments: list[tuple[Span, int]], seed_offset: int) -> int | None:
    for span, text_offset in segments:
        if span.start <= seed_offset < span.end:
            return text_offset + seed_offset - span.start
    return None


def utterance_at(segments_by_turn: list[list[tuple[Span, int]]], seed_offset: int) -> tuple[int, int] | None:
    for index, segments in enumerate(segments_by_turn):
        offset = offset_in(segments, seed_offset)
        if offset is not None:
            return index, offset
    return None


def seed_offset(segments: list[tuple[Span, int]], text_offset: int) -> int:
    """Where a character of a turn's text is in the seed: the inverse of ``offset_in``.

    >>> seed_offset([(Span(100, 110, "First line"), 0), (Span(111, 122, "second line"), 11)], 13)
    113
    """
    for span, start in reversed(segments):
        if start <= text_offset:
            return span.start + text_offset - start
    raise ValueError(f"offset {text_offset} lies before the turn's first span")
