"""Invariants of the extractive engine on articles it has never seen."""

import re

import pytest

from brieflow import Article, BriefOptions, brief, load
from brieflow.engines import get_engine
from brieflow.errors import EngineError, UnknownEngine

from .conftest import EXAMPLES, FIXTURES

ARTICLES = [
    EXAMPLES / "zh-battery-prices.txt",
    EXAMPLES / "en-chip-export.txt",
    FIXTURES / "articles" / "zh-port-policy.md",
    FIXTURES / "articles" / "en-city-budget.txt",
]


def examples():
    return [load(str(path))[0] for path in ARTICLES]


def assert_cited_from_source(result, article):
    for where, statement in result.statements():
        assert statement.citations, where
        assert list(statement.citations) == sorted(set(statement.citations))
        assert all(n in article.numbers for n in statement.citations)
        # Extractive statements are sentences of the paragraph they cite, or such a sentence
        # with words taken out (Weights.cuts): its characters in order, but the "：" that
        # stands for a speaker's 表示，
        cited = "".join(article.paragraph(n).text for n in statement.citations)
        assert _taken_from(statement.text, " ".join(cited.split())), where


def _taken_from(text: str, source: str) -> bool:
    rest = iter(source)
    return all(ch in rest for ch in text.replace("：", "") if not ch.isspace())


@pytest.mark.parametrize("article", examples(), ids=[p.stem for p in ARTICLES])
def test_examples_get_the_seed_shape_in_their_language(article):
    result = brief(article)
    assert result.language == article.language
    assert 2 <= len(result.themes) <= 4
    assert all(2 <= len(t.points) <= 4 for t in result.themes)
    assert all(t.title.strip() for t in result.themes)
    assert len({t.title for t in result.themes}) == len(result.themes)
    assert_cited_from_source(result, article)
    assert result.checks.passed, result.checks.findings
    assert result.checks.checks == ("range", "shape", "language", "support", "numbers")


def test_points_are_not_repeated_and_in_reading_order_where_the_language_asks():
    from brieflow.engines.extractive import LANGUAGE_WEIGHTS

    for article in examples():
        result = brief(article)
        texts = [t for t in result.sentences()]
        assert len(texts) == len(set(texts))
        if LANGUAGE_WEIGHTS[article.language].points_by_score:
            continue  # strongest first: test_points_and_themes_can_be_read_strongest_first
        for theme in result.themes:
            firsts = [p.citations[0] for p in theme.points]
            assert firsts == sorted(firsts)


def test_deterministic():
    article = examples()[0]
    assert brief(article) == brief(article)


def test_theme_titles_are_not_stopwords_or_sentences():
    for article in examples():
        for theme in brief(article).themes:
            assert len(theme.title) <= 40
            assert not re.search(r"[。.!?！？]$", theme.title)
            assert theme.title.lower() not in {"the", "and", "的", "了", "said"}


def test_single_sentence_article():
    article = Article.from_texts(["Shares of Acme rose 5% on Monday after strong results."])
    result = brief(article)
    assert result.viewpoint.text == "Shares of Acme rose 5% on Monday after strong results."
    assert result.viewpoint.citations == (1,)
    assert result.themes == ()
    assert result.checks.passed  # too few groups is a warning for a one-line article


def test_two_paragraph_article_gets_one_small_group():
    article = Article.from_texts(
        [
            "央行宣布下调存款准备金率0.5个百分点。此举将释放长期资金约1万亿元。",
            "分析人士认为，降准有助于稳定市场预期。银行的负债成本也将随之下降。",
        ]
    )
    result = brief(article)
    assert result.language == "zh"
    assert result.viewpoint.citations == (1,)
    assert len(result.themes) == 1
    assert 1 <= len(result.themes[0].points) <= 3
    assert_cited_from_source(result, article)


def test_long_article_stays_within_shape():
    base = examples()[1]
    texts = [
        p.text.replace("China", f"market {i % 17}") for i in range(30) for p in base.paragraphs
    ]
    article = Article.from_texts(texts[:240], language="en")
    result = brief(article)
    assert len(article.paragraphs) == 240
    assert 2 <= len(result.themes) <= 4
    assert_cited_from_source(result, article)


def test_group_and_point_limits():
    article = examples()[1]
    result = brief(article, options=BriefOptions(max_groups=2, max_points=2))
    assert len(result.themes) == 2
    assert all(len(t.points) <= 2 for t in result.themes)


def test_other_language_is_a_clear_error_pointing_to_llm():
    with pytest.raises(EngineError) as info:
        brief(examples()[0], options=BriefOptions(language="en"))
    assert "writes in the article's language (zh), not en" in info.value.line()
    assert "--engine llm" in info.value.line()


def test_unknown_engine():
    with pytest.raises(UnknownEngine, match="unknown engine 'nope'.*extractive"):
        get_engine("nope")


def test_a_sentence_that_points_back_is_not_the_viewpoint():
    article = Article.from_texts(
        [
            "However, copper prices rose again on Monday as copper demand grew in Asia.",
            "Copper prices hit a two-week high on Monday as demand for copper grew.",
            "Traders expect copper stocks to fall further this month.",
        ],
        language="en",
    )
    assert brief(article).viewpoint.text == (
        "Copper prices hit a two-week high on Monday as demand for copper grew."
    )
    zh = Article.from_texts(
        ["其中，铜价周一再度上涨，亚洲铜需求持续增长。", "铜价周一升至两周高位，铜需求持续增长。"],
        language="zh",
    )
    assert brief(zh).viewpoint.text == "铜价周一升至两周高位，铜需求持续增长。"


