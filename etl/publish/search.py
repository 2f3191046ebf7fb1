"""Turn what a historian types into a search box into a safe SQLite FTS5 query.

FTS5's own syntax is unforgiving: an empty box, a lone quote or a hyphen is a syntax error, and a word such
as ``OR`` typed in lower case is an operator only sometimes. Datasette's escaped mode avoids the errors by
quoting every word, which also turns ``inspection OR verification`` into a search for the word "or". This
module reads the query the way a search engine's users expect, and writes FTS5 in which every word is a
quoted string, so the only errors left are the ones it reports itself, in words:

- words are all required (``airborne inspection``); ``OR`` (upper case) between two terms finds either;
  ``AND`` is allowed and changes nothing; ``NOT`` or a leading ``-`` leaves out what follows;
- a quoted ``"phrase"`` finds those words together, in that order; a trailing ``*`` finds any word that
  begins so (``insp*``); parentheses group; an unclosed quotation mark or parenthesis is read as closed at
  the end, and the query says so;
- a person's name, typed in any form a record prints it (``participant_names``) or by the canonical name,
  finds every form of it: ``Aragones`` also searches ``Aragonez``; ``Mikoyan`` also ``Mikovan``. A quoted
  name is taken as typed.

Case and accents are folded here as the tokenizer folds them (``unicode61 remove_diacritics 2``); word
endings are left to the tokenizer's porter stemmer.

>>> parse_search('inspection OR verification').fts5()
'("inspection" OR "verification")'
>>> parse_search('"airborne inspection" -Turkey').fts5()
'("airborne inspection" NOT "turkey")'
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# A token of the query: a quoted phrase (perhaps unclosed), a parenthesis, or a run of other characters.
# 'inspection OR "strike article 13" -Turkey insp*' -> inspection, OR, "strike article 13", -Turkey, insp*
QUERY_TOKEN = re.compile(
    r"""
    (?P<negated>-)?"(?P<phrase>[^"]*)(?P<closed>")?(?P<phrase_prefix>\*)?   # "a phrase", -"a phrase", "insp"*
    | (?P<paren>[()])
    | (?P<word>[^\s()"]+)                                                   # inspection, -Turkey, insp*, OR
    """,
    re.VERBOSE,
)
# The operators, in upper case as people write them in search engines; lower-case "or" is a word.
OPERATORS = ("OR", "AND", "NOT")
# A word as the tokenizer sees it after folding: runs of letters and digits ("article-13" is two words).
WORD = re.compile(r"\w+")
# The longest run of typed words looked up as one printed name ("Carlos Rafael Rodriguez").
LONGEST_NAME_WORDS = 5


class SearchSyntaxError(ValueError):
    """A query that cannot be read; the message says why in words a reader understands."""


def fold(text: str) -> str:
    """Lower case without diacritics, as the full-text index folds text.

    >>> fold("Emilio ARAGONÉS")
    'emilio aragones'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(character for character in decomposed if not unicodedata.combining(character)).casefold()


def words_of(text: str) -> tuple[str, ...]:
    """The folded words of a text, as the index sees them (before stemming).

    >>> words_of("A.I. MIKOYAN, to Che:")
    ('a', 'i', 'mikoyan', 'to', 'che')
    """
    return tuple(WORD.findall(fold(text)))


# ---------------------------------------------------------------------------------------------------------
# The query as a tree


@dataclass(frozen=True)
class Term:
    """Words that must occur together in this order (one word, or a phrase); ``prefix`` for a trailing *."""

    words: tuple[str, ...]
    prefix: bool = False
    # Other forms of the same name (each a tuple of words), searched as alternatives.
    alternatives: tuple[tuple[str, ...], ...] = ()
    # The participant whose name this term is, when it was expanded.
    participant_id: str | None = None

    def fts5(self) -> str:
        forms = [self.words, *[form for form in self.alternatives if form != self.words]]
        strings = [_quote(form) + ("*" if self.prefix and form is self.words else "") for form in forms]
        return strings[0] if len(strings) == 1 else "(" + " OR ".join(strings) + ")"


@dataclass(frozen=True)
class All:
    """Every part must match, and none of the ``excluded`` may."""

    parts: tuple[Node, ...]
    excluded: tuple[Node, ...] = ()

    def fts5(self) -> str:
        text = " AND ".join(part.fts5() for part in self.parts)
        if len(self.parts) > 1 or self.excluded:
            text = "(" + text + "".join(f" NOT {part.fts5()}" for part in self.excluded) + ")"
        return text


@dataclass(frozen=True)
class Any_:
    """At least one of the parts must match."""

    parts: tuple[Node, ...]

    def fts5(self) -> str:
        return "(" + " OR ".join(part.fts5() for part in self.parts) + ")"


Node = Term | All | Any_


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: its tree, the people whose names it expanded, and the words it searches."""

    text: str
    tree: Node | None
    names: tuple[tuple[str, str, tuple[str, ...]], ...] = field(default=())  # (as typed, participant, forms)
    notices: tuple[str, ...] = ()  # how a query that was not quite well formed was read

    @property
    def is_empty(self) -> bool:
        return self.tree is None

    def fts5(self) -> str | None:
        """The FTS5 MATCH expression, or None for an empty query."""
        return None if self.tree is None else self.tree.fts5()

    def by_speaker(self) -> tuple[tuple[str, str | None], ...]:
        """How a turn by a person named in the query matches: for each name that the query requires (not one
        of alternatives, not left out), the participant and the expression the rest of the query makes, which
        the turn's own words must match (None: every turn of theirs matches, the query being only the name).

        A name finds the turns said by that person as well as the turns that name them: "Guevara inspection"
        finds Guevara's turns about inspection, and the turns that name Guevara and inspection.

        >>> index = build_name_index([("guevara", "Ernesto Guevara"), ("guevara", "Che")])
        >>> parse_search("Guevara inspection", index).by_speaker()
        (('guevara', '"inspection"'),)
        >>> parse_search("Che", index).by_speaker()
        (('guevara', None),)
        >>> parse_search("Che OR inspection", index).by_speaker()
        ()
        """
        if self.tree is None:
            return ()
        parts = self.tree.parts if isinstance(self.tree, All) else (self.tree,)
        excluded = self.tree.excluded if isinstance(self.tree, All) else ()
        readings = []
        for name in parts:
            if not isinstance(name, Term) or name.participant_id is None:
                continue
            rest = tuple(part for part in parts if part is not name)
            if not rest and excluded:
                continue  # "Che NOT Turkey" alone: FTS5 cannot say "everything but", so it is searched as words
            readings.append((name.participant_id, All(rest, excluded).fts5() if rest else None))
        return tuple(readings)


def _quote(words: Iterable[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


# ---------------------------------------------------------------------------------------------------------
# Names


@dataclass(frozen=True)
class NameIndex:
    """Every printed form of every participant's name, to expand a typed name into all its forms.

    ``forms`` maps a participant to the words searched for them: the words of their names that no other
    participant's name shares ("mikoyan", "mikovan"), and, for a form with no such word ("F. Castro"), the
    form as a phrase. ``lookup`` maps a typed name (folded words) to the participant it names unambiguously.
    """

    forms: Mapping[str, tuple[tuple[str, ...], ...]]
    lookup: Mapping[tuple[str, ...], str]

    def find(self, words: tuple[str, ...]) -> str | None:
        return self.lookup.get(words)


EMPTY_NAME_INDEX = NameIndex(forms={}, lookup={})


def build_name_index(names: Iterable[tuple[str, str]]) -> NameIndex:
    """The name index from (participant_id, name) pairs: canonical names and every printed form.

    >>> index = build_name_index([("aragones", "Emilio Aragonés"), ("aragones", "E. Aragonez"),
    ...     ("fidel-castro", "Fidel Castro"), ("fidel-castro", "F. Castro"), ("raul-castro", "R. Castro")])
    >>> index.forms["aragones"]
    (('aragones',), ('aragonez',), ('emilio',))
    >>> index.find(("aragones",)), index.find(("castro",)), index.find(("f", "castro"))
    ('aragones', None, 'fidel-castro')
    """
    forms_of: dict[str, set[tuple[str, ...]]] = {}
    for participant_id, name in names:
        words = words_of(name)
        if words:
            forms_of.setdefault(participant_id, set()).add(words)
    word_owners: dict[str, set[str]] = {}
    phrase_owners: dict[tuple[str, ...], set[str]] = {}
    for participant_id, forms in forms_of.items():
        for words in forms:
            phrase_owners.setdefault(words, set()).add(participant_id)
            for word in words:
                if not _is_initial(word):
                    word_owners.setdefault(word, set()).add(participant_id)
    searched: dict[str, tuple[tuple[str, ...], ...]] = {}
    lookup: dict[tuple[str, ...], str] = {}
    for participant_id, forms in forms_of.items():
        terms: set[tuple[str, ...]] = set()
        for words in forms:
            own = [word for word in words if not _is_initial(word) and word_owners[word] == {participant_id}]
            if own:
                terms.update((word,) for word in own)
            elif len(words) > 1 and phrase_owners[words] == {participant_id}:
                terms.add(words)
        searched[participant_id] = tuple(sorted(terms))
        for words in forms:
            if phrase_owners[words] == {participant_id}:
                lookup[words] = participant_id
            for word in words:
                if not _is_initial(word) and word_owners[word] == {participant_id}:
                    lookup[(word,)] = participant_id
    # A typed name that is a whole form of two people ("Castro") expands to nobody: it is searched as typed.
    return NameIndex(forms=searched, lookup={words: owner for words, owner in lookup.items() if searched.get(owner)})


def _is_initial(word: str) -> bool:
    """One letter ("A" of "A.I. Mikoyan"), or a short word that only joins ("to" of "A.I. MIKOYAN, to Che")."""
    return len(word) < 3


# ---------------------------------------------------------------------------------------------------------
# The parser


@dataclass(frozen=True)
class _Token:
    kind: str  # "phrase", "word", "operator", "open", "close"
    words: tuple[str, ...] = ()
    negated: bool = False
    prefix: bool = False
    text: str = ""


def _lex(text: str, notices: list[str]) -> list[_Token]:
    """The tokens of a query. An unclosed quotation mark runs to the end, as search engines read it (noted)."""
    tokens: list[_Token] = []
    for match in QUERY_TOKEN.finditer(text):
        if match["phrase"] is not None:
            if match["closed"] is None:
                notices.append(
                    f"The quotation mark before “{match['phrase'].strip()}” is not closed: "
                    "searched as a phrase to the end."
                )
            words = words_of(match["phrase"])
            if words:
                tokens.append(
                    _Token(
                        "phrase",
                        words,
                        negated=bool(match["negated"]),
                        prefix=bool(match["phrase_prefix"]),
                        text=match.group(0),
                    )
                )
        elif match["paren"]:
            tokens.append(_Token("open" if match["paren"] == "(" else "close", text=match["paren"]))
        else:
            raw = match["word"]
            if raw in OPERATORS:
                tokens.append(_Token("operator", text=raw))
                continue
            negated = raw.startswith("-") and len(raw) > 1
            prefix = raw.endswith("*")
            words = words_of(raw)
            if words:
                tokens.append(_Token("word", words, negated=negated, prefix=prefix, text=raw))
    return tokens


class _Parser:
    """Recursive descent over the tokens: query := group (OR group)*; group := item+; item := [NOT] term."""

    def __init__(self, tokens: list[_Token], names: NameIndex, notices: list[str]) -> None:
        self.tokens = tokens
        self.notices = notices
        self.position = 0
        self.names = names
        self.expanded: list[tuple[str, str, tuple[str, ...]]] = []

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node:
        node = self.parse_any()
        if self.peek() is not None:  # only a stray ")" can stop parse_any early
            raise SearchSyntaxError("A closing parenthesis “)” has no opening “(” before it.")
        return node

    def parse_any(self) -> Node:
        groups = [self.parse_all()]
        while (token := self.peek()) is not None and token.kind == "operator" and token.text == "OR":
            self.take()
            following = self.peek()
            if following is None or following.kind in ("close", "operator"):
                raise SearchSyntaxError("OR needs a word or a phrase on each side, e.g. inspection OR verification.")
            groups.append(self.parse_all())
        return groups[0] if len(groups) == 1 else Any_(tuple(groups))

    def parse_all(self) -> Node:
        parts: list[Node] = []
        excluded: list[Node] = []
        while (token := self.peek()) is not None and not (
            token.kind == "close" or (token.kind == "operator" and token.text == "OR")
        ):
            if token.kind == "operator":
                self.take()
                following = self.peek()
                if following is None or following.kind in ("close", "operator"):
                    raise SearchSyntaxError(
                        f"{token.text} needs a word or a phrase after it, e.g. inspection {token.text} Turkey."
                    )
                if token.text == "NOT":
                    excluded.append(self.parse_item())
                continue
            if token.negated:
                excluded.append(self.parse_item())
            else:
                parts.append(self.parse_item())
        if not parts:
            if excluded:
                raise SearchSyntaxError(
                    "NOT (or -) leaves words out of what the other words find: add a word to look for, "
                    "e.g. inspection NOT Turkey."
                )
            if (following := self.peek()) is not None and following.kind == "operator":
                raise SearchSyntaxError("OR needs a word or a phrase on each side, e.g. inspection OR verification.")
            raise SearchSyntaxError("Empty parentheses “()”: put words inside them, or remove them.")
        return All(tuple(parts), tuple(excluded)) if len(parts) > 1 or excluded else parts[0]

    def parse_item(self) -> Node:
        token = self.take()
        if token.kind == "open":
            node = self.parse_any()
            if self.peek() is None:
                self.notices.append("A parenthesis “(” is not closed: read as closed at the end.")
            else:
                self.take()  # the ")": parse_any stops only there or at the end
            return node
        if token.kind == "close":
            raise SearchSyntaxError("A closing parenthesis “)” has no opening “(” before it.")
        if token.kind == "phrase" or token.prefix:
            return Term(token.words, prefix=token.prefix)
        return self.name_or_words(token)

    def name_or_words(self, first: _Token) -> Node:
        """A typed word, or the longest run of typed words that is a person's name, with all its forms."""
        run = [first]
        while (
            len(run) < LONGEST_NAME_WORDS
            and (token := self.peek()) is not None
            and token.kind == "word"
            and not token.negated
            and not token.prefix
        ):
            run.append(self.take())
        for length in range(len(run), 0, -1):
            words = tuple(word for token in run[:length] for word in token.words)
            participant_id = self.names.find(words)
            if participant_id is not None:
                self.position -= len(run) - length
                forms = self.names.forms[participant_id]
                self.expanded.append(
                    (
                        " ".join(token.text for token in run[:length]),
                        participant_id,
                        tuple(" ".join(form) for form in forms),
                    )
                )
                return Term(words, alternatives=forms, participant_id=participant_id)
        self.position -= len(run) - 1
        return Term(first.words)


def parse_search(text: str | None, names: NameIndex = EMPTY_NAME_INDEX) -> SearchQuery:
    """Read a query typed in a search box; raise SearchSyntaxError with a readable message if it cannot be read.

    >>> index = build_name_index([("aragones", "Emilio Aragonés"), ("aragones", "E. Aragonez")])
    >>> parse_search("Aragones inspect*", index).fts5()
    '(("aragones" OR "aragonez" OR "emilio") AND "inspect"*)'
    >>> parse_search("   ").is_empty
    True
    """
    text = (text or "").strip()
    notices: list[str] = []
    tokens = _lex(text, notices)
    if not tokens:
        return SearchQuery(text=text, tree=None, notices=tuple(notices))
    parser = _Parser(tokens, names, notices)
    tree = parser.parse()
    return SearchQuery(text=text, tree=tree, names=tuple(parser.expanded), notices=tuple(notices))


# ---------------------------------------------------------------------------------------------------------
# Keyword in context: one row for each occurrence

# The marks FTS5's highlight() is asked to put around each match: characters a turn's text never holds.
MATCH_OPEN, MATCH_CLOSE = "\x02", "\x03"
# How many words of context stand on each side of an occurrence.
CONTEXT_WORDS = 8
MARKED = re.compile(f"{MATCH_OPEN}(?P<match>[^{MATCH_CLOSE}]*){MATCH_CLOSE}")


def occurrences(marked: str | None, context_words: int = CONTEXT_WORDS) -> str:
    """Each match that FTS5's ``highlight()`` marked in a turn's text, as a JSON list (for ``json_each``): the
    match, the words around it with the match marked ``**like this**``, and its offset in the turn's text.

    >>> import json
    >>> marked = "We reject \\x02inspection\\x03, any \\x02inspection\\x03 at all."
    >>> [row["in_context"] for row in json.loads(occurrences(marked, 2))]
    ['We reject **inspection**, any inspection', 'inspection, any **inspection** at all.']
    >>> json.loads(occurrences("We reject \\x02inspection\\x03."))[0]["offset"]
    10
    """
    if not marked:
        return "[]"
    text = marked.replace(MATCH_OPEN, "").replace(MATCH_CLOSE, "")
    words_before = re.compile(rf"(?:\S+\s+){{0,{context_words}}}\S*$")
    words_after = re.compile(rf"\S*(?:\s+\S+){{0,{context_words}}}")
    found = []
    for number, match in enumerate(MARKED.finditer(marked)):
        start = match.start() - 2 * number  # the marks of the matches before this one are not in the text
        end = start + len(match["match"])
        # both patterns match the empty string, so they always match
        words_ahead = words_before.search(text[max(0, start - 40 * context_words) : start])
        words_behind = words_after.match(text, end)
        assert words_ahead is not None and words_behind is not None
        in_context = " ".join(f"{words_ahead[0]}**{match['match']}**{words_behind[0]}".split())
        found.append({"match": match["match"], "offset": start, "in_context": in_context})
    return json.dumps(found, ensure_ascii=False)
