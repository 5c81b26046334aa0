"""Settings: defaults < config file < BRIEFLOW_* environment < explicit overrides (CLI flags).

The config file is TOML: `$BRIEFLOW_CONFIG`, else `$XDG_CONFIG_HOME/brieflow/config.toml`
(`~/.config/brieflow/config.toml`). Keys are the field names below, e.g. `engine = "llm"`.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "brieflow"


@dataclass(frozen=True)
class Settings:
    engine: str = "extractive"
    language: str | None = None  # None: the article's language (extractive) / "en" (llm)
    format: str = "text"
    db: str | None = None  # None: <data dir>/brieflow.db
    # input fetching
    fetch_timeout: float = 15.0
    fetch_max_bytes: int = 5_000_000
    fetch_max_redirects: int = 5
    fetch_retries: int = 2
    block_private: bool = False
    fetch_links: bool = True  # fetch the page of a feed item that has only a link
    input_max_bytes: int = 100_000_000  # a file or standard input larger than this is refused
    # seconds a batch's claim on an article lasts unless renewed (a dead batch's work is taken
    # over by another this long after it died; sooner on the same machine)
    claim_lease: float = 120.0
    # llm engine
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 120.0
    llm_max_retries: int = 4
    llm_max_tokens: int = 4096  # the answer budget sent as max_tokens
    llm_context_chars: int = 12_000
    on_fail: str = "trim"  # "trim" | "error"
    cache_dir: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            _check(f.name, getattr(self, f.name), "settings")
        if self.llm_api_key is not None and self.llm_api_key != self.llm_api_key.strip():
            # A key pasted with its newline would leak into the header error that names it.
            object.__setattr__(self, "llm_api_key", self.llm_api_key.strip() or None)

    def __repr__(self) -> str:  # keys never appear in output or logs
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        if shown.get("llm_api_key"):
            shown["llm_api_key"] = "***"
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    @property
    def db_path(self) -> Path:
        """The database file; a URL no backend serves is a ConfigError (store.location)."""
        from .store.location import database_path

        return database_path(self.db) if self.db else default_data_dir() / "brieflow.db"


def _config_path() -> Path:
    if explicit := os.environ.get("BRIEFLOW_CONFIG"):
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "brieflow" / "config.toml"


# Numbers that must be above zero (a timeout of 0, -1, inf or nan is no timeout at all) and
# those that may be zero (retries).
_POSITIVE = {
    "fetch_timeout",
    "fetch_max_bytes",
    "claim_lease",
    "llm_timeout",
    "llm_context_chars",
}
_NOT_NEGATIVE = {"fetch_max_redirects", "fetch_retries", "llm_max_retries"}


def _check(name: str, value: Any, origin: str) -> None:
    """ConfigError unless a numeric setting is a finite number in its range."""
    if name not in _POSITIVE and name not in _NOT_NEGATIVE:
        return
    low_ok = (lambda v: v > 0) if name in _POSITIVE else (lambda v: v >= 0)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low_ok(value)
    ):
        rule = "above 0" if name in _POSITIVE else "0 or more"
        raise ConfigError(
            f"{name} = {value!r} must be a finite number {rule}",
            source=origin,
            hint="fix the value",
        )


def _coerce(name: str, value: Any, origin: str) -> Any:
    kind = next(f.type for f in fields(Settings) if f.name == name)
    try:
        if kind == "bool":
            if isinstance(value, str):
                if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError(value)
                return value.lower() in ("1", "true", "yes", "on")
            return bool(value)
        if kind == "int":
            number: Any = int(value)
        elif kind == "float":
            number = float(value)
        else:
            return None if value is None else str(value)
        _check(name, number, origin)
        return number
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(
            f"{name} = {value!r} is not a valid {kind}", source=origin, hint="fix the value"
        ) from None


def load_settings(
    overrides: dict[str, Any] | None = None, *, env: dict[str, str] | None = None
) -> Settings:
    """Settings from every layer; `overrides` with value None are ignored."""
    env = dict(os.environ) if env is None else env
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = Path(env["BRIEFLOW_CONFIG"]) if "BRIEFLOW_CONFIG" in env else _config_path()
    try:
        exists = path.is_file()
        text = path.read_text(encoding="utf-8") if exists else ""
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            f"cannot read the config file: {reason}",
            source=str(path),
            hint="fix its permissions (or its folder's), or point BRIEFLOW_CONFIG elsewhere",
        ) from None
    if exists:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", source=str(path)) from None
        for key, value in data.items():
            if key not in names:
                raise ConfigError(
                    f"unknown setting {key!r}",
                    source=str(path),
                    hint=f"known: {', '.join(sorted(names))}",
                )
            values[key] = _coerce(key, value, str(path))
    for name in names:
        if (value := env.get(f"BRIEFLOW_{name.upper()}")) is not None:
            values[name] = _coerce(name, value, f"BRIEFLOW_{name.upper()}")
    if "llm_api_key" not in values and env.get("OPENAI_API_KEY"):
        values["llm_api_key"] = env["OPENAI_API_KEY"]
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    return replace(Settings(), **values)
