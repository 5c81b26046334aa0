"""Engine registry: built-in engines plus any registered under the `brieflow.engines`
entry-point group (a callable taking Settings and returning an Engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import UnknownEngine
from .base import BriefOptions, Engine

if TYPE_CHECKING:
    from ..config import Settings

EngineFactory = Callable[["Settings"], Engine]


def _extractive(settings: Settings) -> Engine:
    from .extractive import ExtractiveEngine

    return ExtractiveEngine()


def _llm(settings: Settings) -> Engine:
    from .llm import LLMEngine

    return LLMEngine(settings)


BUILTIN: dict[str, EngineFactory] = {"extractive": _extractive, "llm": _llm}


def _plugins() -> Any:
    """The `brieflow.engines` entry points, read only when a name is not built in (scanning the
    installed packages' metadata is what made `brieflow --help` slow)."""
    from importlib.metadata import entry_points

    return entry_points(group="brieflow.engines")


def engine_names() -> list[str]:
    names = set(BUILTIN)
    names.update(ep.name for ep in _plugins())
    return sorted(names)


def get_engine(name: str = "extractive", settings: Settings | None = None) -> Engine:
    """The engine called `name`, built from `settings` (defaults when None)."""
    from ..config import Settings

    settings = settings or Settings()
    factory = BUILTIN.get(name)
    if factory is None:
        for ep in _plugins():
            if ep.name == name:
                factory = ep.load()
                break
    if factory is None:
        raise UnknownEngine(
            f"unknown engine {name!r}", hint=f"choose one of: {', '.join(engine_names())}"
        )
    return factory(settings)


__all__ = ["BriefOptions", "Engine", "get_engine", "engine_names"]
