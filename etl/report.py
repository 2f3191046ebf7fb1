"""How one record is read, as text for an editor: the frame, the people, the turns, the notes, coverage.

``python -m etl read FILE`` prints it before a record is added, so that the editor sees what the reader
found, where each value comes from (its line), and what curated entries the record needs (the warnings).
"""

from __future__ import annotations

import re
from collections import Counter

from etl.errors import line_of
from etl.read.vocabulary import Vocabulary, load_vocabulary
from etl.rows.types import SeedRows

# Frame fields shown first, in this order; any other field follows in the order of the record.
FRAME_ORDER = (
    "collection_number",
    "title",
    "archive_date",
    "date_as_printed",
    "date_found_in_text",
    "time_of_day",
    "place",
    "reference_number",
    "classification",
    "copy_number",
    "urgency",
    "addressee",
    "heading_as_printed",
    "signature_as_printed",
    "signer",
    "signature_date",
    "recorder",
    "archival_reference",
    "summary",
    "citation",
)


def render_reading(seed: SeedRows, text: str) -> str:
    """The editor's view of one read record."""
    document = seed.document
    lines = [f"{document['seed_file']}: read as {document['layout']}", ""]
    lines.append(
        f"Document  {document['document_id']}  ({document['document_type']}, {document['date']}"
        + (f", {document['time_of_day']}" if document["time_of_day"] else "")
        + (f", {document['place']}" if document["place"] else "")
        + ")"
    )
    lines.append(f"  title ({document['title_source']}): {document['title']}")
    lines += ["", "Frame (field, line, as printed)"]
    spans = seed.rows.get("seed_spans", [])
    metadata = [span for span in spans if span["category"] == "metadata"]
    rank = {name: index for index, name in enumerate(FRAME_ORDER)}
    for span in sorted(metadata, key=lambda s: (rank.get(s["field"], len(rank)), s["char_start"])):
        lines.append(f"  {span['field']:<22} line {line_of(text, span['char_start']):>4}  {_short(span['text'], 90)}")

    lines += _text_layer_lines(seed, text)
    lines += _chrome_lines(seed, text)
    lines += _abbreviation_lines(seed, text, load_vocabulary())
    lines += ["", "People (id, registry or provisional, name, side: roles with the words that say so)"]
    roles: dict[str, list[str]] = {}
    for row in seed.rows.get("document_participants", []):
        roles.setdefault(row["participant_id"], []).append(
            f"{row['role']} (line {line_of(text, row['char_start'])} {_short(row['evidence'], 40)!r})"
        )
    people = {person.participant_id: person for person in seed.people}
    speakers = {row["participant_id"] for row in seed.rows.get("utterances", []) if row["participant_id"]}
    for participant_id in sorted(set(roles) | set(people) | speakers):
        person = people.get(participant_id)
        kind = (
            "provisional"
            if person and person.is_provisional or participant_id.startswith("provisional-")
            else "registry"
        )
        name = person.name if person else participant_id
        side = person.side if person and person.side else "side unknown"
        lines.append(
            f"  {participant_id:<30} {kind:<11} {name} ({side}): "
            + "; ".join(roles.get(participant_id, ["no role printed"]))
        )

    turns = seed.rows.get("utterances", [])
    lines += ["", f"Turns ({len(turns)}: number, line, mode, speaker as printed, first words)"]
    for turn in turns:
        speaker = turn["speaker_label"] or turn["participant_id"] or "-"
        lines.append(
            f"  {turn['seq']:>3} line {line_of(text, turn['char_start']):>4}  {turn['mode']:<9} "
            f"{_short(speaker, 24):<24} {_short(turn['text'], 60)!r}"
        )
    notes = Counter(note["note_type"] for note in seed.rows.get("editorial_notes", []))
    lines += ["", "Notes by type: " + (", ".join(f"{kind} {count}" for kind, count in sorted(notes.items())) or "none")]
    covered = document["seed_nonblank_chars"] - document["unaccounted_chars"]
    furniture = [span for span in spans if span["category"] in ("page_furniture", "site_chrome")]
    lines.append(
        f"Coverage: {covered}/{document['seed_nonblank_chars']} non-blank characters "
        f"({100 * covered / max(1, document['seed_nonblank_chars']):.2f}%); not content: "
        f"{len(furniture)} spans of page furniture and site chrome"
    )
    for gap in seed.unaccounted:
        lines.append(f"  unaccounted at line {line_of(text, gap.start)}: {_short(gap.text, 60)!r}")
    lines += ["", f"Warnings ({len(seed.warnings)})"]
    lines += [f"  {warning}" for warning in seed.warnings] or ["  none"]
    return "\n".join(lines) + "\n"


