"""Datasette plugin of the havana-1962 site: one search over the turns and the notes, the way people type.

- ``register_routes`` serves ``/search`` (HTML) and ``/search.json``: the turns and the editorial notes that
  match, together and ranked (FTS5's bm25), each with its matching words highlighted in context, a link to
  the place in the record (``/record/<document_id>#u057``) and to its row page (where it is cited).
- ``filters_from_request`` reads every table page's ``_search`` with ``etl.publish.search`` (OR, NOT,
  quotes, ``insp*``, every printed form of a name), and makes the ``turns`` view searchable through the
  full-text index of the table whose rows it shows. ``_searchmode=raw`` still takes SQLite's own syntax.
- ``prepare_connection`` gives the canned queries ``search_expression(text)`` (the same reading of a query,
  as FTS5), ``fold(text)`` (case and accents folded, to match what a person types against printed
  names) and ``iso_date(text)`` ("5 November 1962" -> "1962-11-05").
- ``extra_template_vars`` gives the search page and the canned search queries what the reader needs
  around the results: how the query was read, a readable message for a query that cannot be read.

Everything is read from the served database: which tables are searched (those of ``etl.schema`` with
full-text columns), the names of the participants, the records.
"""

from __future__ import annotations

import json
import re
import sqlite3
import weakref
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.filters import FilterArguments
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from etl.publish.edition import short_anchor
from etl.publish.search import (
    EMPTY_NAME_INDEX,
    NameIndex,
    SearchQuery,
    SearchSyntaxError,
    build_name_index,
    fold,
    parse_search,
)
from etl.schema import TABLES, TABLES_BY_NAME, TIMES_OF_DAY
from etl.site import canned_query

SEARCH_PATH = "/search"
# Results per page of the site-wide search, and the most a JSON client may ask for at once.
RESULTS_PER_PAGE = 20
MAX_RESULTS_PER_PAGE = 200
# Words of context around the matches in a result (FTS5 snippet(); at most 64).
SNIPPET_WORDS = 36
# What FTS5 puts around each matching word: control characters, which no text of the records contains,
# so that the snippet can be escaped as HTML before the marks become <mark> elements.
MATCH_START, MATCH_END = "\x02", "\x03"
# An FTS5 expression that is valid and matches nothing: what the canned queries search for when the box is
# empty or the query cannot be read (FTS5 rejects an empty string or NULL with a syntax error).
MATCH_NOTHING = '""'
# The canned-query parameters that hold a search typed by a person.
SEARCH_PARAMETERS = ("search", "term")

# The name forms of the participants: canonical names and every form a record prints.
NAMES_SQL = """
select participant_id, name from participants
union
select participant_id, name_as_printed from participant_names
"""

# Each searched table: what a result of it is called, and the SQL giving its results. Each select returns
# the same columns; :expression is the FTS5 query, :start/:end the match marks, :words the snippet length.
SEARCHED_TABLES: dict[str, tuple[str, str]] = {
    "utterances": (
        "turn",
        """
        select 'turn' as kind, utterances.utterance_id as row_id, utterances.document_id, documents.date,
          documents.title as record_title, utterances.seq as position,
          (select count(*) from utterances as same where same.document_id = utterances.document_id) as of_total,
          coalesce(participants.name, utterances.speaker_label, 'the recorder') as who,
          turn_hits.snippet, turn_hits.score, turn_hits.said,
          utterances.participant_id as speaker_id, participants.side, utterances.mode
        from turn_hits
        join utterances on utterances.rowid = turn_hits.turn_rowid
        join documents on documents.document_id = utterances.document_id
        left join participants on participants.participant_id = utterances.participant_id
        where {filters}
        """,
    ),
    "editorial_notes": (
        "note",
        """
        select 'note' as kind, editorial_notes.note_id as row_id, editorial_notes.document_id, documents.date,
          documents.title as record_title, null as position, null as of_total,
          editorial_notes.note_type || ' (' || editorial_notes.resp || ')' as who,
          snippet(editorial_notes_fts, -1, :start, :end, ' … ', :words) as snippet,
          bm25(editorial_notes_fts) as score, 0 as said,
          null as speaker_id, null as side, null as mode
        from editorial_notes_fts
        join editorial_notes on editorial_notes.rowid = editorial_notes_fts.rowid
        join documents on documents.document_id = editorial_notes.document_id
        where editorial_notes_fts match :expression and {filters}
        """,
    ),
}
# Only the tables the schema indexes for full-text search are searched.
SEARCHED = {name: SEARCHED_TABLES[name] for name in (table.name for table in TABLES if table.full_text_columns)}
KINDS = {kind: table for table, (kind, _) in SEARCHED.items()}

