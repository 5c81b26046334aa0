"""Where input comes from: a path, a folder, a glob, "-" (stdin) or a URL → (name, bytes)."""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

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
            yield str(f), _read(f)
        if errors:  # after every readable file: one unreadable subfolder costs only itself
            raise _unreadable_folder(errors)
        return
    if not path.exists() and glob.has_magic(source):
        matches = sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
        if not matches:
            raise InputError("the pattern matches no files", source=source)
        for f in matches:
            yield str(f), _read(f)
        return
    yield source, _read(path)


def _unreadable_folder(errors: list[OSError]) -> InputError:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InputError(
        f"cannot read the folder: {first.strerror or first}{more}",
        source=str(first.filename),
        hint="check its permissions",
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
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
