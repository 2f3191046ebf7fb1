"""The reading edition's text work, kept pure: turn rows of the database into what a reader sees.

The site's record pages (``etl/site/edition.py``) show each record as a document, not as rows: turns as
paragraphs with the speaker first, editorial notes as numbered footnotes at the place their offsets give,
defects of the text highlighted where they sit, protocol articles linked where a turn names them. The
plugin does the SQL and the HTTP; everything that decides *what the text looks like* is here, as plain
functions of plain values, so that tests can check it without a server and a fourth record needs no code.

Nothing here changes a character of the text: marks only wrap the printed words (or add a footnote number
after them), and ``record_text`` rebuilds a record's printed text from the ``seed_spans`` ledger.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from etl.curation import load_curated
from etl.dates import MONTHS
from etl.paths import CURATED

COPY_ARTEFACTS_FILE = CURATED / "copy_artefacts.yml"

# What a turn's mode means, in the words of a reader rather than of the schema (utterances.mode).
# An unknown mode (a new layout may bring one) is shown as it is stored.
MODE_WORDS = {
    "direct": "speaks (transcript)",
    "reported": "reported by the recorder",
    "action": "an action, as reported",
    "narration": "the recorder's narration",
}

# Times of day in the order of a day, to put two records of one date in order (documents.time_of_day).
TIME_OF_DAY_ORDER = ("morning", "afternoon", "evening")

# seed_spans categories that are not part of the record as printed: the archive website's navigation.
# Page furniture (a page number, a running head) is printed on the page, so the plain text keeps it.
NOT_PRINTED_CATEGORIES = ("site_chrome",)

# Paragraphs of a turn's text are separated by a blank line (utterances.text).
PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")


def long_date(iso_date: str | None) -> str:
    """A date as a historian writes it.

    >>> long_date("1962-11-05")
    '5 November 1962'
    >>> long_date(None)
    ''
    """
    if not iso_date:
        return ""
    day = datetime.date.fromisoformat(iso_date)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def mode_in_words(mode: str) -> str:
    """A turn's mode in plain words.

    >>> mode_in_words("reported")
    'reported by the recorder'
    """
    return MODE_WORDS.get(mode, mode)


def whose(resp: str) -> str:
    """Whose note it is, as a phrase: 'the translator', 'this project'.

    >>> whose("publishing editor"), whose("this project")
    ('the publishing editor', 'this project')
    """
    return resp if resp.startswith(("this ", "the ")) else f"the {resp}"


def plain_description(description: str) -> str:
    """The definition part of a note type's description, without its quoted examples.

    >>> plain_description('Words added in brackets to make the text clear: "I [Castro] would like to say".')
    'Words added in brackets to make the text clear'
    >>> plain_description(
    ...     "A defect of the text recorded by this project (the text is kept as printed): a running head."
    ... )
    'A defect of the text recorded by this project (the text is kept as printed)'
    """
    return description.split(":", 1)[0].rstrip(". ")


def short_anchor(row_id: str, document_id: str) -> str:
    """The in-page anchor of a row of a record: its id without the record's id ('u057', 'n003').

    >>> short_anchor("1962-11-05-memorandum-u057", "1962-11-05-memorandum")
    'u057'
    >>> short_anchor("other-id", "1962-11-05-memorandum")
    'other-id'
    """
    prefix = f"{document_id}-"
    return row_id[len(prefix) :] if row_id.startswith(prefix) else row_id


def label_in_text(utterance: dict[str, Any]) -> Mark | None:
    """A mark on the speaker's label where it is printed inside the turn's words ("..., A.I. Mikoyan said,
    ..."), at the offset the turn's row gives (``speaker_label_offset_in_text``); else None.

    >>> label_in_text({"speaker_label": "A.I. Mikoyan", "speaker_label_offset_in_text": 15})
    ... # doctest: +NORMALIZE_WHITESPACE
    Mark(start=15, end=27, kind='speaker-label', href=None, footnote=None, anchor=None,
         title="the speaker's name as printed")
    """
    label, at = utterance.get("speaker_label"), utterance.get("speaker_label_offset_in_text")
    if not label or at is None:
        return None
    return Mark(at, at + len(label), "speaker-label", title="the speaker's name as printed")


def group_by(rows: Iterable[dict[str, Any]], column: str) -> dict[Any, list[dict[str, Any]]]:
    """Rows by the value of one column, in their order; rows without a value are left out.

    >>> group_by([{"u": "a", "n": 1}, {"u": None, "n": 2}, {"u": "a", "n": 3}], "u")
    {'a': [{'u': 'a', 'n': 1}, {'u': 'a', 'n': 3}]}
    """
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        if row.get(column) is not None:
            groups.setdefault(row[column], []).append(row)
    return groups


def record_sort_key(document: dict[str, Any]) -> tuple:
    """Records in the order of the talks: date, time of day, then id."""
    time = document.get("time_of_day")
    time_rank = TIME_OF_DAY_ORDER.index(time) if time in TIME_OF_DAY_ORDER else len(TIME_OF_DAY_ORDER)
    return (document.get("date") or "", time_rank, document["document_id"])


# ---------------------------------------------------------------------------------------------------
# Marks: what wraps or follows a stretch of printed text.


@dataclass(frozen=True)
class Mark:
    """One stretch of a text to show specially, by its character offsets (end exclusive).

    ``kind`` is the CSS class of its wrapper (``defect``, ``bracket``, ``article``, ``artefact``) or
    ``point`` for a footnote number alone (start == end). ``footnote`` is the number shown after the
    stretch and ``anchor`` the footnote's in-page id; ``href`` makes the stretch a link.
    """

    start: int
    end: int
    kind: str
    href: str | None = None
    footnote: int | None = None
    anchor: str | None = None
    title: str | None = None


def _footnote_ref(mark: Mark) -> str:
    return (
        f'<sup class="fn-ref" id="ref-{escape(mark.anchor)}"><a href="#{escape(mark.anchor)}" '
        f'aria-label="note {mark.footnote}">{mark.footnote}</a></sup>'
    )


def _open(mark: Mark) -> str:
    title = f' title="{escape(mark.title)}"' if mark.title else ""
    if mark.href:
        return f'<a class="{mark.kind}" href="{escape(mark.href)}"{title}>'
    if mark.kind == "defect":
        return f'<mark class="defect"{title}>'
    return f'<span class="{mark.kind}"{title}>'


def _close(mark: Mark) -> str:
    if mark.href:
        return "</a>"
    return "</mark>" if mark.kind == "defect" else "</span>"


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each paragraph of a turn's text (blank lines separate them).

    >>> paragraph_ranges("One.\\n\\nTwo.")
    [(0, 4), (6, 10)]
    """
    ranges, start = [], 0
    for gap in PARAGRAPH_BREAK.finditer(text):
        ranges.append((start, gap.start()))
        start = gap.end()
    ranges.append((start, len(text)))
    return [(start, end) for start, end in ranges if end > start] or [(0, len(text))]


def _paragraph_of(mark: Mark, paragraphs: Sequence[tuple[int, int]]) -> int:
    """The paragraph whose end a mark's footnote number belongs to: the one the mark ends in, or the one
    before a blank line the mark ends in."""
    for number, (start, end) in enumerate(paragraphs):
        if mark.end <= end:
            at_start_of_later = mark.end < start or (mark.end == start and mark.start < mark.end)
            return number - 1 if number > 0 and at_start_of_later else number
    return len(paragraphs) - 1


def annotate(text: str, marks: Iterable[Mark]) -> list[Markup]:
    """The text as HTML paragraphs, each mark wrapping its stretch, each footnote number after its stretch.

    Marks may nest or cross (a bracket inside a displaced sentence): the text is cut at every mark's ends
    and each piece is wrapped in every mark that covers it, so crossing marks never break the HTML. The
    text itself is escaped and never changed.

    >>> [str(p) for p in annotate("I [Castro] say", [Mark(2, 10, "bracket", footnote=1, anchor="n1")])]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['I <span class="bracket">[Castro]</span><sup class="fn-ref" id="ref-n1"><a href="#n1"
      aria-label="note 1">1</a></sup> say']
    """
    marks = sorted(marks, key=lambda mark: (mark.start, -mark.end))
    for mark in marks:
        if not 0 <= mark.start <= mark.end <= len(text):
            raise ValueError(f"mark {mark} lies outside a text of {len(text)} characters")
    paragraphs = paragraph_ranges(text)
    references_at: dict[tuple[int, int], list[Mark]] = {}
    for mark in marks:
        if mark.footnote is not None:
            number = _paragraph_of(mark, paragraphs)
            para_start, para_end = paragraphs[number]
            references_at.setdefault((number, min(max(mark.end, para_start), para_end)), []).append(mark)
    html_paragraphs = []
    for number, (para_start, para_end) in enumerate(paragraphs):
        cuts = {para_start, para_end}
        for mark in marks:
            cuts.update(position for position in (mark.start, mark.end) if para_start <= position <= para_end)
        ordered = sorted(cuts)
        pieces: list[str] = []
        for index, position in enumerate(ordered):
            pieces.extend(_footnote_ref(mark) for mark in references_at.get((number, position), []))
            if index + 1 == len(ordered):
                break
            start, end = position, ordered[index + 1]
            covering = [mark for mark in marks if mark.start < mark.end and mark.start <= start and end <= mark.end]
            pieces.append(
                "".join(_open(mark) for mark in covering)
                + str(escape(text[start:end]))
                + "".join(_close(mark) for mark in reversed(covering))
            )
        html_paragraphs.append(Markup("".join(pieces)))
    return html_paragraphs


# ---------------------------------------------------------------------------------------------------
# The plain text of a record, rebuilt from the seed_spans ledger.


def record_text(spans: Sequence[dict[str, Any]]) -> str:
    """A record's text as printed, from its ``seed_spans`` rows (any order): every printed span once, in
    the order of the seed, without the archive website's navigation.

    The ledger covers every non-blank character, so only the blanks between spans are rebuilt: nothing
    between two spans joins them, one blank is a space, more (always a line break in the seeds) a blank line.

    >>> record_text([
    ...     {"category": "metadata", "text": "Evening 5 November 1962", "char_start": 10, "char_end": 33},
    ...     {"category": "metadata", "text": "Evening", "char_start": 10, "char_end": 17},
    ...     {"category": "site_chrome", "text": "Skip to content", "char_start": 0, "char_end": 15},
    ...     {"category": "speaker_label", "text": "O. DORTICOS.", "char_start": 35, "char_end": 47},
    ...     {"category": "utterance", "text": "We agree.", "char_start": 48, "char_end": 57},
    ... ])
    'Evening 5 November 1962\\n\\nO. DORTICOS. We agree.\\n'
    """
    printed = sorted(
        (span for span in spans if span["category"] not in NOT_PRINTED_CATEGORIES),
        key=lambda span: (span["char_start"], -span["char_end"]),
    )
    parts: list[str] = []
    covered_to: int | None = None
    for span in printed:
        start, end = span["char_start"], span["char_end"]
        if covered_to is not None and end <= covered_to:
            continue  # inside a span already written (a time of day inside its date line, a nested note)
        text = span["text"]
        if covered_to is not None and start < covered_to:
            text, start = text[covered_to - start :], covered_to  # overlapping: write only the rest
        if covered_to is not None:
            gap = start - covered_to
            parts.append("" if gap == 0 else " " if gap == 1 else "\n\n")
        parts.append(text)
        covered_to = end
    return "".join(parts) + "\n" if parts else ""


def first_sentence_of_header(text: str) -> str:
    """The first sentence of a file's leading comment: what a curated file holds, in its own words.

    >>> first_sentence_of_header(
    ...     "# Facts about a record that its seed does not print, each with its source. Keyed by\\n# seed file.\\nx: 1"
    ... )
    'Facts about a record that its seed does not print, each with its source.'
    """
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    header = " ".join(line for line in lines if line)
    end = re.search(r"[.!?](\s|$)", header)
    return header[: end.start() + 1] if end else header


def curated_files(folder: Path = CURATED) -> list[tuple[str, str]]:
    """Each curated file's name and what it holds (the first sentence of its leading comment)."""
    return [
        (path.name, first_sentence_of_header(path.read_text(encoding="utf-8"))) for path in sorted(folder.glob("*.yml"))
    ]


# ---------------------------------------------------------------------------------------------------
# Defects of the web copy: things a seed prints that the archive's web page made, not the record.


@dataclass(frozen=True)
class CopyArtefact:
    """One artefact of a web copy, as curated in etl/curated/copy_artefacts.yml."""

    artefact_id: str
    printed: str
    table: str
    columns: tuple[str, ...]
    what: str
    explanation: str
    source: str


def load_copy_artefacts(path: Path = COPY_ARTEFACTS_FILE) -> list[CopyArtefact]:
    """The curated artefacts of the web copies; a missing key is an error naming the entry."""
    entries = load_curated(path.name, path.parent) or []
    artefacts = []
    for number, entry in enumerate(entries, start=1):
        missing = [
            key for key in ("id", "printed", "table", "columns", "what", "explanation", "source") if not entry.get(key)
        ]
        if missing:
            raise ValueError(f"{path.name}, entry {number}: missing {', '.join(missing)}")
        artefacts.append(
            CopyArtefact(
                artefact_id=entry["id"],
                printed=entry["printed"],
                table=entry["table"],
                columns=tuple(entry["columns"]),
                what=entry["what"],
                explanation=" ".join(entry["explanation"].split()),
                source=" ".join(entry["source"].split()),
            )
        )
    return artefacts


def artefact_marks(value: str, artefacts: Iterable[CopyArtefact], href: str | None = None) -> list[Mark]:
    """A mark for every occurrence of a curated artefact in a printed value.

    >>> artefact = CopyArtefact("x", "[email protected]", "documents", ("rights",), "w", "e", "s")
    >>> artefact_marks("contact us at [email protected].", [artefact])
    [Mark(start=14, end=31, kind='artefact', href=None, footnote=None, anchor=None, title='w')]
    """
    marks = []
    for artefact in artefacts:
        for found in re.finditer(re.escape(artefact.printed), value):
            marks.append(Mark(found.start(), found.end(), "artefact", href=href, title=artefact.what))
    return marks


def artefacts_in(value: str | None, table: str, column: str, artefacts: Iterable[CopyArtefact]) -> list[CopyArtefact]:
    """The curated artefacts that a value of ``table.column`` prints."""
    if not value:
        return []
    return [a for a in artefacts if a.table == table and column in a.columns and a.printed in value]


def mark_artefacts(value: str, artefacts: Iterable[CopyArtefact], href: str | None = None) -> Markup:
    """A printed value as HTML with every artefact of the web copy marked (linking to ``href``)."""
    marks = artefact_marks(value, artefacts, href)
    return (
        Markup("<br>".join(str(paragraph) for paragraph in annotate(value, marks))) if marks else Markup(escape(value))
    )


# ---------------------------------------------------------------------------------------------------
# Footnotes: where each editorial note of a record is shown, and with which number.


@dataclass
class Footnote:
    """One editorial note shown as a numbered footnote of the record page."""

    number: int
    note: dict[str, Any]
    anchor: str
    body: Markup = Markup("")
    in_text: bool = True  # its words are printed in the turn (a bracket, a defect), not only in the footnote
    children: list[int] = field(default_factory=list)


def sits_in_text(note: dict[str, Any], text: str) -> bool:
    """True when the note's marker is printed in the turn's text at its offset."""
    offset = note.get("offset_in_utterance")
    return offset is not None and text[offset : offset + len(note["marker"])] == note["marker"]


@dataclass
class TurnMarks:
    """The marks of one turn's text and the footnotes they refer to."""

    marks: list[Mark]
    footnotes: list[Footnote]


def turn_marks(
    text: str,
    notes: Sequence[dict[str, Any]],
    references: Sequence[dict[str, Any]],
    children_of: dict[str, list[dict[str, Any]]],
    next_number: int,
    document_id: str,
    article_url: Callable[[str], str],
) -> TurnMarks:
    """Marks and footnotes of one turn, numbering footnotes from ``next_number`` in reading order.

    ``notes`` are the top-level notes whose ``utterance_id`` is this turn (not inside another note's
    marker) and ``children_of`` the notes inside each note's marker, by note id. A note printed in the text (a
    bracket, the words of a defect) is marked there, its number after it; a note printed after the turn (an editor's
    note paragraph) gets its number at the end of the turn; a note inside another note's marker is numbered
    after its enclosing note and marked inside that footnote. Article references link the words that name
    the article.
    """
    marks: list[Mark] = []
    footnotes: list[Footnote] = []

    def position(note: dict[str, Any]) -> tuple[int, int]:
        if sits_in_text(note, text):
            return (note["offset_in_utterance"] + len(note["marker"]), note["char_start"])
        if note.get("offset_in_utterance") is not None:
            return (min(note["offset_in_utterance"], len(text)), note["char_start"])
        return (len(text), note["char_start"])

    number = next_number
    for note in sorted(notes, key=position):
        anchor = short_anchor(note["note_id"], document_id)
        footnote = Footnote(number, note, anchor, in_text=sits_in_text(note, text))
        footnotes.append(footnote)
        if footnote.in_text:
            start = note["offset_in_utterance"]
            kind = "defect" if note["note_type"] == "defect" else "bracket"
            marks.append(Mark(start, start + len(note["marker"]), kind, footnote=number, anchor=anchor))
        else:
            at = position(note)[0]
            marks.append(Mark(at, at, "point", footnote=number, anchor=anchor))
        number += 1
        for child in sorted(children_of.get(note["note_id"], []), key=lambda n: n["char_start"]):
            child_anchor = short_anchor(child["note_id"], document_id)
            footnotes.append(Footnote(number, child, child_anchor, in_text=False))
            footnote.children.append(number)
            number += 1
    for reference in references:
        start = reference["offset_in_utterance"]
        end = start + len(reference["phrase"])
        if text[start:end] == reference["phrase"]:
            marks.append(Mark(start, end, "article", href=article_url(reference["article_id"])))
    return TurnMarks(marks, footnotes)


def note_body_marks(
    note: dict[str, Any],
    children: Sequence[Footnote],
    references: Sequence[dict[str, Any]],
    article_url: Callable[[str], str],
) -> list[Mark]:
    """Marks inside a note's printed marker: the notes nested in it (with their numbers) and the articles
    it names, each placed by its offsets in the seed, which the marker's own offsets give in the marker."""
    marker = note["marker"]
    marks = []
    for child in children:
        start = child.note["char_start"] - note["char_start"]
        end = start + len(child.note["marker"])
        if marker[start:end] == child.note["marker"]:
            marks.append(Mark(start, end, "bracket", footnote=child.number, anchor=child.anchor))
    for reference in references:
        start = reference["char_start"] - note["char_start"]
        end = start + len(reference["phrase"])
        if 0 <= start and marker[start:end] == reference["phrase"]:
            marks.append(Mark(start, end, "article", href=article_url(reference["article_id"])))
    return marks
