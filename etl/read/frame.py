"""Read a record's frame: everything around the talk (title, date, place, type, headers, closing lines).

A record's frame is read by the kinds of lines it has, not by which record it is. A line is a date line,
a reference line, a classification, an addressee, a heading, a signature, an archival reference ... each
kind a named pattern below with a real line it matches. The frame is found in three places:

- the archive's page around the record, when there is one: the Markdown page (``# <date> <title>``,
  ``### Citation:`` ...) or the web page ("Skip to content" ..., "Document Information" footer), with or
  without its chrome;
- the head of the record: a collection number ("No. 38") and title, date and reference lines, place,
  classification and handling lines, the addressee, the record's own heading ("MEMORANDUM OF
  CONVERSATION"), in any order;
- the closing of the record: signatures ("A. Mikoyan", "3.XI.62 ALEKSEEV"), "Recorded by:" lines, the
  list of those present, archival references ("RGANI. F. 52. Op. 1. D. 584. L. 111-114. ..."), archive
  notes and page furniture.

Every non-blank character ends up in exactly one of: a metadata field (a ``documents`` column or a
ledger entry), site chrome, the body, or a closing note. A text whose head says nothing still builds:
its title is its first line and its date the first date it prints, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice

from etl.dates import MONTHS, ROMAN_MONTHS
from etl.errors import ParseError, line_of
from etl.read.blocks import Span, iter_blocks, split_blocks, split_lines
from etl.read.layers import TextLayer, read_text_layer
from etl.read.vocabulary import ArchivePageRules, Vocabulary

# --- Dates in every form the records print ---------------------------------------------------------

_MONTH = "(?:" + "|".join(MONTHS) + ")"

# "November 4, 1962", "November 04, 1962", "May 24, 1964"
DATE_MONTH_FIRST = rf"{_MONTH}\s+\d{{1,2}},\s+\d{{4}}"
# "4 November 1962", "5 November 1962"
DATE_DAY_FIRST = rf"\d{{1,2}}\s+{_MONTH}\s+\d{{4}}"
# The Soviet short form of a signature: "4.XI.62", "13.VI.63" (the day as "\d\d?": a pattern that opens with
# a plain digit, such as SIGNATURE, is searched for by skipping to the digits)
DATE_ROMAN = r"\d\d?\.[IVX]{1,4}\.\d{2}(?:\d{2})?"
ANY_DATE = re.compile(rf"(?<![\w.])(?P<date>{DATE_MONTH_FIRST}|{DATE_DAY_FIRST}|{DATE_ROMAN})(?![\w])")


def parse_date(printed: str) -> date | None:
    """The date a printed date names, in any of the forms above; None if it names none.

    >>> [parse_date(d).isoformat() for d in ("November 04, 1962", "4 November 1962", "4.XI.62")]
    ['1962-11-04', '1962-11-04', '1962-11-04']
    """
    words = printed.replace(",", " ").split()
    try:
        if len(words) == 3 and words[0] in MONTHS:
            return date(int(words[2]), MONTHS.index(words[0]) + 1, int(words[1]))
        if len(words) == 3 and words[1] in MONTHS:
            return date(int(words[2]), MONTHS.index(words[1]) + 1, int(words[0]))
        parts = printed.split(".")
        if len(parts) == 3 and parts[1] in ROMAN_MONTHS:
            year = int(parts[2]) if len(parts[2]) == 4 else 1900 + int(parts[2])
            return date(year, ROMAN_MONTHS.index(parts[1]) + 1, int(parts[0]))
    except ValueError:
        return None
    return None


# --- Lines of the archive's page ---------------------------------------------------------------------

# The first heading of a Markdown page: "# November 3, 1962 Notes of Conversation between A.I. Mikoyan and Fidel Castro"
MARKDOWN_TITLE = re.compile(rf"^#\s+(?P<date>{DATE_MONTH_FIRST}|{DATE_DAY_FIRST})\s+(?P<title>.+)$")

# A section heading of a Markdown page: "### Citation:" or "## **Original Language:**"
MARKDOWN_SECTION = re.compile(r"^(?P<marks>#{2,6})\s+(?:\*\*)?(?P<label>[A-Za-z ]+):(?:\*\*)?$")

# The first line of the Contents section: "Translation - English"
CONTENTS_LINE = re.compile(r"^Translation - (?P<language>[A-Z][a-z]+)$")

# The archive's citation: '"Notes of Conversation between ...", November 3, 1962, Wilson Center Digital
# Archive, Russian Foreign Ministry archives, obtained and translated by NHK television, copy provided by
# Philip Brenner; translation by Vladimir Zaemsky https://.../document/110955'
ARCHIVE_CITATION = re.compile(
    rf"""^"(?P<cited_title>[^"]+)",\s+(?P<cited_date>{DATE_MONTH_FIRST}),\s+
    Wilson\ Center\ Digital\ Archive,\s+
    (?P<source_statement>.+?)
    (?:\s+(?P<source_url>https?://\S+?/document/(?P<record_id>\d+)\S*))?$""",
    re.VERBOSE,
)

# Where the copy comes from: "Russian Foreign Ministry archives, copy provided by National Security
# Archive, Washington, D.C.; translation by Mark H. Doctoroff."
SOURCE_STATEMENT = re.compile(
    r"""^(?P<archive>[^,;]+?),\s+(?P<provenance>.+?);\s+translation\ by\s+(?P<translator>.+?)\.?$""", re.VERBOSE
)

# The archive's date above a title: "November 5, 1962", "November 04, 1962"
ARCHIVE_DATE = re.compile(rf"^(?P<date>{DATE_MONTH_FIRST})$")

# --- Lines of a record's head ------------------------------------------------------------------------

# A title that goes on in a block of its own: "regarding the appointment of L.H. Oswald as Grade 1 Adjuster"
TITLE_CONTINUATION = re.compile(r"^(?:regarding|on|about|concerning|with|to|in connection with|and)\s[^\n]*[^.:;!?]$")

# The number of a document in a published collection: "No. 38"
COLLECTION_NUMBER = re.compile(r"^No\.\s*(?P<number>\d+)$")

# A date line, perhaps with the time of day: "Evening 5 November 1962", " 4 November 1962", "June 13, 1963"
# "No later than November 25, 1963": a date the archive could fix only as a limit.
DATE_LINE = re.compile(
    r"^(?:(?P<time_of_day>Morning|Afternoon|Evening|Night)\s+"
    r"|(?P<qualifier>No later than|Not later than|Not earlier than|Not before|About)\s+)?"
    rf"(?P<date>{DATE_MONTH_FIRST}|{DATE_DAY_FIRST})(?P<mark>\*+)?$"
)

# An hour as printed: "11 a.m.", "4:30 p.m.", "4:30" (before "-5:15 p.m.")
_HOUR = r"\d{1,2}(?::\d{2})?(?:\s*[ap]\.\s?m\.)?"

# A place line that ends with the date, perhaps with the hour: "Washington, May 24, 1964",
# "Washington, June 20, 1961, 11 a.m."
# "Glassboro, New Jersey, June 23, 1967, 11:30 a.m.-1:30 p.m.", "Moscow, July 26, 1959."
PLACE_DATE_LINE = re.compile(
    rf"^(?P<place>[A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+){{0,2}}(?:,\s[A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+)?)?),\s+"
    rf"(?P<date>{DATE_MONTH_FIRST}|{DATE_DAY_FIRST})"
    rf"(?:,\s+(?P<time>{_HOUR}(?:\s*[-–]\s*{_HOUR})?))?\.?$"
)

# The number of a document in a documentary edition, its title, and the anchor of its source note, on one
# line: "212. Memorandum of Conversation/1/", "99. Memorandum of Conversation0"
NUMBERED_TITLE = re.compile(r"^(?P<number>\d{1,4})\.\s+(?P<title>[A-Z].*?)(?P<anchor>/\d{1,2}/|(?<=[a-z])\d{1,2})?$")

# A documentary edition's source note under the head, after its anchor: "/1/Source: Department of State, ..."
SOURCE_FOOTNOTE = re.compile(r"^(?P<mark>/\d{1,2}/)\s*(?P<note>Source:.+)$")

# A title that ends with the place and date of the record: "Cable, Ambassador A. Sorin to the Ministry of
# Foreign Affairs, Oslo, 2 March 1959", "Minutes of the talks between ..., Stockholm, 9 April 1965"
TITLE_PLACE_DATE = re.compile(
    rf",\s+(?:(?P<place>[A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+){{0,2}}),\s+)?(?P<date>{DATE_MONTH_FIRST}|{DATE_DAY_FIRST})$"
)

# The day a title says the talk was held: "Record of Conversation with Mao Zedong on 8 March 1955"
TITLE_ON_DATE = re.compile(rf"\bon\s+(?P<date>{DATE_MONTH_FIRST}|{DATE_DAY_FIRST})\b")

# The subject line of a memorandum, its label alone or before it: "SUBJECT" / "Soviet Note on ...", "Subject: ..."
SUBJECT_LINE = re.compile(r"^(?P<label>SUBJECT|Subject):?(?:\s+(?P<subject>\S.*))?$")

# An archive's citation of the record at its head, its title in quotation marks, then its date:
# '"Discussion between N.S. Khrushchev and Mao Zedong," October 02, 1959, History and Public Policy ...'
CITATION_LINE = re.compile(
    rf"""^["“](?P<cited_title>[^"”]+?),?["”],?\s+(?:{DATE_MONTH_FIRST}|{DATE_DAY_FIRST}),\s+\S.*$"""
)

# The heading of a list of participants: "PARTICIPANTS", "Participants:", "PRESENT"
PARTICIPANTS_HEADING = re.compile(r"^(?:PARTICIPANTS|Participants|PRESENT):?$")

# A registry or dispatch number, then (after a run of spaces) the date and what the page prints after it:
#   "Spec. No. 2006-2011                  November 26, 1963 2:125"
#   "No. P102/33                          June 14, 1963"
#   "No. 3497/TS-ns                       November 23, 1963⁸⁶"
REFERENCE_LINE = re.compile(
    rf"""^(?P<reference>(?:Spec(?:ial)?\.?\s*)?No\.\s*[\w/.-]+(?:\s*[-,]\s*[\w/.-]+)*)
    (?:\s{{2,}}|\s+(?=(?:{_MONTH})\b))(?P<date>{DATE_MONTH_FIRST}|{DATE_DAY_FIRST})
    (?P<trailer>\s*\S.*)?$""",
    re.VERBOSE,
)

# A reference to the dispatch this one answers: "To our No. 1967"
REPLY_TO = re.compile(r"^To (?:our|your) No\.\s*\S+$")

# A place alone on a line after the date: "Washington"; one to three capitalized words, no punctuation.
PLACE_LINE = re.compile(r"^(?P<place>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})$")

# The security classification, perhaps with the copy number: "Top Secret", "TOP SECRET", "Secret. Copy No. 1"
CLASSIFICATION = re.compile(
    r"^(?P<classification>Top Secret|TOP SECRET|Secret|SECRET|Confidential|CONFIDENTIAL)"
    r"(?:\.\s+(?P<copy>Copy No\.\s*\d+))?\.?$"
)

# The number of the copy: "Copy No. 12", "Ex. No. 12"
COPY_NUMBER = re.compile(r"^(?:Copy|Ex\.)\s+No\.\s*\d+$")

# How urgent the dispatch is: "URGENT", "Urgent"
URGENCY = re.compile(r"^(?:URGENT|Urgent|IMMEDIATE|Immediate|VERY URGENT)$")

# Who the record is addressed to: "CC CPSU", "TO CC CPSU", "TO MEMBERS OF THE PRESIDIUM CC CPSU",
# "To Comrade MALIN V.N."
ADDRESSEE = re.compile(
    r"^(?P<label>(?:TO|To)\s+)?"
    r"(?P<addressee>(?<=TO )[A-Z][A-Z.\s,-]+|(?<=To )Comrade\s.+|CC CPSU|CPSU CC|[A-Z][A-Z ]+ CC CPSU)$"
)

# --- Lines of a record's closing --------------------------------------------------------------------

# A Soviet signature: the date in Roman-numeral month form and the signer: "3.XI.62 ALEKSEEV"
SIGNATURE = re.compile(rf"(?P<signature>(?P<date>{DATE_ROMAN})\s+(?P<signer>[A-Z][A-Z-]+))$")

# A signature by name alone on its line: "A. Mikoyan", "G. BOLSHAKOV", "A.Dobrynin", "DOBRYNIN"
NAME_SIGNATURE = re.compile(r"^(?P<signer>(?:[A-Z][a-z]?\.\s?){1,3}[A-Z][A-Za-z'-]+|[A-Z][A-Z'-]{3,})$")

# "Recorded by: [signature] V. Tikhmenev", "Recorded by O. Alennikov.", "The conversation was recorded by ..."
RECORDED_BY = re.compile(
    r"^(?P<lead>Recorded by:?|The conversation was recorded by:?|Record(?:ed)? made by:?)\s+"
    r"(?P<mark>\[signature\]\s+)?(?P<recorder>.+?)\.?$"
)

# The recorder's note that the speaker did not check the record:
# "Com. Mikoyan A.I. has not looked over the transcript of the conversation."
ARCHIVAL_NOTE = re.compile(r"^.+ has not (?:looked over|checked|seen) the (?:transcript|record)\b.*$")

# The archive's bibliographic note: "Note: For English translations of the Russian records ..."
BIBLIOGRAPHIC_NOTE = re.compile(r"^Note:\s+(?P<text>.+)$")

# An archival reference: the archive, then fond, opis, delo and list numbers:
#   "RGANI. F. 52. Op. 1. D. 584. L. 111-114. Original. Typewritten text."
#   "AVP RF. F. 0129. Op. 47. P. 339. D. 4. L. 55-61. Copy.", "CIA KGB RB. D. 266. L. 109. Copy."
#   "82RGANI. F. 3. Op. 66. ..." (the page number of the printed collection glued to it)
#   "Archive of the Main Directorate of the General Staff of the Armed Forces of the Russian Federation. Copy."
ARCHIVAL_REFERENCE = re.compile(
    r"^(?P<page>\d{1,4}(?=[A-Z]))?"
    r"(?P<reference>(?:[A-Z][A-Za-z ]{1,24}\.?,?\s+(?:(?:F|Op|O|D|L|P)\.\s*[\w/-]+(?:\s*-\s*\d+)?\.?,?\s+){2,}"
    r"|Archive of the [A-Z][\w ,]+?\.(?:\s+(?:Copy|Original)\b.*)?$).*)$"
)

# The dispatch a telegram's reference note points to: "REFERENCE: No. 1967-1968 (incoming No. 53927) from ..."
REFERENCE_NOTE = re.compile(r"^(?P<label>REFERENCE:|MEMO:|REF\.:)\s*(?P<text>.+)$")

# How the original is kept, on the line after an archive's name: "Copy. Typewritten text."
ARCHIVAL_DESCRIPTION = re.compile(r"^(?:Copy|Original|Typewritten|Handwritten|Manuscript|Photocopy)\b[\w .,-]*\.$")

# An archive's note on the original, set off by an asterisk or a letter:
#   "*On the first page at the top stamp "to Khrushchev N.S."", "a On the first page at the top, marked ..."
ARCHIVE_NOTE = re.compile(r"^(?P<mark>\*+\s?|[a-e]\s(?=[A-Z\"]))(?P<text>\S.*)$")

# Page furniture of the printed collection: a page number and the copy stamp, alone on their line:
#   "113Reference copy", "87Signal Copy", "188[Signal copy]", "127Special exemplar"
PAGE_FURNITURE_LINE = re.compile(
    r"^(?P<page>\d{1,4})\s*(?P<stamp>\[?(?:Signal|Reference|Special|Control) (?:[Cc]opy|exemplar)\]?)$"
)

# The heading a published collection prints above its footnotes: "[Footnotes:]"
FOOTNOTES_HEADING = re.compile(r"^\[?Footnotes?:?\]?$")


@dataclass(frozen=True)
class Field:
    """A metadata value as printed, destined for a column of ``documents`` or kept in the ledger."""

    name: str
    span: Span


@dataclass(frozen=True)
class ClosingNote:
    """A note printed around the record's text: archival, bibliographic, an archive's note on the original."""

    note_type: str
    span: Span
    text: Span


@dataclass(frozen=True)
class Apparatus:
    """A line of the printed page inside the record's text that is not the record's words: page furniture."""

    kind: str
    span: Span


@dataclass
class RecordFrame:
    """A record split into its parts; every non-blank character belongs to exactly one of them."""

    layout: str
    fields: list[Field] = field(default_factory=list)
    chrome: list[tuple[str, Span]] = field(default_factory=list)
    conversation: list[Span] = field(default_factory=list)
    closing_notes: list[ClosingNote] = field(default_factory=list)
    signature_marks: list[Span] = field(default_factory=list)  # "[signature]" marks in the closing
    page_furniture: list[Apparatus] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (offset, what was expected)
    text_layer: TextLayer = field(default_factory=TextLayer)  # how the lines were laid out (etl/read/layers.py)

    def value(self, name: str) -> str | None:
        found = [f.span.text for f in self.fields if f.name == name]
        return "\n\n".join(found) if found else None

    def first(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def all(self, name: str) -> list[Field]:
        return [f for f in self.fields if f.name == name]


def recognize_layout(text: str, page: ArchivePageRules) -> str:
    """Name the form of a record's text: the archive's Markdown or web page, a collection's document, or a plain record.

    >>> from etl.read.vocabulary import load_vocabulary
    >>> page = load_vocabulary().archive_page
    >>> recognize_layout("\\n\\n# November 3, 1962 Notes of Conversation\\n", page)
    'archive_markdown_page'
    >>> recognize_layout("November 04, 1962\\n\\nRecord of Conversation between A and B\\n\\nText.", page)
    'archive_web_page'
    >>> recognize_layout("Skip to content\\nSearch\\n\\nMay 2, 1957\\n\\nNote of a talk\\n\\nText.", page)
    'archive_web_page'
    >>> recognize_layout("No. 38\\nCoded telegram from A.I. Mikoyan\\n\\nText.", page)
    'collection_document'
    >>> recognize_layout(" 4 November 1962\\n\\nToday talks were conducted.", page)
    'plain_record'
    """
    blocks = list(islice(iter_blocks(text, 0, len(text)), 3))  # (the first three blocks tell)
    first_line = blocks[0].text.split("\n", 1)[0] if blocks else ""
    if MARKDOWN_TITLE.match(first_line):
        return "archive_markdown_page"
    if page.is_chrome(first_line) or f"\n{page.footer_heading}\n" in text:
        return "archive_web_page"
    if ARCHIVE_DATE.match(first_line) and len(blocks) > 2 and _is_title_block(blocks[1]):
        return "archive_web_page"
    lines = blocks[0].text.split("\n") if blocks else []
    if len(lines) > 2 and ARCHIVE_DATE.match(first_line) and page.is_chrome(lines[2]):
        return "archive_web_page"  # the date, the title and the funder's line with no blank line between them
    if COLLECTION_NUMBER.match(first_line):
        return "collection_document"
    return "plain_record"


def parse_frame(text: str, seed_file: str, vocabulary: Vocabulary) -> RecordFrame:
    """Split a record into its frame (fields, chrome, closing notes, page furniture) and its body."""
    frame = RecordFrame(recognize_layout(text, vocabulary.archive_page))
    if frame.layout == "archive_markdown_page":
        body_start, body_end = _parse_markdown_page(text, seed_file, frame)
    elif frame.layout == "archive_web_page":
        body_start, body_end = _parse_web_page(text, seed_file, frame, vocabulary.archive_page, vocabulary)
    else:
        body_start, body_end = _edition_page_start(text, frame, vocabulary), len(text)
    blocks = split_blocks(text, body_start, body_end)
    if not blocks:
        raise ParseError(seed_file, line_of(text, body_start), "the text of a record after its heading")
    # Hard-wrapped lines, cut words, page numbers and running heads, labels alone on their lines: paragraphs
    # rebuilt and furniture set aside before the head is read (a text of neither layout is left as it is).
    blocks, frame.text_layer = read_text_layer(text, blocks, vocabulary.text_layer)
    frame.page_furniture.extend(Apparatus(kind, span) for kind, span in frame.text_layer.furniture)
    blocks = _read_head(blocks, frame, vocabulary)
    conversation, closing = _split_closing(blocks)
    _parse_closing(closing, frame)
    conversation = _take_bare_signature(conversation, frame)
    conversation = _set_aside_apparatus(conversation, frame)
    if not conversation:
        where = blocks[0].start if blocks else body_start
        raise ParseError(seed_file, line_of(text, where), "the text of a record after its heading")
    frame.conversation = conversation
    _derive_source_fields(frame)
    _fall_back_to_first_line(text, frame)
    return frame


# --- The archive's page ------------------------------------------------------------------------------


def _parse_markdown_page(text: str, seed_file: str, frame: RecordFrame) -> tuple[int, int]:
    """Read the headings and sections of the Markdown page; return the bounds of the record's text."""
    blocks = iter_blocks(text, 0, len(text))  # read only up to the record's text
    title_block = next(blocks)
    match = MARKDOWN_TITLE.match(title_block.text)
    if match is None:  # (the layout was told by the first line alone: the first paragraph may hold more)
        raise ParseError(seed_file, 1, "a Markdown title '# <date> <title>' alone in the first paragraph")
    frame.chrome.append(("markdown heading mark", title_block.sub(0, match.start("date"))))
    frame.fields.append(Field("archive_date", title_block.sub(match.start("date"), match.end("date"))))
    frame.fields.append(Field("title", title_block.sub(match.start("title"), match.end("title"))))
    section: str | None = None
    for block in blocks:
        heading = MARKDOWN_SECTION.match(block.text)
        if heading:
            section = heading["label"].strip().lower()
            frame.chrome.append((f"section heading: {heading['label'].strip()}", block))
            continue
        if section == "citation":
            frame.fields.append(Field("citation", block))
        elif section == "summary":
            frame.fields.append(Field("summary", block))
        elif section == "original language":
            frame.fields.append(Field("original_language", block))
        elif section == "contents":
            if CONTENTS_LINE.match(block.text):
                frame.chrome.append(("contents: kind of text", block))
                section = "record"
                continue
            return block.start, len(text)
        elif section == "record":
            return block.start, len(text)
        else:
            raise ParseError(
                seed_file,
                line_of(text, block.start),
                "a '### Citation:', '## **Summary:**', '## **Original Language:**' or '### **Contents:**' section",
                block.text[:80],
            )
    raise ParseError(seed_file, line_of(text, len(text)), "the record's text after the '### **Contents:**' section")


def _parse_web_page(
    text: str, seed_file: str, frame: RecordFrame, page: ArchivePageRules, vocabulary: Vocabulary
) -> tuple[int, int]:
    """Read the web page's header and footer; return the bounds of the record's text between them.

    The header is the page's chrome (navigation, breadcrumb, widgets, a funder's line), the archive's date and
    the title, in that order; the footer opens with its heading ("Document Information") or with the first
    label of a section ("Summary", "Citation") after the record.
    """
    blocks = split_blocks(text, 0, len(text))
    index = _take_chrome(blocks, 0, frame, page)
    index = _take_edition_header(blocks, index, frame, vocabulary)
    if index < len(blocks) and (head := _dated_title_lines(blocks[index], frame, page)) is not None:
        blocks = [*blocks[:index], *head, *blocks[index + 1 :]]  # the record's first lines, after the page's
    elif index < len(blocks) and ARCHIVE_DATE.match(blocks[index].text):
        frame.fields.append(Field("archive_date", blocks[index]))
        index += 1
        if index < len(blocks):
            frame.fields.append(Field("title", blocks[index]))
            index = _take_chrome(blocks, index + 1, frame, page)
    footer = next(
        (i for i in range(index + 1, len(blocks)) if _opens_footer(blocks[i].text, page)),
        len(blocks),
    )
    if footer < len(blocks):
        _parse_web_footer(text, seed_file, blocks[footer:], frame, page)
    if index >= footer:
        end = blocks[footer].start if footer < len(blocks) else len(text)
        raise ParseError(seed_file, line_of(text, end), "the record's text between the page's header and footer")
    return blocks[index].start, blocks[footer - 1].end


# The most paragraphs of a documentary edition's page header above a numbered document (its menus, the
# volume's title, the chapter's).
MAX_EDITION_HEADER = 12


def _take_edition_header(blocks: list[Span], index: int, frame: RecordFrame, vocabulary: Vocabulary) -> int:
    """The page header of a documentary edition's web page, down to the document's numbered title ("229.
    Memorandum of Conversation/1/"): the menus, the volume's and the chapter's titles, a copy's boilerplate,
    the end of the document before on the same page, are the page's, not the record's, and are site chrome a
    line each. Nothing is taken where no numbered title of a kind of record follows soon."""
    ahead = blocks[index : index + MAX_EDITION_HEADER]
    numbered = next((i for i, block in enumerate(ahead) if _numbered_title(block, vocabulary)), None)
    if not numbered or any(ARCHIVE_DATE.match(block.text) for block in ahead[:numbered]):
        return index
    for block in ahead[:numbered]:
        frame.chrome.extend(("the edition's page around the record", line) for line in split_lines(block))
    return index + numbered


def _numbered_title(block: Span, vocabulary: Vocabulary) -> bool:
    match = NUMBERED_TITLE.match(block.text.split("\n", 1)[0])
    return bool(match and vocabulary.document_type_signal.match(match["title"]))


def _edition_page_start(text: str, frame: RecordFrame, vocabulary: Vocabulary) -> int:
    """Where a record copied with the page of a documentary edition around it begins: at its numbered title."""
    blocks = list(islice(iter_blocks(text, 0, len(text)), MAX_EDITION_HEADER))
    index = _take_edition_header(blocks, 0, frame, vocabulary)
    return blocks[index].start if index else 0


def _dated_title_lines(block: Span, frame: RecordFrame, page: ArchivePageRules) -> list[Span] | None:
    """The archive's date, the title and the chrome under it as lines of one paragraph (a page saved with no
    blank line between them): each read, and the rest of the paragraph returned as the record's first lines.
    None where the paragraph does not open so."""
    lines = split_lines(block)
    if len(lines) < 3 or not ARCHIVE_DATE.match(lines[0].text) or not page.is_chrome(lines[2].text):
        return None
    frame.fields.append(Field("archive_date", lines[0]))
    frame.fields.append(Field("title", lines[1]))
    rest = lines[2:]
    while rest and page.is_chrome(rest[0].text):
        frame.chrome.append((str(page.is_chrome(rest[0].text)), rest[0]))
        rest = rest[1:]
    return [block.sub(rest[0].start - block.start, len(block.text))] if rest else []


def _opens_footer(text: str, page: ArchivePageRules) -> bool:
    return text == page.footer_heading or text in page.section_labels


def _take_chrome(blocks: list[Span], index: int, frame: RecordFrame, page: ArchivePageRules) -> int:
    """Enter the page's chrome from ``blocks[index]`` on, each line by what it is; return the first block past it."""
    while index < len(blocks):
        lines = split_lines(blocks[index])
        kinds = [page.is_chrome(line.text) for line in lines]
        if not all(kinds):
            break
        frame.chrome.extend((str(kind), line) for kind, line in zip(kinds, lines, strict=True))
        index += 1
    return index


def _parse_web_footer(
    text: str, seed_file: str, blocks: list[Span], frame: RecordFrame, page: ArchivePageRules
) -> None:
    """Read the page's footer: each label is followed by its value's paragraphs; navigation is chrome."""
    label: str | None = None
    for block in blocks:
        if block.text == page.footer_heading:
            frame.chrome.append(("site footer heading", block))
        elif block.text in page.section_labels:
            label = block.text
            frame.chrome.append((f"footer label: {label}", block))
        elif all(page.is_chrome(line.text) for line in split_lines(block)):
            frame.chrome.extend((str(page.is_chrome(line.text)), line) for line in split_lines(block))
        elif label is None:
            raise ParseError(
                seed_file, line_of(text, block.start), "a footer label such as 'Source' or 'Record ID'", block.text[:80]
            )
        else:
            frame.fields.append(Field(page.section_labels[label], block))


def _is_title_block(block: Span) -> bool:
    """A block that reads as a title: at most three lines, no closing full stop, starting with a capital."""
    lines = block.text.split("\n")
    return (
        len(lines) <= 3
        and block.text[:1].isupper()
        and not re.search(r"[.!?:;]$", block.text)
        and len(block.text.split()) >= 2
    )


# --- The record's head ---------------------------------------------------------------------------------


def _read_head(blocks: list[Span], frame: RecordFrame, vocabulary: Vocabulary) -> list[Span]:
    """Take the head lines off the front of the record's blocks, each by its kind; return the rest.

    The head ends at the first line that is no kind of head line. A record's own heading may run into its
    first paragraph ("NOTES OF CONVERSATION BETWEEN A.I. MIKOYAN and FIDEL CASTRO This morning ...").
    """
    heading_pattern = _heading_pattern(vocabulary)
    has_title = frame.first("title") is not None
    first = True
    after_date = False
    while blocks:
        block = blocks[0]
        lines = split_lines(block)
        line = lines[0]
        # The block's lines after its first, as a block of their own.
        rest_block = (
            [Span(lines[1].start, block.end, block.text[lines[1].start - block.start :])] if len(lines) > 1 else []
        )

        if first and not has_title and _read_numbered_title(line, frame, vocabulary):
            blocks = rest_block + blocks[1:]
            has_title, first = True, False
            continue
        if first and COLLECTION_NUMBER.match(line.text):
            frame.fields.append(Field("collection_number", line))
            if rest_block:  # the title follows on the next lines of the same block, up to a date line
                title_lines = lines[1:]
                cut = next((i for i, line in enumerate(title_lines) if DATE_LINE.match(line.text)), len(title_lines))
                title = (
                    Span(
                        title_lines[0].start,
                        title_lines[cut - 1].end,
                        block.text[title_lines[0].start - block.start : title_lines[cut - 1].end - block.start],
                    )
                    if cut
                    else None
                )
                if title is not None:
                    frame.fields.append(Field("title", title))
                rest = title_lines[cut:]
                blocks = (
                    [Span(rest[0].start, block.end, block.text[rest[0].start - block.start :])] if rest else []
                ) + blocks[1:]
            elif len(blocks) > 1:
                frame.fields.append(Field("title", blocks[1]))
                blocks = blocks[2:]
            else:
                blocks = blocks[1:]
            while blocks and TITLE_CONTINUATION.match(blocks[0].text):
                # "Extract from Order No. 6 ..." / "regarding the appointment of L.H. Oswald ..."
                frame.fields.append(Field("title", blocks[0]))
                blocks = blocks[1:]
            has_title = True
            first = False
            continue
        if (
            first
            and not has_title
            and (_is_title_block(block) or TITLE_PLACE_DATE.search(block.text))
            and vocabulary.document_type_signal.match(block.text)
            and not block.text.isupper()
        ):
            # A record whose first lines are its title: "Memorandum of Conversation between ...", perhaps ending
            # with the place and date: "Cable, Ambassador A. Sorin to the Ministry ..., Oslo, 2 March 1959"
            _read_title(block, frame)
            has_title = True
            blocks = blocks[1:]
            first = False
            continue
        first = False
        after_citation = _read_citation_block(block, frame)
        if after_citation is not None:
            blocks = after_citation + blocks[1:]
            continue
        taken = _read_head_block(blocks, frame, vocabulary)
        if taken:
            blocks = blocks[taken:]
            continue
        kind = _head_line_kinds(line, frame, after_date)
        if kind is None:
            heading = heading_pattern.match(block.text)
            if heading and not frame.first("heading_as_printed") and block.text[: heading.end("signal")].isupper():
                first_line_end = len(line.text)
                if heading.end() >= first_line_end:
                    # A heading alone at the top of a record with no other title is its title: "MEMORANDUM OF
                    # CONVERSATION" above "Washington, June 20, 1961, 11 a.m."
                    frame.fields.append(Field("heading_as_printed" if has_title else "title", block))
                    has_title = True
                    blocks = blocks[1:]
                else:
                    frame.fields.append(Field("heading_as_printed", block.sub(0, heading.end())))
                    blocks = [block.sub(heading.end(), len(block.text)).strip(), *blocks[1:]]
                continue
            return blocks
        after_date = kind in ("date", "reference")
        blocks = rest_block + blocks[1:]
    return blocks


def _read_numbered_title(line: Span, frame: RecordFrame, vocabulary: Vocabulary) -> bool:
    """ "212. Memorandum of Conversation/1/": the edition's number, the title and its note's anchor."""
    match = NUMBERED_TITLE.match(line.text)
    if match is None or not vocabulary.document_type_signal.match(match["title"]):
        return False
    frame.fields.append(Field("collection_number", line.sub(match.start("number"), match.end("number"))))
    frame.chrome.append(("punctuation: number, title", line.sub(match.end("number"), match.start("title")).strip()))
    frame.fields.append(Field("title", line.sub(match.start("title"), match.end("title"))))
    if match["anchor"]:
        frame.fields.append(Field("source_note_anchor", line.sub(match.start("anchor"), match.end("anchor"))))
    return True


def _read_title(block: Span, frame: RecordFrame) -> None:
    """A title block, the place and date at its end (if it prints them) read as fields of their own; a date
    the title's words give ("Record of Conversation with ... on 4 May 1956") is the record's date, the title
    kept whole."""
    match = TITLE_PLACE_DATE.search(block.text)
    if match is None:
        frame.fields.append(Field("title", block))
        if on := TITLE_ON_DATE.search(block.text):
            frame.fields.append(Field("date_as_printed", block.sub(on.start("date"), on.end("date"))))
        return
    frame.fields.append(Field("title", block.sub(0, match.start())))
    if match["place"]:
        frame.chrome.append(("punctuation: title, place", block.sub(match.start(), match.start("place")).strip()))
        frame.fields.append(Field("place", block.sub(match.start("place"), match.end("place"))))
        frame.chrome.append(("punctuation: place, date", block.sub(match.end("place"), match.start("date")).strip()))
    else:
        frame.chrome.append(("punctuation: title, date", block.sub(match.start(), match.start("date")).strip()))
    frame.fields.append(Field("date_as_printed", block.sub(match.start("date"), match.end("date"))))


# A subtitle that says who met, under a documentary edition's heading: "Vienna Meeting Between The President and
# Chairman Khrushchev" (a line of its own, no full stop).
MEETING_SUBTITLE = re.compile(
    r"^[A-Z][^.\n]{0,40}?\b(?:Meeting|Conversation|Talks?)\s+(?:Between|With|between|with)\s+[A-Z][^.\n]+$"
)


def _read_head_block(blocks: list[Span], frame: RecordFrame, vocabulary: Vocabulary) -> int:
    """Read a head paragraph that is a subject or a list of participants; return how many blocks it took.

    "SUBJECT" / "Soviet Note on Nuclear Testing"; "PARTICIPANTS" / "The President" / "Ambassador Menshikov";
    such a list without its heading (every line names a person by office or honorific), and either of them
    as the bulleted lists of a documentary edition ("  • US" / "    • The Secretary").
    """
    if "\n" not in blocks[0].text and MEETING_SUBTITLE.match(blocks[0].text):
        frame.fields.append(Field("subtitle", blocks[0]))
        return 1
    lines = [_list_item(line, frame) for line in split_lines(blocks[0])]
    heading = SUBJECT_LINE.match(lines[0].text) or PARTICIPANTS_HEADING.match(lines[0].text)
    if heading is None:
        return 1 if len(lines) >= 2 and _read_listed_people(lines, frame, vocabulary) else 0
    label = lines[0].sub(0, heading.end("label")) if "label" in heading.re.groupindex else lines[0]
    frame.chrome.append((f"label: {label.text.strip(':').lower()}", label))
    rest, taken = lines[1:], 1
    if heading.re is PARTICIPANTS_HEADING:
        return _read_headed_list(rest, blocks, frame, vocabulary)
    if not rest and len(blocks) > 1:  # the items in the next paragraph
        rest, taken = [_list_item(line, frame) for line in split_lines(blocks[1])], 2
    subject = heading.groupdict().get("subject")
    if subject:
        frame.fields.append(Field("subject", lines[0].sub(heading.start("subject"), heading.end("subject"))))
    elif rest:
        frame.fields.append(Field("subject", rest[0]))
        rest = rest[1:]
    # lines after the subject: a list of participants without its heading
    return taken if not rest or _read_listed_people(rest, frame, vocabulary) else 0


# The mark of an item of a bulleted list, with the spaces before it: "    • " (a documentary edition's lists).
LIST_BULLET = re.compile(r"^\s*[•·▪◦*–-]\s+")


def _list_item(line: Span, frame: RecordFrame) -> Span:
    """A line of a list without its bullet (entered as chrome): "    • The President" -> "The President"."""
    bullet = LIST_BULLET.match(line.text)
    if bullet is None:
        return line
    frame.chrome.append(("list bullet", line.sub(0, bullet.end()).strip()))
    return line.sub(bullet.end(), len(line.text))


def _read_citation_block(block: Span, frame: RecordFrame) -> list[Span] | None:
    """The archive's summary and citation at the head of a record copied from its page, without their labels:
    the citation a line, the summary the lines before it. Returns what follows them in the paragraph (the
    record's first words), or None where the paragraph holds no such citation."""
    lines = [line.strip() for line in split_lines(block)]
    at = next((i for i, line in enumerate(lines) if CITATION_LINE.match(line.text)), None)
    if at is None or frame.first("citation"):
        return None
    if at > 0:
        frame.fields.append(Field("summary", block.sub(lines[0].start - block.start, lines[at - 1].end - block.start)))
    frame.fields.append(Field("citation", lines[at]))
    rest = lines[at + 1 :]
    return [block.sub(rest[0].start - block.start, len(block.text))] if rest else []


def _read_headed_list(first: list[Span], blocks: list[Span], frame: RecordFrame, vocabulary: Vocabulary) -> int:
    """The list under a "PARTICIPANTS" heading: the lines after it, then each paragraph that goes on the
    list (a side's line, a person a line, by name alone too: "Alexey Kosygin, Chairman of ..."); return how
    many paragraphs it took."""
    taken = 1
    if first:
        _read_listed_people(first, frame, vocabulary, headed=True)
    while taken < len(blocks):
        lines = split_lines(blocks[taken])
        if not all(_is_list_line(LIST_BULLET.sub("", line.text), vocabulary, headed=True) for line in lines):
            break
        _read_listed_people([_list_item(line, frame) for line in lines], frame, vocabulary, headed=True)
        taken += 1
    return taken


# A person under a list's heading named without an office: "William D. Krimer, Interpreter, ...", "Alexey Kosygin"
LISTED_NAME = re.compile(r"^[A-Z][a-z]+(?:\s(?:[A-Z]\.\s?){1,2})?(?:\s[A-Z][a-z]+){1,2}(?:,\s+[^.]+)?$")


def _is_list_line(text: str, vocabulary: Vocabulary, headed: bool = False) -> bool:
    """A side's line ("USSR") or a person's; under a heading, a person may be named without an office."""
    if text in vocabulary.sides or vocabulary.listed_person.match(text):
        return True
    return headed and bool(LISTED_NAME.match(text))


def _read_listed_people(lines: list[Span], frame: RecordFrame, vocabulary: Vocabulary, headed: bool = False) -> bool:
    """A list of participants, a person a line ("The President", "Mr. Akalovsky"), perhaps grouped under the
    side they are of ("US", "USSR"): each person a field, each side line a field of its own."""
    if not lines or not all(_is_list_line(line.text, vocabulary, headed) for line in lines):
        return False
    if all(line.text in vocabulary.sides for line in lines):
        return False
    frame.fields.extend(
        Field("participant_side" if line.text in vocabulary.sides else "participant_listed", line) for line in lines
    )
    return True


def _heading_pattern(vocabulary: Vocabulary) -> re.Pattern[str]:
    """The record's own heading in capitals, perhaps naming who met: "MEMORANDUM OF CONVERSATION",
    "NOTES OF CONVERSATION BETWEEN A.I. MIKOYAN and FIDEL CASTRO"."""
    return _heading_pattern_of(tuple(s for t in vocabulary.document_types for s in t.signals if " " in s))


@lru_cache(maxsize=8)
def _heading_pattern_of(signals: tuple[str, ...]) -> re.Pattern[str]:
    """``_heading_pattern`` for the signals of more than one word (built once per build)."""
    alternation = "|".join(re.escape(s) for s in sorted(set(signals), key=len, reverse=True))
    return re.compile(rf"^(?P<heading>(?P<signal>(?i:{alternation}))(?:\ (?:[A-Z][A-Z.]+|and|with))*)")


# Cells of a head line set side by side: "Washington" and "TOP SECRET" on one line, far apart.
CELL_GAP = re.compile(r"\s{3,}")


def _head_line_kinds(line: Span, frame: RecordFrame, after_date: bool) -> str | None:
    """Read a head line, or each cell of it when it sets several side by side; None if any cell is no head line."""
    kind = _head_line_kind(line, frame, after_date)
    if kind is not None:
        return kind
    cells, position = [], 0
    for gap in CELL_GAP.finditer(line.text):
        cells.append(line.sub(position, gap.start()))
        position = gap.end()
    cells.append(line.sub(position, len(line.text)))
    if len(cells) < 2:
        return None
    trial = RecordFrame(frame.layout, fields=list(frame.fields))
    kinds = []
    dated = any(DATE_LINE.match(cell.text) or REFERENCE_LINE.match(cell.text) for cell in cells)
    for cell in cells:
        # "Minsk          January 12, 1960": a place set beside the date on its line
        kinds.append(_head_line_kind(cell, trial, after_date or dated or "date" in kinds or "reference" in kinds))
        if kinds[-1] is None:
            return None
    frame.fields[:] = trial.fields
    frame.chrome.extend(trial.chrome)
    return kinds[-1] if kinds[-1] in ("date", "reference") else kinds[0]


# Head lines that are one field, whole: (pattern, field, kind of line).
WHOLE_LINE_FIELDS = (
    (COPY_NUMBER, "copy_number", "copy"),
    (REPLY_TO, "reply_to", "reply_to"),
    (URGENCY, "urgency", "urgency"),
)


def _head_line_kind(line: Span, frame: RecordFrame, after_date: bool) -> str | None:
    """Read one head line into the frame's fields; return its kind, or None if it is not a head line."""
    text = line.text
    if match := CLASSIFICATION.match(text):
        frame.fields.append(
            Field("classification", line.sub(match.start("classification"), match.end("classification")))
        )
        if match["copy"]:
            frame.chrome.append(
                (
                    "punctuation: classification, copy",
                    line.sub(match.end("classification"), match.start("copy")).strip(),
                )
            )
            frame.fields.append(Field("copy_number", line.sub(match.start("copy"), len(text))))
        elif match.end("classification") < len(text):
            frame.fields.append(Field("classification_mark", line.sub(match.end("classification"), len(text))))
        return "classification"
    if match := DATE_LINE.match(text):
        frame.fields.append(Field("date_as_printed", line))
        if match["time_of_day"]:
            frame.fields.append(Field("time_of_day", line.sub(match.start("time_of_day"), match.end("time_of_day"))))
        return "date"
    if match := REFERENCE_LINE.match(text):
        frame.fields.append(Field("reference_number", line.sub(match.start("reference"), match.end("reference"))))
        frame.fields.append(Field("date_as_printed", line.sub(match.start("date"), match.end("date"))))
        if match["trailer"]:
            frame.fields.append(
                Field("date_line_remainder", line.sub(match.start("trailer"), match.end("trailer")).strip())
            )
        return "reference"
    if match := PLACE_DATE_LINE.match(text):
        _read_place_date(line, match, frame)
        return "date"
    for pattern, name, kind in WHOLE_LINE_FIELDS:
        if pattern.match(text):
            frame.fields.append(Field(name, line))
            return kind
    if _read_source_footnote(line, frame):
        return "source_note"
    if match := ADDRESSEE.match(text):
        if match["label"]:
            frame.chrome.append(("label: To", line.sub(0, match.end("label")).strip()))
        frame.fields.append(Field("addressee", line.sub(match.start("addressee"), match.end("addressee"))))
        return "addressee"
    if after_date and PLACE_LINE.match(text) and not frame.first("place"):
        frame.fields.append(Field("place", line))
        return "place"
    return None


def _read_source_footnote(line: Span, frame: RecordFrame) -> bool:
    """ "/1/Source: Department of State, ...": a documentary edition's source note, its anchor apart."""
    match = SOURCE_FOOTNOTE.match(line.text)
    if match is None:
        return False
    frame.chrome.append(("source note anchor", line.sub(match.start("mark"), match.end("mark"))))
    frame.fields.append(Field("source_note", line.sub(match.start("note"), match.end("note"))))
    return True


def _read_place_date(line: Span, match: re.Match[str], frame: RecordFrame) -> None:
    """ "Washington, June 20, 1961, 11 a.m.": the place, the date and the hour, each a field of its own."""
    frame.fields.append(Field("place", line.sub(match.start("place"), match.end("place"))))
    frame.fields.append(Field("date_as_printed", line.sub(match.start("date"), match.end("date"))))
    frame.chrome.append(("punctuation: place, date", line.sub(match.end("place"), match.start("date")).strip()))
    if match["time"]:
        frame.chrome.append(("punctuation: date, hour", line.sub(match.end("date"), match.start("time")).strip()))
        frame.fields.append(Field("hour_as_printed", line.sub(match.start("time"), match.end("time"))))


# --- The record's closing -----------------------------------------------------------------------------


def _split_closing(blocks: list[Span]) -> tuple[list[Span], list[Span]]:
    """Split the record's blocks where its closing starts.

    A Soviet signature ("3.XI.62 ALEKSEEV") or a "Recorded by:" line opens the closing wherever it is:
    what follows it (notes, a summary) is the closing too. Otherwise the closing is the run of closing
    lines at the end: signatures by name, dates, archival references, archive notes, page furniture.
    """
    for index, block in enumerate(blocks):
        lines = split_lines(block)
        for line_index, line in enumerate(lines):
            if RECORDED_BY.match(line.text):
                before = [block.sub(0, line.start - block.start).strip()] if line_index else []
                after = lines[line_index:]
                return blocks[:index] + [b for b in before if b.text], after + _lines(blocks[index + 1 :])
        signature = SIGNATURE.search(lines[-1].text)
        if signature:
            last = lines[-1]
            signature_span = last.sub(signature.start(), signature.end())
            conversation_part = block.sub(0, signature_span.start - block.start).strip()
            kept = [conversation_part] if conversation_part.text else []
            return blocks[:index] + kept, [signature_span, *_lines(blocks[index + 1 :])]
    lines = _lines(blocks)
    cut = len(lines)
    while cut > 1 and _is_closing_line(lines[cut - 1].text):
        cut -= 1
    if cut == len(lines):
        return blocks, []
    first_closing = lines[cut].start
    kept = [b for b in blocks if b.end <= first_closing]
    partial = [b for b in blocks if b.start < first_closing < b.end]
    for block in partial:
        kept.append(block.sub(0, first_closing - block.start).strip())
    return kept, lines[cut:]


# A signature of a surname alone, the last paragraph of a record that has no other: "Kohler" (US telegrams).
BARE_SIGNATURE = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?$")


def _take_bare_signature(blocks: list[Span], frame: RecordFrame) -> list[Span]:
    """The signature of a US telegram, its sender's surname alone as its last paragraph ("Kohler"): both the
    signature and the signer, where the record is signed no other way."""
    if len(blocks) < 2 or frame.first("signer") or not BARE_SIGNATURE.match(blocks[-1].text):
        return blocks
    frame.fields.append(Field("signature_as_printed", blocks[-1]))
    frame.fields.append(Field("signer", blocks[-1]))
    return blocks[:-1]


def _is_closing_line(text: str) -> bool:
    return bool(
        NAME_SIGNATURE.match(text)
        or SIGNATURE.fullmatch(text)
        or ARCHIVAL_REFERENCE.match(text)
        or ARCHIVE_NOTE.match(text)
        or PAGE_FURNITURE_LINE.match(text)
        or DATE_LINE.match(text)
        or RECORDED_BY.match(text)
        or REFERENCE_NOTE.match(text)
        or ARCHIVAL_DESCRIPTION.match(text)
    )


def _lines(blocks: list[Span]) -> list[Span]:
    return [line for block in blocks for line in split_lines(block)]


# The most lines after a record's closing that are read as the archive's summary without a warning (the
# seeds' summaries are one line each).
MAX_SUMMARY_LINES = 5


def _parse_closing(lines: list[Span], frame: RecordFrame) -> None:
    """Read the closing lines: signatures, recorder, archival and bibliographic notes, references, the summary.

    Each line is read by the first of ``CLOSING_LINE_RULES`` that takes it; the lines none takes are the
    archive's summary.
    """
    summary = [line for line in lines if not any(rule(line, frame) for rule in CLOSING_LINE_RULES)]
    for line in summary:
        frame.fields.append(Field("summary", line))
    if len(summary) > MAX_SUMMARY_LINES:
        # An archive's summary is a paragraph; more lines after the closing than that are text the reader
        # cannot place (a record appended to another, a page of something else): kept, and said.
        extra = summary[MAX_SUMMARY_LINES]
        frame.warnings.append(
            (
                extra.start,
                f"the record to end after its closing parts and a summary of at most {MAX_SUMMARY_LINES} lines; "
                f"{len(summary)} lines follow the closing that are none of its parts (kept as summary)",
            )
        )


def _closing_signature(line: Span, frame: RecordFrame) -> bool:
    """A signature line (``SIGNATURE``): the line as printed, and the signer's name in it."""
    if not (match := SIGNATURE.fullmatch(line.text)):
        return False
    frame.fields.append(Field("signature_as_printed", line))
    frame.fields.append(Field("signer", line.sub(match.start("signer"), match.end("signer"))))
    return True


def _closing_recorded_by(line: Span, frame: RecordFrame) -> bool:
    """The "Recorded by" line: its label and punctuation are chrome, the name is the recorder."""
    if not (match := RECORDED_BY.match(line.text)):
        return False
    frame.chrome.append(("label: Recorded by", line.sub(0, match.end("lead"))))
    if match["mark"]:
        frame.signature_marks.append(line.sub(match.start("mark"), match.start("mark") + len("[signature]")))
    frame.fields.append(Field("recorder", line.sub(match.start("recorder"), match.end("recorder"))))
    if match.end("recorder") < len(line.text):
        frame.chrome.append(("punctuation: recorder", line.sub(match.end("recorder"), len(line.text))))
    return True


def _closing_archival_note(line: Span, frame: RecordFrame) -> bool:
    if not ARCHIVAL_NOTE.match(line.text):
        return False
    frame.closing_notes.append(ClosingNote("archival", line, line))
    return True


def _closing_bibliographic_note(line: Span, frame: RecordFrame) -> bool:
    if not (match := BIBLIOGRAPHIC_NOTE.match(line.text)):
        return False
    frame.closing_notes.append(ClosingNote("bibliographic", line, line.sub(match.start("text"), match.end("text"))))
    return True


def _closing_archival_reference(line: Span, frame: RecordFrame) -> bool:
    """An archival reference, perhaps after a page number."""
    if not (match := ARCHIVAL_REFERENCE.match(line.text)):
        return False
    if match["page"]:
        frame.page_furniture.append(Apparatus("page number", line.sub(0, match.end("page"))))
    frame.fields.append(Field("archival_reference", line.sub(match.start("reference"), len(line.text))))
    return True


def _closing_archival_description(line: Span, frame: RecordFrame) -> bool:
    """A description of the archive's file goes on the reference just before it."""
    if not (ARCHIVAL_DESCRIPTION.match(line.text) and frame.fields and frame.fields[-1].name == "archival_reference"):
        return False
    frame.fields.append(Field("archival_reference", line))
    return True


def _closing_reference_note(line: Span, frame: RecordFrame) -> bool:
    if not (match := REFERENCE_NOTE.match(line.text)):
        return False
    frame.closing_notes.append(ClosingNote("archive_note", line, line.sub(match.start("text"), match.end("text"))))
    return True


def _closing_page_furniture(line: Span, frame: RecordFrame) -> bool:
    if not PAGE_FURNITURE_LINE.match(line.text):
        return False
    frame.page_furniture.append(Apparatus("page number and copy stamp", line))
    return True


def _closing_archive_note(line: Span, frame: RecordFrame) -> bool:
    if not (match := ARCHIVE_NOTE.match(line.text)):
        return False
    frame.closing_notes.append(ClosingNote("archive_note", line, line.sub(match.start("text"), match.end("text"))))
    return True


def _closing_name_signature(line: Span, frame: RecordFrame) -> bool:
    """A name alone as the signature (``NAME_SIGNATURE``): the line is both."""
    if not NAME_SIGNATURE.match(line.text):
        return False
    frame.fields.append(Field("signature_as_printed", line))
    frame.fields.append(Field("signer", line))
    return True


def _closing_date(line: Span, frame: RecordFrame) -> bool:
    if not DATE_LINE.match(line.text):
        return False
    frame.fields.append(Field("signature_date", line))
    return True


# The parts of a record's closing, in the order a line is tried against them (the first that fits takes it).
CLOSING_LINE_RULES: tuple[Callable[[Span, RecordFrame], bool], ...] = (
    _closing_signature,
    _closing_recorded_by,
    _closing_archival_note,
    _closing_bibliographic_note,
    _closing_archival_reference,
    _closing_archival_description,
    _closing_reference_note,
    _closing_page_furniture,
    _closing_archive_note,
    _closing_name_signature,
    _closing_date,
)


def _set_aside_apparatus(blocks: list[Span], frame: RecordFrame) -> list[Span]:
    """Take the lines of the printed page out of the record's text: page furniture and archive notes.

    "... correspondents asked You how the meeting went" / "*On the first page at the top stamp ..." /
    "113Reference copy" / "and You replied that ..." reads on as one sentence once they are set aside.
    """
    kept: list[Span] = []
    for block in blocks:
        lines = split_lines(block)
        run_start: int | None = None
        for line in lines:
            if match := PAGE_FURNITURE_LINE.match(line.text):
                frame.page_furniture.append(Apparatus("page number and copy stamp", line))
            elif FOOTNOTES_HEADING.match(line.text):
                frame.page_furniture.append(Apparatus("footnotes heading", line))
            elif match := ARCHIVE_NOTE.match(line.text):
                frame.closing_notes.append(
                    ClosingNote("archive_note", line, line.sub(match.start("text"), match.end("text")))
                )
            elif match := ARCHIVAL_REFERENCE.match(line.text):
                # The reference of an attachment, printed where the attachment ends: "RGANI. F. 3. Op. 66. ..."
                if match["page"]:
                    frame.page_furniture.append(Apparatus("page number", line.sub(0, match.end("page"))))
                frame.fields.append(
                    Field("archival_reference_of_attachment", line.sub(match.start("reference"), len(line.text)))
                )
            else:
                if run_start is None:
                    run_start = line.start
                kept_end = line.end
                continue
            if run_start is not None:
                kept.append(Span(run_start, kept_end, block.text[run_start - block.start : kept_end - block.start]))
                run_start = None
        if run_start is not None:
            kept.append(Span(run_start, kept_end, block.text[run_start - block.start : kept_end - block.start]))
    return kept


def _derive_source_fields(frame: RecordFrame) -> None:
    """Split the citation or source statement into archive, provenance, translator, URL and record id; a
    record that prints no title of its own has the one its archive's citation gives, in quotation marks."""
    citation = frame.first("citation")
    if citation and not frame.first("title") and (cited := CITATION_LINE.match(citation.span.text)):
        frame.fields.append(Field("title", citation.span.sub(cited.start("cited_title"), cited.end("cited_title"))))
    if citation:
        match = ARCHIVE_CITATION.match(citation.span.text)
        if match:
            for name in ("source_statement", "source_url", "record_id"):
                if match[name]:
                    frame.fields.append(Field(name, citation.span.sub(match.start(name), match.end(name))))
    statement = frame.first("source_statement")
    if statement:
        match = SOURCE_STATEMENT.match(statement.span.text)
        if match:
            for name in ("archive", "provenance", "translator"):
                frame.fields.append(Field(name, statement.span.sub(match.start(name), match.end(name))))


def _fall_back_to_first_line(text: str, frame: RecordFrame) -> None:
    """A record whose head names no date: date it by the first date it prints, and say so."""
    if frame.first("date_as_printed") or frame.first("archive_date"):
        return
    first = frame.conversation[0]
    frame.warnings.append(
        (
            first.start,
            "a date line at the head of the record ('November 4, 1962', '4 November 1962', 'No. ... <date>'); "
            "dated by the first date the record prints",
        )
    )
    for span in [*frame.conversation, *(f.span for f in frame.fields if f.name == "signature_date")]:
        match = ANY_DATE.search(span.text)
        if match and parse_date(match["date"]):
            frame.fields.append(Field("date_found_in_text", span.sub(match.start("date"), match.end("date"))))
            return
