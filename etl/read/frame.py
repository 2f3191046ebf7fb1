"""Recognize a seed's layout and split it into site chrome, metadata fields, the conversation and its closing.

The seeds come in three layouts, recognized by their form, never by which document they are:

- ``archive_markdown_page``: the archive's page as Markdown: ``# <date> <title>``, then ``### Citation:``,
  ``## **Summary:**``, ``## **Original Language:**``, ``### **Contents:**`` sections, the record last;
- ``archive_web_page``: the archive's web page as text: "Skip to content", the date, the title, the record,
  then a "Document Information" footer of label/value pairs;
- ``bare_telegram``: the record alone: a dateline, the text, a signature, then notes and a summary.

Every non-blank character ends up in exactly one of: a metadata field (a ``documents`` column), site
chrome (labels, headings, navigation), the conversation, or its closing (signature, notes, summary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.read.blocks import Span, split_blocks, split_lines
from etl.errors import ParseError, line_of

# --- Patterns of the archive's page furniture -------------------------------------------------------

# The first heading of a Markdown page: "# November 3, 1962 Notes of Conversation between A.I. Mikoyan and Fidel Castro"
MARKDOWN_TITLE = re.compile(r"^#\s+(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})\s+(?P<title>.+)$")

# A section heading of a Markdown page: "### Citation:" or "## **Original Language:**"
MARKDOWN_SECTION = re.compile(r"^(?P<marks>#{2,6})\s+(?:\*\*)?(?P<label>[A-Za-z ]+):(?:\*\*)?$")

# The first line of the Contents section: "Translation - English"
CONTENTS_LINE = re.compile(r"^Translation - (?P<language>[A-Z][a-z]+)$")

# The archive's citation: '"Notes of Conversation between ...", November 3, 1962, Wilson Center Digital
# Archive, Russian Foreign Ministry archives, obtained and translated by NHK television, copy provided by
# Philip Brenner; translation by Vladimir Zaemsky https://.../document/110955'
ARCHIVE_CITATION = re.compile(
    r"""^"(?P<cited_title>[^"]+)",\s+(?P<cited_date>[A-Z][a-z]+\ \d{1,2},\ \d{4}),\s+
    Wilson\ Center\ Digital\ Archive,\s+
    (?P<source_statement>.+?)
    (?:\s+(?P<source_url>https?://\S+?/document/(?P<record_id>\d+)\S*))?$""",
    re.VERBOSE,
)

# Where the copy comes from: "Russian Foreign Ministry archives, copy provided by National Security
# Archive, Washington, D.C.; translation by Mark H. Doctoroff."
SOURCE_STATEMENT = re.compile(
    r"""^(?P<archive>[^,;]+?),\s+(?P<provenance>.+?);\s+translation\ by\s+(?P<translator>.+?)\.?$""",
    re.VERBOSE,
)

# Lines of the web page that are navigation or labels, not content: "Skip to content", "Document Information"
WEB_CHROME_LINES = ("Skip to content",)
WEB_FOOTER_START = "Document Information"
# The footer's labels, each followed by its value (or by nothing where the page shows a link or nothing).
WEB_FOOTER_LABELS = {
    "Source": "source_statement",
    "Rights": "rights",
    "Original Uploaded Date": "archive_uploaded_date",
    "Type": "archive_type",
    "Summary": "summary",
    "Language": "original_language",
    "Record ID": "record_id",
}

# The archive's date above a title: "November 5, 1962"
ARCHIVE_DATE = re.compile(r"^(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})$")

# --- Patterns of the record's own front matter and closing ------------------------------------------

# "Top Secret"
CLASSIFICATION = re.compile(r"^(?P<classification>Top Secret|Secret|Confidential)$")

# The record's own heading: "MEMORANDUM OF CONVERSATION" (a block of its own) or, run into the first
# paragraph, "NOTES OF CONVERSATION BETWEEN A.I. MIKOYAN and FIDEL CASTRO This morning ..."
DOCUMENT_HEADING = re.compile(
    r"""^(?P<heading>(?P<kind>NOTES|MEMORANDUM|RECORD|MINUTES|TRANSCRIPT)\ OF\ (?:CONVERSATION|TALKS?|MEETING)
    (?:\ (?:[A-Z][A-Z.]+|and|with))*)""",
    re.VERBOSE,
)
HEADING_KINDS = {
    "NOTES": "notes of conversation",
    "MEMORANDUM": "memorandum of conversation",
    "RECORD": "notes of conversation",
    "MINUTES": "notes of conversation",
    "TRANSCRIPT": "notes of conversation",
}

# The record's dateline: "Evening 5 November 1962" or " 4 November 1962"
DATELINE = re.compile(
    r"^(?:(?P<time_of_day>Morning|Afternoon|Evening)\s+)?(?P<date>\d{1,2} [A-Z][a-z]+ \d{4})$"
)

# A Soviet signature: the date in Roman-numeral month form and the signer: "3.XI.62 ALEKSEEV"
SIGNATURE = re.compile(r"(?P<signature>(?P<date>\d{1,2}\.[IVX]{1,4}\.\d{2})\s+(?P<signer>[A-Z][A-Z-]+))$")

# "Recorded by: [signature] V. Tikhmenev"
RECORDED_BY = re.compile(r"^Recorded by:\s+(?P<mark>\[signature\]\s+)?(?P<recorder>.+)$")

# The recorder's note that the speaker did not check the record:
# "Com. Mikoyan A.I. has not looked over the transcript of the conversation."
ARCHIVAL_NOTE = re.compile(r"^.+ has not (?:looked over|checked|seen) the (?:transcript|record)\b.*$")

# The archive's bibliographic note: "Note: For English translations of the Russian records ..."
BIBLIOGRAPHIC_NOTE = re.compile(r"^Note:\s+(?P<text>.+)$")


@dataclass(frozen=True)
class Field:
    """A metadata value as printed, destined for a column of ``documents`` (or kept for checks)."""

    name: str
    span: Span


@dataclass(frozen=True)
class ClosingNote:
    """A note printed after the conversation: archival or bibliographic."""

    note_type: str
    span: Span
    text: Span


@dataclass
class SeedLayout:
    """A seed split into its parts; every non-blank character belongs to exactly one of them."""

    layout: str
    fields: list[Field] = field(default_factory=list)
    chrome: list[tuple[str, Span]] = field(default_factory=list)
    conversation: list[Span] = field(default_factory=list)
    closing_notes: list[ClosingNote] = field(default_factory=list)
    signature_marks: list[Span] = field(default_factory=list)  # "[signature]" marks in the closing

    def value(self, name: str) -> str | None:
        found = [f.span.text for f in self.fields if f.name == name]
        return "\n\n".join(found) if found else None

    def first(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def recognize_layout(text: str) -> str:
    """Name the layout of a seed from its form.

    >>> recognize_layout("\\n\\n# November 3, 1962 Notes of Conversation\\n")
    'archive_markdown_page'
    >>> recognize_layout(" 4 November 1962\\n\\nToday talks were conducted.")
    'bare_telegram'
    """
    first_line = text.strip().split("\n", 1)[0]
    if MARKDOWN_TITLE.match(first_line):
        return "archive_markdown_page"
    if first_line in WEB_CHROME_LINES or f"\n{WEB_FOOTER_START}\n" in text:
        return "archive_web_page"
    if DATELINE.match(first_line.strip()):
        return "bare_telegram"
    return "unknown"


def parse_layout(text: str, seed_file: str) -> SeedLayout:
    """Split a seed into chrome, metadata fields, conversation blocks and closing notes."""
    layout_name = recognize_layout(text)
    layout = SeedLayout(layout_name)
    if layout_name == "archive_markdown_page":
        body_start, body_end = _parse_markdown_page(text, seed_file, layout)
    elif layout_name == "archive_web_page":
        body_start, body_end = _parse_web_page(text, seed_file, layout)
    elif layout_name == "bare_telegram":
        body_start, body_end = 0, len(text)
    else:
        first = text.strip().split("\n", 1)[0]
        raise ParseError(
            seed_file,
            line_of(text, text.find(first)) if first else 1,
            "a known record layout: a '# <date> <title>' Markdown heading, the archive's web page "
            "('Skip to content' ... 'Document Information'), or a dateline such as '4 November 1962'",
            first[:80],
        )
    blocks = split_blocks(text, body_start, body_end)
    blocks = _parse_front_matter(blocks, layout)
    conversation, closing = _split_closing(blocks)
    _parse_closing(closing, layout)
    if not conversation:
        where = blocks[0].start if blocks else body_start
        raise ParseError(seed_file, line_of(text, where), "the text of a conversation after the record's heading")
    layout.conversation = conversation
    _derive_source_fields(layout)
    return layout


def _parse_markdown_page(text: str, seed_file: str, layout: SeedLayout) -> tuple[int, int]:
    """Read the headings and sections of the Markdown page; return the bounds of the record's text."""
    blocks = split_blocks(text, 0, len(text))
    title_block = blocks[0]
    match = MARKDOWN_TITLE.match(title_block.text)
    layout.chrome.append(("markdown heading mark", title_block.sub(0, match.start("date"))))
    layout.fields.append(Field("archive_date", title_block.sub(match.start("date"), match.end("date"))))
    layout.fields.append(Field("title", title_block.sub(match.start("title"), match.end("title"))))
    section: str | None = None
    for block in blocks[1:]:
        heading = MARKDOWN_SECTION.match(block.text)
        if heading:
            section = heading["label"].strip().lower()
            layout.chrome.append((f"section heading: {heading['label'].strip()}", block))
            continue
        if section == "citation":
            layout.fields.append(Field("citation", block))
        elif section == "summary":
            layout.fields.append(Field("summary", block))
        elif section == "original language":
            layout.fields.append(Field("original_language", block))
        elif section == "contents":
            contents = CONTENTS_LINE.match(block.text)
            if contents and not layout.conversation:
                layout.chrome.append(("contents: kind of text", block))
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


def _parse_web_page(text: str, seed_file: str, layout: SeedLayout) -> tuple[int, int]:
    """Read the web page's header and footer; return the bounds of the record's text between them."""
    footer_at = text.find(f"\n{WEB_FOOTER_START}\n")
    end = footer_at + 1 if footer_at >= 0 else len(text)
    if footer_at >= 0:
        _parse_web_footer(text, seed_file, end, layout)
    blocks = split_blocks(text, 0, end)
    index = 0
    while index < len(blocks) and blocks[index].text in WEB_CHROME_LINES:
        layout.chrome.append(("site navigation", blocks[index]))
        index += 1
    if index < len(blocks) and ARCHIVE_DATE.match(blocks[index].text):
        layout.fields.append(Field("archive_date", blocks[index]))
        index += 1
        if index < len(blocks):
            layout.fields.append(Field("title", blocks[index]))
            index += 1
    if index >= len(blocks):
        raise ParseError(seed_file, line_of(text, end), "the record's text between the page's header and footer")
    return blocks[index].start, end


def _parse_web_footer(text: str, seed_file: str, start: int, layout: SeedLayout) -> None:
    """Read the "Document Information" footer: each label is followed by its value's paragraphs."""
    blocks = split_blocks(text, start, len(text))
    layout.chrome.append(("site footer heading", blocks[0]))
    label: str | None = None
    for block in blocks[1:]:
        if block.text in WEB_FOOTER_LABELS:
            label = block.text
            layout.chrome.append((f"footer label: {label}", block))
        elif label is None:
            raise ParseError(seed_file, line_of(text, block.start), "a footer label such as 'Source' or 'Record ID'", block.text[:80])
        else:
            layout.fields.append(Field(WEB_FOOTER_LABELS[label], block))


def _parse_front_matter(blocks: list[Span], layout: SeedLayout) -> list[Span]:
    """Take the record's classification, heading and dateline off the front of its text."""
    while blocks:
        block = blocks[0]
        if CLASSIFICATION.match(block.text):
            layout.fields.append(Field("classification", block))
        elif DATELINE.match(block.text):
            match = DATELINE.match(block.text)
            layout.fields.append(Field("date_as_printed", block))
            if match["time_of_day"]:
                layout.fields.append(Field("time_of_day", block.sub(match.start("time_of_day"), match.end("time_of_day"))))
        elif DOCUMENT_HEADING.match(block.text) and not layout.first("heading_as_printed"):
            first_line = block.text.split("\n", 1)[0]
            heading = DOCUMENT_HEADING.match(block.text)
            if heading.end() >= len(first_line):
                layout.fields.append(Field("heading_as_printed", block))
            else:
                layout.fields.append(Field("heading_as_printed", block.sub(0, heading.end())))
                blocks = [block.sub(heading.end(), len(block.text)).strip(), *blocks[1:]]
                continue
        else:
            break
        blocks = blocks[1:]
    return blocks


def _split_closing(blocks: list[Span]) -> tuple[list[Span], list[Span]]:
    """Split the record's blocks where its closing starts: a signature or a "Recorded by:" line."""
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
    return blocks, []


def _lines(blocks: list[Span]) -> list[Span]:
    return [line for block in blocks for line in split_lines(block)]


def _parse_closing(lines: list[Span], layout: SeedLayout) -> None:
    """Read the closing lines: signature, recorder, archival and bibliographic notes, the summary."""
    for line in lines:
        if match := SIGNATURE.fullmatch(line.text):
            layout.fields.append(Field("signature_as_printed", line))
            layout.fields.append(Field("signer", line.sub(match.start("signer"), match.end("signer"))))
        elif match := RECORDED_BY.match(line.text):
            layout.chrome.append(("label: Recorded by", line.sub(0, len("Recorded by:"))))
            if match["mark"]:
                layout.signature_marks.append(line.sub(match.start("mark"), match.start("mark") + len("[signature]")))
            layout.fields.append(Field("recorder", line.sub(match.start("recorder"), match.end("recorder"))))
        elif ARCHIVAL_NOTE.match(line.text):
            layout.closing_notes.append(ClosingNote("archival", line, line))
        elif match := BIBLIOGRAPHIC_NOTE.match(line.text):
            layout.closing_notes.append(ClosingNote("bibliographic", line, line.sub(match.start("text"), match.end("text"))))
        else:
            layout.fields.append(Field("summary", line))


def _derive_source_fields(layout: SeedLayout) -> None:
    """Split the citation or source statement into archive, provenance, translator, URL and record id."""
    citation = layout.first("citation")
    if citation:
        match = ARCHIVE_CITATION.match(citation.span.text)
        if match:
            for name in ("source_statement", "source_url", "record_id"):
                if match[name]:
                    layout.fields.append(Field(name, citation.span.sub(match.start(name), match.end(name))))
    statement = layout.first("source_statement")
    if statement:
        match = SOURCE_STATEMENT.match(statement.span.text)
        if match:
            for name in ("archive", "provenance", "translator"):
                layout.fields.append(Field(name, statement.span.sub(match.start(name), match.end(name))))
