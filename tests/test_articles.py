"""Every article number the seeds name has a row, and every mention of one is a reference."""

from __future__ import annotations

from etl.read.articles import find_article_phrases


def test_every_article_number_named_in_the_seeds_has_a_row(db, seed_texts):
    named = {phrase.number for text in seed_texts.values() for phrase in find_article_phrases(text)}
    rows = {r["article_number"]: r["completeness"] for r in db.query("select * from protocol_articles")}
    assert set(rows) == named == {3, 5, 9, 10, 13, 15}
    assert rows == {3: "partial", 5: "full", 9: "none", 10: "full", 13: "full", 15: "none"}


def test_article_3_is_quoted_in_part_by_rodriguez(db):
    article = db["protocol_articles"].get("protocol-1962-10-31-article-3")
    assert article["text"].startswith(
        "the Government of the USA will restrain those who intend to undertake aggression"
    )
    turn = db["utterances"].get(article["source_utterance_id"])
    assert turn["participant_id"] == "rodriguez"
    assert f'"{article["text"]}"' in turn["text"]


def test_references_record_the_phrase_as_printed_where_it_is(db, seed_texts):
    rows = list(db.query("select * from article_references order by reference_id"))
    phrases = [(r["phrase"], r["article_id"].rsplit("-", 1)[1]) for r in rows if r["utterance_id"]]
    assert (
        ("the 10th article", "10") in phrases
        and ("article 13", "13") in phrases
        and ("the 3rd article", "3") in phrases
    )
    for row in rows:
        assert seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]] == row["phrase"]
        source = (
            db["utterances"].get(row["utterance_id"])
            if row["utterance_id"]
            else db["editorial_notes"].get(row["note_id"])
        )
        assert source["text"][row["offset_in_utterance"] :].startswith(row["phrase"])


def test_article_9_is_named_only_inside_the_quoted_articles(db):
    references = db.execute(
        "select note_id from article_references where article_id = 'protocol-1962-10-31-article-9'"
    ).fetchall()
    assert len(references) == 2 and all(note_id for (note_id,) in references)


def test_an_article_quoted_by_two_records_is_one_row_with_the_fullest_text():
    from etl.build import articles_in_order, keep_best_article

    named = {
        "article_id": "protocol-1962-10-31-article-13",
        "protocol_date": "1962-10-31",
        "article_number": 13,
        "completeness": "none",
        "text": None,
    }
    quoted = {**named, "completeness": "full", "text": "The Government of the Republic of Cuba agrees ..."}
    best: dict[str, dict] = {}
    for row in [named, quoted, dict(named)]:  # the rows of three records, in order, as the build keeps them
        keep_best_article(best, row)
    assert articles_in_order(best) == [quoted]
