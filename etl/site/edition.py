"""Datasette plugin of the reading edition: each record readable as a document, a page per person, the
editorial method, and links into them from Datasette's own pages.

Loaded with ``--plugins-dir plugins``; it only uses Datasette's documented plugin hooks:

- ``register_routes``: ``/record/<document_id>`` (the record as a document: header, turns, footnotes),
  ``/record/<document_id>.txt`` (its text as printed), ``/people`` (everyone, with a person-by-record grid of
  roles), ``/person/<participant_id>``, ``/method`` (the editorial method) and ``/edition.css``.
- ``extra_template_vars``: the home page's list of records, people and tables; the links from a row page
  of documents, utterances, editorial_notes or participants to the record or person page.
- ``menu_links``: the records, the people and the method in Datasette's menu.
- ``extra_css_urls``: the edition's stylesheet on every page (phone layout included).
- ``extra_body_script``: a text alternative for datasette-vega charts (the table below them, captioned).
- ``render_cell``: a "read in the record" link before every turn's text in tables and query results, and
  the artefacts of the web copies marked in the documents table.

Everything is read from the served database: any number of records, people, roles and note types. What
the text looks like (footnote marks, defects, plain text) is decided by ``etl.publish.edition``, pure code.
"""

from __future__ import annotations

import hashlib
import weakref
from pathlib import Path
from typing import Any

from datasette import NotFound, Response, hookimpl
from datasette.utils import tilde_decode, tilde_encode
from markupsafe import Markup, escape

from etl.publish.edition import (
    Footnote,
    annotate,
    artefacts_in,
    curated_files,
    group_by,
    label_in_text,
    load_copy_artefacts,
    long_date,
    mark_artefacts,
    mode_in_words,
    note_body_marks,
    plain_description,
    record_sort_key,
    record_text,
    short_anchor,
    turn_marks,
    whose,
)
from etl.schema import ROLES

STYLESHEET = Path(__file__).resolve().parent / "static" / "edition.css"
# The stylesheet's URL carries a hash of its content, so a browser never keeps a stale copy.
STYLESHEET_VERSION = hashlib.sha256(STYLESHEET.read_bytes()).hexdigest()[:12] if STYLESHEET.exists() else "0"

# The tables a reader of the edition does not need: the ledger of the seeds' characters. They are listed
# last on the home page, with the full-text indexes (Datasette's hidden tables), and say what they are.
INTERNAL_TABLES = ("seed_spans",)

# Up to this many records, the people index is a person-by-record grid and a person page lists every record
# (an empty cell says "not there"); a larger collection lists, for each person, only the records they are in,
# since a grid of a hundred columns fits no screen.
GRID_MAX_RECORDS = 12

# Columns of query results and tables that hold a turn's words: each gets a "read in the record" link.
TURN_TEXT_COLUMNS = ("text", "passage")

COPY_ARTEFACTS = load_copy_artefacts()


# ---------------------------------------------------------------------------------------------------
# Finding the dataset and reading rows.


# The database that holds the records, per server: every page asks (the menu), and looking costs two
# queries through Datasette's SQL threads, where under load they wait behind the page's own queries. An
# immutable database cannot stop holding them, so it is looked for once.
_EDITION_DATABASES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def edition_database(datasette: Any) -> Any | None:
    """The served database that holds the records (the first with documents and utterances), or None."""
    if datasette in _EDITION_DATABASES:
        return _EDITION_DATABASES[datasette]
    for database in datasette.databases.values():
        if database.name.startswith("_"):
            continue
        if await database.table_exists("documents") and await database.table_exists("utterances"):
            if not database.is_mutable:
                _EDITION_DATABASES[datasette] = database
            return database
    return None


async def rows(database: Any, sql: str, params: dict | list | None = None) -> list[dict[str, Any]]:
    return [dict(row) for row in (await database.execute(sql, params or {})).rows]


def row_url(datasette: Any, database: Any, table: str, row_id: str) -> str:
    return datasette.urls.row(database.name, table, tilde_encode(row_id))


