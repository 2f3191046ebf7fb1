"""The reading edition: each record readable as a document, a page per person, the editorial method.

The pure text work (``etl.publish.edition``) is tested on the real database; the pages are read in a real
Chromium (Debian's, driven by Playwright) from a real ``datasette serve`` started as ``make serve`` starts
it, at 1280 px and at a phone's 390 px. One server and one browser serve the whole module. Every page is
saved under build/screenshots/edition-<page>-<width>.png.
"""

from __future__ import annotations

import doctest
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from markupsafe import Markup
from playwright.sync_api import Browser, Page
from servers import site_server

import etl.publish.edition as edition
from etl.publish.edition import Mark, annotate, load_copy_artefacts, record_text, sits_in_text
from etl.publish.site import DATABASE_NAME
from etl.schema import MODES

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "build" / "screenshots"
SERVER_LIFETIME_SECONDS = 600  # the server stops by itself even if the test run is killed
STEP_TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A screenshot shows the whole page down to this height: the long records are 20,000-30,000 px tall, and
# painting all of it takes seconds per page while adding nothing the first screens do not show.
SCREENSHOT_MAX_HEIGHT = 6000

MEMORANDUM = "1962-11-05-memorandum"
DAMAGED = "1962-11-03-notes"


def words(text: str) -> list[str]:
    return text.split()


# ---------------------------------------------------------------------------------------------------
# The text work, without a server.


def test_docstring_examples_of_the_edition_run():
    failures, tried = doctest.testmod(edition)
    assert tried > 5 and failures == 0


def test_every_mode_has_plain_words():
    assert set(edition.MODE_WORDS) == set(MODES)


def test_crossing_marks_keep_the_text_and_give_well_formed_html():
    text = "We object. The [Americans] insist.\n\nThen what?"
    marks = [
        Mark(3, 20, "defect", footnote=1, anchor="n1"),  # crosses the bracket's start
        Mark(15, 26, "bracket", footnote=2, anchor="n2"),
        Mark(len(text), len(text), "point", footnote=3, anchor="n3"),
    ]
    paragraphs = annotate(text, marks)
    assert len(paragraphs) == 2
    stripped = [re.sub(r"<sup.*?</sup>", "", str(p)) for p in paragraphs]
    assert [re.sub(r"<[^>]+>", "", p) for p in stripped] == [
        str(Markup.escape("We object. The [Americans] insist.")),
        "Then what?",
    ]
    for paragraph in paragraphs:  # every opened element is closed, in order
        stack = []
        for closing, name in re.findall(r"<(/?)(mark|span|a|sup)\b", str(paragraph)):
            if closing:
                assert stack.pop() == name
            else:
                stack.append(name)
        assert stack == []
    assert str(paragraphs[1]).endswith('aria-label="note 3">3</a></sup>')
    assert (
        str(paragraphs[0]).index('href="#n2"')
        > str(paragraphs[0]).index("icans]")
        > str(paragraphs[0]).index('href="#n1"')
    )


def test_a_note_printed_after_its_turn_is_numbered_at_the_turns_end_and_its_inner_notes_after_it(
    db: sqlite_utils.Database,
):
    notes = [dict(row) for row in db.query("select * from editorial_notes where document_id = ?", [MEMORANDUM])]
    turn = db["utterances"].get(f"{MEMORANDUM}-u011")  # "And change article 10." then the editor's note quoting it
    own = [n for n in notes if n["utterance_id"] == turn["utterance_id"] and n["enclosing_note_id"] is None]
    children = edition.group_by(notes, "enclosing_note_id")
    references = [
        dict(r) for r in db.query("select * from article_references where utterance_id = ?", [turn["utterance_id"]])
    ]
    planned = edition.turn_marks(turn["text"], own, references, children, 7, MEMORANDUM, lambda a: f"/a/{a}")
    assert [(f.number, f.anchor, f.in_text) for f in planned.footnotes] == [(7, "n002", False), (8, "n003", False)]
    assert planned.footnotes[0].children == [8]
    point = next(m for m in planned.marks if m.footnote == 7)
    assert point.start == point.end == len(turn["text"])
    link = next(m for m in planned.marks if m.kind == "article")
    assert turn["text"][link.start : link.end] == "article 10" and link.href.endswith("article-10")


