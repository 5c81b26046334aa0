"""Helpers shared by sub-commands: common flags, stdin, atomic output."""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from ..config import Settings, load_settings
from ..engines import BriefOptions
from ..errors import OutputError
from ..extract import formats


def read_stdin_if_needed(sources: list[str], settings: Settings | None = None) -> bytes | None:
    """Standard input when a SOURCE is "-", up to `input_max_bytes`."""
    from ..sources import read_stdin

    return read_stdin(sys.stdin.buffer, settings) if "-" in sources else None


def settings_from(args: argparse.Namespace, **names: str) -> Settings:
    """Settings with CLI flags on top; `names` maps a Settings field to the args attribute."""
    return load_settings({field: getattr(args, attr, None) for field, attr in names.items()})


@contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """stdout, or the file at `path`. A regular file (also one reached through a symlink) is
    written through a temporary file and an atomic rename, so a failure never leaves a
    half-written file (streamed: a large export never sits in memory), and it keeps the mode
    of the file it replaces (a new one gets the umask's). A device or FIFO is written
    straight into, never replaced. Any failure to write is an OutputError naming the path."""
    if path is None or path == "-":
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _cannot_write("standard output", exc) from None
        return
    target = Path(os.path.realpath(path))  # through symlinks: write what the link points at
    if target.is_dir():
        raise OutputError("the output path is a folder", source=path, hint="name a file")
    if target.exists() and not target.is_file():  # /dev/null, a FIFO: write into it
        try:
            with open(target, "w", encoding="utf-8", newline="") as fh:
                yield fh
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        return
    directory = target.parent
    if not directory.is_dir():
        raise OutputError("the output folder does not exist", source=path, hint="create it first")
    try:
        old = target.stat() if target.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.chmod(tmp, stat.S_IMODE(old.st_mode) if old else 0o666 & ~_umask())
        if old is not None and hasattr(os, "chown"):
            # Not ours to give away: the file becomes the writer's, as with `cp`.
            with suppress(PermissionError):
                os.chown(tmp, old.st_uid, old.st_gid)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise _cannot_write(path, exc) from None
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cannot_write(where: str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(
        f"cannot write the output: {reason}",
        source=where,
        hint="check the path, its permissions and the free space",
    )


def write_output(text: str, path: str | None) -> None:
    """Print `text`, or write it to `path` atomically (see `output`)."""
    with output(path) as fh:
        fh.write(text)


def report_warning(origin: str, warning: str | None) -> None:
    """One line on stderr for an item read in a way the user should know of (it still counts as
    read: the exit code does not change)."""
    if warning:
        print(f"brieflow: warning: {origin}: {warning}", file=sys.stderr)


def report_failures(failures: list[str], total: int) -> None:
    """One line per failed item on stderr, then a count."""
    for line in failures:
        print(f"brieflow: error: {line}", file=sys.stderr)
    if failures and total > 1:
        print(f"brieflow: {len(failures)} of {total} items failed", file=sys.stderr)


def add_input_flags(p: argparse.ArgumentParser) -> None:
    """How sources are read: forced format, private-address guard, feed links."""
    p.add_argument(
        "--input-format",
        choices=formats(),
        default=None,
        help="treat every SOURCE as this format instead of detecting it",
    )
    p.add_argument(
        "--block-private",
        action="store_true",
        default=None,
        help="refuse URLs that resolve to private, loopback or link-local addresses",
    )
    p.add_argument(
        "--no-fetch-links",
        dest="fetch_links",
        action="store_false",
        default=None,
        help="feeds: keep an item's teaser instead of fetching the page it links to",
    )
    p.add_argument(
        "--max-input-bytes",
        type=int,
        default=None,
        metavar="BYTES",
        help="refuse a file or standard input larger than this (default 100000000)",
    )


def add_engine_flags(p: argparse.ArgumentParser) -> None:
    """Which engine briefs, in which language, with how many groups and points."""
    p.add_argument(
        "-e",
        "--engine",
        default=None,
        metavar="NAME",
        help="engine: extractive, llm, or one a plugin registers (default: extractive, offline)",
    )
    p.add_argument(
        "-l",
        "--lang",
        choices=["zh", "en"],
        default=None,
        help="language of the brief (extractive: the article's own; llm: en)",
    )
    p.add_argument(
        "--groups", type=_one_to_four, default=4, metavar="N", help="at most N groups (1-4)"
    )
    p.add_argument(
        "--points", type=_one_to_four, default=4, metavar="N", help="at most N points a group (1-4)"
    )
    p.add_argument(
        "--base-url", help="llm engine: OpenAI-compatible base URL, e.g. http://localhost:11434/v1"
    )
    p.add_argument("--model", help="llm engine: model name")
    p.add_argument(
        "--max-tokens",
        type=at_least_one,
        default=None,
        metavar="N",
        help="llm engine: the answer budget sent as max_tokens (default 4096)",
    )
    p.add_argument(
        "--on-fail",
        choices=["trim", "error"],
        default=None,
        help="llm engine: drop failing points (trim) or refuse the brief (error)",
    )


def engine_settings(args: argparse.Namespace, **more: str) -> Settings:
    """Settings from the input and engine flags (plus `more` field=attribute pairs)."""
    return settings_from(
        args,
        engine="engine",
        language="lang",
        llm_base_url="base_url",
        llm_model="model",
        llm_max_tokens="max_tokens",
        on_fail="on_fail",
        block_private="block_private",
        fetch_links="fetch_links",
        input_max_bytes="max_input_bytes",
        **more,
    )


def at_least_one(text: str) -> int:
    """An argparse type: a whole number of 1 or more (else a usage error, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _one_to_four(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 4:
        raise argparse.ArgumentTypeError(f"must be between 1 and 4, got {value}")
    return value


def brief_options(args: argparse.Namespace, settings: Settings) -> BriefOptions:
    return BriefOptions(language=settings.language, max_groups=args.groups, max_points=args.points)