async def records_in_order(database: Any) -> list[dict[str, Any]]:
    """Every record with its number of turns, in the order of the talks."""
    documents = await rows(
        database,
        """select documents.*,
                  (select count(*) from utterances where utterances.document_id = documents.document_id) as turns,
                  (select count(*) from editorial_notes where editorial_notes.document_id = documents.document_id
                     and editorial_notes.note_type = 'defect') as defects
           from documents""",
    )
    return sorted(documents, key=record_sort_key)


async def participants_by_id(database: Any) -> dict[str, dict[str, Any]]:
    return {row["participant_id"]: row for row in await rows(database, "select * from participants")}


def person_url(datasette: Any, participant_id: str) -> str:
    return datasette.urls.path(f"/person/{tilde_encode(participant_id)}")


def record_url(datasette: Any, document_id: str, anchor: str | None = None) -> str:
    return datasette.urls.path(f"/record/{tilde_encode(document_id)}") + (f"#{anchor}" if anchor else "")


def role_order(roles: set[str]) -> list[str]:
    """The schema's roles first, in its order, then any other role the data has."""
    return [role for role in ROLES if role in roles] + sorted(roles - set(ROLES))


async def render(datasette: Any, request: Any, template: str, context: dict[str, Any], view_name: str) -> Response:
    html = await datasette.render_template(template, context, request=request, view_name=view_name)
    return Response.html(html)


# ---------------------------------------------------------------------------------------------------
# The record page.


