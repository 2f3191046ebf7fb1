"""The one definition of every table and column of the dataset.

Each table and each column is described here once: its type, its description, its constraints and its
keys. Everything else is rendered from this module, never written by hand:

- the SQLite tables (``load.py`` creates them with sqlite-utils from ``TABLES``);
- the Table Schemas of ``datapackage.json`` (``package.py``);
- the column descriptions of Datasette's ``metadata.yml`` (``site.py``);
- the data dictionary, ``docs/data-dictionary.md`` and the README's table of tables (``python -m etl dictionary``).

Types are Frictionless Table Schema types; ``SQLITE_TYPES`` maps them onto SQLite storage classes.
Naming follows the house conventions: keys end in ``_id``, offsets in ``char_start``/``char_end``
(Python string indices into the seed file decoded as UTF-8, end exclusive).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from etl.curation import load_curated

# Controlled vocabularies. Each is an ``enum`` constraint in the data package and a CHECK in tests. The
# vocabularies an editor may grow (note types, document types, sides) are read from their one curated
# file; the others are the dataset's own design.
_READING = load_curated("reading.yml")
SIDES = tuple(dict.fromkeys(entry["side"] for entry in _READING["sides"]))
MODES = ("direct", "reported", "action", "narration")
ROLES = ("present", "absent", "author", "recorder")
NOTE_TYPES = tuple(load_curated("note_types.yml"))
RESPONSIBILITIES = ("Soviet recorder", "translator", "publishing editor", "archive", "this project")
COMPLETENESS = ("full", "partial", "none")
NAME_KINDS = ("speaker label", "name", "misspelling", "variant spelling", "nickname")
DOCUMENT_TYPES = tuple(entry["document_type"] for entry in _READING["document_types"])
TIMES_OF_DAY = ("morning", "afternoon", "evening", "night")
SPAN_CATEGORIES = (
    "metadata",
    "site_chrome",
    "page_furniture",
    "speaker_label",
    "utterance",
    "editorial_note",
)
# The forms a record's text comes in (etl/read/frame.py recognizes them).
LAYOUTS = ("archive_markdown_page", "archive_web_page", "collection_document", "plain_record")

SQLITE_TYPES = {"string": str, "integer": int, "date": str, "boolean": int, "number": float}


@dataclass(frozen=True)
class Column:
    """One column: its name, Frictionless type, description and constraints."""

    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None
    references: tuple[str, str] | None = None  # (table, column) this column points at


@dataclass(frozen=True)
class Table:
    """One table: its columns, primary key, and how Datasette should show it."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    label_column: str | None = None
    full_text_columns: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = field(default=())
    # A search of this table also finds the rows said by a person the query names (the turns): its full-text
    # index is a table of its own (not sqlite-utils' external-content one, which Datasette would search by
    # itself, requiring every word of the query in the text), and the site's ``filters_from_request``
    # searches it (etl/site/search.py).
    searched_by_speaker: bool = False

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def foreign_keys(self) -> list[tuple[str, str, str]]:
        """(column, other table, other column) for every reference, derived from the columns."""
        return [(c.name, *c.references) for c in self.columns if c.references]


def _seed_columns(what: str) -> tuple[Column, ...]:
    """The three columns that tie a row to the exact characters of its seed file."""
    return (
        Column("seed_file", "string", f"The seed file (under seeds/) that prints the {what}.", required=True),
        Column(
            "char_start",
            "integer",
            f"Offset of the first character of the {what} in the seed file "
            "(0-based index into the file decoded as UTF-8).",
            required=True,
            minimum=0,
        ),
        Column(
            "char_end",
            "integer",
            f"Offset just past the last character of the {what} in the seed file (end exclusive).",
            required=True,
            minimum=0,
        ),
    )


DOCUMENT_ID_PATTERN = r"^\d{4}-\d{2}-\d{2}-[a-z0-9-]+$"

