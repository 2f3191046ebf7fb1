"""Assemble one seed's rows for every table, from its layout, turns, notes and articles.

Pure: it takes the seed's text and the curated data and returns rows; it reads and writes nothing. Every
row that comes from the seed carries the offsets of the characters it comes from, and every span used is
entered in the ``seed_spans`` ledger, so that the build can prove that nothing was lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from etl.read.articles import article_id, find_article_phrases, find_partial_quotations, parse_article_quotation
from etl.read.blocks import Paragraph, Span, join_page_breaks, split_sentences
from etl.errors import ParseError, line_of
from etl.read.frame import RecordFrame, parse_date, parse_frame
from etl.read.notes import classify_note, note_text, scan_brackets, scan_footnote_numbers
from etl.read.registry import Registry
from etl.read.cast import Cast, Person, read_cast
from etl.read.speakers import Attributor, Turn, parse_turns
from etl.read.vocabulary import Vocabulary

# Defects that are the printed page's furniture rather than the record's words.
PAGE_FURNITURE = ("page number", "running head")


@dataclass
class SeedRows:
    """All rows that one seed contributes, and what the build should report about it."""

    document: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unaccounted: list[Span] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)  # the record's cast, provisional people included

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)


@dataclass(frozen=True)
class Curated:
    """The curated facts the assembly needs for one seed."""

    record: dict  # from documents.yml: place, title, document_type ... with sources
    canonical_url_template: str
    defects: list[dict]
    narration_openings: tuple[str, ...]
    note_types: dict[str, dict]
    vocabulary: Vocabulary


def parse_seed(text: str, seed_file: str, sha256: str, registry: Registry, curated: Curated, taken_ids: set[str]) -> SeedRows:
    """Every row of one seed. ``taken_ids`` holds document ids already used by earlier seeds."""
    layout = parse_frame(text, seed_file, curated.vocabulary)
    document = _document_row(text, seed_file, sha256, layout, registry, curated, taken_ids)
    seed = SeedRows(document)
    document_id = document["document_id"]
    ledger = _Ledger(seed, document_id, seed_file)
    for item in layout.fields:
        ledger.add("metadata", item.name, item.span)
    for what, span in layout.chrome:
        ledger.add("site_chrome", what, span)
    for furniture in layout.page_furniture:
        ledger.add("page_furniture", furniture.kind, furniture.span)
    for offset, expected in layout.warnings:
        seed.warnings.append(f"{seed_file}:{line_of(text, offset)}: expected {expected}")

    paragraphs = join_page_breaks(layout.conversation)
    cast = read_cast(
        _span_of(layout, "title"),
        _span_of(layout, "heading_as_printed"),
        [(signature.span, signer.span) for signature, signer in zip(layout.all("signature_as_printed"), layout.all("signer"))],
        _span_of(layout, "recorder"),
        layout.conversation,
        registry,
        curated.vocabulary,
    )
    if not document["addressee"] and cast.addressee_in_title is not None:
        document["addressee"] = _one_line(cast.addressee_in_title.text)
    author = cast.resolve(layout.first("signer").span.text) if layout.first("signer") else None
    author = author or (cast.resolve(layout.first("recorder").span.text) if layout.first("recorder") else None)
    document["author_id"] = author
    attributor = Attributor(cast, curated.vocabulary, curated.narration_openings, author)
    turns, note_paragraphs, unknown = parse_turns(paragraphs, attributor, _is_note_paragraph)
    for label in unknown:
        seed.warnings.append(
            f"{seed_file}:{line_of(text, label.offset)}: unknown speaker label {label.label!r}: "
            "created a provisional participant; add it to etl/curated/participants.yml"
        )
        cast.add_provisional_label(label.label)
    for offset, printed in cast.new_people:
        seed.warnings.append(
            f"{seed_file}:{line_of(text, offset)}: {printed!r} is not in the registry: "
            "created a provisional participant; add it to etl/curated/participants.yml"
        )
    utterance_ids = _utterance_rows(seed, turns, document_id, seed_file, ledger)
    segments = [_turn_segments(turn) for turn in turns]
    notes = _note_rows(seed, text, layout, paragraphs, turns, segments, utterance_ids, note_paragraphs, curated, ledger)
    _article_rows(seed, turns, segments, utterance_ids, notes)
    for note in notes:
        seed.add("editorial_notes", note)
    _participant_rows(seed, text, turns, cast, curated.vocabulary)
    _name_rows(seed, text, turns, cast)
    seed.people = list(cast.people.values())

    seed.unaccounted = ledger.unaccounted(text)
    document["unaccounted_chars"] = sum(1 for span in seed.unaccounted for character in span.text if not character.isspace())
    document["seed_nonblank_chars"] = sum(1 for character in text if not character.isspace())
    return seed


# --- documents ---------------------------------------------------------------------------------------


def _document_row(text, seed_file, sha256, layout: RecordFrame, registry, curated: Curated, taken_ids) -> dict:
    record = curated.record
    vocabulary = curated.vocabulary
    dates: dict[str, tuple[Span, object]] = {}
    for name in ("date_as_printed", "archive_date", "date_found_in_text"):
        found = layout.first(name)
        if found:
            match = ANY_DATE_IN_LINE.search(found.span.text)
            parsed = parse_date(match["date"]) if match else None
            if parsed:
                dates[name] = (found.span, parsed)
    if not dates:
        raise ParseError(seed_file, 1, "a date: a date line such as 'November 4, 1962', '4 November 1962' or '4.XI.62', at the head of the record or anywhere in it")
    if "date_as_printed" in dates and "archive_date" in dates and dates["date_as_printed"][1] != dates["archive_date"][1]:
        raise ParseError(
            seed_file,
            line_of(text, dates["date_as_printed"][0].start),
            f"the dateline to agree with the archive's date {dates['archive_date'][0].text!r}",
            dates["date_as_printed"][0].text,
        )
    date_span, date = next(iter(dates.values()))
    date = date.isoformat()

    document_type = _document_type(layout, record, vocabulary)
    slug = vocabulary.document_type(document_type).slug
    document_id = f"{date}-{slug}"
    suffix = 2
    while document_id in taken_ids:
        document_id = f"{date}-{slug}-{suffix}"
        suffix += 1
    taken_ids.add(document_id)

    title = layout.value("title")
    title_source = "as printed"
    if title is not None:
        title = _one_line(title)
    elif "title" in record:
        title, title_source = record["title"], _one_line(record["title_source"])
    elif layout.first("date_found_in_text"):
        first_line = layout.conversation[0].text.split("\n", 1)[0].strip()
        title = first_line
        title_source = "The record's first line: the record prints no title and no date line."
    else:
        signature = layout.value("signature_as_printed")
        title = f"{document_type[:1].upper()}{document_type[1:]} of {layout.value('date_as_printed') or date}" + (f", signed {signature}" if signature else "")
        title_source = "Composed by the build from the record's dateline and signature: the seed prints no title."

    record_id = layout.value("record_id")
    time_of_day = layout.value("time_of_day")
    first_block = layout.conversation[0].text
    opening = vocabulary.phrase("time_of_day_opening").match(first_block)
    if not time_of_day and opening:
        time_of_day = opening["time_of_day"]
    place = layout.first("place")
    if place:
        place_value, place_source = place.span.text, "as printed"
    else:
        place_value = record.get("place")
        place_source = _one_line(record["place_source"]) if record.get("place_source") else None
    return {
        "document_id": document_id,
        "title": title,
        "title_source": title_source,
        "date": date,
        "date_as_printed": layout.value("date_as_printed") or layout.value("archive_date") or layout.value("date_found_in_text"),
        "time_of_day": time_of_day.lower() if time_of_day else None,
        "place": place_value,
        "place_source": place_source,
        "document_type": document_type,
        "classification": layout.value("classification"),
        "collection_number": layout.value("collection_number"),
        "reference_number": layout.value("reference_number"),
        "addressee": _one_line(" ".join(f.span.text for f in layout.all("addressee"))) or None,
        "author_id": None,  # set from the record's cast
        "original_language": layout.value("original_language"),
        "translator": layout.value("translator"),
        "archive": layout.value("archive"),
        "provenance": layout.value("provenance"),
        "citation": layout.value("citation"),
        "source_url": layout.value("source_url"),
        "record_id": record_id,
        "canonical_url": curated.canonical_url_template.format(record_id=record_id) if record_id else None,
        "summary": layout.value("summary"),
        "rights": layout.value("rights"),
        "heading_as_printed": layout.value("heading_as_printed"),
        "signature_as_printed": "\n".join(f.span.text for f in layout.all("signature_as_printed")) or None,
        "archival_reference": " ".join(f.span.text for f in layout.all("archival_reference")) or None,
        "layout": layout.layout,
        "seed_file": seed_file,
        "seed_sha256": sha256,
        "seed_nonblank_chars": 0,
        "unaccounted_chars": 0,
    }


# Any date inside a field's text: "Evening 5 November 1962" -> "5 November 1962".
ANY_DATE_IN_LINE = re.compile(r"(?P<date>(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},\s+\d{4}|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4}|\d{1,2}\.[IVX]{1,4}\.\d{2,4})")


def _document_type(layout: RecordFrame, record: dict, vocabulary: Vocabulary) -> str:
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


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- the ledger of spans ------------------------------------------------------------------------------


class _Ledger:
    """Enters every span used into seed_spans, numbered in order of the seed."""

    def __init__(self, seed: SeedRows, document_id: str, seed_file: str):
        self.seed, self.document_id, self.seed_file = seed, document_id, seed_file
        self.spans: list[tuple[str, str, Span]] = []

    def add(self, category: str, what: str, span: Span) -> None:
        if span.text:
            self.spans.append((category, what, span))

    def unaccounted(self, text: str) -> list[Span]:
        covered = bytearray(len(text))
        for _, _, span in self.spans:
            covered[span.start : span.end] = b"\x01" * (span.end - span.start)
        gaps: list[Span] = []
        position = 0
        while position < len(text):
            if not covered[position] and not text[position].isspace():
                end = position
                while end < len(text) and not covered[end]:
                    end += 1
                gaps.append(Span.of(text, position, end).strip())
                position = end
            else:
                position += 1
        # Finalize the ledger rows in seed order.
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


# --- utterances ---------------------------------------------------------------------------------------


def _utterance_rows(seed: SeedRows, turns: list[Turn], document_id: str, seed_file: str, ledger: _Ledger) -> list[str]:
    ids = []
    for seq, turn in enumerate(turns, start=1):
        utterance_id = f"{document_id}-u{seq:03d}"
        ids.append(utterance_id)
        text = turn.text
        seed.add(
            "utterances",
            {
                "utterance_id": utterance_id,
                "document_id": document_id,
                "seq": seq,
                "participant_id": turn.participant_id,
                "speaker_label": turn.label.text if turn.label else None,
                "speaker_label_char_start": turn.label.start if turn.label else None,
                "speaker_label_char_end": turn.label.end if turn.label else None,
                "mode": turn.mode,
                "addressee_id": turn.addressee_id,
                "text": text,
                "paragraphs": len(turn.parts),
                "words": len(text.split()),
                "seed_file": seed_file,
                "char_start": turn.start,
                "char_end": turn.end,
            },
        )
        for part in turn.parts:
            for span in part.paragraph.seed_spans(part.start, part.end):
                ledger.add("utterance", utterance_id, span)
            if part is turn.parts[0] and turn.label and turn.label.start < turn.start:
                # A transcript label and what follows it up to the text: "A.I. MIKOYAN, to Che: "
                label_span = part.paragraph.seed_spans(0, part.start)
                for span in label_span:
                    ledger.add("speaker_label", utterance_id, span.strip())
    return ids


def _turn_segments(turn: Turn) -> list[tuple[Span, int]]:
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


def _offset_in(segments: list[tuple[Span, int]], seed_offset: int) -> int | None:
    for span, text_offset in segments:
        if span.start <= seed_offset < span.end:
            return text_offset + seed_offset - span.start
    return None


def _utterance_at(segments_by_turn: list[list[tuple[Span, int]]], seed_offset: int) -> tuple[int, int] | None:
    for index, segments in enumerate(segments_by_turn):
        offset = _offset_in(segments, seed_offset)
        if offset is not None:
            return index, offset
    return None


# --- editorial notes ----------------------------------------------------------------------------------


def _is_note_paragraph(paragraph: Paragraph) -> bool:
    """True for a paragraph that is one closed bracketed note, e.g. "[Ed. note: ...]"."""
    text = paragraph.text
    if not (text.startswith("[") and text.endswith("]")):
        return False
    outer = [n for n in scan_brackets(Span(0, len(text), text)) if n.depth == 0]
    return len(outer) == 1 and outer[0].closed and outer[0].marker.end == len(text)


def _note_rows(seed, text, layout, paragraphs, turns, segments, utterance_ids, note_paragraphs, curated: Curated, ledger) -> list[dict]:
    document_id = seed.document["document_id"]
    seed_file = seed.document["seed_file"]
    note_paragraph_after = {np.paragraph.start: np.after_turn for np in note_paragraphs}
    pieces = [(paragraph, piece) for paragraph in paragraphs for piece in paragraph.pieces]
    first_pass = [note for _, piece in pieces for note in scan_brackets(piece)]
    known_texts = tuple(sorted({note.text.text for note in first_pass if note.closed}))

    found: list[tuple[str, Span, str, int | None, str | None, str | None]] = []
    # (note_type, marker, text, index of the enclosing note, explanation, the turn a note paragraph follows)
    for paragraph, piece in pieces:
        after_turn = note_paragraph_after.get(paragraph.start)
        enclosing_stack: list[tuple[int, Span]] = []
        for note in scan_brackets(piece, known_texts):
            if not note.closed:
                explanation = (
                    f"Unclosed bracket: {note.marker.text!r} is never closed (the rest of the note was lost "
                    "in the PDF extraction); the text after it is kept as printed."
                )
                found.append(("defect", note.marker, note.marker.text, None, explanation, after_turn))
                continue
            before = text[piece.start : note.marker.start]
            note_type = classify_note(note.text.text, before)
            enclosing = None
            for index, marker in reversed(enclosing_stack):
                if marker.start < note.marker.start and note.marker.end < marker.end:
                    enclosing = index
                    break
            found.append((note_type, note.marker, note_text(note_type, note.text.text), enclosing, None, after_turn))
            enclosing_stack.append((len(found) - 1, note.marker))
        for number in scan_footnote_numbers(piece):
            found.append(("footnote_reference", number, number.text, None, None, after_turn))
    for mark in layout.signature_marks:
        found.append(("signature", mark, mark.text[1:-1], None, None, None))
    for closing in layout.closing_notes:
        found.append((closing.note_type, closing.span, closing.text.text, None, None, None))
    for defect in curated.defects:
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
        marker = Span.of(text, start, start + len(defect["quote"]))
        found.append(("defect", marker, defect["defect"], None, _one_line(defect["explanation"]), None))
        if defect["defect"] in PAGE_FURNITURE:
            ledger.add("page_furniture", defect["defect"], marker)

    order = sorted(range(len(found)), key=lambda i: (found[i][1].start, -found[i][1].end, found[i][0]))
    number_of = {index: number for number, index in enumerate(order, start=1)}
    rows: list[dict] = []
    for index in order:
        note_type, marker, words, enclosing, explanation, after_turn = found[index]
        note_id = f"{document_id}-n{number_of[index]:03d}"
        located = _utterance_at(segments, marker.start)
        if located:
            utterance_index, offset = located
        else:
            utterance_index, offset = after_turn, None
        row = {
            "note_id": note_id,
            "document_id": document_id,
            "utterance_id": utterance_ids[utterance_index] if utterance_index is not None else None,
            "note_type": note_type,
            "marker": marker.text,
            "text": words,
            "offset_in_utterance": offset,
            "article_id": None,
            "resp": curated.note_types[note_type]["resp"],
            "explanation": explanation,
            "seed_file": seed_file,
            "char_start": marker.start,
            "char_end": marker.end,
            "_enclosing": None if enclosing is None else f"{document_id}-n{number_of[enclosing]:03d}",
        }
        rows.append(row)
        ledger.add("editorial_note", note_id, marker)
    return rows


# --- protocol articles --------------------------------------------------------------------------------


def _article_rows(seed: SeedRows, turns, segments, utterance_ids, notes: list[dict]) -> None:
    document_id = seed.document["document_id"]
    seed_file = seed.document["seed_file"]
    articles: dict[int, dict] = {}
    protocol = None
    for note in notes:
        if note["note_type"] != "ed_note":
            continue
        quoted = parse_article_quotation(note["text"])
        if quoted:
            protocol = protocol or (quoted.protocol, quoted.protocol_date)
            articles[quoted.number] = {
                "article_id": article_id(quoted.protocol_date, quoted.number),
                "label": f"Article {quoted.number}",
                "protocol": quoted.protocol,
                "protocol_date": quoted.protocol_date,
                "article_number": quoted.number,
                "text": quoted.text,
                "completeness": "full",
                "source_note_id": note["note_id"],
                "source_utterance_id": None,
            }
            note["article_id"] = articles[quoted.number]["article_id"]
    by_id = {note["note_id"]: note for note in notes}
    for note in notes:
        enclosing = note.pop("_enclosing")
        if enclosing and by_id[enclosing]["article_id"] and not note["article_id"]:
            note["article_id"] = by_id[enclosing]["article_id"]

    references: list[dict] = []
    for index, turn in enumerate(turns):
        for phrase in find_article_phrases(turn.text):
            references.append({"utterance_id": utterance_ids[index], "note_id": None, "number": phrase.number, "phrase": phrase.phrase, "offset": phrase.offset, "turn": index})
        for partial in find_partial_quotations(turn.text):
            articles.setdefault(partial.number, {"partial": partial.text, "utterance_id": utterance_ids[index]})
    for note in notes:
        if note["note_type"] != "ed_note":
            continue
        label_length = len(note["marker"]) - len(note["text"]) - 1  # "[Ed. note: "
        for phrase in find_article_phrases(note["text"]):
            references.append({"utterance_id": None, "note_id": note["note_id"], "number": phrase.number, "phrase": phrase.phrase, "offset": phrase.offset, "note": note, "label_length": label_length})

    if not articles and not references:
        return
    if protocol is None:
        # The record names articles ("Article 5 of the Constitution") but quotes no protocol: nothing
        # tells which document they belong to, so they are not linked to the protocol's articles.
        seed.warnings.append(
            f"{seed_file}: names {len(references)} article(s) but quotes no protocol "
            "('[Ed. note: Article N of the draft protocol read: ...]'); the articles are not linked"
        )
        return
    protocol_title, protocol_date = protocol
    for number in sorted({*articles, *(r["number"] for r in references)}):
        entry = articles.get(number)
        if entry and "article_id" in entry:
            row = entry
        else:
            row = {
                "article_id": article_id(protocol_date, number),
                "label": f"Article {number}",
                "protocol": protocol_title,
                "protocol_date": protocol_date,
                "article_number": number,
                "text": entry["partial"] if entry else None,
                "completeness": "partial" if entry else "none",
                "source_note_id": None,
                "source_utterance_id": entry["utterance_id"] if entry else None,
            }
        seed.add("protocol_articles", row)

    for number, reference in enumerate(sorted(references, key=lambda r: _reference_start(r, segments)), start=1):
        start = _reference_start(reference, segments)
        seed.add(
            "article_references",
            {
                "reference_id": f"{document_id}-r{number:03d}",
                "document_id": document_id,
                "utterance_id": reference["utterance_id"],
                "note_id": reference["note_id"],
                "article_id": article_id(protocol_date, reference["number"]),
                "phrase": reference["phrase"],
                "offset_in_utterance": reference["offset"],
                "seed_file": seed_file,
                "char_start": start,
                "char_end": start + len(reference["phrase"]),
            },
        )


def _reference_start(reference: dict, segments) -> int:
    if reference["utterance_id"]:
        turn_segments = segments[reference["turn"]]
        for span, text_offset in reversed(turn_segments):
            if text_offset <= reference["offset"]:
                return span.start + reference["offset"] - text_offset
    note = reference["note"]
    return note["char_start"] + reference["label_length"] + reference["offset"]


# --- participants of each record ----------------------------------------------------------------------


def _participant_rows(seed: SeedRows, text: str, turns: list[Turn], cast: Cast, vocabulary) -> None:
    """Each person's roles in the record (present, absent, author, recorder) with the words that say so."""
    document_id = seed.document["document_id"]
    seed_file = seed.document["seed_file"]
    roles: dict[tuple[str, str], Span] = {}

    def claim(participant_id: str | None, role: str, span: Span) -> None:
        if participant_id and ((participant_id, role) not in roles or span.start < roles[(participant_id, role)].start):
            roles[(participant_id, role)] = span

    for role in cast.roles:
        claim(role.participant_id, role.role, role.span)
    registry_names = "|".join(re.escape(form) for form in sorted(cast.registry.forms, key=len, reverse=True))
    names = "|".join(filter(None, [registry_names, "|".join(re.escape(f) for f in cast.forms())]))
    absent_pattern = re.compile(rf"(?P<name>{names})\s+(?:{'|'.join(vocabulary.phrases['absence'])})\b")
    absent = set()
    for match in absent_pattern.finditer(text):
        participant_id = cast.resolve(match["name"]) or cast.registry.resolve(match["name"])
        absent.add(participant_id)
        claim(participant_id, "absent", Span.of(text, match.start(), match.end()))

    attended = re.compile(rf"(?P<name>{names})\s+(?:{'|'.join(vocabulary.phrases['attended'])})\b")
    author_present = vocabulary.phrase("author_present")
    author = seed.document["author_id"]
    for turn in turns:
        if turn.mode == "narration":
            for part in turn.parts:
                for match in attended.finditer(part.text):
                    spans = part.paragraph.seed_spans(part.start + match.start("name"), part.start + match.end())
                    claim(cast.resolve(match["name"]) or cast.registry.resolve(match["name"]), "present", spans[0])
        elif turn.participant_id and turn.label:
            claim(turn.participant_id, "present", turn.label)
    for turn in turns:
        for part in turn.parts:
            for match in author_present.finditer(part.text):
                spans = part.paragraph.seed_spans(part.start + match.start(), part.start + match.end())
                claim(author, "present", spans[0])
    for participant_id in absent:
        roles.pop((participant_id, "present"), None)

    for (participant_id, role), span in sorted(roles.items(), key=lambda item: (item[0][1], item[1].start, item[0][0])):
        seed.add(
            "document_participants",
            {
                "document_id": document_id,
                "participant_id": participant_id,
                "role": role,
                "evidence": span.text,
                "seed_file": seed_file,
                "char_start": span.start,
                "char_end": span.end,
            },
        )


