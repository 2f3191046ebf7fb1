"""The ``protocol_articles`` and ``article_references`` rows of a record.

The notes arrive as made: which article an editor's note quotes, and where its words start, were read when
the note was found (``etl.rows.notes.FoundNote``), so nothing here parses a note row or changes one.
"""

from __future__ import annotations

from etl.read.articles import article_id, find_article_phrases, find_partial_quotations
from etl.rows.notes import NoteRows
from etl.rows.turns import seed_offset
from etl.rows.types import TableRows


def article_rows(
    rows: TableRows,
    document_id: str,
    seed_file: str,
    turns,
    segments,
    utterance_ids,
    notes: NoteRows,
) -> list[str]:
    """Articles quoted in editors' notes or in turns, and every place that names one. Returns the warnings."""
    articles, protocol = _articles_quoted_in_notes(notes)
    references = _references_in_turns(turns, segments, utterance_ids, articles) + _references_in_notes(notes)
    if not articles and not references:
        return []
    if protocol is None:
        # The record names articles ("Article 5 of the Constitution") but quotes no protocol: nothing
        # tells which document they belong to, so they are not linked to the protocol's articles.
        return [
            f"{seed_file}: names {len(references)} article(s) but quotes no protocol "
            "('[Ed. note: Article N of the draft protocol read: ...]'); the articles are not linked"
        ]
    protocol_title, protocol_date = protocol
    for number in sorted({*articles, *(r["number"] for r in references)}):
        rows.add("protocol_articles", _article_row(number, articles.get(number), protocol_title, protocol_date))

    for number, reference in enumerate(sorted(references, key=lambda r: r["start"]), start=1):
        rows.add(
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
                "char_start": reference["start"],
                "char_end": reference["start"] + len(reference["phrase"]),
            },
        )
    return []


def _articles_quoted_in_notes(notes: NoteRows) -> tuple[dict[int, dict], tuple[str, str] | None]:
    """The articles editors' notes quote in full, by number, and the protocol they quote (the first named)."""
    articles: dict[int, dict] = {}
    protocol = None
    for note, found in zip(notes.rows, notes.found, strict=True):
        quoted = found.quoted_article
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
    return articles, protocol


def _references_in_turns(turns, segments, utterance_ids, articles: dict[int, dict]) -> list[dict]:
    """Every phrase of a turn that names an article; an article a turn quotes in part, where no note quotes it
    in full, is kept in ``articles`` with the words quoted."""
    references: list[dict] = []
    for index, turn in enumerate(turns):
        text = turn.text  # (joined from its parts at each call: once here)
        for phrase in find_article_phrases(text):
            references.append(
                {
                    "utterance_id": utterance_ids[index],
                    "note_id": None,
                    "number": phrase.number,
                    "phrase": phrase.phrase,
                    "offset": phrase.offset,
                    "start": seed_offset(segments[index], phrase.offset),
                }
            )
        for partial in find_partial_quotations(text):
            articles.setdefault(partial.number, {"partial": partial.text, "utterance_id": utterance_ids[index]})
    return references


def _references_in_notes(notes: NoteRows) -> list[dict]:
    """Every phrase of an editors' note that names an article, placed from where the note's words start."""
    references: list[dict] = []
    for note, found in zip(notes.rows, notes.found, strict=True):
        if note["note_type"] != "ed_note" or found.words_start is None:
            continue
        for phrase in find_article_phrases(found.text):
            references.append(
                {
                    "utterance_id": None,
                    "note_id": note["note_id"],
                    "number": phrase.number,
                    "phrase": phrase.phrase,
                    "offset": phrase.offset,
                    "start": found.words_start + phrase.offset,
                }
            )
    return references


def _article_row(number: int, entry: dict | None, protocol_title: str, protocol_date: str) -> dict:
    """The row of an article: as a note quotes it in full, as a turn quotes it in part, or only named."""
    if entry and "article_id" in entry:
        return entry
    return {
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
