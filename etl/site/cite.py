"""Datasette plugin of the havana-1962 site: every page says how to cite what it shows.

- Row pages of turns, notes, records, protocol articles and people get ``cite``: the citation as formatted
  text, and as BibTeX, RIS and CSL-JSON to copy or download (``templates/_cite.html``), made by
  ``etl/publish/citation.py`` from the row and the served database's version. A turn's page also links
  the previous and the next turn and its place in the record.
- Table and query pages get ``query_cite``: the page's own published address (filters, search and
  parameters included), with the dataset's version and that version's content checksum.
- The home page gets the dataset's citation and its schema.org ``Dataset`` JSON-LD, for dataset search.
- ``register_routes`` serves each citation as a file: ``/-/cite/<table>/<id>.<bib|ris|json|txt>``,
  ``/-/cite/dataset.<ext>`` and ``/-/cite/query.<ext>?path=<the page's path and query string>``.
- ``render_cell`` links each row of the ``turns`` view to its turn's row page (Datasette links the rows of
  tables, not of views), where it is cited.

Addresses in citations are always under the published site's address (``homepage`` in
``etl/curated/dataset.yml``); a page served from elsewhere says that it is a copy.
"""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from datasette import NotFound, Response, hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from etl.publish.citation import (
    CITED_TABLES,
    DEFAULT_STYLE,
    FORMATS,
    STYLES,
    DatasetRelease,
    cite_article,
    cite_dataset,
    cite_note,
    cite_person,
    cite_query,
    cite_record,
    cite_turn,
    dataset_jsonld,
    formatted_in_every_style,
    jsonld_script,
    path_under_database,
    release_from_facts,
    render,
)
from etl.publish.edition import short_anchor
from etl.publish.facts import load_dataset_facts
from etl.publish.memo import remembered
from etl.schema import TURNS_VIEW_NAME
from etl.site import canned_query, primary_key_values

CITE_PREFIX = "/-/cite"
# The views whose rows link to the row page of the table they show (column -> table).
VIEW_ROW_LINKS = {TURNS_VIEW_NAME: {"utterance_id": "utterances"}}
# The record page of the reading edition, and the anchor of a turn or note in it ("u057", "n003").
RECORD_PATH = "/record/{document_id}"


def stable_path(datasette: Any, database: str, path: str) -> str:
    """A path of the site under the database's own name, whatever route serves this release
    (``path_under_database``)."""
    route = getattr(datasette.get_database(database), "route", None) or database
    return path_under_database(path, route, database)


def stable_row_path(database: str, table: str, row_id: str) -> str:
    """The stable path of a row: /<database>/<table>/<id>, whatever route serves this release."""
    return f"/{tilde_encode(database)}/{tilde_encode(table)}/{tilde_encode(row_id)}"


def today() -> str:
    """The date of access: today, in UTC."""
    return datetime.now(UTC).date().isoformat()


def is_static_edition(datasette: Any) -> bool:
    """Whether the pages are rendered for the static edition (``etl/publish/serve.py`` STATIC_EDITION_PLUGINS)."""
    return bool((datasette.plugin_config("havana-1962") or {}).get("static_edition"))


def access_date(datasette: Any) -> str | None:
    """The date of access a citation gives: today, except on the pages of the static edition, which cannot
    know when they are read (the reader adds the date)."""
    return None if is_static_edition(datasette) else today()


# The release each running Datasette serves, read once per server (the app's own memo; a Datasette that goes
# away takes its entry with it).
_RELEASES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def served_release(datasette: Any) -> tuple[str, DatasetRelease] | None:
    """The served database that holds the dataset, and its newest release (version, date, checksum).

    Read once per server: the database is served immutable, and every page asks."""
    if datasette not in _RELEASES:
        _RELEASES[datasette] = await _read_release(datasette)
    return _RELEASES[datasette]


async def _read_release(datasette: Any) -> tuple[str, DatasetRelease] | None:
    for name, database in datasette.databases.items():
        if name.startswith("_") or not await database.table_exists("dataset_versions"):
            continue
        rows = (await database.execute("select * from dataset_versions")).rows
        if not rows:
            continue
        newest = max(rows, key=lambda row: tuple(int(part) for part in row["version"].split(".")))
        return name, release_from_facts(load_dataset_facts(), dict(newest))
    return None


