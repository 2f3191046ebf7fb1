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
from datetime import date
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


@dataclass(frozen=True)
class OfficeHolder:
    """Who an office alone names in a record of a given day ("The President" on 20 June 1961: Kennedy)."""

    form: str
    participant_id: str
    start: date
    end: date
    record_prints: tuple[str, ...]  # words one of which the record prints, saying whose office it is
    source: str

    def names(self, form: str, on: date | None, text: str) -> bool:
        """Whether the office, printed alone in a record of this day and text, names the holder.

        >>> holder = OfficeHolder("The President", "kennedy", date(1961, 1, 20), date(1963, 11, 22), ("Dept",), "")
        >>> holder.names("The President", date(1961, 6, 20), "... the Dept had studied ...")
        True
        >>> holder.names("The President", date(1964, 2, 1), "... the Dept had studied ...")
        False
        """
        if form != self.form or on is None or not self.start <= on <= self.end:
            return False
        return not self.record_prints or any(
            re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in self.record_prints
        )


@dataclass
class Registry:
    """Participants and their name forms, from the curated file; the office holders, from theirs."""

    participants: dict[str, Participant]
    office_holders: tuple[OfficeHolder, ...] = ()

    def holder_of(self, form: str, on: date | None, text: str) -> str | None:
        """The participant an office printed alone names in a record of this day and text, if one does."""
        found = {h.participant_id for h in self.office_holders if h.names(form, on, text)}
        return found.pop() if len(found) == 1 else None

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
    return Registry(participants, load_office_holders(path.parent, participants))


def load_office_holders(folder: Path, participants: dict[str, Participant]) -> tuple[OfficeHolder, ...]:
    """Read ``office_holders.yml`` (checked against its schema): each holder a participant, each term in order."""
    name = "office_holders.yml"
    if not (folder / name).is_file():
        return ()
    data = load_curated(name, folder)
    holders = []
    for entry, line in zip(data["office_holders"], entry_lines(name, "office_holders", folder), strict=True):
        if entry["participant_id"] not in participants:
            raise ParseError(folder / name, line, "a participant_id of participants.yml", entry["participant_id"])
        start, end = date.fromisoformat(entry["from"]), date.fromisoformat(entry["to"])
        if end < start:
            raise ParseError(folder / name, line, "a term whose 'to' is not before its 'from'", f"{start} to {end}")
        holders.append(
            OfficeHolder(
                entry["form"],
                entry["participant_id"],
                start,
                end,
                tuple(entry.get("record_prints", ())),
                " ".join(entry["source"].split()),
            )
        )
    return tuple(holders)