# The readings of a date a person may type ("5 November 1962", "November 5, 1962", "1962-11-05", "5.11.1962").
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d %Y", "%d %b %Y", "%b %d %Y", "%d.%m.%Y", "%d/%m/%Y")
DATE_NOISE = re.compile(r"[,]|\b(?:" + "|".join(TIMES_OF_DAY) + r"|of|the)\b", re.IGNORECASE)


def iso_date(text: str | None) -> str | None:
    """A date typed in any usual English form, as ISO 8601; None if it is not a date.

    >>> iso_date("Evening 5 November 1962"), iso_date("November 3, 1962"), iso_date("Guevara")
    ('1962-11-05', '1962-11-03', None)
    """
    if not text:
        return None
    cleaned = " ".join(DATE_NOISE.sub(" ", text).split())
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, date_format).date().isoformat()
        except ValueError:
            continue
    return None


def read_names(conn: sqlite3.Connection) -> NameIndex:
    """The name index of a database, or an empty one for a database without participants."""
    try:
        return build_name_index(conn.execute(NAMES_SQL).fetchall())
    except sqlite3.Error:
        return EMPTY_NAME_INDEX


def search_expression(text: str | None, names: NameIndex) -> str:
    """The FTS5 expression of a typed query; for an empty or unreadable query, one that matches nothing."""
    try:
        return parse_search(text, names).fts5() or MATCH_NOTHING
    except SearchSyntaxError:
        return MATCH_NOTHING


def search_by_speaker(text: str | None, names: NameIndex) -> str:
    """``SearchQuery.by_speaker`` as JSON for ``json_each`` in SQL: ``[[participant, rest or null], ...]``,
    what a turn said by a person the query names must match (``[]`` for a query that names no one)."""
    try:
        return json.dumps(parse_search(text, names).by_speaker())
    except SearchSyntaxError:
        return "[]"


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    names = read_names(conn)
    conn.create_function(
        "fold", 1, lambda text: None if text is None else " ".join(fold(str(text)).split()), deterministic=True
    )
    conn.create_function("iso_date", 1, iso_date, deterministic=True)
    conn.create_function("search_expression", 1, lambda text: search_expression(text, names), deterministic=True)
    conn.create_function("search_by_speaker", 1, lambda text: search_by_speaker(text, names), deterministic=True)


# Each running Datasette's name index per database (the app's own memo of its own pure function).
_NAME_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def name_index(datasette: Any, database: str) -> NameIndex:
    """The name index of a served database (read once: the database is immutable)."""
    cache = _NAME_INDEXES.setdefault(datasette, {})
    if database not in cache:
        cache[database] = await datasette.get_database(database).execute_fn(read_names)
    return cache[database]


async def searched_database(datasette: Any) -> str | None:
    """The served database that holds the searched tables' full-text indexes."""
    for name, database in datasette.databases.items():
        if not name.startswith("_") and all([await database.table_exists(f"{table}_fts") for table in SEARCHED]):
            return name
    return None


def describe(query: SearchQuery) -> list[str]:
    """How a query was read, in words: the names whose other printed forms were searched too."""
    return [
        f"“{typed}” is a name: also searched as " + ", ".join(f"“{form}”" for form in forms)
        for typed, _, forms in query.names
    ]


