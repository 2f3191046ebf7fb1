"""The ``document_participants`` and ``participant_names`` rows of a record, from its cast and its turns."""

from __future__ import annotations

import re

from etl.read.blocks import Span
from etl.read.cast import Cast
from etl.read.speakers import Turn
from etl.rows.types import TableRows


def participant_rows(
    rows: TableRows,
    document_id: str,
    seed_file: str,
    text: str,
    turns: list[Turn],
    cast: Cast,
    author_id: str | None,
    vocabulary,
) -> None:
    """Each person's roles in the record (present, absent, author, recorder) with the words that say so."""
    claims = _RoleClaims(cast, vocabulary)
    for cast_role in cast.roles:
        claims.claim(cast_role.participant_id, cast_role.role, cast_role.span)
    absent = _claim_absences(claims, text)
    _claim_presence_in_turns(claims, turns)
    _claim_author_present(claims, turns, author_id)
    for participant_id in absent:
        claims.roles.pop((participant_id, "present"), None)

    for (participant_id, role), span in sorted(
        claims.roles.items(), key=lambda item: (item[0][1], item[1].start, item[0][0])
    ):
        rows.add(
            "document_participants",
            {
                "document_id": document_id,
                "participant_id": participant_id,
                "role": role,
                "evidence": span.text,
                "seed_file": seed_file,
                "char_start": span.start,
                "char_end": span.end,
            },
        )


class _RoleClaims:
    """The roles of a record's people as they are claimed, each with the earliest words that say so."""

    def __init__(self, cast: Cast, vocabulary) -> None:
        self.cast = cast
        self.vocabulary = vocabulary
        self.roles: dict[tuple[str, str], Span] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}

    def claim(self, participant_id: str | None, role: str, span: Span) -> None:
        if participant_id and (
            (participant_id, role) not in self.roles or span.start < self.roles[(participant_id, role)].start
        ):
            self.roles[(participant_id, role)] = span

    def name_then(self, kind: str) -> re.Pattern[str]:
        """A name, then the words that say its person was absent or attended. These patterns hold every name of
        the registry and the cast and are slow to build and to search, so they are built and searched only
        where the words they need stand (``Vocabulary.may_hold_phrase``), which in most records is nowhere."""
        if kind not in self._patterns:
            registry_names = self.cast.registry.form_alternation
            names = "|".join(filter(None, [registry_names, "|".join(re.escape(f) for f in self.cast.forms())]))
            phrases = "|".join(self.vocabulary.phrases[kind])
            self._patterns[kind] = re.compile(rf"(?P<name>{names})\s+(?:{phrases})\b")
        return self._patterns[kind]

    def resolve(self, name: str) -> str | None:
        return self.cast.resolve(name) or self.cast.registry.resolve(name)


def _claim_absences(claims: _RoleClaims, text: str) -> set[str]:
    """The people the record says were absent ("... was absent"); their presence is taken back at the end."""
    absent: set[str] = set()
    if claims.vocabulary.may_hold_phrase("absence", text):
        for match in claims.name_then("absence").finditer(text):
            participant_id = claims.resolve(match["name"])
            if participant_id:
                absent.add(participant_id)
            claims.claim(participant_id, "absent", Span.of(text, match.start(), match.end()))
    return absent


def _claim_presence_in_turns(claims: _RoleClaims, turns: list[Turn]) -> None:
    """Present: whom the narration says attended ("Ambassador A. Alekseev attended the conversation"), and
    each speaker of a labelled turn (the label is the evidence)."""
    for turn in turns:
        if turn.mode == "narration":
            for part in turn.parts:
                if not claims.vocabulary.may_hold_phrase("attended", part.text):
                    continue
                for match in claims.name_then("attended").finditer(part.text):
                    spans = part.paragraph.seed_spans(part.start + match.start("name"), part.start + match.end())
                    claims.claim(claims.resolve(match["name"]), "present", spans[0])
        elif turn.participant_id and turn.label:
            claims.claim(turn.participant_id, "present", turn.label)


def _claim_author_present(claims: _RoleClaims, turns: list[Turn], author: str | None) -> None:
    """The author was present where the record says so in his own words ("as well as myself")."""
    for turn in turns:
        for part in turn.parts:
            for match in claims.vocabulary.find_phrases("author_present", part.text):
                spans = part.paragraph.seed_spans(part.start + match.start(), part.start + match.end())
                claims.claim(author, "present", spans[0])


def name_rows(rows: TableRows, document_id: str, text: str, turns: list[Turn], cast: Cast) -> None:
    """Every form of a participant's name the record prints, with its kind and how often it occurs."""
    registry = cast.registry
    used_as_label = {
        turn.label.text for turn in turns if turn.label and turn.mode != "narration" and turn.label.text.isupper()
    }
    found: dict[tuple[str, str], dict] = {}

    def count(participant_id: str, printed: str, kind: str, start: int) -> None:
        key = (participant_id, printed)
        if key in found:
            found[key]["occurrences"] += 1
        else:
            found[key] = {
                "participant_id": participant_id,
                "name_as_printed": printed,
                "kind": kind,
                "document_id": document_id,
                "occurrences": 1,
                "first_char_start": start,
            }

    for match in registry.forms_in(text):
        printed = match.group(0)
        form = registry.forms[printed]
        kind = form.kind
        if kind == "speaker label" and printed not in used_as_label:
            kind = "name"
        count(form.participant_id, printed, kind, match.start())
    provisional = [person for person in cast.people.values() if person.is_provisional]
    if provisional:
        forms = sorted({form for person in provisional for form in person.forms}, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")
        for match in pattern.finditer(text):
            participant_id = cast.resolve(match.group(0))
            if participant_id and participant_id.startswith("provisional-"):
                count(
                    participant_id,
                    match.group(0),
                    "speaker label" if match.group(0) in used_as_label else "name",
                    match.start(),
                )
    for person in provisional:
        for turn in turns:
            if (
                turn.participant_id == person.participant_id
                and turn.label
                and (person.participant_id, turn.label.text) not in found
            ):
                count(person.participant_id, turn.label.text, "speaker label", turn.label.start)
    for row in sorted(found.values(), key=lambda r: (r["participant_id"], r["first_char_start"])):
        rows.add("participant_names", row)