DOCUMENTS = Table(
    name="documents",
    description=(
        "One row per archival record (seed file): a Soviet record of the Havana talks of 3-5 November 1962, "
        "with the archive's metadata as printed."
    ),
    primary_key=("document_id",),
    label_column="title",
    columns=(
        Column(
            "document_id",
            "string",
            "Stable identifier: the date of the talks, then the kind of record (e.g. 1962-11-05-memorandum).",
            required=True,
            unique=True,
            pattern=DOCUMENT_ID_PATTERN,
        ),
        Column("title", "string", "Title of the record as the archive prints it.", required=True),
        Column(
            "title_source",
            "string",
            "Where the title comes from: 'as printed' or, where the seed prints none, the curated entry "
            "that supplies it.",
            required=True,
        ),
        Column("date", "date", "Date of the talks the record reports (ISO 8601).", required=True),
        Column("date_as_printed", "string", "The date exactly as the record or archive prints it."),
        Column(
            "time_of_day",
            "string",
            "Morning, afternoon or evening where the record says so; otherwise empty.",
            enum=TIMES_OF_DAY,
        ),
        Column("place", "string", "Where the talks took place, or where the record was written."),
        Column(
            "place_source", "string", "Where the place comes from: 'as printed', or the curated entry that supplies it."
        ),
        Column("document_type", "string", "Kind of record.", required=True, enum=DOCUMENT_TYPES),
        Column("classification", "string", "Security classification where printed (e.g. Top Secret)."),
        Column(
            "collection_number",
            "string",
            "The record's number in a published collection of documents, as printed (e.g. No. 38).",
        ),
        Column("reference_number", "string", "The registry or dispatch number, as printed (e.g. Spec. No. 2006-2011)."),
        Column("addressee", "string", "To whom the record is addressed, as printed (e.g. CC CPSU)."),
        Column(
            "author_id",
            "string",
            "The participant who wrote or signed the record.",
            references=("participants", "participant_id"),
        ),
        Column("original_language", "string", "Language of the original record where the archive states it."),
        Column("translator", "string", "Translator of the English text, as printed."),
        Column("archive", "string", "Archive holding the original, as printed."),
        Column("provenance", "string", "Who obtained or provided the copy, as printed."),
        Column("citation", "string", "The archive's citation of the record, as printed."),
        Column("source_url", "string", "The record's web address as printed in the seed."),
        Column("record_id", "string", "Wilson Center Digital Archive record number, as printed."),
        Column(
            "canonical_url",
            "string",
            "The archive's permanent address of the record, derived from record_id.",
        ),
        Column("summary", "string", "The archive's summary of the record, as printed."),
        Column("rights", "string", "The archive's rights statement for the record, as printed."),
        Column("heading_as_printed", "string", "The record's own heading, as printed in its body."),
        Column("signature_as_printed", "string", "The closing signature line, as printed (e.g. 3.XI.62 ALEKSEEV)."),
        Column(
            "archival_reference",
            "string",
            "Where the original is kept, as the record's closing line prints it "
            "(e.g. RGANI. F. 3. Op. 66. D. 328. L. 119 - 126. Copy.).",
        ),
        Column(
            "layout",
            "string",
            "The form the record's text comes in: the archive's Markdown or web page, a document of a published "
            "collection, or a plain record.",
            required=True,
            enum=LAYOUTS,
        ),
        Column(
            "seed_file", "string", "The seed file (under seeds/) the record is read from.", required=True, unique=True
        ),
        Column("seed_sha256", "string", "SHA-256 checksum of the seed file.", required=True, pattern=r"^[0-9a-f]{64}$"),
        Column("seed_nonblank_chars", "integer", "Number of non-blank characters in the seed file.", required=True),
        Column(
            "unaccounted_chars",
            "integer",
            "Non-blank characters of the seed not covered by any span in seed_spans (0 for a complete build).",
            required=True,
        ),
    ),
)