async def record_context(datasette: Any, database: Any, document_id: str) -> dict[str, Any]:
    """Everything the record page shows, read from the database."""
    documents = await records_in_order(database)
    index = next((i for i, document in enumerate(documents) if document["document_id"] == document_id), None)
    if index is None:
        raise NotFound(f"No record {document_id}")
    document = documents[index]
    people = await participants_by_id(database)
    roles = await rows(
        database,
        "select * from document_participants where document_id = :id order by char_start",
        {"id": document_id},
    )
    utterances = await rows(
        database, "select * from utterances where document_id = :id order by seq", {"id": document_id}
    )
    notes = await rows(
        database, "select * from editorial_notes where document_id = :id order by char_start", {"id": document_id}
    )
    references = await rows(
        database, "select * from article_references where document_id = :id order by char_start", {"id": document_id}
    )
    note_types = {row["note_type"]: row for row in await rows(database, "select * from note_types")}

    def article_url(article_id: str) -> str:
        return row_url(datasette, database, "protocol_articles", article_id)

    by_role: dict[str, list[dict[str, Any]]] = {}
    for role in roles:
        person = people.get(role["participant_id"], {"name": role["participant_id"], "side": None, "position": None})
        by_role.setdefault(role["role"], []).append(
            {**role, "person": person, "url": person_url(datasette, role["participant_id"])}
        )

    children_of = group_by(notes, "enclosing_note_id")
    notes_of_turn = group_by((note for note in notes if note["enclosing_note_id"] is None), "utterance_id")
    references_of_turn = group_by(references, "utterance_id")
    references_of_note = group_by(references, "note_id")

    turns, footnotes = [], []
    number = 1
    for utterance in utterances:
        planned = turn_marks(
            utterance["text"],
            notes_of_turn.get(utterance["utterance_id"], []),
            references_of_turn.get(utterance["utterance_id"], []),
            children_of,
            number,
            document_id,
            article_url,
        )
        # The printed label: before the text ("A.I. MIKOYAN expressed ..."), or inside it
        # ("..., A.I. Mikoyan said, ...").
        label = label_in_text(utterance)
        marks = [*planned.marks, *([label] if label else [])]
        number += len(planned.footnotes)
        footnotes.extend(planned.footnotes)
        speaker = people.get(utterance["participant_id"]) if utterance["participant_id"] else None
        anchor = short_anchor(utterance["utterance_id"], document_id)
        turns.append(
            {
                **utterance,
                "anchor": anchor,
                "person": speaker,
                "person_url": person_url(datasette, utterance["participant_id"]) if speaker else None,
                "addressee": people.get(utterance["addressee_id"]) if utterance["addressee_id"] else None,
                "mode_words": mode_in_words(utterance["mode"]),
                "paragraphs": annotate(utterance["text"], marks),
                "row_url": row_url(datasette, database, "utterances", utterance["utterance_id"]),
            }
        )

    by_number = {footnote.number: footnote for footnote in footnotes}
    for footnote in footnotes:
        note = footnote.note
        children = [by_number[child] for child in footnote.children]
        note_references = references_of_note.get(note["note_id"], [])
        footnote.body = Markup("<br>").join(
            annotate(note["marker"], note_body_marks(note, children, note_references, article_url))
        )
    end_notes = []  # notes on the whole record (no turn), in the order printed, each followed by those inside it
    for note in notes:
        if note["utterance_id"] is None and note["enclosing_note_id"] is None:
            for shown_note in [note, *children_of.get(note["note_id"], [])]:
                end_notes.append(
                    {
                        **shown_note,
                        "anchor": short_anchor(shown_note["note_id"], document_id),
                        "body": Markup("<br>").join(annotate(shown_note["marker"], [])),
                    }
                )
    enclosing_number = {child: footnote.number for footnote in footnotes for child in footnote.children}

    def footnote_view(footnote: Footnote | dict[str, Any]) -> dict[str, Any]:
        """A numbered footnote, or a note shown without a number (a dict of the note, its anchor and body)."""
        if isinstance(footnote, Footnote):
            number = footnote.number
            view = (footnote.number, footnote.anchor, footnote.note, footnote.in_text, footnote.body)
            return note_view(*view, enclosing=enclosing_number.get(number))
        return note_view(None, footnote["anchor"], footnote, False, footnote["body"], enclosing=None)

    def note_view(
        number: int | None, anchor: str, note: dict[str, Any], in_text: bool, body: Markup, enclosing: int | None
    ) -> dict[str, Any]:
        note_type = note_types.get(note["note_type"], {})
        return {
            "number": number,
            "anchor": anchor,
            "note": note,
            "in_text": in_text,
            "body": body,
            "enclosing": enclosing,
            "kind": plain_description(note_type.get("description", note["note_type"])),
            "whose": whose(note["resp"]),
            "is_defect": note["note_type"] == "defect",
            "row_url": row_url(datasette, database, "editorial_notes", note["note_id"]),
            "article_url": article_url(note["article_id"]) if note["article_id"] else None,
        }

    document_artefacts = {
        column: artefacts_in(document.get(column), "documents", column, COPY_ARTEFACTS)
        for column in ("citation", "source_url", "rights", "summary", "title")
    }
    method_artefacts = datasette.urls.path("/method") + "#copy-artefacts"
    shown = {
        column: mark_artefacts(document[column], found, method_artefacts) if found else (document.get(column) or "")
        for column, found in document_artefacts.items()
    }
    database_url = datasette.urls.database(database.name)
    turns_filter = f"?document_id={tilde_encode(document_id)}&_sort=seq"
    return {
        "document": document,
        "shown": shown,
        "artefacts": [a for found in document_artefacts.values() for a in found],
        "record_date": long_date(document["date"]),
        "long_date": long_date,
        "by_role": by_role,
        "roles": role_order(set(by_role)),
        "turns": turns,
        "sides": sorted({turn["person"]["side"] for turn in turns if turn["person"] and turn["person"]["side"]}),
        "footnotes": [footnote_view(f) for f in footnotes],
        "end_notes": [footnote_view(note) for note in end_notes],
        "defects": document["defects"],
        "previous": documents[index - 1] if index > 0 else None,
        "next": documents[index + 1] if index + 1 < len(documents) else None,
        "record_url": lambda doc: record_url(datasette, doc),
        "document_row_url": row_url(datasette, database, "documents", document_id),
        "text_url": datasette.urls.path(f"/record/{tilde_encode(document_id)}.txt"),
        "csv_url": f"{database_url}/turns.csv{turns_filter}&_size=max",
        "json_url": f"{database_url}/turns.json{turns_filter}&_size=max&_shape=array",
        "notes_url": f"{database_url}/editorial_notes?document_id={tilde_encode(document_id)}",
        "method_url": datasette.urls.path("/method"),
        "database": database.name,
    }


async def record_page(datasette: Any, request: Any) -> Response:
    database = await edition_database(datasette)
    if database is None:
        raise NotFound("No records are served")
    context = await record_context(datasette, database, request.url_vars["document_id"])
    return await render(datasette, request, "edition/record.html", context, "record")