async def _one(db: Any, sql: str, params: dict[str, Any]) -> dict[str, Any] | None:
    rows = (await db.execute(sql, params)).rows
    return dict(rows[0]) if rows else None


async def row_citation_item(
    datasette: Any, database: str, release: DatasetRelease, table: str, row_id: str, accessed: str | None
) -> dict[str, Any] | None:
    """The CSL-JSON item citing one row, or None if the row does not exist."""
    db = datasette.get_database(database)
    path = stable_row_path(database, table, row_id) + "/"  # a folder of the static edition
    if table == "utterances":
        turn = await _one(db, "select * from utterances where utterance_id = :id", {"id": row_id})
        if turn is None:
            return None
        document = await _one(db, "select * from documents where document_id = :id", {"id": turn["document_id"]})
        if document is None:  # (never: a turn's record is a foreign key)
            return None
        speaker = await _one(
            db, "select name from participants where participant_id = :id", {"id": turn["participant_id"]}
        )
        # Narration is the record's own account: its writers are its authors.
        who = (
            [speaker["name"]]
            if speaker
            else ([turn["speaker_label"]] if turn["speaker_label"] else await _writers(db, turn["document_id"]))
        )
        total = (
            await db.execute("select count(*) from utterances where document_id = :id", {"id": turn["document_id"]})
        ).rows[0][0]
        return cite_turn(release, turn, document, who, total, path, accessed)
    if table == "editorial_notes":
        note = await _one(db, "select * from editorial_notes where note_id = :id", {"id": row_id})
        if note is None:
            return None
        document = await _one(db, "select * from documents where document_id = :id", {"id": note["document_id"]})
        if document is None:  # (never: a note's record is a foreign key)
            return None
        position = await _one(
            db,
            "select (select count(*) from editorial_notes as other "
            "where other.document_id = :document and other.note_id <= :id) as number, "
            "(select count(*) from editorial_notes where document_id = :document) as total",
            {"id": row_id, "document": note["document_id"]},
        )
        assert position is not None  # (counts are one row)
        return cite_note(release, note, document, position["number"], position["total"], path, accessed)
    if table == "documents":
        document = await _one(db, "select * from documents where document_id = :id", {"id": row_id})
        if document is None:
            return None
        return cite_record(release, document, await _writers(db, row_id), path, accessed)
    if table == "protocol_articles":
        article = await _one(db, "select * from protocol_articles where article_id = :id", {"id": row_id})
        if article is None:
            return None
        places = (
            await db.execute("select count(*) from article_references where article_id = :id", {"id": row_id})
        ).rows[0][0]
        return cite_article(release, article, places, path, accessed)
    if table == "participants":
        participant = await _one(db, "select * from participants where participant_id = :id", {"id": row_id})
        if participant is None:
            return None
        turns = (await db.execute("select count(*) from utterances where participant_id = :id", {"id": row_id})).rows[
            0
        ][0]
        return cite_person(release, participant, turns, path, accessed)
    return None


# Who wrote a record: its author and its recorder, as the record names them.
WRITERS_SQL = """
select distinct participants.name from document_participants
join participants on participants.participant_id = document_participants.participant_id
where document_participants.document_id = :id and document_participants.role in ('author', 'recorder')
order by participants.name
"""


async def _writers(db: Any, document_id: str) -> list[str]:
    return [row["name"] for row in (await db.execute(WRITERS_SQL, {"id": document_id})).rows]


def formats_of(item: dict[str, Any], download_path: str) -> list[dict[str, str]]:
    """Each machine format of a citation: its name, its text (to copy) and where to download it."""
    return [
        {
            "extension": extension,
            "name": FORMATS[extension][1],
            "text": render(item, extension),
            "url": download_path.format(extension=extension),
        }
        for extension in ("bib", "ris", "json")
    ]


