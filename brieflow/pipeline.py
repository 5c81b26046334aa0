"""The one place that chains the stages: source → extract → engine → checks (→ render)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from .checks import run_checks
from .config import Settings
from .engines import BriefOptions, Engine, get_engine
from .errors import BrieflowError
from .extract import Item, extract
from .models import Article, Brief, content_id
from .nlp.lang import article_language
from .sources import read_source

if TYPE_CHECKING:
    from .store import Store


def items(
    sources: Iterable[str],
    *,
    fmt: str | None = None,
    stdin: bytes | None = None,
    settings: Settings | None = None,
) -> Iterator[Item]:
    """Every input record of every source, in order; an unreadable source becomes an error Item."""
    for source in sources:
        try:
            for name, data in read_source(source, stdin=stdin, settings=settings):
                try:
                    for item in extract(data, name, fmt, settings=settings):
                        yield with_language(item)
                except BrieflowError as exc:
                    yield Item(name, error=exc)
        except BrieflowError as exc:
            yield Item(source, error=exc)


def with_language(item: Item) -> Item:
    """`item` with its article's language marked (detected when the input did not say)."""
    if item.article is not None and item.article.language is None:
        article = item.article
        return replace(item, article=replace(article, language=article_language(article)))
    return item


def load(source: str, *, fmt: str | None = None, settings: Settings | None = None) -> list[Article]:
    """Every Article in `source` (a path, folder, glob or URL); the first bad record raises."""
    articles = []
    for item in items([source], fmt=fmt, settings=settings):
        if item.error is not None:
            raise item.error
        assert item.article is not None
        articles.append(item.article)
    return articles


def brief(
    article: Article,
    *,
    engine: str | Engine = "extractive",
    options: BriefOptions | None = None,
    settings: Settings | None = None,
) -> Brief:
    """Brief one article with `engine`, then run the checks; the report rides on the brief."""
    if article.language is None:
        article = with_language(Item("", article)).article  # type: ignore[assignment]
    if isinstance(engine, str):
        engine = get_engine(engine, settings)
    result = engine.brief(article, options or BriefOptions())
    if result.checks.checks:  # the engine checked (and maybe repaired) its own brief
        return result
    return replace(result, checks=run_checks(result, article))


def brief_and_store(
    article: Article,
    store: Store,
    *,
    engine: Engine,
    options: BriefOptions,
    origin: str | None = None,
    settings: Settings | None = None,
    compute: Callable[[Article], Brief] | None = None,
) -> tuple[str, bool]:
    """Brief `article` unless `store` holds its brief by this engine version with these options,
    then store the article and its brief in one transaction: a crash while briefing stores
    nothing (no article left whose metadata a later, different submission would contradict).
    `compute` makes the brief where the caller wants it (the web app: a worker process with a
    deadline); by default `brief` here. Returns the article's content id and whether a new brief
    was stored."""
    from .store import options_key

    key = options_key(options.key())
    cid = content_id(article.paragraphs)
    if store.has_brief(cid, engine.name, engine.version, key):
        return cid, False
    if compute is None:
        result = brief(article, engine=engine, options=options, settings=settings)
    else:
        result = compute(article)
    with store.transaction():
        store.add_article(article, origin=origin)
        added = store.add_brief(cid, result, options=key)
    return cid, added