def test_one_engine_briefs_in_several_threads_as_it_does_alone():
    from concurrent.futures import ThreadPoolExecutor

    engine = get_engine("extractive")
    articles = examples() * 3
    alone = [brief(a, engine=engine) for a in articles]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda a: brief(a, engine=engine), articles))
    assert threaded == alone


REPORT = [
    "2024年公司营业收入152.36亿元，同比增长18.25%，归母净利润21.08亿元，同比增长25.61%，"
    "储能业务收入48.92亿元，同比增长63.47%。",
    "全年业绩符合预期，储能业务放量成为公司新的增长点。",
    "公司在手订单充足，储能产品海外市场拓展顺利，海外收入占比持续提升。",
    "我们维持买入评级，目标价对应明年二十倍市盈率。",
]


def test_a_readout_of_figures_is_not_the_viewpoint_of_a_longer_piece():
    from brieflow.engines.extractive import ExtractiveEngine, Weights

    report = Article.from_texts(REPORT, language="zh")
    assert brief(report).viewpoint.text == REPORT[1]
    # …because of the figures rule: without it the readout leads.
    blind = ExtractiveEngine(Weights(figures=0.0))
    assert brief(report, engine=blind).viewpoint.text == REPORT[0]
    # In a one-paragraph flash the figures are the news.
    flash = Article.from_texts(["".join(REPORT[:2])], language="zh")
    assert brief(flash).viewpoint.text == REPORT[0]


def _reference_mmr(lam, pool, chosen, k):
    """MMR as written in the textbook: every value recomputed every round."""
    from brieflow.nlp.vectors import cosine

    picked = []
    candidates = sorted(pool, key=lambda s: (-s.score, s.index))[: max(3 * k, 12)]
    while candidates and len(picked) < k:

        def value(s):
            red = max((cosine(s.vector, c.vector) for c in chosen + picked), default=0.0)
            return (lam * s.score - (1 - lam) * red, -s.index)

        best = max(candidates, key=value)
        candidates.remove(best)
        if any(cosine(best.vector, c.vector) > 0.8 for c in chosen + picked):
            continue
        picked.append(best)
    return picked


def test_lazy_mmr_picks_what_recomputing_every_value_picks():
    from brieflow.engines.extractive import ExtractiveEngine

    engine = ExtractiveEngine()
    for article in examples():
        reading = engine.read(article, article.language)
        engine.score(reading, article.title, article.language)
        sentences = reading.sentences
        for first in range(min(4, len(sentences))):
            chosen = [sentences[first]]
            pool = [s for s in sentences if s is not sentences[first]]
            for k in (1, 2, 4):
                lazy = engine._mmr(pool, chosen, k)
                assert lazy == _reference_mmr(engine.weights.mmr_lambda, pool, chosen, k)


def test_theme_gaps_equal_the_cosine_of_the_window_centroids():
    """_gaps works from dot products of units; it must equal the cosine of the two windows'
    centroids computed directly, for every gap of every example."""
    import math

    from brieflow.engines.extractive import ExtractiveEngine, _gaps
    from brieflow.nlp.vectors import centroid, cosine

    engine = ExtractiveEngine()
    checked = 0
    for article in examples():
        units: dict[int, list] = {}
        for s in engine.read(article, article.language).sentences:
            units.setdefault(s.paragraph, []).append(s.vector)
        vectors = [centroid(u) for u in units.values()]
        direct = [
            cosine(centroid(vectors[max(0, i - 2) : i]), centroid(vectors[i : i + 2]))
            for i in range(1, len(vectors))
        ]
        got = _gaps(vectors)
        assert len(got) == len(direct) == len(vectors) - 1
        assert all(math.isclose(a, b, abs_tol=1e-12) for a, b in zip(got, direct, strict=True))
        checked += len(got)
    assert checked > 20


def test_points_and_themes_can_be_read_strongest_first():
    """points_by_score / themes_by_score change the order of a brief, never its content."""
    from brieflow.engines.extractive import ExtractiveEngine, Weights

    options = BriefOptions()
    for article in examples():
        selections = []
        for w in (Weights(), Weights(points_by_score=True, themes_by_score=True)):
            engine = ExtractiveEngine(w)
            reading = engine.read(article, article.language)
            engine.score(reading, article.title, article.language)
            viewpoint = engine.viewpoint(reading, article.language)
            selections.append(engine.select(reading, viewpoint, options))
        by_place, by_score = selections
        assert [p.index for _, picked in by_place for p in picked] == sorted(
            p.index for _, picked in by_place for p in picked
        )
        assert sorted(tuple(p.index for p in picked) for _, picked in by_place) == sorted(
            tuple(sorted(p.index for p in picked)) for _, picked in by_score
        )
        for _, picked in by_score:
            assert [p.score for p in picked] == sorted((p.score for p in picked), reverse=True)
        best = [picked[0].score for _, picked in by_score]
        assert best == sorted(best, reverse=True)
        # Titles are chosen in reading order, so the order shown does not change them.
        briefs = [
            brief(article, engine=ExtractiveEngine(w))
            for w in (Weights(), Weights(points_by_score=True, themes_by_score=True))
        ]
        assert [
            sorted((t.title, sorted(p.text for p in t.points)) for t in b.themes) for b in briefs
        ] == [sorted((t.title, sorted(p.text for p in t.points)) for t in briefs[0].themes)] * 2
        assert len(by_score) >= 2 and any(
            [p.index for p in a[1]] != [p.index for p in b[1]]
            for a, b in zip(by_place, by_score, strict=True)
        )