def citation_variables(item: dict[str, Any], download_path: str) -> dict[str, Any]:
    """What a "Cite this" block shows: the citation in each style (the first shown first), its address, and
    each machine format to copy or download (``download_path`` has ``{extension}`` where the format goes)."""
    styles = formatted_in_every_style(item)
    return {"text": styles[0]["text"], "styles": styles, "url": item["URL"], "formats": formats_of(item, download_path)}


def is_local_copy(request: Any, release: DatasetRelease) -> bool:
    """Whether the page is served from anywhere but the published site."""
    return urlsplit(release.homepage).netloc != request.host


async def turn_navigation(datasette: Any, database: str, row_id: str) -> dict[str, Any] | None:
    """The previous and next turn of the same record, and the turn's place in the record page."""
    db = datasette.get_database(database)
    turn = await _one(db, "select document_id, seq from utterances where utterance_id = :id", {"id": row_id})
    if turn is None:
        return None
    around = (
        await db.execute(
            "select utterance_id, seq from utterances where document_id = :document and seq in (:seq - 1, :seq + 1)",
            {"document": turn["document_id"], "seq": turn["seq"]},
        )
    ).rows
    links = {
        ("previous" if row["seq"] < turn["seq"] else "next"): datasette.urls.row(
            database, "utterances", tilde_encode(row["utterance_id"])
        )
        for row in around
    }
    return {**links, "place": record_place(datasette, turn["document_id"], row_id)}


def record_place(datasette: Any, document_id: str, row_id: str) -> str:
    """The address of a turn or note in its record's page (the reading edition): /record/<id>#u057."""
    return (
        datasette.urls.path(RECORD_PATH.format(document_id=tilde_encode(document_id)))
        + "#"
        + short_anchor(row_id, document_id)
    )


def query_title(table: str | None, canned: dict[str, Any] | None, arguments: list[tuple[str, str]]) -> str:
    """What a query citation calls a page: the canned query's title, the table, or "SQL query", with the
    arguments that choose its rows (filters, search, parameters; not paging or display options).

    >>> query_title("turns", None, [("speaker_name", "Ernesto Guevara"), ("_search", "inspect"), ("_size", "5")])
    'turns (speaker_name=Ernesto Guevara, _search=inspect)'
    """
    name = (canned or {}).get("title") or table or "SQL query"
    chosen = [f"{key}={value}" for key, value in arguments if not key.startswith("_") or key == "_search"]
    return f"{name} ({', '.join(chosen)})" if chosen else name


async def row_page_variables(
    datasette: Any, database: str, release: DatasetRelease, table: str, row_id: str, accessed: str | None
) -> dict[str, Any]:
    """What a cited row's page shows: its citation in every format, and where the row is in its record."""
    item = await row_citation_item(datasette, database, release, table, row_id, accessed)
    if item is None:
        return {}
    variables: dict[str, Any] = {
        "cite": {
            **citation_variables(item, f"{CITE_PREFIX}/{table}/{tilde_encode(row_id)}" + ".{extension}"),
            "row_id": row_id,
            "table": table,
        }
    }
    if table == "utterances":
        variables["turn_navigation"] = await turn_navigation(datasette, database, row_id)
    elif table == "editorial_notes":
        note = await _one(
            datasette.get_database(database),
            "select document_id from editorial_notes where note_id = :id",
            {"id": row_id},
        )
        if note is not None:
            variables["turn_navigation"] = {"place": record_place(datasette, note["document_id"], row_id)}
    return variables


def query_page_variables(release: DatasetRelease, title: str, path: str, accessed: str | None) -> dict[str, Any]:
    """The citation of a table, view or query page: its title and published address, in every format."""
    item = cite_query(release, title, path, accessed)
    download_path = f"{CITE_PREFIX}/query.{{extension}}?" + urlencode({"path": path}).replace("{", "%7B").replace(
        "}", "%7D"
    )
    return {**citation_variables(item, download_path), "checksum": release.checksum, "version": release.version}


