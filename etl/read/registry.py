"""The curated registry: participants and the forms of their names, each with its source.

It lives in ``etl/curated/participants.yml`` (checked against its schema); this module only reads it and
builds the patterns the parser needs from it. Variant spellings are data here, never ``if`` branches.
The registry is read-only: people a record names whom it does not know are returned by the reader as
provisional participants of that record (``etl/read/cast.py``), never written into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from etl.curation import entry_lines, line_of_node, load_curated
from etl.errors import ParseError
from etl.paths import CURATED
from etl.read.blocks import find_where_possible
from etl.read.vocabulary import longest_first


@dataclass(frozen=True)
class Participant:
    participant_id: str
    name: str
    side: str | None
    position: str | None
    source: str
    forms: dict[str, str]  # name as printed -> kind
    is_provisional: bool = False


@dataclass(frozen=True)
class NameForm:
    name_as_printed: str
    participant_id: str
    kind: str


@dataclass
class Registry:
    """Participants and their name forms, from the curated file."""

    participants: dict[str, Participant]

    @cached_property
    def forms(self) -> dict[str, NameForm]:
        return {
            form: NameForm(form, participant.participant_id, kind)
            for participant in self.participants.values()
            for form, kind in participant.forms.items()
        }

    @cached_property
    def label_forms(self) -> list[str]:
        """Forms that can stand as the label of a transcript turn, longest first."""
        return sorted((f for f, form in self.forms.items() if form.kind == "speaker label"), key=len, reverse=True)

    @cached_property
    def label_alternation(self) -> str:
        """The label forms as a regex alternation, longest first."""
        return longest_first(self.label_forms)

    @cached_property
    def form_alternation(self) -> str:
        """Every form as a regex alternation, longest first."""
        return longest_first(self.forms)

    @cached_property
    def label_at_start(self) -> re.Pattern[str] | None:
        """A transcript label at the start of a paragraph: "A.I. MIKOYAN. ...", "DORTICOS objects."."""
        if not self.label_forms:
            return None
        return re.compile(r"^(?:" + self.label_alternation + r")(?=[\s.:,])")

    @cached_property
    def any_form(self) -> re.Pattern[str]:
        """Every form, labels included, as whole words, longest first (for the participant_names table)."""
        return re.compile(r"(?<![\w.])(?:" + self.form_alternation + r")(?![\w])")

    @cached_property
    def _form_then_word_end(self) -> re.Pattern[str]:
        """``any_form`` without its look behind: it opens with the forms' first letters, which the regex
        engine skips to, instead of trying every form at every place of a text."""
        return re.compile(r"(?:" + self.form_alternation + r")(?![\w])")

    def forms_in(self, text: str) -> Iterator[re.Match[str]]:
        """What ``any_form.finditer(text)`` finds, found faster: ``any_form`` is tried only where a form stands."""
        if not self.forms:
            return iter(())  # (no form: nothing to find, and no empty match to loop on)
        return find_where_possible(self.any_form, self._form_then_word_end, text)

    def resolve(self, printed: str) -> str | None:
        """The participant a printed form names, if the registry knows it."""
        form = self.forms.get(printed.strip())
        return form.participant_id if form else None


def load_registry(path: Path = CURATED / "participants.yml") -> Registry:
    """Read the participants registry (checked against its schema); a form may name one participant only."""
    data = load_curated(path.name, path.parent)
    lines = entry_lines(path.name, "participants", path.parent)
    participants: dict[str, Participant] = {}
    seen: dict[str, str] = {}
    sides = tuple(dict.fromkeys(entry["side"] for entry in load_curated("reading.yml", path.parent)["sides"]))
    for index, (entry, line) in enumerate(zip(data["participants"], lines, strict=True)):
        participant = Participant(
            entry["participant_id"],
            entry["name"],
            entry["side"],
            entry.get("position"),
            " ".join(entry["source"].split()),
            dict(entry["forms"]),
        )
        if participant.side is not None and participant.side not in sides:
            where = line_of_node(yaml.compose(path.read_text(encoding="utf-8")), ["participants", index, "side"])
            raise ParseError(
                path, where, f"a side listed under 'sides' in reading.yml ({', '.join(sides)})", participant.side
            )
        for form in participant.forms:
            if form in seen:
                raise ParseError(
                    path,
                    line,
                    f"each name form to name one participant; "
                    f"{form!r} names {seen[form]} and {participant.participant_id}",
                )
            seen[form] = participant.participant_id
        participants[participant.participant_id] = participant
    return Registry(participants)
