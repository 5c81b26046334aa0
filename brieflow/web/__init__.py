"""The web page and HTTP API behind `brieflow serve` (FastAPI; every asset served locally)."""

from __future__ import annotations

from .app import create_app
from .service import Service, Submission, WebSettings

__all__ = ["create_app", "Service", "Submission", "WebSettings"]
