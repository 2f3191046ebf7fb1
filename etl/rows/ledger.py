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
        self.spans: list[tuple[str, str, Span]] = []

    def add(self, category: str, what: str, span: Span) -> None:
        if span.text:
            self.spans.append((category, what, span))

    def unaccounted(self, text: str) -> list[Span]:
        """Enter the ledger's rows in seed order; return the runs of non-blank text no span covers."""
        gaps: list[Span] = []
        position = 0
        for start, end in _merged((span.start, span.end) for _, _, span in self.spans):
            if start > position:
                gap = Span.of(text, position, start).strip()
                if gap.text:
                    gaps.append(gap)
            position = max(position, end)
        tail = Span.of(text, position, len(text)).strip()
        if tail.text:
            gaps.append(tail)
        ordered = sorted(self.spans, key=lambda item: (item[2].start, item[2].end, item[0], item[1]))
        for number, (category, what, span) in enumerate(ordered, start=1):
            self.seed.add(
                "seed_spans",
                {
                    "span_id": f"{self.document_id}-s{number:04d}",
                    "document_id": self.document_id,
                    "category": category,
                    "field": what,
                    "text": span.text,
                    "seed_file": self.seed_file,
                    "char_start": span.start,
                    "char_end": span.end,
                },
            )
        return gaps


def _merged(ranges) -> list[tuple[int, int]]:
    """Overlapping or touching ranges merged, in order."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
