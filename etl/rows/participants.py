"""The ``document_participants`` and ``participant_names`` rows of a record, from its cast and its turns."""

from __future__ import annotations

import re

from etl.read.blocks import Span
from etl.read.cast import Cast
from etl.read.speakers import Turn
from etl.rows.types import SeedRows


def participant_rows(seed: SeedRows, text: str, turns: list[Turn], cast: Cast, vocabulary) -> None:
    """Each person's roles in the record (present, absent, author, recorder) with the words that say so."""
    document_id = seed.document["document_id"]
    seed_file = seed.document["seed_file"]
    roles: dict[tuple[str, str], Span] = {}

    def claim(participant_id: str | None, role: str, span: Span) -> None:
        if participant_id and ((participant_id, role) not in roles or span.start < roles[(participant_id, role)].start):
            roles[(participant_id, role)] = span

    for role in cast.roles:
        claim(role.participant_id, role.role, role.span)
    # A name, then the words that say its person was absent or attended: these patterns hold every name of
    # the registry and the cast and are slow to build and to search, so they are built and searched only
    # where the words they need stand (``Vocabulary.may_hold_phrase``), which in most records is nowhere.
    patterns: dict[str, re.Pattern[str]] = {}

    def name_then(kind: str) -> re.Pattern[str]:
        if kind not in patterns:
            registry_names = cast.registry.form_alternation
            names = "|".join(filter(None, [registry_names, "|".join(re.escape(f) for f in cast.forms())]))
            patterns[kind] = re.compile(rf"(?P<name>{names})\s+(?:{'|'.join(vocabulary.phrases[kind])})\b")
        return patterns[kind]

    absent = set()
    if vocabulary.may_hold_phrase("absence", text):
        for match in name_then("absence").finditer(text):
            participant_id = cast.resolve(match["name"]) or cast.registry.resolve(match["name"])
            absent.add(participant_id)
            claim(participant_id, "absent", Span.of(text, match.start(), match.end()))

    author = seed.document["author_id"]
    for turn in turns:
        if turn.mode == "narration":
            for part in turn.parts:
                if not vocabulary.may_hold_phrase("attended", part.text):
                    continue
                for match in name_then("attended").finditer(part.text):
                    spans = part.paragraph.seed_spans(part.start + match.start("name"), part.start + match.end())
                    claim(cast.resolve(match["name"]) or cast.registry.resolve(match["name"]), "present", spans[0])
        elif turn.participant_id and turn.label:
            claim(turn.participant_id, "present", turn.label)
    for turn in turns:
        for part in turn.parts:
            for match in vocabulary.find_phrases("author_present", part.text):
                spans = part.paragraph.seed_spans(part.start + match.start(), part.start + match.end())
                claim(author, "present", spans[0])
    for participant_id in absent:
        roles.pop((participant_id, "present"), None)

    for (participant_id, role), span in sorted(roles.items(), key=lambda item: (item[0][1], item[1].start, item[0][0])):
        seed.add(
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


def name_rows(seed: SeedRows, text: str, turns: list[Turn], cast: Cast) -> None:
    """Every form of a participant's name the record prints, with its kind and how often it occurs."""
    document_id = seed.document["document_id"]
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
        kind = registry.forms[printed].kind
        if kind == "speaker label" and printed not in used_as_label:
            kind = "name"
        count(registry.resolve(printed), printed, kind, match.start())
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
        seed.add("participant_names", row)