PARTICIPANTS = Table(
    name="participants",
    description="One row per person who took part in at least one of the talks (present, author or recorder).",
    primary_key=("participant_id",),
    label_column="name",
    columns=(
        Column(
            "participant_id", "string", "Stable identifier (e.g. mikoyan, fidel-castro).", required=True, unique=True
        ),
        Column("name", "string", "Canonical name, with diacritics.", required=True),
        Column(
            "side",
            "string",
            "The side the person spoke for (Soviet, Cuban, American ...; etl/curated/reading.yml lists them).",
            enum=SIDES,
        ),
        Column("position", "string", "Office held in November 1962."),
        Column("source", "string", "Where the name, side and position come from.", required=True),
        Column(
            "is_provisional",
            "boolean",
            "True for a participant the build created from an unknown speaker label (to be curated).",
            required=True,
        ),
    ),
)

PARTICIPANT_NAMES = Table(
    name="participant_names",
    description="Every form a participant's name takes in a record, as printed, with what kind of form it is.",
    primary_key=("participant_id", "name_as_printed", "document_id"),
    label_column="name_as_printed",
    columns=(
        Column(
            "participant_id",
            "string",
            "The participant named.",
            required=True,
            references=("participants", "participant_id"),
        ),
        Column("name_as_printed", "string", "The name exactly as printed.", required=True),
        Column(
            "kind",
            "string",
            "Speaker label, name, misspelling, variant spelling or nickname.",
            required=True,
            enum=NAME_KINDS,
        ),
        Column(
            "document_id",
            "string",
            "The record that prints it.",
            required=True,
            references=("documents", "document_id"),
        ),
        Column("occurrences", "integer", "How many times the record prints this form.", required=True, minimum=1),
        Column(
            "first_char_start", "integer", "Offset of the first occurrence in the seed file.", required=True, minimum=0
        ),
    ),
)

DOCUMENT_PARTICIPANTS = Table(
    name="document_participants",
    description="Who was present at, absent from, wrote or recorded each conversation, with the words that say so.",
    primary_key=("document_id", "participant_id", "role"),
    columns=(
        Column("document_id", "string", "The record.", required=True, references=("documents", "document_id")),
        Column("participant_id", "string", "The person.", required=True, references=("participants", "participant_id")),
        Column("role", "string", "Present, absent, author or recorder.", required=True, enum=ROLES),
        Column("evidence", "string", "The words of the seed that establish the role, as printed.", required=True),
        *_seed_columns("evidence"),
    ),
)

UTTERANCES = Table(
    name="utterances",
    description=(
        "One row per speaker turn, in the order of the record: a transcript turn, a reported statement, "
        "a reported action, or the recorder's own narration."
    ),
    primary_key=("utterance_id",),
    label_column="utterance_id",
    full_text_columns=("spoken_text",),
    searched_by_speaker=True,
    indexes=(("document_id", "seq"), ("participant_id",)),
    columns=(
        Column(
            "utterance_id",
            "string",
            "Stable identifier: the document id and the turn number (e.g. 1962-11-05-memorandum-u001).",
            required=True,
            unique=True,
        ),
        Column("document_id", "string", "The record.", required=True, references=("documents", "document_id")),
        Column("seq", "integer", "Position of the turn in the record, from 1.", required=True, minimum=1),
        Column(
            "participant_id",
            "string",
            "The speaker; empty for the recorder's narration.",
            references=("participants", "participant_id"),
        ),
        Column(
            "speaker_label",
            "string",
            "The speaker's label or name as printed (e.g. A.I. MIKOYAN, C.R. RODRIGUEZ, Fidel Castro).",
        ),
        Column("speaker_label_char_start", "integer", "Offset of the speaker label in the seed file.", minimum=0),
        Column("speaker_label_char_end", "integer", "Offset just past the speaker label in the seed file.", minimum=0),
        Column(
            "lead_in",
            "string",
            "What is printed before the turn's text: its transcript label with its punctuation and any words up to "
            "the text (e.g. 'A.I. MIKOYAN.', 'A.I. MIKOYAN, to Che:'); empty when the speaker's name is printed "
            "inside the text or not at all.",
        ),
        Column(
            "speaker_label_offset_in_text",
            "integer",
            "Where the speaker label starts within the turn's text (0-based) when it is printed inside the words "
            "(e.g. 'Unfortunately, A.I. Mikoyan said, ...'); empty when it is printed before them (see lead_in) or "
            "not at all.",
            minimum=0,
        ),
        Column(
            "mode",
            "string",
            "direct (transcript turn), reported (the recorder reports what was said), "
            "action (e.g. 'DORTICOS objects.') "
            "or narration (the recorder's own words).",
            required=True,
            enum=MODES,
        ),
        Column(
            "addressee_id",
            "string",
            "The person addressed where the label names one (e.g. 'A.I. MIKOYAN, to Che:').",
            references=("participants", "participant_id"),
        ),
        Column(
            "text",
            "string",
            "The words as printed, without the speaker label of a transcript turn; "
            "paragraphs are separated by a blank line.",
            required=True,
        ),
        Column("paragraphs", "integer", "Number of paragraphs in the turn.", required=True, minimum=1),
        Column(
            "words", "integer", "Number of words in the text (runs of non-space characters).", required=True, minimum=1
        ),
        Column(
            "spoken_text",
            "string",
            "The speaker's words as recorded: the text without the words that editorial notes mark as added inside "
            "it (the translator's and editors' bracketed insertions, glosses and queries, footnote numbers, page "
            "furniture; note_types.spoken says which). Full-text search of the turns searches this column.",
            required=True,
        ),
        Column(
            "spoken_words",
            "integer",
            "Number of words in spoken_text: the words of the turn that are the speaker's (or, for reported speech "
            "and narration, the recorder's account), not an editor's.",
            required=True,
            minimum=0,
        ),
        *_seed_columns("turn's text"),
    ),
)

