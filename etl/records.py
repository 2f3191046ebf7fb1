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
from etl.read.frame import DATELINE, DOCUMENT_HEADING, HEADING_KINDS, SeedLayout, parse_layout
from etl.read.notes import classify_note, note_text, scan_brackets
from etl.read.registry import Registry
from etl.read.speakers import Attributor, Turn, parse_turns

# Time of day stated at the opening of the narration: "This morning a two-hour conversation took place"
TIME_OF_DAY_OPENING = re.compile(r"^(?:This|In the)\s+(?P<time_of_day>morning|afternoon|evening)\b")

# The sentence that says who took part: "Today talks were conducted between A.I. Mikoyan and Comrades ..."
PARTICIPANTS_SENTENCE = re.compile(r"\b(?:conversation|talks|meeting)\b[^.]*?\bbetween\b")

# The recorder counting himself in: "where I [...] was also present", "as well as myself"
RECORDER_PRESENT = re.compile(r"\b(?:as well as myself|where I(?: \[[^\]]*\])? was also present)")

# Someone who did not come: "Fidel Castro had not been able to come because he is feeling poorly"
ABSENCE_PHRASE = r"\s+(?:had not been able to come|could not come|was absent)\b"

# Defects that are the printed page's furniture rather than the record's words.
PAGE_FURNITURE = ("page number", "running head")

# A record with no heading of its own takes its kind from its layout: a bare dated record with a Soviet
# signature ("4.XI.62 ALEKSEEV") is a telegram.
LAYOUT_DOCUMENT_TYPES = {"bare_telegram": "telegram"}

DOCUMENT_TYPE_SLUGS = {
    "notes of conversation": "notes",
    "memorandum of conversation": "memorandum",
    "telegram": "telegram",
}


@dataclass
class SeedRows:
    """All rows that one seed contributes, and what the build should report about it."""

    document: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unaccounted: list[Span] = field(default_factory=list)

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


def parse_seed(text: str, seed_file: str, sha256: str, registry: Registry, curated: Curated, taken_ids: set[str]) -> SeedRows:
    """Every row of one seed. ``taken_ids`` holds document ids already used by earlier seeds."""
    layout = parse_layout(text, seed_file)
    document = _document_row(text, seed_file, sha256, layout, registry, curated, taken_ids)
    seed = SeedRows(document)
    document_id = document["document_id"]
    ledger = _Ledger(seed, document_id, seed_file)
    for item in layout.fields:
        ledger.add("metadata", item.name, item.span)
    for what, span in layout.chrome:
        ledger.add("site_chrome", what, span)

    paragraphs = join_page_breaks(layout.conversation)
    attributor = Attributor(registry, curated.narration_openings)
    turns, note_paragraphs, unknown = parse_turns(paragraphs, attributor, _is_note_paragraph)
    for label in unknown:
        seed.warnings.append(
            f"{seed_file}:{line_of(text, label.offset)}: unknown speaker label {label.label!r}: "
            "created a provisional participant; add it to etl/curated/participants.yml"
        )
    utterance_ids = _utterance_rows(seed, turns, document_id, seed_file, ledger)
    segments = [_turn_segments(turn) for turn in turns]
    notes = _note_rows(seed, text, layout, paragraphs, turns, segments, utterance_ids, note_paragraphs, curated, ledger)
    _article_rows(seed, turns, segments, utterance_ids, notes)
    for note in notes:
        seed.add("editorial_notes", note)
    _participant_rows(seed, text, layout, turns, utterance_ids, registry)
    _name_rows(seed, text, turns, registry)

    seed.unaccounted = ledger.unaccounted(text)
    document["unaccounted_chars"] = sum(1 for span in seed.unaccounted for character in span.text if not character.isspace())
    document["seed_nonblank_chars"] = sum(1 for character in text if not character.isspace())
    return seed


# --- documents ---------------------------------------------------------------------------------------


def _document_row(text, seed_file, sha256, layout: SeedLayout, registry, curated: Curated, taken_ids) -> dict:
    record = curated.record
    dateline = layout.first("date_as_printed")
    archive_date = layout.first("archive_date")
    if not dateline and not archive_date:
        raise ParseError(seed_file, 1, "a date: the archive's 'November 3, 1962' or a dateline such as '4 November 1962'")
    dates = {}
    if dateline:
        dates["dateline"] = datetime.strptime(DATELINE.match(dateline.span.text)["date"], "%d %B %Y").date()
    if archive_date:
        dates["archive"] = datetime.strptime(archive_date.span.text, "%B %d, %Y").date()
    if len(set(dates.values())) > 1:
        raise ParseError(seed_file, line_of(text, dateline.span.start), f"the dateline to agree with the archive's date {archive_date.span.text!r}", dateline.span.text)
    date = next(iter(dates.values())).isoformat()

    heading = layout.first("heading_as_printed")
    if heading:
        document_type = HEADING_KINDS[DOCUMENT_HEADING.match(heading.span.text)["kind"]]
    elif "document_type" in record:
        document_type = record["document_type"]
    elif layout.layout in LAYOUT_DOCUMENT_TYPES:
        document_type = LAYOUT_DOCUMENT_TYPES[layout.layout]
    else:
        raise ParseError(seed_file, 1, "a heading such as 'MEMORANDUM OF CONVERSATION', or a document_type for this seed in etl/curated/documents.yml")

    document_id = f"{date}-{DOCUMENT_TYPE_SLUGS[document_type]}"
    suffix = 2
    while document_id in taken_ids:
        document_id = f"{date}-{DOCUMENT_TYPE_SLUGS[document_type]}-{suffix}"
        suffix += 1
    taken_ids.add(document_id)

    title = layout.value("title")
    title_source = "as printed"
    if title is None and "title" in record:
        title, title_source = record["title"], _one_line(record["title_source"])
    elif title is None:
        signature = layout.value("signature_as_printed")
        title = f"{document_type.capitalize()} of {layout.value('date_as_printed') or date}" + (f", signed {signature}" if signature else "")
        title_source = "Composed by the build from the record's dateline and signature: the seed prints no title."

    signer = layout.first("signer")
    recorder = layout.first("recorder")
    author = registry.resolve(signer.span.text) if signer else registry.resolve(recorder.span.text) if recorder else None
    record_id = layout.value("record_id")
    time_of_day = layout.value("time_of_day")
    first_block = layout.conversation[0].text
    opening = TIME_OF_DAY_OPENING.match(first_block)
    if not time_of_day and opening:
        time_of_day = opening["time_of_day"]
    return {
        "document_id": document_id,
        "title": title,
        "title_source": title_source,
        "date": date,
        "date_as_printed": layout.value("date_as_printed") or layout.value("archive_date"),
        "time_of_day": time_of_day.lower() if time_of_day else None,
        "place": record.get("place"),
        "place_source": _one_line(record["place_source"]) if record.get("place_source") else None,
        "document_type": document_type,
        "classification": layout.value("classification"),
        "author_id": author,
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
        "heading_as_printed": heading.span.text if heading else None,
        "signature_as_printed": layout.value("signature_as_printed"),
        "layout": layout.layout,
        "seed_file": seed_file,
        "seed_sha256": sha256,
        "seed_nonblank_chars": 0,
        "unaccounted_chars": 0,
    }


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
        raise ParseError(seed_file, None, "an editor's note quoting an article of the protocol the record names ('[Ed. note: Article N of the draft protocol read: ...]')")
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


