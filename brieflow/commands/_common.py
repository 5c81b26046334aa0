"""Helpers shared by sub-commands: common flags, stdin, atomic output."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..config import Settings, load_settings
from ..errors import InputError


def read_stdin_if_needed(sources: list[str]) -> bytes | None:
    return sys.stdin.buffer.read() if "-" in sources else None


def settings_from(args: argparse.Namespace, **names: str) -> Settings:
    """Settings with CLI flags on top; `names` maps a Settings field to the args attribute."""
    return load_settings({field: getattr(args, attr, None) for field, attr in names.items()})


@contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """stdout, or a file written through a temporary file and an atomic rename, so a failure
    never leaves a half-written file (streamed: a large export never sits in memory)."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise InputError("the output path is a folder", source=path, hint="name a file")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output folder does not exist", source=path, hint="create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(text: str, path: str | None) -> None:
    """Print `text`, or write it to `path` atomically (see `output`)."""
    with output(path) as fh:
        fh.write(text)


def report_failures(failures: list[str], total: int) -> None:
    """One line per failed item on stderr, then a count."""
    for line in failures:
        print(f"brieflow: error: {line}", file=sys.stderr)
    if failures and total > 1:
        print(f"brieflow: {len(failures)} of {total} items failed", file=sys.stderr)