def _name_rows(seed: SeedRows, text: str, turns: list[Turn], cast: Cast) -> None:
    """Every form of a participant's name the record prints, with its kind and how often it occurs."""
    document_id = seed.document["document_id"]
    registry = cast.registry
    used_as_label = {turn.label.text for turn in turns if turn.label and turn.mode != "narration" and turn.label.text.isupper()}
    found: dict[tuple[str, str], dict] = {}

    def count(participant_id: str, printed: str, kind: str, start: int) -> None:
        key = (participant_id, printed)
        if key in found:
            found[key]["occurrences"] += 1
        else:
            found[key] = {
                "participant_id": participant_id,
                "name_as_printed": printed,
                "kind": kind,
                "document_id": document_id,
                "occurrences": 1,
                "first_char_start": start,
            }

    for match in registry.any_form.finditer(text):
        printed = match.group(0)
        kind = registry.forms[printed].kind
        if kind == "speaker label" and printed not in used_as_label:
            kind = "name"
        count(registry.resolve(printed), printed, kind, match.start())
    provisional = [person for person in cast.people.values() if person.is_provisional]
    if provisional:
        forms = sorted({form for person in provisional for form in person.forms}, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")
        for match in pattern.finditer(text):
            participant_id = cast.resolve(match.group(0))
            if participant_id and participant_id.startswith("provisional-"):
                count(participant_id, match.group(0), "speaker label" if match.group(0) in used_as_label else "name", match.start())
    for person in provisional:
        for turn in turns:
            if turn.participant_id == person.participant_id and turn.label and (person.participant_id, turn.label.text) not in found:
                count(person.participant_id, turn.label.text, "speaker label", turn.label.start)
    for row in sorted(found.values(), key=lambda r: (r["participant_id"], r["first_char_start"])):
        seed.add("participant_names", row)


def _span_of(layout: RecordFrame, name: str) -> Span | None:
    item = layout.first(name)
    return item.span if item else None