@hookimpl
def extra_template_vars(database: str | None, table: str | None, view_name: str, request: Any, datasette: Any):
    # A citation depends on the page, the database's content and the day of access, never on the reader:
    # each is made once per server and day (etl/publish/memo.py), not on every request.
    async def inner() -> dict[str, Any]:
        if request is None:
            return {}
        served = await served_release(datasette)
        if served is None:
            return {}
        dataset_database, release = served
        accessed = access_date(datasette)
        local = is_local_copy(request, release)
        variables: dict[str, Any] = {
            "published_site": release.homepage,
            "is_local_copy": local,
            "static_edition": is_static_edition(datasette),
        }
        if view_name == "index":

            async def dataset_variables() -> dict[str, Any]:
                item = cite_dataset(release, accessed)
                return {
                    "dataset_cite": citation_variables(item, CITE_PREFIX + "/dataset.{extension}"),
                    "dataset_jsonld": Markup(jsonld_script(await jsonld(datasette, dataset_database, release))),
                }

            variables.update(
                await remembered(datasette, dataset_database, ("dataset citation", accessed), dataset_variables)
            )
        elif view_name == "row" and database == dataset_database and table in CITED_TABLES:
            (row_id,) = primary_key_values(request.url_vars["pks"])
            variables.update(
                await remembered(
                    datasette,
                    database,
                    ("row citation", table, row_id, accessed),
                    lambda: row_page_variables(datasette, database, release, table, row_id, accessed),
                )
            )
        elif database == dataset_database and (
            view_name == "table" or "table" in request.url_vars or "sql" in request.args
        ):
            # a table or view page, a canned query, or the database page running SQL typed by the reader: its
            # title and path are read from its address, so the address is what the citation is remembered by
            address = request.path + (f"?{request.query_string}" if request.query_string else "")

            async def query_variables() -> dict[str, Any]:
                name = request.url_vars.get("table")
                canned = canned_query(datasette, database, name)
                arguments = [(key, value) for key in request.args for value in request.args.getlist(key)]
                title = query_title(table or name, canned, arguments)
                return query_page_variables(release, title, stable_path(datasette, database, address), accessed)

            key = ("query citation", view_name, table, address, accessed)
            variables["query_cite"] = await remembered(datasette, database, key, query_variables)
        return variables

    return inner


async def jsonld(datasette: Any, database: str, release: DatasetRelease) -> dict[str, Any]:
    """The dataset's schema.org description, with its distributions on the published site."""
    db = datasette.get_database(database)
    documents = [dict(row) for row in (await db.execute("select * from documents order by date, document_id")).rows]
    sources = [
        {
            "citation": document["citation"] or document["title"],
            "url": document["canonical_url"] or document["source_url"],
        }
        for document in documents
    ]
    distribution = [
        {
            "@type": "DataDownload",
            "encodingFormat": "application/vnd.sqlite3",
            "contentUrl": release.url(f"/{database}.db"),
        },
        {
            "@type": "DataDownload",
            "encodingFormat": "text/csv",
            "contentUrl": release.url(f"/{database}/{TURNS_VIEW_NAME}.csv?_stream=on"),
        },
        {
            "@type": "DataDownload",
            "encodingFormat": "application/json",
            "contentUrl": release.url(f"/{database}/{TURNS_VIEW_NAME}.json?_shape=array"),
        },
    ]
    return (
        dataset_jsonld(release, sources, distribution, documents[0]["date"], documents[-1]["date"]) if documents else {}
    )


# ---------------------------------------------------------------------------------------------------------
# Citations as files


def _file(request: Any, item: dict[str, Any], stem: str) -> Response:
    """The citation as a file in the format the address asks for (formatted text in ``?style=``, one of STYLES)."""
    extension = request.url_vars["extension"]
    style = request.args.get("style") or DEFAULT_STYLE
    if style not in STYLES:
        return Response.text(f"No citation style {style!r}: choose one of {', '.join(STYLES)}.\n", status=400)
    filename = f"{stem}.{'csl.json' if extension == 'json' else extension}"
    return Response(
        render(item, extension, style),
        content_type=FORMATS[extension][0],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Access-Control-Allow-Origin": "*"},
    )


