"""Where input comes from: a path, a folder, a glob, "-" (stdin) or a URL → (name, bytes)."""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .errors import InputError
from .extract import EXTENSIONS

if TYPE_CHECKING:
    from .config import Settings


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def files_in(folder: Path, errors: list[OSError] | None = None) -> list[Path]:
    """Every supported file under `folder`, in a stable (sorted path) order; hidden files and
    folders skipped. A subfolder that cannot be read is added to `errors` (not skipped
    silently). The one folder walker: `brieflow batch` counts with it too."""
    found = []

    def failed(exc: OSError) -> None:
        if errors is not None:
            errors.append(exc)

    for root, dirs, files in os.walk(folder, onerror=failed):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in files:
            if not f.startswith(".") and Path(f).suffix.lower() in EXTENSIONS:
                found.append(Path(root) / f)
    return sorted(found)


def read_source(
    source: str, *, stdin: bytes | None = None, settings: Settings | None = None
) -> Iterator[tuple[str, bytes]]:
    """Every (name, bytes) that `source` names."""
    if source == "-":
        if stdin is None:
            raise InputError("no standard input was given", source="-")
        yield "<stdin>", stdin
        return
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source) and not is_url(source):
        scheme = source.split("://", 1)[0]
        raise InputError(
            f"cannot read {scheme}:// addresses",
            source=source,
            hint="give an http(s) URL or a file",
        )
    if is_url(source):
        from .fetch import fetch_bytes

        yield source, fetch_bytes(source, settings=settings)
        return
    path = Path(source)
    if path.is_dir():
        errors: list[OSError] = []
        files = files_in(path, errors)
        if not files and errors:
            raise _unreadable_folder(errors)
        if not files:
            raise InputError(
                "the folder holds no supported files",
                source=source,
                hint=f"supported: {', '.join(sorted(EXTENSIONS))}",
            )
        for f in files:
            yield str(f), _read(f, settings)
        if errors:  # after every readable file: one unreadable subfolder costs only itself
            raise _unreadable_folder(errors)
        return
    if not path.exists() and glob.has_magic(source):
        matches = sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
        if not matches:
            raise InputError("the pattern matches no files", source=source)
        for f in matches:
            yield str(f), _read(f, settings)
        return
    yield source, _read(path, settings)


def _unreadable_folder(errors: list[OSError]) -> InputError:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InputError(
        f"cannot read the folder: {first.strerror or first}{more}",
        source=str(first.filename),
        hint="check its permissions",
    )


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
CAP_HINT = "raise input_max_bytes: --max-input-bytes or BRIEFLOW_INPUT_MAX_BYTES"


def _read(path: Path, settings: Settings | None = None) -> bytes:
    """A regular file's bytes, up to the input cap. Devices, FIFOs and sockets are refused
    before they are opened: /dev/zero never ends and a FIFO blocks until someone writes."""
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode):
            limit = input_limit(settings)
            if info.st_size > limit:
                raise InputError(
                    f"the file is {info.st_size:,} bytes, more than the {limit:,} allowed",
                    source=str(path),
                    hint=CAP_HINT,
                )
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
            if len(data) > limit:  # it grew while we read it
                raise InputError(
                    f"the file is larger than the {limit:,} bytes allowed",
                    source=str(path),
                    hint=CAP_HINT,
                )
            return data
    except FileNotFoundError:
        raise InputError("no such file", source=str(path), hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory", source=str(path)) from None
    except PermissionError:
        raise InputError(
            "permission denied", source=str(path), hint="check the file's permissions"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory", source=str(path))
    kind = next((name for test, name in _KINDS if test(info.st_mode)), "a special file")
    raise InputError(
        f"not a regular file ({kind})",
        source=str(path),
        hint=f"to read it anyway, pipe it: brieflow {_command()} - < {path}",
    )


def input_limit(settings: Settings | None) -> int:
    from .config import Settings

    return int((settings or Settings()).input_max_bytes)


def read_stdin(stream: BinaryIO, settings: Settings | None = None) -> bytes:
    """Standard input, up to the input cap."""
    limit = input_limit(settings)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"standard input is larger than the {limit:,} bytes allowed", source="-", hint=CAP_HINT
        )
    return data


def _command() -> str:
    """The brieflow command running (for hints), "brief" when not run from the CLI."""
    import sys

    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    return args[0] if args and args[0] in ("brief", "extract", "batch") else "brief"