async def record_text_download(datasette: Any, request: Any) -> Response:
    """The record's text as printed, rebuilt from the seed_spans ledger, as a plain-text file."""
    database = await edition_database(datasette)
    document_id = request.url_vars["document_id"]
    if database is None or not await rows(
        database, "select 1 from documents where document_id = :id", {"id": document_id}
    ):
        raise NotFound(f"No record {document_id}")
    spans = await rows(
        database,
        "select category, text, char_start, char_end from seed_spans where document_id = :id",
        {"id": document_id},
    )
    return Response.text(
        record_text(spans),
        headers={"content-disposition": f'inline; filename="{document_id}.txt"'},
    )


# ---------------------------------------------------------------------------------------------------
# People.


async def roles_grid(database: Any) -> tuple[list[dict[str, Any]], dict[tuple[str, str], list[dict[str, Any]]]]:
    """The records in order, and each (participant, record)'s roles with the words that say so."""
    documents = await records_in_order(database)
    grid: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for role in await rows(database, "select * from document_participants"):
        grid.setdefault((role["participant_id"], role["document_id"]), []).append(role)
    for cell in grid.values():
        order = role_order({role["role"] for role in cell})
        cell.sort(key=lambda role: order.index(role["role"]))
    return documents, grid


async def speaking_figures(database: Any) -> dict[tuple[str, str], dict[str, int]]:
    """Turns and words of each (participant, record)."""
    figures = await rows(
        database,
        """select participant_id, document_id, count(*) as turns, sum(words) as words, min(seq) as first_seq,
                  min(utterance_id) as first_utterance_id
           from utterances where participant_id is not null group by participant_id, document_id""",
    )
    return {(row["participant_id"], row["document_id"]): row for row in figures}


async def people_page(datasette: Any, request: Any) -> Response:
    database = await edition_database(datasette)
    if database is None:
        raise NotFound("No records are served")
    documents, grid = await roles_grid(database)
    figures = await speaking_figures(database)
    people = sorted((await participants_by_id(database)).values(), key=lambda p: (p["side"] or "", p["name"]))
    context = {
        "documents": documents,
        "as_grid": len(documents) <= GRID_MAX_RECORDS,
        "people": people,
        "grid": grid,
        "figures": figures,
        "long_date": long_date,
        "person_url": lambda pid: person_url(datasette, pid),
        "record_url": lambda doc, anchor=None: record_url(datasette, doc, anchor),
        "database": database.name,
    }
    return await render(datasette, request, "edition/people.html", context, "people")


async def person_page(datasette: Any, request: Any) -> Response:
    database = await edition_database(datasette)
    if database is None:
        raise NotFound("No records are served")
    participant_id = request.url_vars["participant_id"]
    people = await participants_by_id(database)
    person = people.get(participant_id)
    if person is None:
        raise NotFound(f"No participant {participant_id}")
    documents, grid = await roles_grid(database)
    figures = await speaking_figures(database)
    names = await rows(
        database,
        "select * from participant_names where participant_id = :id order by name_as_printed, document_id",
        {"id": participant_id},
    )
    turns = await rows(
        database,
        "select * from utterances where participant_id = :id",
        {"id": participant_id},
    )
    order = {document["document_id"]: index for index, document in enumerate(documents)}
    all_documents = documents
    if len(documents) > GRID_MAX_RECORDS:  # only the records this person is in
        documents = [
            document
            for document in documents
            if (participant_id, document["document_id"]) in grid or (participant_id, document["document_id"]) in figures
        ]
    turns.sort(key=lambda turn: (order.get(turn["document_id"], len(order)), turn["seq"]))
    for turn in turns:  # (each turn's lead_in, the label printed before its words, is a column of its row)
        turn["anchor"] = short_anchor(turn["utterance_id"], turn["document_id"])
        turn["mode_words"] = mode_in_words(turn["mode"])
        turn["paragraphs"] = annotate(turn["text"], [])
    database_url = datasette.urls.database(database.name)
    context = {
        "person": person,
        "names": names,
        "documents": documents,
        "documents_by_id": {document["document_id"]: document for document in all_documents},
        "grid": grid,
        "figures": figures,
        "turns": turns,
        "roles": role_order({role["role"] for cell in grid.values() for role in cell}),
        "long_date": long_date,
        "record_url": lambda doc, anchor=None: record_url(datasette, doc, anchor),
        "row_url": row_url(datasette, database, "participants", participant_id),
        "turns_url": f"{database_url}/turns?participant_id={tilde_encode(participant_id)}",
        "database": database.name,
    }
    return await render(datasette, request, "edition/person.html", context, "person")


