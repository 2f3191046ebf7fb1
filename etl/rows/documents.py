"""The ``documents`` row of a record: its frame's fields, its date and kind, its title, place and addressee."""

from __future__ import annotations

import datetime
from collections.abc import Set
from dataclasses import dataclass

from etl.errors import ParseError, line_of
from etl.read.blocks import Span
from etl.read.frame import ANY_DATE, RecordFrame, parse_date
from etl.read.vocabulary import Vocabulary
from etl.rows.types import Curated, make_row, one_line


@dataclass(frozen=True)
class DocumentKey:
    """What a record's id is made of, known as soon as its frame is read: every later row names the record."""

    document_id: str
    date: str  # ISO 8601
    document_type: str


def document_key(text: str, seed_file: str, layout: RecordFrame, curated: Curated, taken_ids: Set[str]) -> DocumentKey:
    """The record's id, date and kind; the id is the date and kind, numbered on if an earlier record took it."""
    vocabulary = curated.vocabulary
    dates: dict[str, tuple[Span, datetime.date]] = {}
    for name in ("date_as_printed", "archive_date", "date_found_in_text"):
        found = layout.first(name)
        if found:
            match = ANY_DATE.search(found.span.text)
            parsed = parse_date(match["date"]) if match else None
            if parsed:
                dates[name] = (found.span, parsed)
    if not dates:
        raise ParseError(
            seed_file,
            1,
            "a date: a date line such as 'November 4, 1962', '4 November 1962' or '4.XI.62', "
            "at the head of the record or anywhere in it",
        )
    if (
        "date_as_printed" in dates
        and "archive_date" in dates
        and dates["date_as_printed"][1] != dates["archive_date"][1]
    ):
        raise ParseError(
            seed_file,
            line_of(text, dates["date_as_printed"][0].start),
            f"the dateline to agree with the archive's date {dates['archive_date'][0].text!r}",
            dates["date_as_printed"][0].text,
        )
    _, first_date = next(iter(dates.values()))
    date = first_date.isoformat()

    document_type = document_type_of(layout, curated.record, vocabulary)
    slug = vocabulary.document_type(document_type).slug
    document_id = f"{date}-{slug}"
    suffix = 2
    while document_id in taken_ids:
        document_id = f"{date}-{slug}-{suffix}"
        suffix += 1
    return DocumentKey(document_id, date, document_type)


@dataclass(frozen=True)
class RecordFacts:
    """What the rest of the record says about the whole record, read before its row is made: its author and
    the addressee its title names (from the cast), and its coverage (from the ledger)."""

    author_id: str | None
    addressee_in_title: str | None
    seed_nonblank_chars: int
    unaccounted_chars: int


def document_row(
    seed_file: str, sha256: str, layout: RecordFrame, curated: Curated, key: DocumentKey, facts: RecordFacts
) -> dict:
    """The record's ``documents`` row, made once and complete: its frame's fields, its key, and the facts the
    rest of the record gives (``RecordFacts``)."""
    record = curated.record
    vocabulary = curated.vocabulary
    document_id, date, document_type = key.document_id, key.date, key.document_type
    title = layout.value("title")
    title_source = "as printed"
    if title is not None:
        title = one_line(title)
    elif "title" in record:
        title, title_source = record["title"], one_line(record["title_source"])
    elif layout.first("date_found_in_text"):
        first_line = layout.conversation[0].text.split("\n", 1)[0].strip()
        title = first_line
        title_source = "The record's first line: the record prints no title and no date line."
    else:
        signature = layout.value("signature_as_printed")
        title = f"{document_type[:1].upper()}{document_type[1:]} of {layout.value('date_as_printed') or date}" + (
            f", signed {signature}" if signature else ""
        )
        title_source = "Composed by the build from the record's dateline and signature: the seed prints no title."

    record_id = layout.value("record_id")
    time_of_day = layout.value("time_of_day")
    first_block = layout.conversation[0].text
    opening = vocabulary.phrase("time_of_day_opening").match(first_block)
    if not time_of_day and opening:
        time_of_day = opening["time_of_day"]
    place = layout.first("place")
    place_value: str | None
    place_source: str | None
    if place:
        place_value, place_source = place.span.text, "as printed"
    else:
        place_value = record.get("place")
        place_source = one_line(record["place_source"]) if record.get("place_source") else None
    return make_row(
        "documents",
        document_id=document_id,
        title=title,
        title_source=title_source,
        date=date,
        date_as_printed=layout.value("date_as_printed")
        or layout.value("archive_date")
        or layout.value("date_found_in_text"),
        time_of_day=time_of_day.lower() if time_of_day else None,
        place=place_value,
        place_source=place_source,
        document_type=document_type,
        classification=layout.value("classification"),
        collection_number=layout.value("collection_number"),
        reference_number=layout.value("reference_number"),
        # The addressee as printed in the frame ("CC CPSU"), else as the title names it.
        addressee=one_line(" ".join(f.span.text for f in layout.all("addressee"))) or facts.addressee_in_title,
        author_id=facts.author_id,
        original_language=layout.value("original_language"),
        translator=layout.value("translator"),
        archive=layout.value("archive"),
        provenance=layout.value("provenance"),
        citation=layout.value("citation"),
        source_url=layout.value("source_url"),
        record_id=record_id,
        canonical_url=curated.canonical_url_template.format(record_id=record_id) if record_id else None,
        summary=layout.value("summary"),
        rights=layout.value("rights"),
        heading_as_printed=layout.value("heading_as_printed"),
        signature_as_printed="\n".join(f.span.text for f in layout.all("signature_as_printed")) or None,
        archival_reference=" ".join(f.span.text for f in layout.all("archival_reference")) or None,
        layout=layout.layout,
        seed_file=seed_file,
        seed_sha256=sha256,
        seed_nonblank_chars=facts.seed_nonblank_chars,
        unaccounted_chars=facts.unaccounted_chars,
    )


def document_type_of(layout: RecordFrame, record: dict, vocabulary: Vocabulary) -> str:
    """The kind of record: named by its heading or title, else curated, else from its form."""
    for name in ("heading_as_printed", "title"):
        item = layout.first(name)
        if item:
            signal = vocabulary.document_type_signal.match(item.span.text)
            if signal:
                return vocabulary.type_of_signal(signal["signal"])
    if "document_type" in record:
        return record["document_type"]
    if layout.first("signature_as_printed"):
        return vocabulary.unnamed_signed_record_type
    return vocabulary.unnamed_record_type
