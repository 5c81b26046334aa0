"""The extractive engine's exact briefs of two articles written for these tests, and the same
briefs whatever PYTHONHASHSEED is. Regenerate after a deliberate engine change with
`UPDATE_GOLDEN=1 python -m pytest tests/test_engine_golden.py` and review the diff."""

import os
import subprocess
import sys

import pytest

from brieflow import brief, get_renderer, load

from .conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
ARTICLES = ["en-heat-pumps.txt", "zh-rural-ecommerce.txt"]


def render(name: str) -> str:
    article = load(str(FIXTURES / "articles" / name))[0]
    return get_renderer("json").render(brief(article), article)


@pytest.mark.parametrize("name", ARTICLES)
def test_golden_brief(name):
    path = GOLDEN / f"brief-{name.rsplit('.', 1)[0]}.json"
    text = render(name)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


_SCRIPT = """
import sys
from brieflow import brief, get_renderer, load
for path in sys.argv[1:]:
    article = load(path)[0]
    sys.stdout.write(get_renderer("json").render(brief(article), article))
"""


def test_same_briefs_whatever_the_hash_seed():
    paths = [str(FIXTURES / "articles" / name) for name in ARTICLES]
    outputs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, *paths],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert '"core_viewpoint"' in outputs[0] and "县域电商" in outputs[0]


def test_claim_cues_pick_the_thesis_of_commentary_but_not_over_a_news_lead():
    from dataclasses import replace

    from brieflow import Article
    from brieflow.engines.extractive import LANGUAGE_WEIGHTS, ExtractiveEngine, Weights

    def viewpoint(weights, article, language):
        engine = ExtractiveEngine(weights)
        reading = engine.read(article, language)
        engine.score(reading, article.title, language)
        return engine.viewpoint(reading, language).text

    essay = load(str(FIXTURES / "articles" / "en-heat-pumps.txt"))[0]
    plain = LANGUAGE_WEIGHTS["en"]
    assert viewpoint(plain, essay, "en").startswith("The upfront price")
    cued = replace(plain, viewpoint_cue=0.3)
    assert viewpoint(cued, essay, "en").startswith("The evidence means that running costs")
    # A news lead (the first sentence is central) keeps the viewpoint: cues count for
    # 1 - lead trust of their weight.
    news = Article.from_texts(
        [
            "央行宣布下调存款准备金率0.5个百分点。此举将释放长期资金约1万亿元。",
            "分析人士认为，降准有助于稳定市场预期。银行的负债成本也将随之下降。",
        ]
    )
    assert viewpoint(Weights(viewpoint_cue=0.5), news, "zh").startswith("央行宣布")