def highlight(snippet: str | None) -> Markup:
    """A snippet with the matching words in <mark>, everything else escaped."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))


# The filters of /search: each narrows the turns by a column; only the record filter applies to notes too.
FILTERS = {
    "speaker": ("utterances.participant_id", None),
    "record": ("utterances.document_id", "editorial_notes.document_id"),
    "side": ("participants.side", None),
    "mode": ("utterances.mode", None),
}
# What a facet of the results shows for each filter: the value, and the words a reader sees for it.
FACETS = {
    "speaker": "speaker_id, who",
    "record": "document_id, date || ', ' || record_title",
    "side": "side, side",
    "mode": "mode, mode",
}
# A turn by a person the query names, which matches through being theirs, shows the start of its words.
OPENING_CHARACTERS = 240


def turn_hits(readings: tuple[tuple[str, str | None], ...]) -> tuple[str, dict[str, str]]:
    """The CTE ``turn_hits`` (turn_rowid, said, score, snippet): the turns whose words match the query, and the
    turns said by a person the query names whose words match the rest of it (``SearchQuery.by_speaker``);
    ``said`` is 1 for those. A turn found both ways is kept once, as said (SQLite's bare columns of max())."""
    snippet = "snippet(utterances_fts, -1, :start, :end, ' … ', :words)"
    branches = [
        f"select rowid as turn_rowid, 0 as said, bm25(utterances_fts) as score, {snippet} as snippet "
        "from utterances_fts where utterances_fts match :expression"
    ]
    params: dict[str, str] = {}
    for number, (speaker, rest) in enumerate(readings):
        params[f"speaker_{number}"] = speaker
        if rest is None:
            branches.append(
                f"select rowid, 1, 0.0, substr(spoken_text, 1, {OPENING_CHARACTERS}) || '…' "
                f"from utterances where participant_id = :speaker_{number}"
            )
        else:
            params[f"rest_{number}"] = rest
            branches.append(
                f"select utterances_fts.rowid, 1, bm25(utterances_fts), {snippet} from utterances_fts "
                "join utterances on utterances.rowid = utterances_fts.rowid "
                f"where utterances_fts match :rest_{number} and utterances.participant_id = :speaker_{number}"
            )
    union = "\n union all\n ".join(branches)
    return (
        # materialized: FTS5's bm25() and snippet() are computed in their own query, not in the grouping's
        "turn_matches as materialized (" + union + "), "
        "turn_hits as (select turn_rowid, max(said) as said, score, snippet from turn_matches group by turn_rowid)",
        params,
    )


def filtered(table: str, filters: dict[str, str]) -> str:
    """The SQL of a searched table's results, narrowed by the filters (a filter that does not apply to the
    table leaves none of its results)."""
    kind, sql = SEARCHED[table]
    conditions = []
    for name in filters:
        turn_column, note_column = FILTERS[name]
        column = turn_column if kind == "turn" else note_column
        conditions.append(f"{column} = :filter_{name}" if column else "0")
    return sql.format(filters=" and ".join(conditions) or "1")


def empty_answer(text: str, kind: str, filters: dict[str, str], error: str | None = None) -> dict[str, Any]:
    """A search's answer before (or without) any result: what was asked, and an error if there is one."""
    return {
        "query": text,
        "kind": kind,
        "filters": filters,
        "results": [],
        "counts": {},
        "facets": {},
        "read_as": [],
        "notices": [],
        "names": [],
        "error": error,
    }


async def run_search(
    datasette: Any,
    database: str,
    text: str,
    kind: str,
    limit: int,
    offset: int,
    filters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Search the turns and notes of ``database``: the results of one page, the counts, how the query was read,
    and the facets (speaker, record, side, kind of turn) of the matching turns, each value with its count."""
    filters = {name: value for name, value in (filters or {}).items() if name in FILTERS and value}
    names = await name_index(datasette, database)
    answer = empty_answer(text, kind, filters)
    try:
        query = parse_search(text, names)
    except SearchSyntaxError as error:
        answer["error"] = str(error)
        return answer
    answer["read_as"] = describe(query)
    answer["notices"] = list(query.notices)
    answer["names"] = [typed for typed, _, _ in query.names]
    if query.is_empty:
        return answer
    readings = query.by_speaker()
    named = {participant_id for participant_id, _ in readings}
    hits, hit_params = turn_hits(readings)
    params = {
        "expression": query.fts5(),
        "start": MATCH_START,
        "end": MATCH_END,
        "words": SNIPPET_WORDS,
        **hit_params,
        **{f"filter_{name}": value for name, value in filters.items()},
    }
    db = datasette.get_database(database)
    selects = {table: filtered(table, filters) for table in SEARCHED}
    # The counts of each kind and the facets in one statement, so the matches (a materialized CTE) are found once.
    tallies = [f"select 'kind', '{SEARCHED[table][0]}', null, count(*) from ({sql})" for table, sql in selects.items()]
    for name, columns in FACETS.items():
        narrowed = filtered("utterances", {other: value for other, value in filters.items() if other != name})
        tallies.append(f"select '{name}', {columns}, count(*) from ({narrowed}) group by 2")
    tallied = await db.execute(f"with {hits} " + "\nunion all\n".join(tallies), params)
    answer["facets"] = {name: [] for name in FACETS}
    for what, value, label, count in tallied.rows:
        if what == "kind":
            answer["counts"][value] = count
        elif value is not None:
            answer["facets"][what].append({"value": value, "label": label, "count": count})
    for values in answer["facets"].values():
        values.sort(key=lambda facet: (-facet["count"], facet["label"]))
    tables = [table for table in SEARCHED if not kind or SEARCHED[table][0] == kind]
    union = "\nunion all\n".join(selects[table] for table in tables)
    sql = f"with {hits} select * from ({union}) order by said desc, score, date, row_id limit :limit offset :offset"
    rows = (await db.execute(sql, {**params, "limit": limit, "offset": offset})).rows
    for row in rows:
        answer["results"].append(result_of(datasette, database, row, named))
    return answer


def result_of(datasette: Any, database: str, row: Any, named: set[str]) -> dict[str, Any]:
    """One result as the page and the JSON give it; a turn of a person the query names says whether it is
    said by them or names them."""
    table = KINDS[row["kind"]]
    if row["kind"] == "turn" and named:
        relation = "said by" if row["said"] else "names"
    else:
        relation = None
    return {
        "kind": row["kind"],
        "row_id": row["row_id"],
        "document_id": row["document_id"],
        "date": row["date"],
        "record_title": row["record_title"],
        "position": row["position"],
        "of_total": row["of_total"],
        "who": row["who"],
        "speaker_id": row["speaker_id"],
        "mode": row["mode"],
        "relation": relation,
        "snippet": (row["snippet"] or "").replace(MATCH_START, "**").replace(MATCH_END, "**"),
        "snippet_html": str(highlight(row["snippet"])),
        "score": round(row["score"], 3),
        "row_url": datasette.urls.row(database, table, tilde_encode(row["row_id"])),
        "place_url": datasette.urls.path(f"/record/{tilde_encode(row['document_id'])}")
        + "#"
        + short_anchor(row["row_id"], row["document_id"]),
    }


def _page_numbers(request: Any) -> tuple[int, int]:
    """(limit, offset) from ?_size= and ?page= (from 1), bounded."""
    try:
        limit = max(1, min(int(request.args.get("_size") or RESULTS_PER_PAGE), MAX_RESULTS_PER_PAGE))
    except ValueError:
        limit = RESULTS_PER_PAGE
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    return limit, (page - 1) * limit


async def search_page(request: Any, datasette: Any) -> Response:
    """/search and /search.json: the site-wide search of turns and notes, with filters and their counts."""
    database = await searched_database(datasette)
    text = request.args.get("q", "")
    kind = request.args.get("kind", "")
    if kind not in ("", *KINDS):
        kind = ""
    filters = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    limit, offset = _page_numbers(request)
    answer = (
        await run_search(datasette, database, text, kind, limit, offset, filters)
        if database
        else empty_answer(text, kind, filters, "No searchable database is served.")
    )
    total = sum(answer["counts"].values()) if not kind else answer["counts"].get(kind, 0)
    page = offset // limit + 1
    answer["page"], answer["total"] = page, total
    if request.url_vars.get("format") == "json":
        return Response.json(answer, headers={"Access-Control-Allow-Origin": "*"})

    def url_for(number: int = 1, changes: dict[str, str | None] | None = None) -> str:
        """This search's address with ``changes`` to its kind or filters (None removes one), at page ``number``."""
        chosen = {"kind": kind or None, **answer["filters"], **(changes or {})}
        args = {
            "q": text,
            **{name: value for name, value in chosen.items() if value},
            **({"_size": limit} if limit != RESULTS_PER_PAGE else {}),
            **({"page": number} if number > 1 else {}),
        }
        return datasette.urls.path(SEARCH_PATH) + "?" + urlencode(args)

    facets = {
        name: [
            {
                **value,
                "selected": answer["filters"].get(name) == value["value"],
                "url": url_for(
                    changes={name: None if answer["filters"].get(name) == value["value"] else value["value"]}
                ),
            }
            for value in values
        ]
        for name, values in answer["facets"].items()
    }
    context = {
        **answer,
        "database": database,
        "facets": facets,
        "clear_filters_url": url_for(changes=dict.fromkeys(FILTERS)) if answer["filters"] else None,
        "previous_url": url_for(page - 1) if page > 1 else None,
        "next_url": url_for(page + 1) if offset + limit < total else None,
        "json_url": datasette.urls.path(SEARCH_PATH + ".json")
        + "?"
        + urlencode({"q": text, **({"kind": kind} if kind else {}), **answer["filters"]}),
        "kind_urls": {name: url_for(changes={"kind": name or None}) for name in ("", *KINDS)},
        "first": offset + 1,
        "results_html": [{**result, "snippet_html": Markup(result["snippet_html"])} for result in answer["results"]],
    }
    return Response.html(await datasette.render_template("search.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^" + SEARCH_PATH + r"(\.(?P<format>json))?$", search_page)]


# ---------------------------------------------------------------------------------------------------------
# _search on table pages


async def searched_through(datasette: Any, database: str, table: str) -> str | None:
    """The searched table whose full-text index serves ``table``: itself, or, for a view, the table whose
    primary key the view shows (the turns view shows utterance_id, so it is searched through utterances)."""
    if table in SEARCHED:
        return table
    db = datasette.get_database(database)
    if table not in await db.view_names():
        return None
    columns = await db.table_columns(table)
    for candidate in SEARCHED:
        keys = await db.primary_keys(candidate)
        if len(keys) == 1 and keys[0] in columns:
            return candidate
    return None


@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Any):
    """``_search`` read as a person means it. Runs after Datasette's own search filter (trylast), so that for
    a table Datasette searches (the notes) it gives Datasette's ``:search`` parameter the FTS5 reading of the
    query (the table is configured with ``searchmode: raw``). The turns (the ``utterances`` table and the
    ``turns`` view) it searches itself, as ``/search`` does: a name finds the turns said by that person as
    well as the turns that name them (``SearchQuery.by_speaker``). ``_searchmode=raw`` takes SQLite's own
    syntax as typed there too."""

    async def inner() -> FilterArguments | None:
        text = request.args.get("_search")
        mode = request.args.get("_searchmode")
        through = await searched_through(datasette, database, table)
        if through is None:
            return None
        by_speaker = TABLES_BY_NAME[through].searched_by_speaker
        if text is None:
            # the search box of a table the site searches itself (Datasette shows it for the tables it searches)
            return FilterArguments([], {}, [], {"supports_search": True}) if by_speaker else None
        if mode and not by_speaker:
            return None  # the caller chose Datasette's raw or escaped mode
        names = await name_index(datasette, database)
        descriptions: list[str] = []
        readings: tuple[tuple[str, str | None], ...] = ()
        if mode == "raw":
            expression = text
        else:
            try:
                query = parse_search(text, names)
                expression = query.fts5() or MATCH_NOTHING
                readings = query.by_speaker()
                descriptions += describe(query) + list(query.notices)
            except SearchSyntaxError as error:
                expression = MATCH_NOTHING
                descriptions.append(f"the search could not be read: {error}")
        if not by_speaker:
            return FilterArguments([], {"search": expression}, descriptions)
        key = (await datasette.get_database(database).primary_keys(through))[0]
        where, params = speaker_search_condition(through, key, expression, readings)
        if readings:
            descriptions.append("a name also finds the turns its person said")
        return FilterArguments(
            [where],
            params,
            [f'search matches "{text}"', *descriptions],
            {"supports_search": True, "search": text},
        )

    return inner


def speaker_search_condition(
    table: str, key: str, expression: str, readings: tuple[tuple[str, str | None], ...]
) -> tuple[str, dict[str, str]]:
    """The WHERE condition (on ``key``) and parameters of a search of ``table``'s rows: those whose words match
    ``expression``, and those said by a person the query names whose words match the rest of it."""
    match = f"rowid in (select rowid from [{table}_fts] where [{table}_fts] match :havana_search{{}})"
    alternatives = [match.format("")]
    params = {"havana_search": expression}
    for number, (speaker, rest) in enumerate(readings):
        params[f"havana_speaker_{number}"] = speaker
        condition = f"participant_id = :havana_speaker_{number}"
        if rest is not None:
            params[f"havana_search_{number}"] = rest
            condition += " and " + match.format(f"_{number}")
        alternatives.append(f"({condition})")
    where = f"[{key}] in (select [{key}] from [{table}] where " + " or ".join(alternatives) + ")"
    return where, params


# ---------------------------------------------------------------------------------------------------------
# Canned queries and the search page: what the reader needs around the results


@hookimpl
def extra_template_vars(database: str | None, request: Any, datasette: Any):
    async def inner() -> dict[str, Any]:
        if request is None or database is None or "table" not in request.url_vars:
            return {}
        if not canned_query(datasette, database, request.url_vars["table"]):
            return {}  # a table page: its search is described by filters_from_request
        for parameter in SEARCH_PARAMETERS:
            if parameter in request.args:
                text = request.args.get(parameter, "")
                names = await name_index(datasette, database)
                try:
                    query = parse_search(text, names)
                except SearchSyntaxError as error:
                    return {
                        "search_reading": {"parameter": parameter, "error": str(error), "read_as": [], "notices": []}
                    }
                return {
                    "search_reading": {
                        "parameter": parameter,
                        "error": None,
                        "empty": query.is_empty,
                        "read_as": describe(query),
                        "notices": list(query.notices),
                    }
                }
        return {}

    return inner