def _abbreviation_lines(seed: SeedRows, text: str, vocabulary: Vocabulary) -> list[str]:
    """The curated abbreviations the record's turns print (telegraphese: "Dept", "FYI"), kept as printed."""
    found = [
        (turn["char_start"] + match.start(), match.group(0))
        for turn in seed.rows.get("utterances", [])
        for match in vocabulary.abbreviations_in(turn["text"])
    ]
    if not found:
        return []
    lines = [f"Abbreviations ({len(found)}: line, as printed, stands for; the text keeps them as printed)"]
    for offset, short in found:
        lines.append(f"  line {line_of(text, offset):>4}  {short!r:<10} {vocabulary.abbreviations[short]}")
    return ["", *lines]


def _chrome_lines(seed: SeedRows, text: str) -> list[str]:
    """The site chrome the frame set aside (an archive page's menu, widgets, labels), a line each."""
    chrome = [span for span in seed.rows.get("seed_spans", []) if span["category"] == "site_chrome"]
    if not chrome:
        return []
    lines = [f"  Site chrome ({len(chrome)}: line, kind, as printed)"]
    for span in chrome:
        lines.append(
            f"    line {line_of(text, span['char_start']):>4}  {span['field']:<30} {_short(span['text'], 40)!r}"
        )
    return lines


# The word a line opens with: the end of a word cut at the end of the line before.
FIRST_WORD = re.compile(r"[^\s,.;:!?]*")


# What the text-layer stage says of a record laid out as the seeds are.
NO_TEXT_LAYER = "Text layer: none (paragraphs as printed, one a line or between blank lines: nothing joined)"


def _text_layer_lines(seed: SeedRows, text: str) -> list[str]:
    """The text-layer stage's decisions (``etl/read/layers.py``): the layout it recognized and why, where each
    rebuilt paragraph starts, which lines were joined and which hyphens, and what was page furniture; for a
    record laid out as the seeds are (one paragraph a line, blank lines between), that there is none."""
    layer = seed.text_layer
    if layer is None or not layer.found:
        return ["", NO_TEXT_LAYER]
    lines = [
        "",
        f"Text layer: {', '.join(layer.layouts)}" + (f" (full line: {layer.width} characters)" if layer.width else ""),
    ]
    lines += [f"  because {reason}" for reason in layer.evidence]
    lines.append(f"  Paragraphs rebuilt ({len(layer.paragraph_starts)}: line, why it starts one, first words)")
    for span, why in layer.paragraph_starts:
        lines.append(f"    line {line_of(text, span.start):>4}  {why:<26} {_short(span.text, 50)!r}")
    plain = [join for join in layer.joins.values() if join.hyphen is None]
    lines.append(
        f"  Lines joined: {len(plain)} with a space, at the end of lines "
        + _line_list(text, [j.line_end for j in plain])
    )
    hyphenated = [(join, join.hyphen) for join in layer.joins.values() if join.hyphen is not None]
    lines.append(f"  Hyphens at the end of a line ({len(hyphenated)}: line, read as, why)")
    for join, hyphen in hyphenated:
        left = text[text.rfind("\n", 0, join.line_end) + 1 : join.line_end].split()[-1]
        right_word = FIRST_WORD.match(text, join.next_start)
        right = right_word.group(0) if right_word else ""
        read = left + right if join.hyphen_kept else left[:-1] + right
        action = "hyphen kept" if join.hyphen_kept else "joined, the hyphen in the ledger as page furniture"
        lines.append(
            f"    line {line_of(text, hyphen.start):>4}  {left!r} + {right!r} -> {read!r}: {action} ({join.why})"
        )
    lines.append(f"  Page furniture ({len(layer.furniture)}: line, kind, as printed)")
    for kind, span in layer.furniture:
        lines.append(f"    line {line_of(text, span.start):>4}  {kind:<13} {_short(span.text, 60)!r}")
    if layer.label_lines:
        lines.append(
            f"  Speaker labels alone on their line, tied to the words after them ({len(layer.label_lines)}): "
            + ", ".join(f"line {line_of(text, span.start)} {span.text!r}" for span in layer.label_lines[:12])
            + (" ..." if len(layer.label_lines) > 12 else "")
        )
    return lines


def _line_list(text: str, offsets: list[int]) -> str:
    numbers = [str(line_of(text, offset)) for offset in sorted(offsets)]
    return ", ".join(numbers[:40]) + (" ..." if len(numbers) > 40 else "") if numbers else "(none)"


def _short(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