NOTE_TYPES_TABLE = Table(
    name="note_types",
    description="The kinds of editorial note, what each means and whose it usually is.",
    primary_key=("note_type",),
    label_column="note_type",
    columns=(
        Column("note_type", "string", "The kind of note.", required=True, unique=True, enum=NOTE_TYPES),
        Column("description", "string", "What notes of this kind are, with an example from the seeds.", required=True),
        Column("resp", "string", "Whose note it usually is.", required=True, enum=RESPONSIBILITIES),
        Column(
            "spoken",
            "boolean",
            "Whether the words a note of this kind marks inside a turn are the speaker's as recorded (a misprint) "
            "or added to them (an insertion); the turn's spoken_text leaves out the latter.",
            required=True,
        ),
    ),
)

EDITORIAL_NOTES = Table(
    name="editorial_notes",
    description=(
        "Every bracketed insertion and every note of an editor, translator, archive or of this project, "
        "including the defects of the text that this project records."
    ),
    primary_key=("note_id",),
    label_column="marker",
    # explanation: what this project says is wrong with the text (defects), searchable with the note's words.
    full_text_columns=("text", "explanation"),
    indexes=(("document_id",), ("utterance_id",), ("note_type",)),
    columns=(
        Column(
            "note_id",
            "string",
            "Stable identifier: the document id and the note number (e.g. 1962-11-05-memorandum-n001).",
            required=True,
            unique=True,
        ),
        Column("document_id", "string", "The record.", required=True, references=("documents", "document_id")),
        Column(
            "utterance_id",
            "string",
            "The turn the note sits in or follows; empty for a note on the whole record.",
            references=("utterances", "utterance_id"),
        ),
        Column(
            "note_type",
            "string",
            "The kind of note.",
            required=True,
            enum=NOTE_TYPES,
            references=("note_types", "note_type"),
        ),
        Column("marker", "string", "The note exactly as printed, brackets included.", required=True),
        Column("text", "string", "The note's words, without brackets or label.", required=True),
        Column(
            "offset_in_utterance", "integer", "Where the marker starts within the turn's text (0-based).", minimum=0
        ),
        Column(
            "article_id",
            "string",
            "The protocol article the note quotes.",
            references=("protocol_articles", "article_id"),
        ),
        Column("resp", "string", "Whose note it is.", required=True, enum=RESPONSIBILITIES),
        Column("explanation", "string", "For notes of this project (defects): what is wrong and how it was found."),
        Column(
            "enclosing_note_id",
            "string",
            "The note this one is printed inside, the innermost (e.g. '[UN]' inside an editor's note quoting an "
            "article); empty for a note printed in the text.",
            references=("editorial_notes", "note_id"),
        ),
        *_seed_columns("note's marker"),
    ),
)

