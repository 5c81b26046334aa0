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