# ---------------------------------------------------------------------------------------------------
# The editorial method.


async def method_page(datasette: Any, request: Any) -> Response:
    database = await edition_database(datasette)
    if database is None:
        raise NotFound("No records are served")
    note_types = await rows(
        database,
        """select note_types.*,
                  (select count(*) from editorial_notes where editorial_notes.note_type = note_types.note_type) as notes
           from note_types order by rowid""",
    )
    categories = await rows(
        database,
        "select category, count(*) as spans, sum(char_end - char_start) as characters from seed_spans "
        "group by category order by category",
    )
    documents = await records_in_order(database)
    database_url = datasette.urls.database(database.name)
    artefacts = []
    for artefact in COPY_ARTEFACTS:
        found_in = [
            {"document": document, "column": column}
            for document in documents
            for column in artefact.columns
            if artefact.table == "documents" and artefact.printed in (document.get(column) or "")
        ]
        artefacts.append({"artefact": artefact, "found_in": found_in})
    context = {
        "note_types": note_types,
        "categories": categories,
        "documents": documents,
        "artefacts": artefacts,
        "curated_files": curated_files(),
        "long_date": long_date,
        "whose": whose,
        "record_url": lambda doc, anchor=None: record_url(datasette, doc, anchor),
        "database_url": database_url,
        "database": database.name,
    }
    return await render(datasette, request, "edition/method.html", context, "method")


async def stylesheet(datasette: Any, request: Any) -> Response:
    return Response(
        STYLESHEET.read_text(encoding="utf-8"),
        content_type="text/css; charset=utf-8",
        headers={"cache-control": "public, max-age=31536000, immutable"},
    )


# ---------------------------------------------------------------------------------------------------
# Hooks.


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/record/(?P<document_id>[^/]+)\.txt$", record_text_download),
        (r"^/record/(?P<document_id>[^/.]+)$", record_page),
        (r"^/people$", people_page),
        (r"^/person/(?P<participant_id>[^/.]+)$", person_page),
        (r"^/method$", method_page),
        (r"^/edition\.css$", stylesheet),
    ]


# datasette-vega draws a chart of the rows above the results table (a canvas or svg with class "marks"),
# Its text alternative is the table: the chart is labelled as the picture of
# the table's rows and the table gets a caption that says so. The chart is drawn after the page loads and
# redrawn when its options change, so the labels are set whenever the page changes.
CHART_TEXT_ALTERNATIVE = """
(function () {
  function label() {
    var table = document.querySelector('table.rows-and-columns');
    var charts = document.querySelectorAll('canvas.marks, svg.marks');
    if (!table || !charts.length) return;
    if (!table.querySelector('caption.chart-alternative')) {
      var caption = document.createElement('caption');
      caption.className = 'chart-alternative';
      caption.id = 'chart-alternative';
      caption.textContent = 'The rows of this table are the data of the chart above: read them here.';
      table.insertBefore(caption, table.firstChild);
    }
    var params = new URLSearchParams(location.hash.slice(1));
    var what = params.get('g.mark') ? params.get('g.mark') + ' chart of ' + (params.get('g.y_column') || 'values')
      + ' by ' + (params.get('g.x_column') || 'row') : 'Chart of the rows below';
    charts.forEach(function (chart) {
      chart.setAttribute('role', 'img');
      chart.setAttribute('aria-label', what + '; the same data is in the table below.');
      chart.setAttribute('aria-describedby', 'chart-alternative');
    });
  }
  new MutationObserver(label).observe(document.body, {childList: true, subtree: true});
  label();
})();
"""


@hookimpl
def extra_body_script() -> str:
    return CHART_TEXT_ALTERNATIVE


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    """The edition's pages in Datasette's menu, on every page."""
    return [
        {"href": datasette.urls.path("/"), "label": "The records"},
        {"href": datasette.urls.path("/people"), "label": "People of the talks"},
        {"href": datasette.urls.path("/method"), "label": "Editorial method"},
    ]


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path(f"/edition.css?v={STYLESHEET_VERSION}")]