PROTOCOL_ARTICLES = Table(
    name="protocol_articles",
    description=(
        "The articles of the draft Soviet-American-Cuban protocol of 31 October 1962 that the talks quote or name."
    ),
    primary_key=("article_id",),
    label_column="label",
    columns=(
        Column(
            "article_id",
            "string",
            "Stable identifier (e.g. protocol-1962-10-31-article-13).",
            required=True,
            unique=True,
        ),
        Column("label", "string", "A short name for the article (e.g. Article 13).", required=True),
        Column("protocol", "string", "The protocol, titled as cited.", required=True),
        Column("protocol_date", "date", "Date of the draft protocol (ISO 8601).", required=True),
        Column("article_number", "integer", "The article's number.", required=True, minimum=1),
        Column("text", "string", "The article's text as quoted in the records; empty where it is only named."),
        Column(
            "completeness",
            "string",
            "full (quoted whole), partial (a quoted part) or none (only named).",
            required=True,
            enum=COMPLETENESS,
        ),
        Column(
            "source_note_id",
            "string",
            "The editor's note that quotes the article in full.",
            references=("editorial_notes", "note_id"),
        ),
        Column(
            "source_utterance_id",
            "string",
            "The turn that quotes part of the article.",
            references=("utterances", "utterance_id"),
        ),
    ),
)

ARTICLE_REFERENCES = Table(
    name="article_references",
    description="Every place where a turn or a note names a protocol article.",
    primary_key=("reference_id",),
    indexes=(("article_id",),),
    columns=(
        Column(
            "reference_id",
            "string",
            "Stable identifier: the document id and the reference number.",
            required=True,
            unique=True,
        ),
        Column("document_id", "string", "The record.", required=True, references=("documents", "document_id")),
        Column(
            "utterance_id",
            "string",
            "The turn that names the article; empty when a note names it.",
            references=("utterances", "utterance_id"),
        ),
        Column(
            "note_id",
            "string",
            "The note that names the article; empty when a turn names it.",
            references=("editorial_notes", "note_id"),
        ),
        Column(
            "article_id", "string", "The article named.", required=True, references=("protocol_articles", "article_id")
        ),
        Column(
            "phrase",
            "string",
            "The words that name it, as printed (e.g. 'article 13', 'the 10th article').",
            required=True,
        ),
        Column(
            "offset_in_utterance",
            "integer",
            "Where the phrase starts within the turn's (or note's) text.",
            required=True,
            minimum=0,
        ),
        *_seed_columns("phrase"),
    ),
)

SEED_SPANS = Table(
    name="seed_spans",
    description=(
        "The ledger of every seed's text: each span is a metadata field, a turn, a speaker label, a note, "
        "or text this dataset deliberately does not use (site chrome, page furniture). Together they cover "
        "every non-blank character."
    ),
    primary_key=("span_id",),
    indexes=(("document_id",),),
    columns=(
        Column(
            "span_id", "string", "Stable identifier: the document id and the span number.", required=True, unique=True
        ),
        Column("document_id", "string", "The record.", required=True, references=("documents", "document_id")),
        Column("category", "string", "What the span is.", required=True, enum=SPAN_CATEGORIES),
        Column(
            "field",
            "string",
            "For metadata: the documents column it fills; for chrome: what it is; else the row id it belongs to.",
            required=True,
        ),
        Column("text", "string", "The span's text exactly as printed.", required=True),
        *_seed_columns("span"),
    ),
)

