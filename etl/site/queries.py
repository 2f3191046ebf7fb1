"""Datasette plugin of the havana-1962 site: ready-made queries that are useful on the first click.

A canned query opened from the database page has empty parameters. Datasette then shows an empty box and
"0 results", and an FTS search of nothing is an SQL error. The queries themselves (``etl/curated/site.yml``)
accept what a person types (a name in any printed form, a date, a kind) and search through
``search_expression()``, which never fails; this plugin gives their pages, through
``extra_template_vars``, what ``templates/query.html`` shows around them:

- ``parameter_choices``: for an id parameter, the valid values as links, read from the served database
  (each record with its date and title, each person with the number of their turns, each kind of note,
  each protocol article), so that the reader can choose instead of guessing an id;
- ``parameter_examples``: for a search parameter, the curated examples of the query (``examples`` in
  site.yml), as links;
- ``curated_article_links``: on a query that takes an article, the links between a turn and an article
  that the turn does not print, each from ``etl/curated/article_links.yml`` with its reason and whose reading
  it is, shown apart from the places the records print.

The choices come from the data, so a new record, person or kind of note appears without any change here.
"""

from __future__ import annotations

import functools
import re
import weakref
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import tilde_encode

from etl.curation import load_curated
from etl.site import canned_query

# The valid values of each id parameter of the canned queries, with a label a reader recognizes:
# value is what the link puts in the box (a name rather than an id where the query accepts names).
PARAMETER_CHOICES_SQL = {
    "document_id": """
        select documents.document_id as value,
          documents.date || ' · ' || documents.title || ' (' || count(utterances.utterance_id) || ' turns)' as label
        from documents left join utterances on utterances.document_id = documents.document_id
        group by documents.document_id order by documents.date, documents.document_id
    """,
    "participant_id": """
        select participants.name as value,
          participants.name || coalesce(' (' || participants.side || ')', '') || ': '
            || count(utterances.utterance_id) || ' turns' as label
        from participants join utterances on utterances.participant_id = participants.participant_id
        group by participants.participant_id order by count(utterances.utterance_id) desc, participants.name
    """,
    "note_type": """
        select note_types.note_type as value,
          note_types.note_type || ' (' || count(editorial_notes.note_id) || '): ' || note_types.description as label
        from note_types join editorial_notes on editorial_notes.note_type = note_types.note_type
        group by note_types.note_type order by count(editorial_notes.note_id) desc, note_types.note_type
    """,
    "article": """
        select protocol_articles.article_number as value,
          protocol_articles.label || ' (' || count(article_references.reference_id) || ' places)' as label
        from protocol_articles join article_references on article_references.article_id = protocol_articles.article_id
        group by protocol_articles.article_id order by protocol_articles.article_number
    """,
}
# What the list of choices is headed with.
CHOICE_HEADINGS = {
    "document_id": "Choose a record",
    "participant_id": "Choose a person",
    "note_type": "Choose a kind of note",
    "article": "Choose an article",
}
# The curated links between turns and articles the turns do not name.
ARTICLE_LINKS_FILE = "article_links.yml"
# The articles a typed value names, as the article query reads it: an id, a number, "Article 13".
ARTICLES_TYPED_SQL = """
select article_id, label from protocol_articles
where trim(coalesce(:article, '')) = ''
  or article_id = trim(:article)
  or article_number = cast(ltrim(replace(fold(:article), 'article', '')) as integer)
  or fold(label) = fold(:article)
"""
# A turn of a curated link, as the page names it.
LINKED_TURN_SQL = """
select utterances.utterance_id, utterances.document_id, utterances.seq,
  coalesce(participants.name, utterances.speaker_label, 'the recorder') as speaker
from utterances left join participants on participants.participant_id = utterances.participant_id
where utterances.utterance_id = :id
"""