async def home_variables(datasette: Any, database: Any) -> dict[str, Any]:
    """The home page's records, people and tables (content first, internal ones last)."""
    documents = await records_in_order(database)
    people = sorted((await participants_by_id(database)).values(), key=lambda p: (p["side"] or "", p["name"]))
    hidden = set(await database.hidden_table_names())
    table_metadata = datasette.metadata("tables", database=database.name) or {}
    counts = await database.table_counts(limit=50)  # the inspect file's counts for the immutable database
    tables = []
    for name in await database.table_names():
        internal = name in INTERNAL_TABLES or name in hidden
        if name in hidden and not name.endswith("_fts"):
            continue  # the full-text indexes' own storage tables: described with their index
        count = counts.get(name)
        description = (table_metadata.get(name) or {}).get("description")
        if name.endswith("_fts") and not description:
            indexed = name[: -len("_fts")]
            description = (
                f"The full-text search index of {indexed} (SQLite FTS5, accents and case folded), used by the "
                f"search box of {indexed}; with its storage tables {name}_data, {name}_idx, {name}_docsize, "
                f"{name}_config."
            )
        tables.append({"name": name, "internal": internal, "count": count, "description": description})
    for name in await database.view_names():
        description = (table_metadata.get(name) or {}).get("description")
        tables.append({"name": name, "internal": False, "count": None, "description": description, "view": True})
    tables.sort(key=lambda table: table["internal"])
    return {
        "records": documents,
        "people": people,
        "tables": tables,
        "long_date": long_date,
        "record_url": lambda doc, anchor=None: record_url(datasette, doc, anchor),
        "person_url": lambda pid: person_url(datasette, pid),
        "database": database.name,
    }


async def row_page_links(datasette: Any, database: Any, table: str, row_id: str) -> list[dict[str, str]]:
    """Links from a row page into the edition: a record's page, a person's page. (A turn's or a note's row
    page links to its place in the record through etl/site/cite.py's turn navigation.)"""
    if table == "documents":
        return [{"label": "Read this record", "href": record_url(datasette, row_id)}]
    if table == "participants":
        return [{"label": "This person's page", "href": person_url(datasette, row_id)}]
    return []


@hookimpl
def extra_template_vars(view_name: str, database: str | None, table: str | None, request: Any, datasette: Any):
    async def inner() -> dict[str, Any]:
        edition = await edition_database(datasette)
        if edition is None:
            return {}
        variables: dict[str, Any] = {
            "edition_urls": {
                "people": datasette.urls.path("/people"),
                "method": datasette.urls.path("/method"),
            }
        }
        if view_name == "index":
            variables["edition_home"] = await home_variables(datasette, edition)
        if view_name == "row" and database == edition.name and table and request is not None:
            pks = request.url_vars.get("pks")
            if pks and "," not in pks:  # a single-column key: the tables the edition links from
                variables["edition_links"] = await row_page_links(datasette, edition, table, tilde_decode(pks))
        return variables

    return inner


def plain_value(value: Any) -> Any:
    """A cell's value: table pages give a foreign key with its label as {"value": ..., "label": ...}."""
    return value.get("value") if isinstance(value, dict) else value


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any):
    """A "read in the record" link before a turn's words; artefacts of the web copy marked in documents."""
    if not isinstance(value, str):
        return None
    columns = row.keys() if hasattr(row, "keys") else []
    if table == "documents":
        found = artefacts_in(value, "documents", column, COPY_ARTEFACTS)
        if found:
            return mark_artefacts(value, found, datasette.urls.path("/method") + "#copy-artefacts")
        return None
    if column in TURN_TEXT_COLUMNS and "utterance_id" in columns and table in (None, "utterances", "turns"):
        utterance_id = plain_value(row["utterance_id"])
        document_id = plain_value(row["document_id"]) if "document_id" in columns else None
        if not isinstance(utterance_id, str):
            return None
        if document_id is None:
            document_id = utterance_id.rsplit("-", 1)[0]
        href = record_url(datasette, document_id, short_anchor(utterance_id, document_id))
        # First, so that it shows above a long turn that scrolls inside its cell.
        return Markup(f'<a class="in-record" href="{escape(href)}">read in the record</a> {escape(value)}')
    return None
