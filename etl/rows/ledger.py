"""The ledger of spans: every span of a record used as anything is entered, so that coverage is proven.

Coverage is computed from the spans (sorted and merged), not character by character.
"""

from __future__ import annotations

from etl.read.blocks import Span
from etl.rows.types import SeedRows


class Ledger:
    """Enters every span used into seed_spans, numbered in order of the seed."""

    def __init__(self, seed: SeedRows, document_id: str, seed_file: str):
        self.seed, self.document_id, self.seed_file = seed, document_id, seed_file
        # (start, end, category, what, text) of each span used: tuples that sort in the order of the seed
        # (two entries alike in their first four are alike in their text, which the offsets give).
        self.entries: list[tuple[int, int, str, str, str]] = []

    def add(self, category: str, what: str, span: Span) -> None:
        if span.text:
            self.entries.append((span.start, span.end, category, what, span.text))

    def unaccounted(self, text: str) -> list[Span]:
        """Enter the ledger's rows in seed order; return the runs of non-blank text no span covers."""
        ordered = sorted(self.entries)
        gaps: list[Span] = []
        # The end of the text covered so far: a span that starts after it leaves a gap, which counts only if it
        # is not blank (most are the blank lines between blocks: ``isspace`` says so without making a Span).
        position = 0
        for start, end, *_ in ordered:
            if start > position and not text[position:start].isspace():
                gaps.append(Span.of(text, position, start).strip())
            position = max(position, end)
        if position < len(text) and not text[position:].isspace():
            gaps.append(Span.of(text, position, len(text)).strip())
        for number, (start, end, category, what, span_text) in enumerate(ordered, start=1):
            self.seed.add(
                "seed_spans",
                {
                    "span_id": f"{self.document_id}-s{number:04d}",
                    "document_id": self.document_id,
                    "category": category,
                    "field": what,
                    "text": span_text,
                    "seed_file": self.seed_file,
                    "char_start": start,
                    "char_end": end,
                },
            )
        return gaps
