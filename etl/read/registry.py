"""The curated registry: participants, the forms of their names, and the verbs that make someone a speaker.

All of it lives in ``etl/curated/*.yml``, each entry with its source; this module only reads it and
builds the patterns the parser needs from it. Variant spellings are data here, never ``if`` branches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from etl.errors import ParseError
from etl.paths import CURATED



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
    """Participants and their name forms, speech verbs and narration verbs, from the curated files."""

    participants: dict[str, Participant]
    speech_verbs: dict[str, str]  # verb -> mode
    narration_verbs: tuple[str, ...]
    provisional: dict[str, Participant] = field(default_factory=dict)

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
    def name_pattern(self) -> str:
        """A regex alternation of every printed form of a name (labels excluded), longest first."""
        names = sorted((f for f, form in self.forms.items() if form.kind != "speaker label"), key=len, reverse=True)
        return "|".join(re.escape(name) for name in names)

    @cached_property
    def any_form(self) -> re.Pattern[str]:
        """Every form, labels included, as whole words, longest first (for the participant_names table)."""
        forms = sorted(self.forms, key=len, reverse=True)
        return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")

    def resolve(self, printed: str) -> str | None:
        """The participant a printed form names, if the registry knows it."""
        printed = printed.strip()
        form = self.forms.get(printed)
        if form:
            return form.participant_id
        for participant in self.provisional.values():
            if printed in participant.forms:
                return participant.participant_id
        return None

    def add_provisional(self, label: str) -> str:
        """Create a provisional participant for an unknown speaker label and return its id."""
        participant_id = "provisional-" + re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        if participant_id not in self.provisional:
            self.provisional[participant_id] = Participant(
                participant_id,
                label,
                None,
                None,
                "Provisional: created by the build from an unknown speaker label; add it to etl/curated/participants.yml.",
                {label: "speaker label"},
                is_provisional=True,
            )
        return participant_id

    def all_participants(self) -> list[Participant]:
        return [*self.participants.values(), *self.provisional.values()]


def load_registry(path: Path = CURATED / "participants.yml") -> Registry:
    """Read the participants registry, checking that every entry has what the dataset needs."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    participants: dict[str, Participant] = {}
    for number, entry in enumerate(data.get("participants", []), start=1):
        missing = [key for key in ("participant_id", "name", "side", "source", "forms") if key not in entry]
        if missing:
            raise ParseError(path, None, f"participant entry {number} to have {', '.join(missing)}")
        participants[entry["participant_id"]] = Participant(
            entry["participant_id"],
            entry["name"],
            entry["side"],
            entry.get("position"),
            " ".join(entry["source"].split()),
            dict(entry["forms"]),
        )
    seen: dict[str, str] = {}
    for participant in participants.values():
        for form in participant.forms:
            if form in seen:
                raise ParseError(path, None, f"each name form to name one participant; {form!r} names {seen[form]} and {participant.participant_id}")
            seen[form] = participant.participant_id
    return Registry(participants, dict(data["speech_verbs"]), tuple(data["narration_verbs"]))
