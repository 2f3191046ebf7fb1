"""Datasette plugin of the havana-1962 site: citable rows, the dataset version everywhere, readable query results.

Loaded with ``--plugins-dir plugins``; it only uses Datasette's plugin hooks:

- ``extra_template_vars`` gives every page the dataset's title, version and release date (shown in the
  footer, ``templates/_footer.html``) and gives the row pages of the citable tables their ``row_sources``
  (shown under "Cite this" by ``templates/row.html``, whose citation itself comes from ``etl/site/cite.py``):
  the archival citation and address of each record the row comes from. Row pages also get ``row_links``:
  their foreign keys as links with labels.
- ``prepare_connection`` adds ``sentence_at(text, offset)``, used by a canned query to show the sentence
  a translator's gloss sits in, and ``kwic_occurrences(marked)``, each match FTS5's ``highlight()`` marked
  in a turn as a JSON list, so that keyword in context gives one row for each occurrence.
- ``render_cell`` turns row ids in query results into links to their row pages, and shows the
  ``**match**`` marks of the keyword-in-context query as highlighted text.

The version is read from the served database's ``dataset_versions`` table, so the page cites the data it
shows, whatever metadata.yml says.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from etl.publish.memo import memo_of, remembered
from etl.publish.search import occurrences
from etl.site import primary_key_values

# The tables whose row pages carry a "Cite this" block, and how to find the records a row comes from.
# Each query takes the row's primary key as :id and returns document ids.
SOURCE_DOCUMENTS_SQL = {
    "documents": "select document_id from documents where document_id = :id",
    "utterances": "select document_id from utterances where utterance_id = :id",
    "editorial_notes": "select document_id from editorial_notes where note_id = :id",
    "protocol_articles": """
        select editorial_notes.document_id from protocol_articles
          join editorial_notes on editorial_notes.note_id = protocol_articles.source_note_id
          where protocol_articles.article_id = :id
        union
        select utterances.document_id from protocol_articles
          join utterances on utterances.utterance_id = protocol_articles.source_utterance_id
          where protocol_articles.article_id = :id
        union
        select article_references.document_id from article_references
          where article_references.article_id = :id
          and not exists (
            select 1 from protocol_articles
            where article_id = :id and coalesce(source_note_id, source_utterance_id) is not null
          )
    """,
}
CITABLE_TABLES = tuple(SOURCE_DOCUMENTS_SQL)

# Columns of query results that hold the id of a row, and the table the row is in.
ID_COLUMNS = {
    "document_id": "documents",
    "participant_id": "participants",
    "utterance_id": "utterances",
    "note_id": "editorial_notes",
    "article_id": "protocol_articles",
}
# The marks of FTS5 snippet() in the keyword-in-context query: "... we **inspection** of ...".
SNIPPET_MATCH = re.compile(r"\*\*(?P<match>.+?)\*\*")

# A sentence ends at . ? or ! (perhaps closed by a quote or bracket) followed by space, unless the full stop
# closes an initial or a title: "A.I. Mikoyan", "Com. Dorticos", "N.S. Khrushchev".
SENTENCE_END = re.compile(
    r"""(?<![A-Z]\.[A-Z])(?<!\b[A-Z])(?<!\bCom)(?<!\bComrade)(?<!\bMr)(?<!\bDr)(?<!\bSt)
        [.?!]["'”’)\]]*\s+""",
    re.VERBOSE,
)


def sentence_at(text: str | None, offset: int | None) -> str | None:
    """The sentence of ``text`` that contains character ``offset`` (0-based), or None without both.

    >>> sentence_at("We object. The Americans [iuridicheskii] insist. Then what?", 26)
    'The Americans [iuridicheskii] insist.'
    """
    if text is None or offset is None:
        return None
    start = 0
    for end in SENTENCE_END.finditer(text):
        if end.end() > offset:
            return text[start : end.end()].strip()
        start = end.end()
    return text[start:].strip()


@hookimpl
def prepare_connection(conn: Any) -> None:
    conn.create_function("sentence_at", 2, sentence_at, deterministic=True)
    conn.create_function("kwic_occurrences", 1, occurrences, deterministic=True)


