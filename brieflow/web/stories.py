"""Stories on the web: /stories (newest first), /stories/{id} (the digest beside its sources in
tabs; a click on `[B2]` opens source B and lights paragraph 2), and the JSON API
GET /api/stories, /api/stories/{id}, /api/stories/{id}/digest.

The digest section is built by brieflow.digest.render (html.escape on every piece of text); its
style and script are served as static files, as the page's CSP allows no inline code.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from ..digest import digest_story
from ..digest.render import SCRIPT, STYLE, section
from ..store import Store
from ..store import stories as db
from ..stories import update

router = APIRouter()
Lang = Literal["zh", "en"]


def _store(request: Request) -> Store:
    return request.app.state.service.store


def _refreshed(request: Request) -> Store:
    """The store, with the articles added since the last call put into stories."""
    store = _store(request)
    update(store)
    return store


@router.get("/static/digest.css", include_in_schema=False)
def digest_css() -> Response:
    return Response(STYLE, media_type="text/css")


@router.get("/static/digest.js", include_in_schema=False)
def digest_js() -> Response:
    return Response(SCRIPT, media_type="text/javascript")


@router.get("/api/stories", summary="Stories, newest first", tags=["stories"])
def api_stories(
    request: Request,
    since: str | None = None,
    until: str | None = None,
    lang: Lang | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[dict[str, Any]]:
    found = db.stories(_refreshed(request), since=since, until=until, language=lang, limit=limit)
    return [s.to_dict() for s in found]


@router.get("/api/stories/{story_id}", summary="One story and its articles", tags=["stories"])
def api_story(request: Request, story_id: str) -> dict[str, Any]:
    return db.story(_refreshed(request), story_id).to_dict()


@router.get(
    "/api/stories/{story_id}/digest",
    summary="The story's digest (brieflow.digest/1)",
    tags=["stories"],
)
def api_digest(request: Request, story_id: str, lang: Lang | None = None) -> JSONResponse:
    digest = digest_story(_refreshed(request), story_id, language=lang)
    return JSONResponse(digest.to_dict())


def _page(request: Request, name: str, context: dict[str, Any]) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context)


@router.get("/stories", response_class=HTMLResponse, include_in_schema=False)
def stories_page(request: Request, lang: str | None = None) -> Response:
    language = lang if lang in ("zh", "en") else None
    found = db.stories(_refreshed(request), language=language, limit=200)
    return _page(request, "stories.html", {"stories": found, "lang": language or ""})


@router.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
def story_page(request: Request, story_id: str, lang: str | None = None) -> Response:
    language = lang if lang in ("zh", "en") else None
    digest = digest_story(_refreshed(request), story_id, language=language)
    return _page(
        request,
        "story.html",
        {
            "digest": digest,
            "title": digest.story.get("title") or digest.story["id"],
            "section": Markup(section(digest)),  # noqa: S704 - escaped by the renderer
            "checks": digest.checks,
            "page_lang": "zh-CN" if digest.language == "zh" else digest.language,
        },
    )