async def cite_row_file(request: Any, datasette: Any) -> Response:
    served = await served_release(datasette)
    table = request.url_vars["table"]
    if served is None or table not in CITED_TABLES:
        raise NotFound("No citation for this table")
    (row_id,) = primary_key_values(request.url_vars["id"])
    item = await row_citation_item(datasette, served[0], served[1], table, row_id, access_date(datasette))
    if item is None:
        raise NotFound(f"No row {row_id} in {table}")
    return _file(request, item, row_id)


async def cite_dataset_file(request: Any, datasette: Any) -> Response:
    served = await served_release(datasette)
    if served is None:
        raise NotFound("No dataset is served")
    release = served[1]
    return _file(request, cite_dataset(release, access_date(datasette)), f"{release.name}-{release.version}")


async def cite_query_file(request: Any, datasette: Any) -> Response:
    served = await served_release(datasette)
    path = request.args.get("path", "")
    if served is None or not path.startswith("/") or urlsplit(path).netloc:
        raise NotFound("Give the path and query string of a page of this site as ?path=/...")
    database, release = served
    path = stable_path(datasette, database, path)
    target = urlsplit(path)
    name = target.path.rstrip("/").rsplit("/", 1)[-1]
    table = None if name == database else name  # /<database>?sql=... is SQL typed by the reader
    canned = canned_query(datasette, database, table)
    title = query_title(table, canned, parse_qsl(target.query))
    return _file(request, cite_query(release, title, path, access_date(datasette)), f"{release.name}-query")


# ---------------------------------------------------------------------------------------------------------
# The version page: one place that ties a release's number, date, checksum and addresses together

# What a release offers to download on the static edition (``make site``), by path under its address.
DOWNLOADS = (
    ("{database}.db", "The SQLite database (open it with Datasette, sqlite3 or any SQLite client)"),
    (
        "{name}-{version}.zip",
        "The release: database, CSVs, data package, README, CITATION.cff, CHANGELOG.md and SHA256SUMS",
    ),
    ("datapackage.json", "The Frictionless data package: every table and column described, with its CSV"),
    ("CITATION.cff", "The citation file (Citation File Format 1.2.0)"),
    ("CHANGELOG.md", "What each version changed, and the versioning policy"),
)


async def version_page(request: Any, datasette: Any) -> Response:
    served = await served_release(datasette)
    if served is None:
        raise NotFound("No dataset is served")
    database, release = served
    facts = load_dataset_facts()
    changes = facts.get("changes") or {}
    route = getattr(datasette.get_database(database), "route", None) or database
    fields = {"database": tilde_encode(database), "name": release.name, "version": release.version}
    context = {
        "release": release,
        "database": database,
        "route": route,
        "short_hash": route[len(database) + 1 :] if route.startswith(f"{database}-") else None,
        "changes": changes.get(release.version, {}).get("changes"),
        "versions": [{"version": version, **entry} for version, entry in reversed(list(changes.items()))],
        "downloads": [
            {"url": release.url(path.format(**fields)), "name": path.format(**fields), "what": what}
            for path, what in DOWNLOADS
        ],
        "tables": [release.url(f"/{tilde_encode(database)}/{table}.csv") for table in CITED_TABLES],
        "example_row": release.url(stable_row_path(database, "utterances", "1962-11-05-memorandum-u057") + "/"),
        "dataset_cite": citation_variables(
            cite_dataset(release, access_date(datasette)), CITE_PREFIX + "/dataset.{extension}"
        ),
    }
    return Response.html(await datasette.render_template("edition/version.html", context, request=request))


@hookimpl
def register_routes():
    extensions = "|".join(FORMATS)
    return [
        (r"^/version$", version_page),
        (rf"^{CITE_PREFIX}/dataset\.(?P<extension>{extensions})$", cite_dataset_file),
        (rf"^{CITE_PREFIX}/query\.(?P<extension>{extensions})$", cite_query_file),
        (rf"^{CITE_PREFIX}/(?P<table>[a-z_]+)/(?P<id>[^/]+)\.(?P<extension>{extensions})$", cite_row_file),
    ]


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any):
    target = VIEW_ROW_LINKS.get(table or "", {}).get(column)
    if target is None or not isinstance(value, str):
        return None
    href = datasette.urls.row(database, target, tilde_encode(value))
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
