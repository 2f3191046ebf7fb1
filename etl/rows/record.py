"""All the rows of one record: read its frame, its cast and its turns, then make each table's rows.

Pure: it takes the record's text and the curated data and returns rows; it reads and writes nothing and
changes nothing it is given. Every row that comes from the record carries the offsets of the characters
it comes from, and every span used is entered in the ``seed_spans`` ledger, so that the build can prove
that nothing was lost.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date

from etl.errors import line_of
from etl.read.blocks import Span, join_page_breaks, split_sentences
from etl.read.cast import NamingPlaces, read_cast
from etl.read.frame import RecordFrame, parse_frame
from etl.read.layers import join_lines, layer_paragraphs
from etl.read.registry import Registry
from etl.read.speakers import Attributor, parse_turns
from etl.rows.articles import article_rows
from etl.rows.documents import RecordFacts, document_key, document_row
from etl.rows.ledger import Ledger
from etl.rows.notes import added_words, find_notes, is_note_paragraph, note_rows
from etl.rows.participants import name_rows, participant_rows
from etl.rows.turns import turn_segments, utterance_rows
from etl.rows.types import Curated, SeedRows, TableRows, one_line

# The fields of a record's list of participants, read in order: a side's line, then the people of that side.
LIST_FIELDS = ("participant_side", "participant_listed")


def parse_seed(
    text: str, seed_file: str, sha256: str, registry: Registry, curated: Curated, taken_ids: Set[str] = frozenset()
) -> SeedRows:
    """Every row of one record. ``taken_ids`` holds the document ids earlier records took (it is only read).

    Each row is made once, complete: the record's id first (every row names it), then the rows of its turns,
    notes, articles and people, then the ledger's spans and, last, the ``documents`` row, when its author,
    addressee and coverage are known.
    """
    layout = parse_frame(text, seed_file, curated.vocabulary)
    key = document_key(text, seed_file, layout, curated, taken_ids)
    document_id = key.document_id
    rows = TableRows()
    warnings: list[str] = []
    ledger = Ledger(document_id, seed_file)
    for item in layout.fields:
        ledger.add("metadata", item.name, item.span)
    for what, span in layout.chrome:
        ledger.add("site_chrome", what, span)
    for furniture in layout.page_furniture:
        ledger.add("page_furniture", furniture.kind, furniture.span)
    for offset, expected in layout.warnings:
        warnings.append(f"{seed_file}:{line_of(text, offset)}: expected {expected}")

    if layout.text_layer.found:  # paragraphs the text layer rebuilt from lines
        paragraphs = layer_paragraphs(layout.conversation, layout.text_layer)
    else:
        paragraphs = join_page_breaks(layout.conversation)
    # Lines of a rebuilt paragraph read as one text: a word cut at the end of a line is read whole, its printed
    # hyphen entered in the ledger as page furniture (etl/read/layers.py).
    paragraphs, hyphens = join_lines(paragraphs, layout.text_layer)
    for hyphen in hyphens:
        ledger.add("page_furniture", "end-of-line hyphen", hyphen)
    cast = read_cast(naming_places(layout, date.fromisoformat(key.date), text), registry, curated.vocabulary)
    signer, recorder = layout.first("signer"), layout.first("recorder")
    author = cast.resolve(signer.span.text) if signer else None
    author = author or (cast.resolve(recorder.span.text) if recorder else None)
    # else the sender a title names ("Cable, Ambassador A. Sorin to the Ministry ..."): the "I" of the body
    author = author or next((role.participant_id for role in cast.roles if role.role == "author"), None)
    attributor = Attributor(cast, curated.vocabulary, curated.narration_openings, author)
    turns, note_paragraphs, unknown = parse_turns(paragraphs, attributor, is_note_paragraph)
    warnings.extend(_unmatched_narration_openings(paragraphs, curated, seed_file))
    for label in unknown:
        warnings.append(
            f"{seed_file}:{line_of(text, label.offset)}: unknown speaker label {label.label!r}: "
            "created a provisional participant; add it to etl/curated/participants.yml"
        )
        cast.add_provisional_label(label.label)
    for offset, office in cast.unresolved_offices:
        warnings.append(
            f"{seed_file}:{line_of(text, offset)}: {office!r} in the list of participants names no single holder "
            f"of the office on {key.date}: add one to etl/curated/office_holders.yml"
        )
    for offset, printed in cast.new_people:
        warnings.append(
            f"{seed_file}:{line_of(text, offset)}: {printed!r} is not in the registry: "
            "created a provisional participant; add it to etl/curated/participants.yml"
        )
    segments = [turn_segments(turn) for turn in turns]
    found = find_notes(text, layout, paragraphs, note_paragraphs, curated, seed_file)
    added = added_words(found, segments, curated.note_types)
    utterance_ids = utterance_rows(rows, turns, segments, document_id, seed_file, ledger, added)
    notes = note_rows(document_id, seed_file, found, segments, utterance_ids, curated, ledger)
    warnings.extend(article_rows(rows, document_id, seed_file, turns, segments, utterance_ids, notes))
    for note in notes.rows:
        rows.add("editorial_notes", note)
    participant_rows(rows, document_id, seed_file, text, turns, cast, author, curated.vocabulary)
    name_rows(rows, document_id, text, turns, cast)
    for span_row in ledger.span_rows():
        rows.add("seed_spans", span_row)
    unaccounted = ledger.gaps(text)

    facts = RecordFacts(
        author_id=author,
        addressee_in_title=one_line(cast.addressee_in_title.text) if cast.addressee_in_title is not None else None,
        seed_nonblank_chars=_nonblank(text),
        unaccounted_chars=sum(_nonblank(span.text) for span in unaccounted),
    )
    return SeedRows(
        document=document_row(seed_file, sha256, layout, curated, key, facts),
        rows=rows.by_table,
        warnings=warnings,
        unaccounted=unaccounted,
        people=list(cast.people.values()),
        text_layer=layout.text_layer,
    )


def naming_places(layout: RecordFrame, on: date, text: str) -> NamingPlaces:
    """The places of a read record that name its people, for ``read_cast``."""
    return NamingPlaces(
        body=layout.conversation,
        title=span_of(layout, "title"),
        heading=span_of(layout, "heading_as_printed"),
        subtitles=[item.span for item in layout.all("subtitle")],
        # (the frame reads each signature line with its signer: one for one)
        signatures=[
            (signature.span, signer.span)
            for signature, signer in zip(layout.all("signature_as_printed"), layout.all("signer"), strict=True)
        ],
        recorder=span_of(layout, "recorder"),
        listed=sorted((item.span for item in layout.fields if item.name in LIST_FIELDS), key=lambda span: span.start),
        described=[item.span for name in ("summary", "citation") for item in layout.all(name)],
        on=on,
        text=text,
    )


def span_of(layout: RecordFrame, name: str) -> Span | None:
    item = layout.first(name)
    return item.span if item else None


def _unmatched_narration_openings(paragraphs, curated: Curated, seed_file: str) -> list[str]:
    """A curated place where the narration resumes must open exactly one sentence of the record."""
    if not curated.narration_openings:
        return []  # most records have none: their sentences need not be split again
    starts = [paragraph.text[a:b] for paragraph in paragraphs for a, b in split_sentences(paragraph.text)]
    warnings = []
    for opening, line in zip(
        curated.narration_openings,
        curated.narration_opening_lines or (None,) * len(curated.narration_openings),
        strict=True,
    ):
        found = sum(sentence.startswith(opening) for sentence in starts)
        if found != 1:
            warnings.append(
                f"etl/curated/turns.yml:{line}: expected the opening {opening!r} to start exactly one sentence of "
                f"{seed_file}; found {found} (the entry no longer matches its record)"
            )
    return warnings


def _nonblank(text: str) -> int:
    """The number of characters that are not white space."""
    return len("".join(text.split()))