# The release of each running Datasette, once read: an immutable database cannot change under the server,
# and reading it for every page cost two queries and four copies of the whole metadata (Datasette copies it
# for each ``datasette.metadata()`` call).
_RELEASES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def dataset_release(datasette: Any) -> dict[str, str] | None:
    """Title, version and release date of the newest version recorded in the served database (read once
    per server when the database is immutable)."""
    if datasette in _RELEASES:
        return _RELEASES[datasette]
    release = await _read_release(datasette)
    if release and not datasette.get_database(release["database"]).is_mutable:
        _RELEASES[datasette] = release
    return release


async def _read_release(datasette: Any) -> dict[str, str] | None:
    for database in datasette.databases.values():
        if database.name.startswith("_") or not await database.table_exists("dataset_versions"):
            continue
        rows = (await database.execute("select version, release_date from dataset_versions")).rows
        if not rows:
            continue
        newest = max(rows, key=lambda row: tuple(int(part) for part in row["version"].split(".")))
        return {
            "title": datasette.metadata("title") or database.name,
            "description": datasette.metadata("description"),
            "license": datasette.metadata("license"),
            "license_url": datasette.metadata("license_url"),
            "version": newest["version"],
            "release_date": newest["release_date"],
            "database": database.name,
        }
    return None


def archival_citation(document: dict[str, Any]) -> str:
    """The archive's citation of a record as printed; where none is printed, one composed in the archive's
    form from the record's printed metadata, leaving out what the record does not say.

    >>> composed = archival_citation({"citation": None, "title": "Memorandum", "date_as_printed": "5 November 1962",
    ...     "record_id": "110969", "archive": "Russian Foreign Ministry archives", "provenance": None,
    ...     "translator": "Mark H. Doctoroff", "title_source": "as printed"})
    >>> for part in composed.split("; "):
    ...     print(part)
    "Memorandum", 5 November 1962, Wilson Center Digital Archive, Russian Foreign Ministry archives
    translation by Mark H. Doctoroff
    """
    if document.get("citation"):
        return document["citation"]
    title = f'"{document["title"]}"'
    if document.get("title_source") != "as printed":
        title += " (title supplied by this project)"
    parts = [title, document.get("date_as_printed") or document.get("date")]
    if document.get("record_id"):  # a Wilson Center Digital Archive record number
        parts.append("Wilson Center Digital Archive")
    parts += [document.get("archive"), document.get("provenance")]
    citation = ", ".join(part for part in parts if part)
    if document.get("translator"):
        citation += f"; translation by {document['translator']}"
    return citation


async def source_records(datasette: Any, database: str, table: str, row_id: str) -> list[dict[str, Any]]:
    """The archival records a row comes from, each with its citation and address."""
    documents = (
        await datasette.get_database(database).execute(
            f"select * from documents where document_id in ({SOURCE_DOCUMENTS_SQL[table]}) order by date, document_id",
            {"id": row_id},
        )
    ).rows
    return [
        {
            "document_id": document["document_id"],
            "citation": archival_citation(dict(document)),
            "as_printed": bool(document["citation"]),
            "url": document["canonical_url"] or document["source_url"],
        }
        for document in documents
    ]


async def row_sources(datasette: Any, database: str, table: str, request: Any) -> list[dict[str, Any]]:
    """The archival records a row page's "Cite this" block names, remembered for the row."""
    (row_id,) = primary_key_values(request.url_vars["pks"])
    return await remembered(
        datasette,
        database,
        ("source records", table, row_id),
        lambda: source_records(datasette, database, table, row_id),
    )