DATASET_VERSIONS = Table(
    name="dataset_versions",
    description="The dataset's versions, so that any query result can be tied to the release that produced it.",
    primary_key=("version",),
    label_column="version",
    columns=(
        Column(
            "version",
            "string",
            "Semantic version of the dataset.",
            required=True,
            unique=True,
            pattern=r"^\d+\.\d+\.\d+$",
        ),
        Column("release_date", "date", "Date of the release (ISO 8601).", required=True),
        Column("changes", "string", "What the version changed.", required=True),
        Column("seed_checksums", "string", "SHA-256 of every seed file, as a JSON object.", required=True),
        Column("schema_hash", "string", "SHA-256 of the schema definition the build used.", required=True),
    ),
)

TABLES: tuple[Table, ...] = (
    DOCUMENTS,
    PARTICIPANTS,
    PARTICIPANT_NAMES,
    DOCUMENT_PARTICIPANTS,
    UTTERANCES,
    NOTE_TYPES_TABLE,
    EDITORIAL_NOTES,
    PROTOCOL_ARTICLES,
    ARTICLE_REFERENCES,
    SEED_SPANS,
    DATASET_VERSIONS,
)

TABLES_BY_NAME = {table.name: table for table in TABLES}

# A flat view for people who want one CSV: each turn with its record's date and title and its speaker's
# name and side.
TURNS_VIEW_NAME = "turns"
TURNS_VIEW_DESCRIPTION = (
    "One row per turn, with the record's date and title and the speaker's name and side beside the text."
)


@dataclass(frozen=True)
class ViewColumn:
    """A column of a view: the table and column it selects, and its name in the view."""

    table: str
    column: str
    alias: str | None = None

    @property
    def name(self) -> str:
        return self.alias or self.column


@dataclass(frozen=True)
class View:
    """A view as data: its columns (each the column of a table), its joins and its order. Its SQL is
    rendered from this, and so are its column descriptions and its Table Schema; nothing parses it back."""

    name: str
    description: str
    from_table: str
    joins: tuple[tuple[str, str, str], ...]  # (JOIN or LEFT JOIN, table, condition)
    columns: tuple[ViewColumn, ...]
    order_by: str

    @property
    def optional_tables(self) -> set[str]:
        """Tables joined with LEFT JOIN, whose columns may be empty in the view."""
        return {table for kind, table, _ in self.joins if kind.upper().startswith("LEFT")}

    @property
    def sql(self) -> str:
        selected = ",\n".join(
            f"  {column.table}.{column.column}" + (f" AS {column.alias}" if column.alias else "")
            for column in self.columns
        )
        joins = "\n".join(f"{kind} {table} ON {condition}" for kind, table, condition in self.joins)
        return f"SELECT\n{selected}\nFROM {self.from_table}\n{joins}\nORDER BY {self.order_by}"


TURNS_VIEW = View(
    name=TURNS_VIEW_NAME,
    description=TURNS_VIEW_DESCRIPTION,
    from_table="utterances",
    joins=(
        ("JOIN", "documents", "documents.document_id = utterances.document_id"),
        ("LEFT JOIN", "participants", "participants.participant_id = utterances.participant_id"),
    ),
    columns=(
        ViewColumn("utterances", "utterance_id"),
        ViewColumn("documents", "date"),
        ViewColumn("documents", "document_id"),
        ViewColumn("documents", "title", "document_title"),
        ViewColumn("utterances", "seq"),
        ViewColumn("utterances", "mode"),
        ViewColumn("utterances", "participant_id"),
        ViewColumn("participants", "name", "speaker_name"),
        ViewColumn("participants", "side", "speaker_side"),
        ViewColumn("utterances", "speaker_label"),
        ViewColumn("utterances", "text"),
        ViewColumn("utterances", "words"),
        ViewColumn("utterances", "spoken_words"),
    ),
    order_by="documents.date, utterances.seq",
)
TURNS_VIEW_SQL = TURNS_VIEW.sql


def schema_hash() -> str:
    """SHA-256 of the schema definition, so that a release records exactly which schema built it."""
    described = [
        {
            "name": table.name,
            "primary_key": table.primary_key,
            "columns": [column.__dict__ for column in table.columns],
        }
        for table in TABLES
    ]
    payload = json.dumps([described, TURNS_VIEW_SQL], sort_keys=True, default=list)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
