"""Digests: a story briefed as one, every statement citing a source and a paragraph (`[B2]`).

`digest_story(store, story_id)` reads the story and its articles from the store, labels the
sources A, B, … (oldest first), writes the digest with the chosen engine and checks it against
the cited source paragraphs (brieflow.checks, through digest.checks).
"""

from __future__ import annotations

from ..config import Settings
from ..engines import get_engine
from ..engines.base import BriefOptions, Engine
from ..errors import ConfigError
from ..nlp.lang import article_language
from ..store import Store
from ..store import stories as db
from .checks import run_digest_checks, with_checks
from .extractive import extractive_digest, majority_language
from .models import SCHEMA, Cite, Digest, Group, Source, Statement, labels_for

__all__ = [
    "SCHEMA",
    "Cite",
    "Digest",
    "Group",
    "Source",
    "Statement",
    "digest_story",
    "run_digest_checks",
    "sources_of",
]

ENGINES = ("extractive", "llm")


def sources_of(store: Store, story: db.StoredStory) -> list[Source]:
    """The story's articles with their paragraphs, labelled A, B, … oldest first; a
    near-duplicate of another source is listed but not quoted (it would only repeat it)."""
    stored = [store.article(a.id) for a in story.articles]
    ids = {s.id for s in stored}
    return [
        Source(label, s.article, quoted=s.duplicate_of not in ids)
        for label, s in zip(labels_for(len(stored)), stored, strict=True)
    ]


def story_meta(story: db.StoredStory) -> dict:
    data = story.to_dict()
    data.pop("articles")
    return data


def digest_story(
    store: Store,
    story_id: str,
    *,
    engine: str | Engine = "extractive",
    language: str | None = None,
    options: BriefOptions | None = None,
    settings: Settings | None = None,
) -> Digest:
    """The checked digest of the story `story_id` names (an id or a unique prefix); `engine`
    is "extractive", "llm" (built from `settings`) or an llm-like Engine object."""
    if isinstance(engine, str) and engine not in ENGINES:
        raise ConfigError(
            f"no digest engine {engine!r}",
            hint=f"choose one of: {', '.join(ENGINES)}",
        )
    story = db.story(store, story_id)
    sources = sources_of(store, story)
    articles = [s.article for s in sources]
    first = article_language(articles[0]) if articles else None
    lang = language or majority_language(articles, first)
    sources = [
        Source(s.label, s.article, quoted=s.quoted and article_language(s.article) == lang)
        for s in sources
    ]
    options = options or BriefOptions()
    if engine == "extractive":
        digest = extractive_digest(story_meta(story), sources, lang, options)
    else:
        from .llm import llm_digest

        model = get_engine(engine, settings) if isinstance(engine, str) else engine
        digest = llm_digest(story_meta(story), sources, lang, options, model)
    return with_checks(digest)
