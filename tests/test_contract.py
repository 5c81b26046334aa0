"""Issue 13, defect 16: the CLI, engine and batch keep their documented contract at the edges."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from brieflow.batch import SerialExecutor, run_batch
from brieflow.cli import main
from brieflow.engines import BriefOptions, get_engine
from brieflow.errors import BrieflowError, InputError
from brieflow.models import Article
from brieflow.pipeline import brief, load
from brieflow.store import Store, options_key

from .conftest import EXAMPLES

EN = str(EXAMPLES / "en-chip-export.txt")
ZH = str(EXAMPLES / "zh-battery-prices.txt")


@pytest.mark.parametrize("source", [EN, ZH])
def test_one_group_of_one_point_when_asked(source):
    result = brief(load(source)[0], options=BriefOptions(max_groups=1, max_points=1))
    assert [len(t.points) for t in result.themes] == [1]


@pytest.mark.parametrize("groups,points", [(1, 2), (2, 1), (3, 3)])
def test_never_more_than_asked(groups, points):
    result = brief(load(EN)[0], options=BriefOptions(max_groups=groups, max_points=points))
    assert 1 <= len(result.themes) <= groups
    assert all(1 <= len(t.points) <= points for t in result.themes)


def test_a_repeated_sentence_gives_no_empty_groups():
    text = "The council approved the harbour budget on Monday. " * 30
    result = brief(Article.from_texts([text], title="Title", language="en"))
    assert all(t.points for t in result.themes)
    assert not any(f.message.endswith("0 points; 1-4 allowed") for f in result.checks.findings)


@pytest.mark.parametrize("value", ["0", "-2"])
def test_concurrency_below_one_is_a_usage_error(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as info:
        main(["batch", EN, "--db", str(tmp_path / "x.db"), "--concurrency", value])
    assert info.value.code == 2
    assert "--concurrency: must be 1 or more" in capsys.readouterr().err


def test_an_error_line_never_holds_a_raw_newline():
    exc = InputError("bad\nthing\r\x00here", source="a\nb.txt", hint="fix\u2028it")
    assert exc.line() == "a b.txt: bad thing here (fix it)"
    assert "\n" not in BrieflowError("x\n\ny").line()


def test_briefs_stored_by_another_batch_count_as_skipped(tmp_path):
    """Two batches on one database: a brief the other one stored first is not "briefed" twice,
    so the runs' counts add up to the briefs made."""
    src = tmp_path / "a.jsonl"
    texts = [
        "The bank cut rates by 0.25 points on Tuesday. Markets rallied after the news.",
        "A storm hit the coast on Sunday. Thousands of homes lost power across the region.",
        "Oil prices fell 3 percent on Friday. Traders cited weak demand from factories.",
    ]
    src.write_text("\n".join(json.dumps({"text": t}) for t in texts) + "\n", "utf-8")
    db = tmp_path / "x.db"
    engine = get_engine("extractive")
    key = options_key(BriefOptions().key())

    class RacedExecutor(SerialExecutor):
        """Serial, but another batch stores each brief just before this one does."""

        def run(self, job, tasks):
            with Store(db) as other:
                for outcome in super().run(job, tasks):
                    other.add_brief(outcome.key, outcome.brief, options=key)
                    yield outcome

    with Store(db) as store:
        result = run_batch([str(src)], store, executor=RacedExecutor())
        assert (result.progress.briefed, result.progress.skipped) == (0, 3)
        assert store.counts()["briefs"] == 3
    assert engine.name == "extractive"


def test_a_crashed_post_stores_no_article(tmp_path, monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from brieflow import pipeline
    from brieflow.web import WebSettings, create_app

    text = Path(EN).read_text("utf-8")
    web = WebSettings(db=tmp_path / "w.db", workers="thread")  # the patch is in this process
    with TestClient(create_app(web), raise_server_exceptions=False) as client:
        real = pipeline.brief

        def crash(*args, **kwargs):
            raise RuntimeError("the engine fell over")

        monkeypatch.setattr(pipeline, "brief", crash)
        assert client.post("/api/briefs", json={"text": text}).status_code == 500
        with Store(web.db) as store:
            assert store.counts()["articles"] == 0
        monkeypatch.setattr(pipeline, "brief", real)
        r = client.post("/api/briefs", json={"text": text})
        assert r.status_code == 201
        assert r.json()["article"]["language"] == r.json()["language"] == "en"


# -- one job in one place ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [{"max_groups": 0}, {"max_points": 5}, {"max_groups": "2"}, {"max_points": True}],
)
def test_options_are_validated_when_built(kwargs):
    with pytest.raises(InputError, match="must be a whole number from 1 to 4"):
        BriefOptions(**kwargs)


def test_the_version_lives_in_one_place():
    import tomllib
    from importlib.metadata import version

    import brieflow
    from brieflow._version import __version__

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "brieflow._version.__version__"
    }
    assert brieflow.__version__ == __version__ == version("brieflow")


def test_one_is_url():
    from brieflow.extract import html
    from brieflow.sources import is_url

    assert not hasattr(html, "_is_url")
    assert is_url("HTTPS://example.com/a") and not is_url("ftp://example.com/a")
