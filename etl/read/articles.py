"""The articles of the draft protocol that the talks quote or name.

Three kinds of evidence: an editor's note that quotes an article in full ("[Ed. note: Article 13 of the
draft protocol read: "..." Draft Soviet-American-Cuban protocol (unoffical translation), 31 October 1962,
Russian Foreign Ministry archives.]"), a turn that quotes part of one ("in the 3rd article it is said that
"..."") and a phrase that only names one ("strike article 13", "the 10th article").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

# An editor's note quoting an article:
#   Article 13 of the draft protocol read: "The Government of ... Protocol." Draft Soviet-American-Cuban
#   protocol (unoffical translation), 31 October 1962, Russian Foreign Ministry archives.
ARTICLE_QUOTATION_NOTE = re.compile(
    r"""^Article\ (?P<number>\d+)\ of\ the\ draft\ protocol\ read:\s+
    "(?P<text>.+)"\s+
    (?P<protocol>[A-Z][^(]+?)\s+\((?P<translation>[^)]*)\),\s+
    (?P<date>\d{1,2}\ [A-Z][a-z]+\ \d{4}),\s+(?P<archive>[^.]+)\.$""",
    re.VERBOSE | re.DOTALL,
)

# A phrase naming an article: "article 13", "Article 9", "the 10th article", "the 3rd article".
ARTICLE_PHRASE = re.compile(
    r"""(?P<phrase>\b[Aa]rticle\ (?P<number>\d+)\b
    |\bthe\ (?P<ordinal>\d+)(?:st|nd|rd|th)\ article\b)""",
    re.VERBOSE,
)

# A turn quoting part of an article: 'in the 3rd article it is said that "the Government of the USA will
# restrain ..."'
ARTICLE_PARTIAL_QUOTATION = re.compile(
    r"""(?:\bthe\ (?P<ordinal>\d+)(?:st|nd|rd|th)\ article|\b[Aa]rticle\ (?P<number>\d+))
    \ (?:it\ is\ said|says|reads|states)\ that\ "(?P<text>[^"]+)\"""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class ArticlePhrase:
    number: int
    phrase: str
    offset: int  # within the text searched


@dataclass(frozen=True)
class QuotedArticle:
    number: int
    text: str
    protocol: str
    protocol_date: str  # ISO


@dataclass(frozen=True)
class PartialQuotation:
    number: int
    text: str


def find_article_phrases(text: str) -> list[ArticlePhrase]:
    """Every phrase of a text that names a protocol article.

    >>> [(p.number, p.phrase) for p in find_article_phrases("we should strike article 13. In the 10th article")]
    [(13, 'article 13'), (10, 'the 10th article')]
    """
    if not _has_article_word(text):
        return []
    return [
        ArticlePhrase(int(m["number"] or m["ordinal"]), m["phrase"], m.start("phrase"))
        for m in ARTICLE_PHRASE.finditer(text)
    ]


def parse_article_quotation(note_text: str) -> QuotedArticle | None:
    """The article an editor's note quotes in full, with the protocol's title and date as cited."""
    match = ARTICLE_QUOTATION_NOTE.match(note_text)
    if not match:
        return None
    protocol_date = datetime.strptime(match["date"], "%d %B %Y").date().isoformat()
    return QuotedArticle(int(match["number"]), match["text"], match["protocol"], protocol_date)


def find_partial_quotations(text: str) -> list[PartialQuotation]:
    """Parts of articles quoted in a turn."""
    if not _has_article_word(text):
        return []
    return [
        PartialQuotation(int(m["number"] or m["ordinal"]), m["text"]) for m in ARTICLE_PARTIAL_QUOTATION.finditer(text)
    ]


def _has_article_word(text: str) -> bool:
    """Whether a text has the word "article" or "Article", without which no pattern above matches: most
    turns name no article, and a scan for the word is much faster than trying a pattern at every place."""
    return "article" in text or "Article" in text


def article_id(protocol_date: str, number: int) -> str:
    """Stable id of an article.

    >>> article_id("1962-10-31", 13)
    'protocol-1962-10-31-article-13'
    """
    return f"protocol-{protocol_date}-article-{number}"
