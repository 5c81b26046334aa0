"""The JSON API: brief an article, read briefs and articles back, health."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..render import get_renderer
from ..store.store import StoredArticle, StoredBrief
from .service import Service, Submission
from .workers import BriefTimeout

router = APIRouter()

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"example": body}}}
    for code, text, example in (
        (400, "bad input, unknown engine, or a refused URL", ("RefusedURL", "...")),
        (403, "a POST from a page of another origin", ("CrossOrigin", "...")),
        (404, "no such brief or article", ("NotFound", "no brief number 7")),
        (413, "the request is larger than the cap", ("RequestTooLarge", "...")),
        (422, "the request or the article is not valid", ("ValidationError", "...")),
        (502, "the URL or the engine failed", ("FetchError", "...")),
        (
            503,
            "the llm engine is not configured, or the briefing worker died",
            ("EngineNotConfigured", "..."),
        ),
        (504, "briefing took longer than the server allows", ("Timeout", "...")),
    )
    for body in [{"error": {"type": example[0], "message": example[1]}}]
}


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
    groups: int = Field(4, ge=1, le=4, description="at most this many groups (themes)")
    points: int = Field(4, ge=1, le=4, description="at most this many key points a group")


class ArticleIn(BaseModel):
    """An article object, as in JSON input files: `paragraphs` (strings or
    {number, text}) or `text` (paragraphs separated by blank lines), plus metadata."""

    model_config = ConfigDict(extra="allow")
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None
    lang: str | None = None
    paragraphs: list[str | dict[str, Any]] | None = None
    text: str | None = None


class BriefRequest(BaseModel):
    """Exactly one of `text`, `html`, `url`, `article`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            # What one_input checks, said in the schema so clients (and fuzzers) know {} is not
            # a request.
            "oneOf": [{"required": [k]} for k in ("text", "html", "url", "article")],
            "examples": [
                {"text": "Title\n\nFirst paragraph.\n\nSecond paragraph.", "engine": "extractive"},
                {"url": "https://example.com/news/1.html", "lang": "en"},
                {"article": {"title": "T", "paragraphs": ["One.", "Two."]}},
            ],
        },
    )
    text: str | None = Field(None, description="plain text; a first title line is the title")
    html: str | None = Field(None, description="an HTML page")
    url: str | None = Field(None, description="an http(s) URL (public addresses only)")
    article: ArticleIn | None = None
    engine: str | None = Field(None, description="extractive (default) or llm")
    lang: Literal["zh", "en"] | None = Field(None, description="the brief's language")
    options: Options = Field(default_factory=lambda: Options.model_validate({}))

    @model_validator(mode="after")
    def one_input(self) -> BriefRequest:
        given = [k for k in ("text", "html", "url", "article") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of text, html, url or article"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self

    def submission(self) -> Submission:
        kind = next(k for k in ("text", "html", "url", "article") if getattr(self, k) is not None)
        value: Any = getattr(self, kind)
        if isinstance(value, ArticleIn):
            value = value.model_dump(exclude_none=True)
        return Submission(
            kind=kind,
            value=value,
            engine=self.engine,
            language=self.lang,
            max_groups=self.options.groups,
            max_points=self.options.points,
        )


def brief_json(stored: StoredBrief, article: StoredArticle | None = None) -> dict[str, Any]:
    """The brief's wire form (`brieflow.brief/1`; its `id` is the article's) plus `brief_id`,
    the number it is stored under, and links."""
    meta = (article or stored.article).article
    data = stored.brief.to_dict(meta)
    data["brief_id"] = stored.number
    data["created_at"] = stored.created_at
    data["links"] = {
        "self": f"/api/briefs/{stored.number}",
        "page": f"/briefs/{stored.number}",
        "markdown": f"/api/briefs/{stored.number}.md",
        "text": f"/api/briefs/{stored.number}.txt",
        "article": f"/api/articles/{stored.article.id}",
    }
    return data


async def run_brief(request: Request, sub: Submission) -> StoredBrief:
    """Brief within the server's deadline; 504 past it. In worker processes (the default) the
    worker is killed at the deadline; in threads it finishes and stores its brief, so asking
    again later returns it at once."""
    service: Service = request.app.state.service
    web = request.app.state.web
    pool = request.app.state.pool
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(pool, service.submit, sub)
    # A worker process is stopped at the deadline itself; this wait is the backstop.
    grace = 2.0 if service.pool is not None else 0.0
    try:
        return await asyncio.wait_for(future, web.brief_timeout + grace)
    except TimeoutError:
        raise BriefTimeout(web.brief_timeout, stopped=False) from None


@router.post(
    "/api/briefs",
    status_code=201,
    responses=ERRORS,
    summary="Brief one article",
    tags=["briefs"],
)
async def post_brief(body: BriefRequest, request: Request) -> JSONResponse:
    """Read the article (text, HTML, a public URL or an article object), brief it with the
    engine and store both. An equal brief already stored is returned, not recomputed."""
    stored = await run_brief(request, body.submission())
    return JSONResponse(
        brief_json(stored),
        status_code=201,
        headers={"Location": f"/api/briefs/{stored.number}"},
    )


@router.get("/api/briefs", summary="List stored briefs", tags=["briefs"], responses=ERRORS)
def list_briefs(
    request: Request,
    q: str | None = Query(None, description="words that must all occur (Chinese or English)"),
    engine: str | None = None,
    source: str | None = None,
    lang: Literal["zh", "en"] | None = None,
    passed: bool | None = Query(None, description="only briefs whose checks passed (or failed)"),
    since: str | None = Query(None, description="published on or after YYYY-MM-DD"),
    until: str | None = Query(None, description="published on or before YYYY-MM-DD"),
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    service: Service = request.app.state.service
    found = service.listing(
        query=q,
        engine=engine,
        source=source,
        language=lang,
        passed=passed,
        since=since,
        until=until,
        limit=limit,
    )
    return {"briefs": [brief_json(b) for b in found], "count": len(found)}


def _rendered(request: Request, number: int, fmt: str) -> str:
    stored, article = request.app.state.service.brief(number)
    return get_renderer(fmt).render(stored.brief, article.article) + "\n"


class MarkdownResponse(PlainTextResponse):
    media_type = "text/markdown"


@router.get(
    "/api/briefs/{number:int}.md",
    response_class=MarkdownResponse,
    summary="A brief as Markdown",
    tags=["briefs"],
    responses=ERRORS,
)
def get_brief_markdown(number: int, request: Request) -> MarkdownResponse:
    return MarkdownResponse(_rendered(request, number, "markdown"))


@router.get(
    "/api/briefs/{number:int}.txt",
    response_class=PlainTextResponse,
    summary="A brief in the text layout",
    tags=["briefs"],
    responses=ERRORS,
)
def get_brief_text(number: int, request: Request) -> PlainTextResponse:
    return PlainTextResponse(_rendered(request, number, "text"))


@router.get(
    "/api/briefs/{number:int}", summary="A brief as JSON", tags=["briefs"], responses=ERRORS
)
def get_brief(number: int, request: Request) -> dict[str, Any]:
    stored, article = request.app.state.service.brief(number)
    return brief_json(stored, article)


@router.get("/api/articles/{ref}", summary="A stored article", tags=["articles"], responses=ERRORS)
def get_article(ref: str, request: Request) -> dict[str, Any]:
    """The article with its numbered paragraphs; `ref` is its id (content hash, or the id it
    came with) or a prefix of 4+ characters of the content hash."""
    service: Service = request.app.state.service
    stored = service.article(ref)
    data = stored.article.to_dict()
    data["content_id"] = stored.id
    data["added_at"] = stored.added_at
    data["duplicate_of"] = stored.duplicate_of
    data["briefs"] = [
        {
            "brief_id": b.number,
            "engine": b.brief.engine,
            "language": b.brief.language,
            "passed": b.brief.checks.passed,
            "link": f"/api/briefs/{b.number}",
        }
        for b in service.article_briefs(stored.id)
    ]
    return data


@router.get("/healthz", summary="Liveness and database check", tags=["health"])
def healthz(request: Request) -> dict[str, Any]:
    service: Service = request.app.state.service
    return {"status": "ok", "schema_version": service.store.schema_version}
