"""Data flows one way: each stage makes its rows once, complete, and no later stage changes them.

The documents row is made last, when the record's author, addressee and coverage are known; the ledger
answers its questions without writing; a row, once made, is never assigned into.
"""

from __future__ import annotations

import ast
import inspect
from types import MappingProxyType

import pytest

from etl.read.blocks import Span
from etl.rows import documents, notes, record, types
from etl.rows.ledger import Ledger
from etl.rows.record import parse_seed
from etl.rows.types import TableRows

SEEDS = ("000_1350c6598e69a2c4.txt", "001_e4429c10425e4047.txt", "002_982b1e65145e082d.txt")


def _parsed(seed_texts, inputs, seed_file):
    return parse_seed(seed_texts[seed_file], seed_file, "0" * 64, inputs.registry, inputs.for_record(seed_file))


@pytest.fixture(scope="module")
def inputs():
    from etl.build import load_curated_inputs

    return load_curated_inputs()


def _assignments_into_subscripts(function) -> list[str]:
    """The targets of every ``x[...] = ...`` (or ``+=``) in a function's source."""
    tree = ast.parse(inspect.getsource(function))
    targets = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets += [target for target in node.targets if isinstance(target, ast.Subscript)]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Subscript):
            targets.append(node.target)
    return [ast.unparse(target) for target in targets]


def test_the_record_assembly_assigns_into_no_row():
    assert _assignments_into_subscripts(record.parse_seed) == []


@pytest.mark.parametrize("seed_file", SEEDS)
def test_the_documents_row_comes_out_of_document_row_complete(seed_texts, inputs, seed_file, monkeypatch):
    """The row document_row makes is the row the build gets: read-only, it is never written into."""
    expected = _parsed(seed_texts, inputs, seed_file).document
    made = []

    def read_only_row(*args, **kwargs):
        row = MappingProxyType(documents.document_row(*args, **kwargs))
        made.append(row)
        return row

    monkeypatch.setattr(record, "document_row", read_only_row)
    parsed = _parsed(seed_texts, inputs, seed_file)
    assert len(made) == 1 and parsed.document is made[0]
    assert dict(parsed.document) == expected
    assert parsed.document["seed_nonblank_chars"] > 0 and parsed.document["unaccounted_chars"] == 0


# A letter in the form of a printed collection's: its addressee is named only by its title, its author by
# its title and its signature.
LETTER = (
    "No. 7\n"
    "Letter from First Deputy Chairman A.I. Mikoyan to the Presidium of the CC CPSU regarding the talks in Havana\n"
    "\n"
    "November 6, 1962\n"
    "\n"
    "The talks with the Cuban leaders go on; they are difficult.\n"
    "\n"
    "A. Mikoyan\n"
)


@pytest.mark.parametrize("seed_file", SEEDS)
def test_no_row_is_changed_after_it_is_made(seed_texts, inputs, seed_file, monkeypatch):
    """Every row made read-only as it is made (by make_row or as it is added): the record reads the same, so no
    stage wrote into a row another had made (as the articles once wrote their ids into the notes' rows)."""
    expected = _parsed(seed_texts, inputs, seed_file)

    def read_only(make):
        return lambda *args, **kwargs: MappingProxyType(make(*args, **kwargs))

    for module in (documents, notes):
        monkeypatch.setattr(module, "make_row", read_only(types.make_row))
    monkeypatch.setattr(
        TableRows, "add", lambda self, table, row: self.by_table.setdefault(table, []).append(MappingProxyType(row))
    )
    parsed = _parsed(seed_texts, inputs, seed_file)
    assert {table: [dict(row) for row in rows] for table, rows in parsed.rows.items()} == expected.rows
    assert dict(parsed.document) == expected.document
    assert any(row["article_id"] for row in parsed.rows["editorial_notes"]) == (seed_file == SEEDS[1])


def test_the_author_addressee_and_coverage_read_after_the_frame_are_in_the_row_as_made(inputs, monkeypatch):
    made = []

    def read_only_row(*args, **kwargs):
        made.append(MappingProxyType(documents.document_row(*args, **kwargs)))
        return made[-1]

    monkeypatch.setattr(record, "document_row", read_only_row)
    parsed = parse_seed(LETTER, "letter.txt", "0" * 64, inputs.registry, inputs.for_record("letter.txt"))
    assert parsed.document is made[0]
    assert (parsed.document["author_id"], parsed.document["addressee"]) == ("mikoyan", "Presidium of the CC CPSU")
    assert (parsed.document["seed_nonblank_chars"], parsed.document["unaccounted_chars"]) == (
        len("".join(LETTER.split())),
        0,
    )


def _ledger() -> tuple[Ledger, str]:
    text = "Skip to content\n\nA.I. MIKOYAN. We agree.\n\nlost words"
    ledger = Ledger("1962-11-05-memorandum", "seed.txt")
    ledger.add("utterance", "1962-11-05-memorandum-u001", Span.of(text, 31, 40))
    ledger.add("site_chrome", "navigation", Span.of(text, 0, 15))
    ledger.add("speaker_label", "1962-11-05-memorandum-u001", Span.of(text, 17, 30))
    return ledger, text


def test_the_ledger_numbers_its_spans_in_the_order_of_the_seed():
    ledger, _ = _ledger()
    rows = ledger.span_rows()
    assert [(row["span_id"], row["category"], row["text"]) for row in rows] == [
        ("1962-11-05-memorandum-s0001", "site_chrome", "Skip to content"),
        ("1962-11-05-memorandum-s0002", "speaker_label", "A.I. MIKOYAN."),
        ("1962-11-05-memorandum-s0003", "utterance", "We agree."),
    ]


def test_the_ledger_answers_its_questions_without_writing():
    ledger, text = _ledger()
    entries = list(ledger.entries)
    gaps = ledger.gaps(text)
    assert [gap.text for gap in gaps] == ["lost words"]
    assert ledger.span_rows() == ledger.span_rows()
    assert ledger.gaps(text) == gaps
    assert ledger.entries == entries
    assert "rows" not in inspect.signature(Ledger).parameters and not hasattr(ledger, "seed")


def test_table_rows_refuse_a_row_without_the_schemas_columns():
    from etl.errors import InvariantError

    with pytest.raises(InvariantError, match="seed_spans: a row lacks the column"):
        TableRows().add("seed_spans", {"span_id": "x"})