def _participant_rows(seed: SeedRows, text: str, layout: SeedLayout, turns: list[Turn], utterance_ids, registry: Registry) -> None:
    document_id = seed.document["document_id"]
    seed_file = seed.document["seed_file"]
    roles: dict[tuple[str, str], Span] = {}

    def claim(participant_id: str | None, role: str, span: Span) -> None:
        if participant_id and ((participant_id, role) not in roles or span.start < roles[(participant_id, role)].start):
            roles[(participant_id, role)] = span

    names = re.compile(rf"(?<![\w.])(?P<name>{registry.name_pattern}|{'|'.join(re.escape(f) for f in registry.label_forms)})(?!\w)")
    absent_pattern = re.compile(rf"(?P<name>{registry.name_pattern}){ABSENCE_PHRASE}")
    absent = set()
    for match in absent_pattern.finditer(text):
        participant_id = registry.resolve(match["name"])
        absent.add(participant_id)
        claim(participant_id, "absent", Span.of(text, match.start(), match.end()))

    # Who the title, the heading and the opening sentence say took part.
    sources = [layout.first("title"), layout.first("heading_as_printed")]
    for item in sources:
        if item:
            for match in names.finditer(item.span.text):
                claim(registry.resolve(match["name"]), "present", item.span.sub(match.start(), match.end()))
    for turn in turns:
        if turn.mode == "narration":
            for part in turn.parts:
                sentence = PARTICIPANTS_SENTENCE.search(part.text)
                if sentence:
                    end = next(b for a, b in split_sentences(part.text) if b > sentence.end())
                    for match in names.finditer(part.text, sentence.end(), end):
                        spans = part.paragraph.seed_spans(part.start + match.start(), part.start + match.end())
                        claim(registry.resolve(match["name"]), "present", spans[0])
                attended = re.search(rf"(?P<name>{registry.name_pattern})\s+attended\b", part.text)
                if attended:
                    spans = part.paragraph.seed_spans(part.start + attended.start("name"), part.start + attended.end())
                    claim(registry.resolve(attended["name"]), "present", spans[0])
        elif turn.participant_id and turn.label:
            claim(turn.participant_id, "present", turn.label)

    signer = layout.first("signer")
    recorder = layout.first("recorder")
    author = seed.document["author_id"]
    if signer:
        claim(author, "author", layout.first("signature_as_printed").span)
    if recorder:
        claim(registry.resolve(recorder.span.text), "recorder", recorder.span)
        claim(registry.resolve(recorder.span.text), "author", recorder.span)
    for turn in turns:
        for part in turn.parts:
            for match in RECORDER_PRESENT.finditer(part.text):
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


def _name_rows(seed: SeedRows, text: str, turns: list[Turn], registry: Registry) -> None:
    """Every form of a participant's name the record prints, with its kind and how often it occurs."""
    document_id = seed.document["document_id"]
    used_as_label = {turn.label.text for turn in turns if turn.label and turn.mode != "narration" and turn.label.text.isupper()}
    found: dict[tuple[str, str], dict] = {}
    for match in registry.any_form.finditer(text):
        printed = match.group(0)
        participant_id = registry.resolve(printed)
        kind = registry.forms[printed].kind
        if kind == "speaker label" and printed not in used_as_label:
            kind = "name"
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
                "first_char_start": match.start(),
            }
    for participant in registry.provisional.values():
        for turn in turns:
            if turn.participant_id == participant.participant_id and turn.label:
                key = (participant.participant_id, turn.label.text)
                if key in found:
                    found[key]["occurrences"] += 1
                else:
                    found[key] = {
                        "participant_id": participant.participant_id,
                        "name_as_printed": turn.label.text,
                        "kind": "speaker label",
                        "document_id": document_id,
                        "occurrences": 1,
                        "first_char_start": turn.label.start,
                    }
    for row in sorted(found.values(), key=lambda r: (r["participant_id"], r["first_char_start"])):
        seed.add("participant_names", row)
