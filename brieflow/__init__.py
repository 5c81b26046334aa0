"""brieflow: cited, checkable briefs of Chinese and English news articles."""

from __future__ import annotations

from . import errors
from ._version import __version__
from .config import Settings, load_settings
from .engines import BriefOptions, get_engine
from .errors import BrieflowError
from .models import Article, Brief, KeyPoint, Paragraph, Theme, Viewpoint
from .pipeline import brief, load
from .render import get_renderer
from .store import Store

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
