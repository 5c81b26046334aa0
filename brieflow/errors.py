"""The BrieflowError hierarchy: the library raises these and never prints or exits.

Each class carries the CLI exit code it maps to, so every edge reports failures the same way.
"""

from __future__ import annotations

import re

# Control characters (newlines included) would break "one error, one line".
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class BrieflowError(Exception):
    """Base of every error brieflow raises on purpose."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, source: str | None = None, hint: str | None = None):
        self.message = message
        self.source = source
        self.hint = hint
        super().__init__(self.line())

    def line(self) -> str:
        """One line: which input, what is wrong, how to fix it."""
        parts = []
        if self.source:
            parts.append(f"{self.source}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f" ({self.hint})")
        return _CONTROL.sub(" ", "".join(parts))


class InputError(BrieflowError):
    exit_code = 3
    http_status = 400


class UnsupportedFormat(InputError):
    http_status = 415


class EmptyArticle(InputError):
    http_status = 422


class DecodeError(InputError):
    pass


class FetchError(InputError):
    http_status = 502


class BlockedURL(FetchError):
    """A URL brieflow will not fetch — not http(s), no host, a bad port, or (with
    block_private) a private, loopback, link-local or metadata address — rather than one that
    failed: the request's problem, so 400."""

    http_status = 400


class OutputError(InputError):
    """The output cannot be written (a folder, no permission, a full disk): the user's path,
    so the exit code of bad input."""


class EngineError(BrieflowError):
    exit_code = 4
    http_status = 502


class UnknownEngine(EngineError):
    http_status = 400


class UnsupportedLanguage(EngineError):
    """The engine cannot write a brief in the language asked for (a request problem, not an
    engine failure)."""

    http_status = 422


class EngineUnavailable(EngineError):
    http_status = 503


class EngineResponseError(EngineError):
    pass


class CheckError(BrieflowError):
    exit_code = 5
    http_status = 422


class StoreError(BrieflowError):
    exit_code = 6


class NotFound(StoreError):
    http_status = 404


class ConfigError(BrieflowError):
    exit_code = 7
    http_status = 400


class InternalError(BrieflowError):
    """Something brieflow did not expect (a bug): reported as one line that asks for a report,
    so that one bad item never stops the others and no traceback reaches the user."""


def internal_error(exc: BaseException, source: str | None = None) -> InternalError:
    """The InternalError that reports `exc` (its type and message, on one line)."""
    return InternalError(
        f"internal error: {type(exc).__name__}: {exc}", source=source, hint="please report it"
    )


class EngineNotConfigured(ConfigError):
    """The engine needs settings it lacks (the llm engine's base URL and model): a configuration
    error on the command line (exit 7), and "the engine is unavailable" to a web client (503),
    whose request was fine."""

    http_status = 503


__all__ = [
    "BrieflowError",
    "InputError",
    "UnsupportedFormat",
    "EmptyArticle",
    "DecodeError",
    "FetchError",
    "BlockedURL",
    "OutputError",
    "EngineError",
    "UnknownEngine",
    "UnsupportedLanguage",
    "EngineUnavailable",
    "EngineResponseError",
    "CheckError",
    "StoreError",
    "NotFound",
    "ConfigError",
    "EngineNotConfigured",
    "InternalError",
    "internal_error",
]
