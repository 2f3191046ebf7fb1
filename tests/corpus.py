"""The shared corpus of real records: an input found by one setting, fetched and checked on demand, never committed.

The reader is tested on a real collection it was not written against (Soviet records on J. F. Kennedy and
Soviet-American relations, 1963-64, an English machine translation under the MIT licence). The records are a
third-party text, so the project carries only their names and SHA-256 sums (``MANIFEST``) and its own
hand-read expectations; the texts are read from the folder that ``HAVANA_CORPUS`` names (by default the
shared folder beside the clone).

``python tests/corpus.py`` (``make corpus``) fetches the collection's one text file from its public
repository at the pinned commit, splits it one record per numbered document, checks every record against
the manifest, and writes the records into that folder. Where there is no network it says what to do.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The one setting: the folder of no-NN.txt records.
SETTING = "HAVANA_CORPUS"
DEFAULT_FOLDER = REPO.parent / "shared" / "corpus" / "jfk-russia-1963"

# The names and SHA-256 sums of the records, as `sha256sum no-*.txt` writes them (the texts are not committed).
MANIFEST = REPO / "tests" / "fixtures" / "records" / "jfk-russia-1963" / "SHA256SUMS"

# Where the collection is published: one text file of the whole translation, at a pinned commit.
REPOSITORY = "read-jfk-files/JFK_Russia_Translated_2025"
COMMIT = "000cb509ae526b063cf6b8e1f77c6b94e67c86a9"
SOURCE_URL = f"https://raw.githubusercontent.com/{REPOSITORY}/{COMMIT}/pages/document.txt"
FETCH_TIMEOUT_SECONDS = 60
# The whole file is under 2 MB; a longer answer is not the collection.
FETCH_LIMIT_BYTES = 16 * 2**20

# A numbered document opens with its number alone on a line: "No. 38".
DOCUMENT_NUMBER = re.compile(r"^No\. (?P<number>\d{1,3})$", re.MULTILINE)
# The documents run in order, a few numbers apart at most (the collection skips some). A "No. 1" inside a
# document (the items of a resolution) or a registry number ("No. 549666") opens no document.
LARGEST_GAP = 10


class CorpusError(Exception):
    """The corpus cannot be fetched or does not match the manifest: the message says what to do."""


def corpus_folder() -> Path:
    """The folder the setting names, or the default beside the clone."""
    value = os.environ.get(SETTING, "").strip()
    return Path(value).expanduser() if value else DEFAULT_FOLDER


def manifest() -> dict[str, str]:
    """Record name -> SHA-256, from the committed manifest."""
    sums = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.lstrip("*")] = digest
    return sums


def corpus_records() -> list[Path]:
    """The records of the corpus in order of their numbers, or none where the folder holds none."""
    return sorted(corpus_folder().glob("no-*.txt"))


def corpus_present() -> bool:
    return bool(corpus_records())


def absent_reason() -> str:
    """One line for a skipped test: what is missing and how to get it."""
    return (
        f"needs the shared corpus of real records, not found at {corpus_folder()}: "
        f"set {SETTING} to its folder or run `make corpus`"
    )


def record_name(number: int) -> str:
    return f"no-{number:02d}.txt"


def split_collection(text: str) -> dict[str, str]:
    """The collection's text cut into its numbered documents: record name -> the section from its ``No. NN`` line
    up to the next numbered document (or the end).

    >>> sorted(split_collection("Preface\\nNo. 1\\nA note\\nNo. 1\\nan item\\nNo. 2\\nA letter\\n").items())
    [('no-01.txt', 'No. 1\\nA note\\nNo. 1\\nan item\\n'), ('no-02.txt', 'No. 2\\nA letter\\n')]
    """
    starts: list[tuple[int, int]] = []
    for match in DOCUMENT_NUMBER.finditer(text):
        number = int(match["number"])
        previous = starts[-1][0] if starts else 0
        if previous < number <= previous + LARGEST_GAP:
            starts.append((number, match.start()))
    ends = [start for _, start in starts[1:]] + [len(text)]
    return {record_name(number): text[start:end] for (number, start), end in zip(starts, ends, strict=True)}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def records_matching_manifest(
    sections: dict[str, str], sums: dict[str, str], url: str = SOURCE_URL
) -> dict[str, bytes]:
    """The manifest's records from the split text, each checked against its sum; any miss is an error."""
    found = {name: sections[name].encode("utf-8") for name in sums if name in sections}
    missing = sorted(set(sums) - set(found))
    changed = sorted(name for name, data in found.items() if sha256(data) != sums[name])
    if missing or changed:
        raise CorpusError(
            f"{url}: the text does not match {MANIFEST.relative_to(REPO)}: "
            f"{len(missing)} records missing ({', '.join(missing[:5]) or 'none'}), "
            f"{len(changed)} with another SHA-256 ({', '.join(changed[:5]) or 'none'})"
        )
    return found


def folder_matches_manifest(folder: Path, sums: dict[str, str]) -> list[str]:
    """The records of the manifest that the folder lacks or holds with another sum (none when it is whole)."""
    return sorted(
        name
        for name, digest in sums.items()
        if not (folder / name).is_file() or sha256((folder / name).read_bytes()) != digest
    )


def download(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as answer:  # noqa: S310 (a fixed https address)
            data = answer.read(FETCH_LIMIT_BYTES + 1)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CorpusError(
            f"{url}: could not be fetched ({reason}). Without a network: copy the collection's no-NN.txt records "
            f"into a folder and set {SETTING} to it, or leave it: `make test` then skips the tests that need the "
            "corpus."
        ) from error
    if len(data) > FETCH_LIMIT_BYTES:
        raise CorpusError(f"{url}: the answer is longer than {FETCH_LIMIT_BYTES} bytes, so it is not the collection")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{url}: the answer is not UTF-8 text (byte {error.start})") from error


def fetch(folder: Path, url: str = SOURCE_URL) -> list[str]:
    """Write the manifest's records into ``folder`` (unless they are there already) and return their names."""
    sums = manifest()
    if not folder_matches_manifest(folder, sums):
        return sorted(sums)
    records = records_matching_manifest(split_collection(download(url)), sums, url)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in records.items():
        partial = folder / f".{name}.partial"
        partial.write_bytes(data)
        partial.replace(folder / name)
    return sorted(records)


def main(argv: list[str]) -> int:
    folder = corpus_folder()
    url = argv[1] if len(argv) > 1 else SOURCE_URL
    try:
        names = fetch(folder, url)
    except (CorpusError, OSError) as error:
        print(f"make corpus: {error}", file=sys.stderr)
        return 1
    print(f"{len(names)} records of {REPOSITORY} at {COMMIT[:12]}, checked against their SHA-256 sums, are in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