# Per server, database and table: the primary key and one query for a row's foreign keys with their labels.
# The schema of an immutable database cannot change, so it is read once, not on every row page.
_LINK_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def _link_plan(datasette: Any, database: str, table: str) -> tuple[list[str], list[dict[str, str]], str]:
    """The table's primary key columns, its foreign keys, and one SQL query that takes the primary key's
    values and returns each foreign key's value followed by the label of the row it points at."""
    plans = _LINK_PLANS.setdefault(datasette, {})
    if (database, table) in plans:
        return plans[(database, table)]
    db = datasette.get_database(database)
    primary_keys = await db.primary_keys(table) or ["rowid"]
    foreign_keys = []
    selected, joins = [], []
    for number, foreign_key in enumerate(await db.foreign_keys_for_table(table)):
        other_table, other_column = foreign_key["other_table"], foreign_key["other_column"]
        label_column = await db.label_column_for_table(other_table)
        selected.append(f"row.[{foreign_key['column']}]")
        if label_column and label_column != other_column:
            selected.append(f"linked{number}.[{label_column}]")
            joins.append(
                f"left join [{other_table}] as linked{number} "
                f"on linked{number}.[{other_column}] = row.[{foreign_key['column']}]"
            )
        else:
            selected.append("null")
        foreign_keys.append({"column": foreign_key["column"], "other_table": other_table})
    where = " and ".join(f"row.[{column}] = ?" for column in primary_keys)
    sql = f"select {', '.join(selected) or 'null'} from [{table}] as row {' '.join(joins)} where {where} limit 1"
    plan = (primary_keys, foreign_keys, sql)
    if not db.is_mutable:
        plans[(database, table)] = plan
    return plan


async def row_links(datasette: Any, database: str, table: str, request: Any) -> dict[str, dict[str, str]]:
    """For each foreign key of the row shown: the linked row's URL and label, so that a row page reads
    "Ernesto Guevara" where the row holds "guevara" (Datasette's table pages do this, its row pages do not).
    One query per page (``_link_plan``)."""
    values = primary_key_values(request.url_vars["pks"])
    return await remembered(
        datasette, database, ("row links", table, *values), lambda: _row_links(datasette, database, table, values)
    )


async def _row_links(datasette: Any, database: str, table: str, values: list[str]) -> dict[str, dict[str, str]]:
    primary_keys, foreign_keys, sql = await _link_plan(datasette, database, table)
    if len(values) != len(primary_keys) or not foreign_keys:
        return {}
    rows = (await datasette.get_database(database).execute(sql, values)).rows
    if not rows:
        return {}
    links = {}
    for number, foreign_key in enumerate(foreign_keys):
        value, label = rows[0][2 * number], rows[0][2 * number + 1]
        if value is None:
            continue
        links[foreign_key["column"]] = {
            "url": datasette.urls.row(database, foreign_key["other_table"], tilde_encode(str(value))),
            "label": label,
        }
    return links


@hookimpl
def extra_template_vars(database: str | None, table: str | None, view_name: str, request: Any, datasette: Any):
    async def inner() -> dict[str, Any]:
        release = await dataset_release(datasette)
        variables: dict[str, Any] = {"dataset_release": release}
        if (
            release
            and view_name == "row"
            and table in CITABLE_TABLES
            and database == release["database"]
            and request is not None
        ):
            variables["row_sources"] = await row_sources(datasette, database, table, request)
        if view_name == "row" and database and table and request is not None:
            variables["row_links"] = await row_links(datasette, database, table, request)
        return variables

    return inner


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any):
    if table is not None or not isinstance(value, str):
        return None  # table and row pages already link their keys
    if column == "in_context":
        highlighted = SNIPPET_MATCH.sub(lambda match: f"<mark>{match['match']}</mark>", str(escape(value)))
        return Markup(highlighted)
    target = ID_COLUMNS.get(column)
    if target is None:
        return None
    return row_link(datasette, database, target, value)


def row_link(datasette: Any, database: str, table: str, row_id: str) -> Markup:
    """A link to a row's page. Made once per server and row of an immutable database: building the URL
    takes about 10 µs, and a query page links every id of every row it shows (the links do not change while
    the release is served: its route is fixed at startup)."""
    db = datasette.get_database(database)
    key = ("row link", database, table, row_id)
    memo = memo_of(datasette)
    link = None if db.is_mutable else memo.get(key)
    if link is None:
        href = datasette.urls.row(database, table, tilde_encode(row_id))
        link = Markup(f'<a href="{escape(href)}">{escape(row_id)}</a>')
        if not db.is_mutable:
            memo.put(key, link)
    return link
