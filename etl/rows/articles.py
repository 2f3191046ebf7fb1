"""The ``protocol_articles`` and ``article_references`` rows of a record."""

from __future__ import annotations

from etl.read.articles import article_id, find_article_phrases, find_partial_quotations, parse_article_quotation
from etl.rows.types import TableRows


def article_rows(
    rows: TableRows,
    document_id: str,
    seed_file: str,
    turns,
    segments,
    utterance_ids,
    notes: list[dict],
    enclosing_note: dict[str, str],
) -> list[str]:
    """Articles quoted in editors' notes or in turns, and every place that names one; notes learn their article.
    Returns the warnings."""
    articles, protocol = _articles_quoted_in_notes(notes)
    _notes_learn_enclosing_article(notes, enclosing_note)
    references = _references_in_turns(turns, utterance_ids, articles) + _references_in_notes(notes)
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

    for number, reference in enumerate(sorted(references, key=lambda r: reference_start(r, segments)), start=1):
        start = reference_start(reference, segments)
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
                "char_start": start,
                "char_end": start + len(reference["phrase"]),
            },
        )
    return []


def _articles_quoted_in_notes(notes: list[dict]) -> tuple[dict[int, dict], tuple[str, str] | None]:
    """The articles editors' notes quote in full, by number, and the protocol they quote (the first named);
    each such note learns its article."""
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
    return articles, protocol


def _notes_learn_enclosing_article(notes: list[dict], enclosing_note: dict[str, str]) -> None:
    """A note inside a note that quotes an article is about that article too."""
    by_id = {note["note_id"]: note for note in notes}
    for note in notes:
        enclosing = enclosing_note.get(note["note_id"])
        if enclosing and by_id[enclosing]["article_id"] and not note["article_id"]:
            note["article_id"] = by_id[enclosing]["article_id"]


def _references_in_turns(turns, utterance_ids, articles: dict[int, dict]) -> list[dict]:
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
                    "turn": index,
                }
            )
        for partial in find_partial_quotations(text):
            articles.setdefault(partial.number, {"partial": partial.text, "utterance_id": utterance_ids[index]})
    return references


def _references_in_notes(notes: list[dict]) -> list[dict]:
    """Every phrase of an editors' note that names an article."""
    references: list[dict] = []
    for note in notes:
        if note["note_type"] != "ed_note":
            continue
        label_length = len(note["marker"]) - len(note["text"]) - 1  # "[Ed. note: "
        for phrase in find_article_phrases(note["text"]):
            references.append(
                {
                    "utterance_id": None,
                    "note_id": note["note_id"],
                    "number": phrase.number,
                    "phrase": phrase.phrase,
                    "offset": phrase.offset,
                    "note": note,
                    "label_length": label_length,
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


def reference_start(reference: dict, segments) -> int:
    if reference["utterance_id"]:
        turn_segments = segments[reference["turn"]]
        for span, text_offset in reversed(turn_segments):
            if text_offset <= reference["offset"]:
                return span.start + reference["offset"] - text_offset
    note = reference["note"]
    return note["char_start"] + reference["label_length"] + reference["offset"]
