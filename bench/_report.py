"""Shared by bench scripts: replace one script's section of docs/benchmarks.md in place.

Each script owns the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`; everything else
in the file (other scripts' sections, prose) is left alone. A missing section is appended with
`heading` above it. The file is written through a temporary file and an atomic rename.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "docs" / "benchmarks.md"


def replace_section(name: str, body: str, heading: str, path: Path = BENCHMARKS) -> None:
    """Put `body` between NAME's markers in `path` (appending `heading` + markers if absent)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + f"\n\n{heading.strip()}\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def revision() -> str:
    """The commit the numbers were measured at (with -dirty for local changes), or "unknown"."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def default_eval_dir() -> Path:
    """../shared/data/eval next to the repository (the dev sets are never copied in)."""
    return (ROOT / ".." / "shared" / "data" / "eval").resolve()