def test_every_note_printed_in_a_turn_sits_at_its_offset(db: sqlite_utils.Database):
    """The record page marks a bracket or a defect by its offset; the marker must be there."""
    rows = db.execute(
        """select editorial_notes.note_id, editorial_notes.marker, editorial_notes.offset_in_utterance, utterances.text
           from editorial_notes join utterances using (utterance_id) where offset_in_utterance is not null"""
    ).fetchall()
    assert rows
    for note_id, marker, offset, text in rows:
        assert sits_in_text({"marker": marker, "offset_in_utterance": offset}, text), note_id


def test_plain_text_of_each_record_has_every_printed_word_of_its_seed(
    db: sqlite_utils.Database, seed_texts: dict[str, str]
):
    for document_id, seed_file in db.execute("select document_id, seed_file from documents"):
        spans = [dict(row) for row in db.query("select * from seed_spans where document_id = ?", [document_id])]
        seed = seed_texts[seed_file]
        chrome = sorted(
            (s["char_start"], s["char_end"]) for s in spans if s["category"] in edition.NOT_PRINTED_CATEGORIES
        )
        printed, position = [], 0
        for start, end in chrome:
            printed.append(seed[position:start])
            position = max(position, end)
        printed.append(seed[position:])
        assert words(record_text(spans)) == words(" ".join(printed)), document_id


def test_every_copy_artefact_is_printed_somewhere_it_says(db: sqlite_utils.Database):
    """A curated artefact that no longer matches its seed is stale, not silently ignored."""
    artefacts = load_copy_artefacts()
    assert artefacts
    for artefact in artefacts:
        values = [
            value
            for column in artefact.columns
            for (value,) in db.execute(f"select [{column}] from [{artefact.table}]")
        ]
        assert any(artefact.printed in (value or "") for value in values), artefact.artefact_id


# A record of 1963 with a person, a side and a role the current records do not have, and a note that names
# no turn: the pages must follow the data, with no new code.
NEW_RECORD = "1963-01-10-telegram"


