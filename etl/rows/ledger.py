"""The ledger of spans: every span of a record used as anything is entered, so that coverage is proven.

Coverage is computed from the spans (sorted and merged), not character by character. The ledger only
collects: its questions (``span_rows``, ``gaps``) write nothing, and the record's assembly adds the rows.
"""

from __future__ import annotations

from etl.read.blocks import Span


class Ledger:
    """The spans of one record used as anything, to number as seed_spans rows and to prove coverage with."""

    def __init__(self, document_id: str, seed_file: str):
        self.document_id, self.seed_file = document_id, seed_file
        # (start, end, category, what, text) of each span used: tuples that sort in the order of the seed
        # (two entries alike in their first four are alike in their text, which the offsets give).
        self.entries: list[tuple[int, int, str, str, str]] = []

    def add(self, category: str, what: str, span: Span) -> None:
        if span.text:
            self.entries.append((span.start, span.end, category, what, span.text))

    def span_rows(self) -> list[dict]:
        """The ``seed_spans`` rows of the spans entered, numbered in order of the seed (in the schema's column
        order, checked when they are added: a record has thousands)."""
        return [
            {
                "span_id": f"{self.document_id}-s{number:04d}",
                "document_id": self.document_id,
                "category": category,
                "field": what,
                "text": span_text,
                "seed_file": self.seed_file,
                "char_start": start,
                "char_end": end,
            }
            for number, (start, end, category, what, span_text) in enumerate(sorted(self.entries), start=1)
        ]

    def gaps(self, text: str) -> list[Span]:
        """The runs of non-blank text of the record that no span entered covers (none when coverage is full)."""
        gaps: list[Span] = []
        # The end of the text covered so far: a span that starts after it leaves a gap, which counts only if it
        # is not blank (most are the blank lines between blocks: ``isspace`` says so without making a Span).
        position = 0
        for start, end, *_ in sorted(self.entries):
            if start > position and not text[position:start].isspace():
                gaps.append(Span.of(text, position, start).strip())
            position = max(position, end)
        if position < len(text) and not text[position:].isspace():
            gaps.append(Span.of(text, position, len(text)).strip())
        return gaps
