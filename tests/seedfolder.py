"""Make folders of seed records for tests: the real seeds, changed on purpose, with a fresh manifest."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def write_manifest(folder: Path) -> None:
    """Write SHA256SUMS for every seed in the folder, as `sha256sum *.txt` would."""
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted(folder.glob("*.txt"))]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def copy_seeds(folder: Path, replace: dict[str, bytes | str] | None = None, manifest: bool = True) -> Path:
    """Copy the real seeds into ``folder``, replacing some files' contents; rewrite the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(path, folder / path.name)
    shutil.copyfile(SEEDS / "SHA256SUMS", folder / "SHA256SUMS")
    for name, content in (replace or {}).items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    if manifest:
        write_manifest(folder)
    return folder


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")