@pytest.fixture(scope="module")
def grown_database(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built database with one more record, made from the 4 November telegram's rows."""
    path = tmp_path_factory.mktemp("grown") / "havana-1962.db"
    path.write_bytes(database_path.read_bytes())
    grown = sqlite_utils.Database(path)
    source = "1962-11-04-telegram"
    document = {
        **grown["documents"].get(source),
        "document_id": NEW_RECORD,
        "date": "1963-01-10",
        "seed_file": "new.txt",
        "title": "Telegram of 10 January 1963",
        "time_of_day": None,
    }
    grown["documents"].insert(document)
    grown["participants"].insert(
        {
            "participant_id": "observer",
            "name": "A. Observer",
            "side": "Neutral",
            "position": None,
            "source": "a test",
            "is_provisional": 0,
        }
    )
    for table, key in (("utterances", "utterance_id"), ("editorial_notes", "note_id"), ("seed_spans", "span_id")):
        rows = [dict(row) for row in grown.query(f"select * from [{table}] where document_id = ?", [source])]
        for row in rows:
            row[key] = row[key].replace(source, NEW_RECORD)
            row["document_id"] = NEW_RECORD
            if row.get("utterance_id"):
                row["utterance_id"] = row["utterance_id"].replace(source, NEW_RECORD)
        grown[table].insert_all(rows)
    grown["document_participants"].insert_all(
        [
            {
                "document_id": NEW_RECORD,
                "participant_id": "observer",
                "role": "observer",
                "evidence": "an observer",
                "seed_file": "new.txt",
                "char_start": 0,
                "char_end": 11,
            },
            {
                "document_id": NEW_RECORD,
                "participant_id": "mikoyan",
                "role": "present",
                "evidence": "Mikoyan",
                "seed_file": "new.txt",
                "char_start": 12,
                "char_end": 19,
            },
        ]
    )
    grown.execute("update utterances set participant_id = 'observer' where utterance_id = ?", [f"{NEW_RECORD}-u003"])
    grown.conn.commit()
    return path


async def test_a_new_record_person_side_and_role_need_no_new_code(grown_database: Path):
    from etl.publish.serve import datasette_app

    ds = datasette_app(grown_database)
    record = await ds.client.get(f"/record/{NEW_RECORD}")
    assert record.status_code == 200
    turns = (
        sqlite_utils.Database(grown_database)
        .execute("select count(*) from utterances where document_id = ?", [NEW_RECORD])
        .fetchone()[0]
    )
    assert record.text.count('class="turn ') == turns
    assert 'class="turn side-neutral' in record.text and "A. Observer" in record.text
    assert "Observer" in record.text and "an observer" in record.text  # the new role, with its words
    assert 'rel="prev" href="/record/1962-11-05-memorandum"' in record.text  # the newest record comes last
    people = await ds.client.get("/people")
    assert people.status_code == 200 and people.text.count('<th scope="col">') == 5  # the person column and 4 records
    person = await ds.client.get("/person/observer")
    assert person.status_code == 200 and "observer" in person.text
    home = await ds.client.get("/")
    assert f"/record/{NEW_RECORD}" in home.text
    assert (await ds.client.get("/record/1999-01-01-nothing")).status_code == 404


# The shared corpus: 90 real records of 1963-64 (telegrams, letters, records of conversation) that the reader
# was not written against (tests/corpus.py, tests/test_reader_corpus.py).


@pytest.fixture(scope="module")
def corpus_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from corpus import corpus_records
    from seedfolder import write_manifest

    from etl.build import build_database

    folder = tmp_path_factory.mktemp("corpus-seeds")
    for path in corpus_records():
        (folder / path.name).write_bytes(path.read_bytes())
    write_manifest(folder)
    out = tmp_path_factory.mktemp("corpus") / "havana-1962.db"
    build_database(folder, out, log=lambda line: None)
    return out


@pytest.mark.corpus
async def test_every_record_of_the_shared_corpus_reads_as_a_document_with_each_note_once(corpus_database: Path):
    from etl.publish.serve import datasette_app

    ds = datasette_app(corpus_database)
    corpus = sqlite_utils.Database(corpus_database)
    documents = [document_id for (document_id,) in corpus.execute("select document_id from documents")]
    assert len(documents) >= 80
    for document_id in documents:
        page = await ds.client.get(f"/record/{document_id}")
        assert page.status_code == 200, document_id
        turns = corpus.execute("select count(*) from utterances where document_id = ?", [document_id]).fetchone()[0]
        notes = [
            note
            for (note,) in corpus.execute("select note_id from editorial_notes where document_id = ?", [document_id])
        ]
        assert page.text.count('class="turn ') == turns, document_id
        assert sorted(re.findall(r'data-note-id="([^"]+)"', page.text)) == sorted(notes), document_id
    for (participant_id,) in corpus.execute("select participant_id from participants"):
        assert (await ds.client.get(f"/person/{participant_id}")).status_code == 200, participant_id
    for path in ("/", "/people", "/method"):
        assert (await ds.client.get(path)).status_code == 200, path
    # Too many records for a grid: each person lists the records they are in.
    people = (await ds.client.get("/people")).text
    assert 'class="edition-grid' not in people and people.count('<ul class="people-records">') == 1


# ---------------------------------------------------------------------------------------------------
# The pages, in a real browser.


@pytest.fixture(scope="module")
def server(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with site_server(database_path, tmp_path_factory.mktemp("edition-server"), SERVER_LIFETIME_SECONDS) as base_url:
        yield base_url


def open_page(browser: Browser, url: str, viewport: dict[str, int] = DESKTOP) -> Page:
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(url)
    return page


@pytest.fixture(scope="module")
def memorandum(browser: Browser, server: str) -> Iterator[Page]:
    page = open_page(browser, f"{server}/record/{MEMORANDUM}")
    yield page
    page.close()


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_record_page_header_gives_the_records_facts(memorandum: Page, db: sqlite_utils.Database):
    document = db["documents"].get(MEMORANDUM)
    header = memorandum.locator(".record-header")
    assert memorandum.locator("h1").inner_text() == document["title"]
    text = squeeze(header.inner_text())
    for fact in (
        "5 November 1962",
        document["time_of_day"],
        document["place"],
        document["classification"],
        document["document_type"],
        document["record_id"],
    ):
        assert fact in text
    assert header.locator(f'a.original-link[href="{document["canonical_url"]}"]').count() == 1
    roles = db.execute(
        """select role, name, side, position, evidence
           from document_participants join participants using (participant_id)
           where document_id = ?""",
        [MEMORANDUM],
    ).fetchall()
    assert {role for role, *_ in roles} == {"present", "absent", "author", "recorder"}
    for role, name, side, position, evidence in roles:
        entry = squeeze(header.locator(f"dd.role-{role} li", has_text=name).text_content())
        assert side in entry and (position or "") in entry
        if role != "present":
            assert f"“{evidence}”" in entry  # the words that say so, e.g. Castro's absence
    assert "Fidel Castro had not been able to come" in squeeze(header.locator("dd.role-absent").inner_text())
    assert memorandum.title() == f"{document['title']} (5 November 1962): the record"


def test_record_page_gives_every_turn_in_order_with_its_speaker(memorandum: Page, db: sqlite_utils.Database):
    expected = db.execute(
        """select seq, utterance_id, coalesce(name, 'The recorder'), text from utterances
           left join participants using (participant_id) where document_id = ? order by seq""",
        [MEMORANDUM],
    ).fetchall()
    assert len(expected) == 69
    turns = memorandum.locator(".turn")
    assert turns.count() == 69
    # The words of each turn, without the footnote numbers and the printed label that precedes them.
    shown = turns.evaluate_all(
        """turns => turns.map(turn => {
             const words = turn.querySelector('.turn-text').cloneNode(true);
             words.querySelectorAll('sup.fn-ref, .lead-in').forEach(e => e.remove());
             const paragraphs = Array.from(words.querySelectorAll('p')).map(p => p.textContent);
             return [turn.dataset.seq, turn.id, turn.querySelector('.speaker').textContent, paragraphs.join(' ')];
           })"""
    )
    for (seq, utterance_id, speaker, text), (shown_seq, anchor, shown_speaker, shown_text) in zip(
        expected, shown, strict=True
    ):
        assert int(shown_seq) == seq and anchor == utterance_id.rsplit("-", 1)[1] and shown_speaker == speaker
        assert squeeze(shown_text) == squeeze(text), utterance_id


def test_reported_turn_keeps_its_printed_lead_in(memorandum: Page, db: sqlite_utils.Database):
    label, text = db.execute(
        "select speaker_label, text from utterances where document_id = ? and speaker_label_char_start < char_start "
        "and mode = 'reported'",
        [MEMORANDUM],
    ).fetchone()
    turn = memorandum.locator(".turn.mode-reported", has_text=text[:30])
    assert squeeze(turn.locator(".turn-text p").first.inner_text()).startswith(f"{label} {text.split()[0]}")
    assert turn.locator(".speaker-label").inner_text() == label


def test_editors_notes_are_footnotes_after_their_turns_and_link_to_the_articles(
    memorandum: Page, db: sqlite_utils.Database
):
    notes = db.execute(
        """select note_id, utterance_id, article_id, article_number from editorial_notes
           join protocol_articles using (article_id) where document_id = ? and note_type = 'ed_note'
           order by char_start""",
        [MEMORANDUM],
    ).fetchall()
    assert [number for *_, number in notes] == [13, 10, 5]
    for note_id, utterance_id, article_id, _ in notes:
        anchor = note_id.rsplit("-", 1)[1]
        turn = memorandum.locator(f"#{utterance_id.rsplit('-', 1)[1]}")
        reference = turn.locator(f'sup.fn-ref a[href="#{anchor}"]')
        assert reference.count() == 1
        # at the turn's end: nothing of the turn's text follows the note's number
        assert turn.locator(".turn-text p").last.evaluate(
            "(p, anchor) => p.lastElementChild.querySelector('a').getAttribute('href') == '#' + anchor", anchor
        )
        footnote = memorandum.locator(f"li#{anchor}")
        assert footnote.inner_text().count("Ed. note") == 1
        assert footnote.locator(f'a[href$="/protocol_articles/{article_id}"]').count() >= 1
        assert footnote.locator(f'a.note-row[href$="/editorial_notes/{note_id}"]').count() == 1


def test_no_note_is_shown_twice(memorandum: Page, db: sqlite_utils.Database):
    note_ids = [
        note_id for (note_id,) in db.execute("select note_id from editorial_notes where document_id = ?", [MEMORANDUM])
    ]
    shown = memorandum.locator("[data-note-id]").evaluate_all("items => items.map(item => item.dataset.noteId)")
    assert sorted(shown) == sorted(note_ids)
    page_text = memorandum.locator("article.record").inner_text()
    for (marker,) in db.execute(
        "select marker from editorial_notes where document_id = ? and length(marker) > 40", [MEMORANDUM]
    ):
        assert squeeze(page_text).count(squeeze(marker)[:60]) == 1
    numbers = memorandum.locator("ol.footnote-list > li").evaluate_all("items => items.map(item => item.id)")
    for anchor in numbers:
        assert memorandum.locator(f'sup.fn-ref a[href="#{anchor}"]').count() == 1


def test_damaged_record_warns_and_marks_each_defect(browser: Browser, server: str, db: sqlite_utils.Database):
    page = open_page(browser, f"{server}/record/{DAMAGED}")
    try:
        notice = page.locator(".defect-notice")
        assert notice.is_visible()
        assert notice.locator('a[href$="/method#defects"]').count() == 1
        notice_box, text_box = notice.bounding_box(), page.locator(".turns").bounding_box()
        assert notice_box["y"] < text_box["y"]
        defects = db.execute(
            "select note_id, utterance_id, marker, explanation from editorial_notes where document_id = ? and "
            "note_type = 'defect'",
            [DAMAGED],
        ).fetchall()
        assert len(defects) > 5
        assert page.locator(".turns mark.defect").count() >= len(defects)
        for note_id, utterance_id, marker, explanation in defects:
            anchor = note_id.rsplit("-", 1)[1]
            reference = page.locator(f'#{utterance_id.rsplit("-", 1)[1]} sup.fn-ref a[href="#{anchor}"]')
            assert reference.count() == 1
            marked = reference.evaluate("a => a.parentElement.previousElementSibling.textContent")
            assert marked and marker.endswith(marked.strip()[-8:])
            assert squeeze(explanation) in squeeze(page.locator(f"li#{anchor}").inner_text())
            if len(marker) > 20:  # the damaged words are shown once, where they sit
                assert squeeze(page.locator("article.record").inner_text()).count(squeeze(marker)) == 1
    finally:
        page.close()


def test_person_page_of_guevara_shows_his_roles_and_turns(browser: Browser, server: str, db: sqlite_utils.Database):
    page = open_page(browser, f"{server}/person/guevara")
    try:
        assert page.locator("h1").inner_text().startswith("Ernesto Guevara")
        roles = dict(
            db.execute(
                "select document_id, group_concat(role) from document_participants where participant_id = 'guevara' "
                "group by document_id"
            )
        )
        for (document_id,) in db.execute("select document_id from documents"):
            row = page.locator(f'.roles-grid tr[data-document-id="{document_id}"]')
            marked = row.locator(".role-mark").all_inner_texts()
            assert sorted(text.replace("✔", "").strip() for text in marked) == sorted(
                (roles.get(document_id) or "").split(",") if document_id in roles else []
            )
        turns = db.execute("select utterance_id, text from utterances where participant_id = 'guevara'").fetchall()
        assert page.locator(".person-turn").count() == len(turns) > 10
        for utterance_id, text in turns:
            turn = page.locator(f'.person-turn[data-utterance-id="{utterance_id}"] .turn-text')
            words_only = turn.evaluate(
                "t => { const c = t.cloneNode(true); c.querySelectorAll('.lead-in').forEach(e => e.remove()); return "
                "Array.from(c.querySelectorAll('p')).map(p => p.textContent).join(' '); }"
            )
            assert squeeze(words_only) == squeeze(text)
        action = page.locator(".person-turn.mode-action .turn-text").first.inner_text()
        assert re.match(r"^[A-Z. ]*GUEVARA objects", squeeze(action))  # the printed name leads the action
        names = page.locator(".printed-names").inner_text()
        for (name,) in db.execute("select name_as_printed from participant_names where participant_id = 'guevara'"):
            assert name in names
    finally:
        page.close()


def test_people_index_has_a_person_by_record_grid(browser: Browser, server: str, db: sqlite_utils.Database):
    page = open_page(browser, f"{server}/people")
    try:
        people = db["participants"].count
        documents = db["documents"].count
        assert page.locator("table.edition-grid tbody tr").count() == people
        assert page.locator("table.edition-grid thead th").count() == documents + 1
        absent = page.locator("tr#fidel-castro .role-absent")
        assert (
            absent.count()
            == db.execute(
                "select count(*) from document_participants where participant_id = 'fidel-castro' and role = 'absent'"
            ).fetchone()[0]
        )
    finally:
        page.close()


def test_records_are_reached_from_home_rows_and_search(browser: Browser, server: str, db: sqlite_utils.Database):
    page = open_page(browser, server)
    try:
        cards = page.locator(".record-card")
        documents = db.execute(
            "select document_id, title, (select count(*) from utterances u where u.document_id = d.document_id) from "
            "documents d order by date"
        ).fetchall()
        assert cards.count() == len(documents)
        for index, (document_id, title, turns) in enumerate(documents):
            card = cards.nth(index)
            assert title in card.inner_text() and f"{turns} turn" in card.inner_text()
            assert card.locator(f'a.read-link[href$="/record/{document_id}"]').count() == 1
        headings = page.locator("h2").all_inner_texts()
        assert (
            headings.index("The records")
            < headings.index("The people")
            < headings.index("Ready-made queries")
            < headings.index("The tables")
        )
        tables = page.locator("dl.table-list dt a").all_inner_texts()
        assert tables.index("seed_spans") > tables.index("utterances") and tables[-1].endswith("_fts")

        page.goto(f"{server}/{DATABASE_NAME}/documents/{MEMORANDUM}")
        page.get_by_role("link", name="Read this record").click()
        page.wait_for_url(f"**/record/{MEMORANDUM}")

        page.goto(f"{server}/{DATABASE_NAME}/participants/guevara")
        page.get_by_role("link", name="This person's page").click()
        page.wait_for_url("**/person/guevara")

        page.goto(f"{server}/{DATABASE_NAME}/utterances/{MEMORANDUM}-u057")
        page.get_by_role("link", name="read it in the record").click()
        page.wait_for_url(f"**/record/{MEMORANDUM}#u057")
        assert page.locator("#u057").is_visible()
        assert page.evaluate("document.querySelector('#u057').getBoundingClientRect().top") < PHONE["height"]

        page.goto(f"{server}/{DATABASE_NAME}/utterances?_search=inspection")
        links = page.locator("td.col-text a.in-record")
        assert links.count() == page.locator("table.rows-and-columns tbody tr").count() > 0
        href = links.first.get_attribute("href")
        assert re.search(r"/record/[\w-]+#u\d{3}$", href)
    finally:
        page.close()


def test_copy_artefacts_are_marked_as_defects_of_the_copy(browser: Browser, server: str):
    page = open_page(browser, f"{server}/record/{MEMORANDUM}")
    try:
        assert "[email\u00a0protected]" in page.locator(".rights .artefact").text_content()
        page.goto(f"{server}/record/{DAMAGED}")
        assert "dvincitest" in page.locator(".archival-citation .artefact").inner_text()
        assert page.locator(".copy-notice a[href$='/method#copy-artefacts']").count() == 1
        page.goto(f"{server}/{DATABASE_NAME}/documents/{DAMAGED}")  # Datasette's own row page marks it too
        assert "dvincitest" in page.locator("td.col-citation .artefact").inner_text()
        page.goto(f"{server}/method")
        for artefact in load_copy_artefacts():
            assert artefact.explanation[:60] in squeeze(page.locator(f"#artefact-{artefact.artefact_id}").inner_text())
    finally:
        page.close()


def test_method_page_lists_every_note_type_whose_it_is_and_every_curated_file(
    browser: Browser, server: str, db: sqlite_utils.Database
):
    page = open_page(browser, f"{server}/method")
    try:
        for note_type, resp in db.execute("select note_type, resp from note_types"):
            row = page.locator(f"tr#type-{note_type}")
            assert resp in row.inner_text()
        curated = page.locator("dl.curated-files").inner_text()
        for path in sorted((REPO / "etl" / "curated").glob("*.yml")):  # every curated file, in its own words
            assert f"etl/curated/{path.name}" in curated
    finally:
        page.close()


def test_downloads_give_the_text_as_printed_and_the_turns_in_order(
    browser: Browser, server: str, db: sqlite_utils.Database
):
    page = open_page(browser, f"{server}/record/{MEMORANDUM}")
    try:
        text_url = page.get_by_role("link", name="Text as printed (.txt)").get_attribute("href")
        json_url = page.get_by_role("link", name="Turns as JSON").get_attribute("href")
        csv_url = page.get_by_role("link", name="Turns as CSV").get_attribute("href")
    finally:
        page.close()
    with urllib.request.urlopen(server + text_url, timeout=10) as response:
        assert response.headers["content-type"].startswith("text/plain")
        text = response.read().decode("utf-8")
    spans = [dict(row) for row in db.query("select * from seed_spans where document_id = ?", [MEMORANDUM])]
    assert text == record_text(spans)
    with urllib.request.urlopen(server + json_url, timeout=10) as response:
        turns = json.load(response)
    assert [turn["seq"] for turn in turns] == list(range(1, 70))
    with urllib.request.urlopen(server + csv_url, timeout=10) as response:
        assert len(response.read().decode("utf-8").strip().splitlines()) > 69


def test_chart_has_a_text_alternative(browser: Browser, server: str):
    page = open_page(
        browser,
        f"{server}/{DATABASE_NAME}/words_per_participant#g.mark=bar&g.x_column=speaker&g.x_type=ordinal&g.y_column=words&g.y_type=quantitative",
    )
    try:
        chart = page.locator("canvas.marks, svg.marks").first
        chart.wait_for()
        page.wait_for_function("document.querySelector('canvas.marks, svg.marks').getAttribute('role') === 'img'")
        assert "words by speaker" in chart.get_attribute("aria-label")
        caption = page.locator("table.rows-and-columns caption")
        assert caption.get_attribute("id") == chart.get_attribute("aria-describedby")
        assert "data of the chart" in caption.inner_text()
    finally:
        page.close()


# Every page of the edition, and the Datasette pages a reader comes through, at both widths.
PAGES = {
    "home": "/",
    "record-1962-11-03": f"/record/{DAMAGED}",
    "record-1962-11-04": "/record/1962-11-04-telegram",
    "record-1962-11-05": f"/record/{MEMORANDUM}",
    "people": "/people",
    "person-guevara": "/person/guevara",
    "person-mikoyan": "/person/mikoyan",
    "method": "/method",
    "document-row": f"/{DATABASE_NAME}/documents/{MEMORANDUM}",
    "turn-row": f"/{DATABASE_NAME}/utterances/{MEMORANDUM}-u056",
    "turns-table": f"/{DATABASE_NAME}/turns",
    "search-results": f"/{DATABASE_NAME}/utterances?_search=inspection",
    "read-record-query": f"/{DATABASE_NAME}/read_record?document_id={MEMORANDUM}",
    "keyword-in-context": f"/{DATABASE_NAME}/keyword_in_context?term=inspection",
    "words-per-participant": f"/{DATABASE_NAME}/words_per_participant",
}

# Elements that clip or scroll their content sideways, and elements that reach past the viewport's edge.
OVERFLOW_SCRIPT = """() => {
  const found = [];
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : '');
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    // hidden on purpose
    if (style.clip !== 'auto' || style.clipPath !== 'none' || el.closest('.visually-hidden')) continue;
    const clips = ['hidden', 'auto', 'scroll', 'clip'].includes(style.overflowX);
    if (clips && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1) found.push('clipped: ' + describe(el));
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > document.documentElement.clientWidth + 1) {
      found.push('past the edge: ' + describe(el));
    }
  }
  return found;
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen_and_says_what_it_is(browser: Browser, server: str, name: str, viewport: dict[str, int]):
    page = open_page(browser, server + PAGES[name], viewport)
    try:
        width = viewport["width"]
        assert page.evaluate("document.scrollingElement.scrollWidth") == width
        if width == PHONE["width"]:
            assert page.evaluate(OVERFLOW_SCRIPT) == []
        title = page.title()
        assert title and "select " not in title.lower() and len(title) < 160
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = min(page.evaluate("document.scrollingElement.scrollHeight"), SCREENSHOT_MAX_HEIGHT)
        page.screenshot(
            path=str(SCREENSHOTS / f"edition-{name}-{width}.png"),
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": height},
        )
    finally:
        page.close()
