"""An article's language is decided in one place (brieflow.nlp.lang.article_language)."""

import re
from pathlib import Path

from brieflow.checks import check_language
from brieflow.models import Article, Brief, Theme, Viewpoint
from brieflow.nlp.lang import article_language, foreign_words
from brieflow.nlp.support import SupportScorer
from brieflow.stories.features import features

PACKAGE = Path(__file__).resolve().parent.parent / "brieflow"

# Two English paragraphs, then Chinese ones: a sample of the title and two paragraphs (the
# stories' old rule) says en, the title and first 20 paragraphs say zh.
MIXED = Article.from_texts(
    ["Reuters reported the figures on Monday.", "The ministry confirmed them."]
    + ["国家统计局周一公布了最新的工业生产数据，增速高于市场预期。"] * 4,
    title="Industrial output",
)


def test_marked_language_wins():
    article = Article.from_texts(["The ministry confirmed them."], language="zh")
    assert article_language(article) == "zh"


def test_unmarked_language_is_read_from_title_and_first_paragraphs():
    assert article_language(MIXED) == "zh"
    assert article_language(Article.from_texts(["The ministry confirmed the figures."])) == "en"
    late = Article.from_texts(
        ["The ministry confirmed the figures."] * 20 + ["国家统计局公布"] * 50
    )
    assert article_language(late) == "en"  # paragraphs after the 20th are not read


def test_every_step_agrees_on_the_language():
    assert features(MIXED).language == "zh"
    assert SupportScorer(MIXED).language == "zh"


def test_foreign_words():
    assert foreign_words("稀土ETF和网络", "zh") == 1
    assert foreign_words("稀土ETF和5G网络", "zh") == 2
    assert foreign_words("Rare earth 稀土 prices", "en") == 2
    assert foreign_words("anything", "de") == 0


def test_group_title_with_one_foreign_name_is_not_drift():
    def brief(title: str) -> Brief:
        return Brief(Viewpoint("这是观点。", (1,)), (Theme(title, ()),), "zh", "extractive", "1")

    article = Article.from_texts(["这是观点。"])
    assert check_language(brief("ETF市场"), article) == []
    assert [f.where for f in check_language(brief("ETF and bond markets"), article)] == [
        "group 1 title"
    ]


def test_no_module_guesses_an_article_language_itself():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).as_posix() == "nlp/lang.py":
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(
            r"\barticle\.language or (detect_language|[\"'])|detect_language\([^)]*article", source
        ):
            offenders.append(path.relative_to(PACKAGE).as_posix())
    assert offenders == []
