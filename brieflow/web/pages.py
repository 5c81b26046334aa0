"""Server-rendered pages: the form, a brief beside its source, the list of briefs, the API docs.

Every value reaches the page through Jinja's autoescaping, except the brief section, which
`brieflow.render.html.section` builds with `html.escape` on every piece of text.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.datastructures import UploadFile

from ..errors import BrieflowError, InputError
from ..render import get_renderer
from ..render import html as html_renderer
from ..render.labels import source_line
from .api import run_brief
from .service import Service, Submission

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


def _form_context(request: Request, **extra: Any) -> dict[str, Any]:
    service: Service = request.app.state.service
    return {
        "engines": service.engines(),
        "default_engine": service.settings.engine,
        "max_mb": request.app.state.web.max_body_bytes / 1_000_000,
        **extra,
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return _page(request, "home.html", _form_context(request, form={}))


@router.post("/briefs")
async def submit(request: Request) -> Response:
    """The form: pasted text, an uploaded file or a URL → redirect to the stored brief."""
    form = await request.form(max_part_size=request.app.state.web.max_body_bytes)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")
    try:
        sub = await _submission(fields, upload if isinstance(upload, UploadFile) else None)
        stored = await run_brief(request, sub)
    except BrieflowError as exc:
        context = _form_context(request, form=fields, error=exc.line())
        return _page(request, "home.html", context, status=exc.http_status)
    return RedirectResponse(f"/briefs/{stored.number}", status_code=303)


async def _submission(fields: dict[str, str], upload: UploadFile | None) -> Submission:
    common: dict[str, Any] = {
        "engine": fields.get("engine") or None,
        "language": fields.get("lang") or None,
    }
    if common["language"] not in (None, "zh", "en"):
        raise InputError(f"unknown language {common['language']!r}", hint="choose zh or en")
    for name in ("groups", "points"):
        number = fields.get(name) or "4"
        if number not in ("1", "2", "3", "4"):  # not isdigit(): "²" is a digit int() refuses
            raise InputError(f"{name} must be a number from 1 to 4, got {number!r}")
        common[f"max_{name}"] = int(number)
    given: list[tuple[str, str | UploadFile]] = []
    if upload is not None and upload.filename:
        given.append(("file", upload))
    if (fields.get("url") or "").strip():
        given.append(("url", fields["url"].strip()))
    if (fields.get("text") or "").strip():
        given.append(("text", fields["text"]))
    if len(given) != 1:
        raise InputError(
            "give one input: paste text, choose a file, or enter a URL"
            + (f" (got {', '.join(k for k, _ in given)})" if given else ""),
        )
    kind, value = given[0]
    if kind == "file":
        assert isinstance(value, UploadFile)
        data = await value.read()
        return Submission("text", data, name=value.filename or "upload", **common)
    assert isinstance(value, str)
    if kind == "text":  # pasted: may be HTML or JSON too, so the format is sniffed
        return Submission("text", value, name="<paste>", **common)
    return Submission(kind, value, **common)


@router.get("/briefs/{number:int}", response_class=HTMLResponse)
def brief_page(number: int, request: Request) -> Response:
    stored, article = request.app.state.service.brief(number)
    brief, art = stored.brief, article.article
    section = Markup(html_renderer.section(brief, art))  # noqa: S704 - escaped by the renderer
    return _page(
        request,
        "brief.html",
        {
            "stored": stored,
            "article": article,
            "title": art.title or f"Brief {number}",
            "meta": source_line(brief, art),
            "section": section,
            "text_layout": get_renderer("text").render(brief, art),
            "checks": brief.checks,
            "page_lang": "zh-CN" if brief.language == "zh" else brief.language,
        },
    )


@router.get("/briefs", response_class=HTMLResponse)
def list_page(request: Request) -> Response:
    params = request.query_params
    filters = {
        k: params.get(k, "").strip()
        for k in ("q", "engine", "source", "lang", "passed", "since", "until")
    }
    passed = {"yes": True, "no": False}.get(filters["passed"])
    service: Service = request.app.state.service
    error, found = None, []
    try:
        found = service.listing(
            query=filters["q"] or None,
            engine=filters["engine"] or None,
            source=filters["source"] or None,
            language=filters["lang"] or None,
            passed=passed,
            since=filters["since"] or None,
            until=filters["until"] or None,
            limit=100,
        )
    except BrieflowError as exc:
        error = exc.line()
    context = {"filters": filters, "briefs": found, "error": error, "engines": service.engines()}
    return _page(request, "list.html", context, status=400 if error else 200)


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> Response:
    """The API reference, drawn from the OpenAPI document on the server (no CDN, no script)."""
    spec = request.app.openapi()
    operations = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": _schema_name(body.get("schema", {})),
                    "responses": sorted(op.get("responses", {}).items()),
                }
            )
    schemas = spec.get("components", {}).get("schemas", {})
    return _page(request, "docs.html", {"operations": operations, "schemas": schemas})


def _schema_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None