async def curated_article_links(datasette: Any, database: str, typed: str) -> list[dict[str, Any]]:
    """The curated links to the articles a typed value names (every article when it names none)."""
    db = datasette.get_database(database)
    labels = {
        row["article_id"]: row["label"] for row in (await db.execute(ARTICLES_TYPED_SQL, {"article": typed})).rows
    }
    links = []
    for entry in load_curated(ARTICLE_LINKS_FILE) or []:
        if entry["article_id"] not in labels:
            continue
        rows = (await db.execute(LINKED_TURN_SQL, {"id": entry["utterance_id"]})).rows
        if not rows:
            continue
        turn = rows[0]
        links.append(
            {
                **entry,
                "article": labels[entry["article_id"]],
                "speaker": turn["speaker"],
                "turn": turn["seq"],
                "document_id": turn["document_id"],
                "url": datasette.urls.row(database, "utterances", tilde_encode(entry["utterance_id"])),
            }
        )
    return links


# A named parameter of a query's SQL (":document_id"), not a "::" cast.
NAMED_PARAMETER = re.compile(r"(?<![:\w]):(?P<name>[A-Za-z_]\w*)")


@functools.lru_cache(maxsize=256)
def named_parameters(sql: str) -> tuple[str, ...]:
    """The named parameters of a query, in order of first use (worked out once per query text).

    >>> named_parameters("select 1 where a = :term or b = :term or c = :article")
    ('term', 'article')
    """
    names: list[str] = []
    for match in NAMED_PARAMETER.finditer(sql):
        if match["name"] not in names:
            names.append(match["name"])
    return tuple(names)


# The choices of each parameter, per server and database. They are aggregates over the whole database (each
# person with the number of their turns); on a large database, read for every page, they cost each canned
# query page a scan of every turn, and under load that scan hit the SQL time limit and turned the page into
# a 500. An immutable database cannot change under the server, so they are read once.
_CHOICES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def parameter_choice_rows(datasette: Any, database: str, parameter: str) -> list[dict[str, Any]]:
    """The valid values of ``parameter`` with their labels, read once per server when the database is
    immutable; none (the page shows no list) if the time limit cuts the query off, and tried again next time."""
    cache = _CHOICES.setdefault(datasette, {})
    if (database, parameter) in cache:
        return cache[(database, parameter)]
    db = datasette.get_database(database)
    try:
        rows = [dict(row) for row in (await db.execute(PARAMETER_CHOICES_SQL[parameter])).rows]
    except QueryInterrupted:
        return []
    if not db.is_mutable:
        cache[(database, parameter)] = rows
    return rows


async def parameter_choice_links(
    datasette: Any, database: str, query_name: str, parameter: str, query_url: str
) -> list[dict[str, str]]:
    """The choices of a parameter as links to the query's page: made once per server along with their rows
    (an immutable database; a canned query page made them anew on every request, a tenth of its time), and
    every time while the rows could not be read."""
    rows = await parameter_choice_rows(datasette, database, parameter)
    cache = _CHOICES.setdefault(datasette, {})
    key = ("links", database, query_name, parameter)
    if key in cache:
        return cache[key]
    links = [
        {
            "label": row["label"],
            "url": query_url + "?" + urlencode({parameter: row["value"]}),
            "value": str(row["value"]),
        }
        for row in rows
    ]
    if (database, parameter) in cache:  # the rows were read whole and are kept: so are their links
        cache[key] = links
    return links


@hookimpl
def extra_template_vars(request: Any, database: str | None, datasette: Any):
    async def inner() -> dict[str, Any]:
        if request is None or database is None or "table" not in request.url_vars:
            return {}
        name = request.url_vars["table"]
        query = canned_query(datasette, database, name)
        if not query:
            return {}
        query_url = datasette.urls.database(database) + "/" + name
        choices: dict[str, dict[str, Any]] = {}
        for parameter in named_parameters(query["sql"]):
            if parameter not in PARAMETER_CHOICES_SQL:
                continue
            links = await parameter_choice_links(datasette, database, name, parameter, query_url)
            choices[parameter] = {
                "heading": CHOICE_HEADINGS[parameter],
                "chosen": request.args.get(parameter, ""),
                "links": links,
            }
        examples = {
            parameter: [
                {"text": example, "url": query_url + "?" + urlencode({parameter: example})} for example in values
            ]
            for parameter, values in (query.get("examples") or {}).items()
        }
        variables: dict[str, Any] = {"parameter_choices": choices, "parameter_examples": examples}
        if "article" in named_parameters(query["sql"]):
            variables["curated_article_links"] = await curated_article_links(
                datasette, database, request.args.get("article", "")
            )
        return variables

    return inner
