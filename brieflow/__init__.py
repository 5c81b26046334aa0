"""brieflow: cited, checkable briefs of Chinese and English news articles."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import errors
from ._version import __version__
from .errors import BrieflowError

if TYPE_CHECKING:
    from .config import Settings, load_settings
    from .engines import BriefOptions, get_engine
    from .models import Article, Brief, KeyPoint, Paragraph, Theme, Viewpoint
    from .pipeline import brief, load
    from .render import get_renderer
    from .store import Store

# The public API loads on first use (PEP 562): `import brieflow` and `brieflow --help` stay
# light, and numpy, the segmenter and the HTML stack load only when something needs them.
_LAZY = {
    "Settings": ".config",
    "load_settings": ".config",
    "BriefOptions": ".engines",
    "get_engine": ".engines",
    "Article": ".models",
    "Brief": ".models",
    "KeyPoint": ".models",
    "Paragraph": ".models",
    "Theme": ".models",
    "Viewpoint": ".models",
    "brief": ".pipeline",
    "load": ".pipeline",
    "get_renderer": ".render",
    "Store": ".store",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'brieflow' has no attribute {name!r}")


__all__ = [
    "__version__",
    "Article",
    "Brief",
    "BriefOptions",
    "BrieflowError",
    "KeyPoint",
    "Paragraph",
    "Settings",
    "Store",
    "Theme",
    "Viewpoint",
    "brief",
    "errors",
    "get_engine",
    "get_renderer",
    "load",
    "load_settings",
]
