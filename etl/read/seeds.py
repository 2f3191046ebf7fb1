"""Find, checksum and read the seed records: the only place the pipeline reads seed files.

A seed is used only if ``seeds/SHA256SUMS`` names it with the right checksum, so that an edited seed is a
loud error until the manifest is updated on purpose (``sha256sum *.txt > SHA256SUMS``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from etl.errors import ParseError

MANIFEST_NAME = "SHA256SUMS"
# The longest record the reader takes: the longest seed is under 60 kB, a whole printed collection under
# 2 MB; anything longer (``/dev/zero``, a file of the wrong kind) is refused before it is read whole.
MAX_RECORD_BYTES = 16 * 2**20
# Characters a record's text never holds: NUL and the other C0 controls but tab, line feed, carriage
# return and form feed (a page break of a printed text).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# One line of a sha256sum manifest:
#   8b6f53d259af271f5cb3f43f917bb153325af361b22fd1e9be730a8d9f5c6768  000_1350c6598e69a2c4.txt
MANIFEST_LINE = re.compile(r"^(?P<sha256>[0-9a-f]{64}) [ *](?P<name>[^/\\]+)$")


@dataclass(frozen=True)
class Seed:
    """One seed file, read and checked."""

    name: str
    path: Path
    text: str
    sha256: str


def parse_manifest(text: str, path: Path | str = MANIFEST_NAME) -> dict[str, str]:
    """Map file name to checksum from the text of a SHA256SUMS file.

    >>> parse_manifest("8b6f53d259af271f5cb3f43f917bb153325af361b22fd1e9be730a8d9f5c6768  000_a.txt\\n")
    {'000_a.txt': '8b6f53d259af271f5cb3f43f917bb153325af361b22fd1e9be730a8d9f5c6768'}
    """
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = MANIFEST_LINE.match(line)
        if not match:
            raise ParseError(path, number, "'<64 hex digits>  <file name>' (sha256sum format)", line)
        sums[match["name"]] = match["sha256"]
    return sums


@dataclass(frozen=True)
class SeedSource:
    """A record file the manifest lists, not yet read: what a worker of the build reads and parses.

    It carries its own line of the manifest only, not the whole manifest: a source is sent to a worker
    for every record, and a copy of the manifest with each would grow with the square of the collection.
    """

    path: Path
    sha256: str  # as the manifest lists it
    manifest_path: Path

    def read(self) -> Seed:
        return read_seed(self.path, {self.path.name: self.sha256}, self.manifest_path)


def list_seeds(seeds_dir: Path) -> list[SeedSource]:
    """The record files of a folder in name order, each listed by the manifest, none read yet."""
    manifest_path = seeds_dir / MANIFEST_NAME
    if not seeds_dir.is_dir():
        raise ParseError(seeds_dir, None, "a folder of seed records")
    if not manifest_path.is_file():
        raise ParseError(manifest_path, None, "a SHA256SUMS manifest listing every seed")
    manifest = parse_manifest(decode_utf8(read_bounded(manifest_path), manifest_path), manifest_path)
    paths = sorted(seeds_dir.glob("*.txt"))
    if not paths:
        raise ParseError(seeds_dir, None, "at least one seed record (*.txt)")
    for path in paths:
        if path.name not in manifest:
            raise ParseError(manifest_path, None, f"a checksum line for {path.name} (update SHA256SUMS on purpose)")
    missing = sorted(set(manifest) - {path.name for path in paths})
    if missing:
        raise ParseError(manifest_path, None, "every file it lists to exist", ", ".join(missing))
    return [SeedSource(path, manifest[path.name], manifest_path) for path in paths]


def same_text_warnings(sources: list[SeedSource]) -> list[str]:
    """A warning for each record whose text is another's under a second name (their manifest sums agree).

    >>> for warning in same_text_warnings([SeedSource(Path(name), "00", Path("S")) for name in ("a.txt", "b.txt")]):
    ...     print(warning)
    b.txt: expected a record of its own; it has the same text as a.txt (SHA-256 00): one record saved under two names?
    """
    first: dict[str, str] = {}
    warnings = []
    for source in sources:
        if source.sha256 in first:
            warnings.append(
                f"{source.path.name}: expected a record of its own; it has the same text as {first[source.sha256]} "
                f"(SHA-256 {source.sha256}): one record saved under two names?"
            )
        first.setdefault(source.sha256, source.path.name)
    return warnings


def read_bounded(path: Path, limit: int = MAX_RECORD_BYTES) -> bytes:
    """A file's bytes, refused with its name when it is longer than ``limit`` (never read whole then)."""
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ParseError(path, None, f"a record of at most {limit:,} bytes (is this a record?)")
    return data


def decode_utf8(data: bytes, path: Path) -> str:
    """UTF-8 text, or a ParseError naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(path, line, "UTF-8 text", f"the byte 0x{data[error.start]:02x}, which is not UTF-8") from error


def check_text(path: Path, text: str) -> None:
    """Refuse what a record's text never holds, with its line: a byte-order mark (whose invisible first
    character would shift every offset and hide the record's first line), lines ended by a carriage return
    alone (read as one line), and NUL or other control characters."""
    if text.startswith("\ufeff"):
        raise ParseError(path, 1, "UTF-8 text without a byte-order mark (save the file as UTF-8 without BOM)")
    if "\r" in text and "\n" not in text:
        raise ParseError(
            path, 1, "lines ending in a line feed (\\n or \\r\\n); its lines end in a carriage return alone"
        )
    control = CONTROL_CHARACTER.search(text)
    if control:
        raise ParseError(
            path,
            text.count("\n", 0, control.start()) + 1,
            "text without NUL or other control characters",
            f"U+{ord(control.group()):04X}",
        )


def read_seed(path: Path, manifest: dict[str, str], manifest_path: Path) -> Seed:
    """Read one seed: its checksum must match the manifest, its bytes must be UTF-8 text and not blank."""
    data = read_bounded(path)
    sha256 = hashlib.sha256(data).hexdigest()
    if path.name not in manifest:
        raise ParseError(manifest_path, None, f"a checksum line for {path.name} (update SHA256SUMS on purpose)")
    if manifest[path.name] != sha256:
        raise ParseError(
            path,
            None,
            f"SHA-256 {manifest[path.name]} as listed in {manifest_path.name} "
            "(the seed was edited; update the manifest on purpose if the edit is intended)",
            sha256,
        )
    text = decode_utf8(data, path)
    if not text.strip():
        raise ParseError(path, 1, "a seed record with text (the file is empty or blank)")
    check_text(path, text)
    return Seed(name=path.name, path=path, text=text, sha256=sha256)
