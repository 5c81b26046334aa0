"""`brieflow eval`: the report's JSON shape, Lead figures checked against rouge-score, errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from rouge_score import rouge_scorer

from brieflow.cli import main
from brieflow.evaluate.baselines import article_sentences
from brieflow.evaluate.datasets import load_dataset, reference_sentences
from brieflow.evaluate.metrics import text_length, truncate_text

from .conftest import FIXTURES

EN = FIXTURES / "eval" / "en-news.jsonl"
ZH = FIXTURES / "eval" / "zh-news.jsonl"


@pytest.fixture(scope="module")
def en_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("eval") / "report.json"
    assert main(["eval", str(EN), "--json", str(path)]) == 0
    return json.loads(path.read_text("utf-8"))


def test_json_report_shape(en_report, capsys):
    report = en_report
    assert report["dataset"] == "en-news"
    assert report["articles"] == 8
    assert set(report["protocol"]) == {"reference", "full", "references"}
    assert report["tokenization"].startswith("en: rouge-score tokens")
    assert list(report["systems"]) == ["brieflow", "lead", "lexrank", "textrank", "lsa", "oracle"]
    for name, system in report["systems"].items():
        for key in ("rouge1_f1", "rouge2_f1", "rougeL_f1", "rouge1_recall", "articles_per_second"):
            assert isinstance(system[key], float), (name, key)
        assert 0 <= system["rougeL_f1"] <= 100
        assert set(system["full"]) >= {"rouge1_f1", "rouge2_f1", "rougeL_f1", "length"}
        assert set(system["best_reference"]) >= {"rouge1_f1", "rouge2_f1", "rougeL_f1"}
        assert system["empty"] == 0.0 and system["errors"] == 0
    ours = report["systems"]["brieflow"]
    assert ours["engine"]["name"] == "extractive"
    assert ours["citation_validity"] == 1.0
    assert ours["groups"] >= 1 and ours["points"] >= ours["groups"]


def test_text_table_names_tokenization_and_protocol(capsys):
    assert main(["eval", str(ZH), "--engine", "none", "--baselines", "lead"]) == 0
    out = capsys.readouterr().out
    assert "tokenization: zh: one token per character" in out
    assert "protocol: reference = " in out
    assert re.search(r"^lead\s+\d+\.\d\d", out, re.M)
    assert "brieflow" not in out.split("system", 1)[1]


def _lead_by_rouge_score(path, scorer_args, full: bool) -> dict[str, float]:
    """Lead figures recomputed independently: rouge-score on the cut Lead text."""
    items = load_dataset(path)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], **scorer_args)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeLsum": 0.0}
    for item in items:
        sentences = [s for _, s in article_sentences(item.article)]
        summary = item.references[0]
        if full:
            lead = sentences[:3]
        else:
            lead = truncate_text(sentences, text_length(summary, item.language), item.language)
        ref = "\n".join(reference_sentences(summary, item.language))
        scores = scorer.score(ref, "\n".join(lead))
        for key in totals:
            totals[key] += scores[key].fmeasure
    return {k: 100 * v / len(items) for k, v in totals.items()}


class _Han:
    def tokenize(self, text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+|[\u4e00-\u9fff]", text.lower())


@pytest.mark.parametrize(
    "path,scorer_args", [(EN, {"use_stemmer": True}), (ZH, {"tokenizer": _Han()})]
)
def test_lead_figures_agree_with_rouge_score_within_a_point(path, scorer_args, tmp_path):
    out = tmp_path / "lead.json"
    assert (
        main(["eval", str(path), "--engine", "none", "--baselines", "lead", "--json", str(out)])
        == 0
    )
    lead = json.loads(out.read_text("utf-8"))["systems"]["lead"]
    for full in (False, True):
        theirs = _lead_by_rouge_score(path, scorer_args, full)
        ours = lead["full"] if full else lead
        for mine, key in (
            ("rouge1_f1", "rouge1"),
            ("rouge2_f1", "rouge2"),
            ("rougeL_f1", "rougeLsum"),
        ):
            assert abs(ours[mine] - theirs[key]) < 1.0, (full, mine, ours[mine], theirs[key])


def test_sumy_rankings_do_not_depend_on_the_hash_seed(tmp_path):
    code = (
        "import json,sys; from brieflow.cli import main; "
        f"main(['eval', {str(EN)!r}, '--engine', 'none', '--baselines', 'lexrank,textrank,lsa', "
        "'--summary-only', '--json', sys.argv[1]])"
    )
    results = []
    for seed in ("1", "2"):
        path = tmp_path / f"{seed}.json"
        env = {"PYTHONHASHSEED": seed, "PATH": "", "BRIEFLOW_CONFIG": "/dev/null"}
        subprocess.run(
            [sys.executable, "-c", code, str(path)],
            check=True,
            env=env,
            cwd=str(FIXTURES.parents[1]),
            capture_output=True,
        )
        systems = json.loads(path.read_text("utf-8"))["systems"]
        results.append({k: (v["rouge1_f1"], v["rougeL_f1"]) for k, v in systems.items()})
    assert results[0] == results[1]


def test_bad_input_is_one_line_naming_the_record(tmp_path, capsys):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"lang": "en", "paragraphs": ["Some text."]}\n', encoding="utf-8")
    assert main(["eval", str(data), "--engine", "none", "--baselines", "lead"]) == 3
    err = capsys.readouterr().err.strip()
    assert err == (
        f'brieflow: error: {data}:1: the record has no "summary" '
        '(add the reference summary as "summary": "...")'
    )


def test_unknown_baseline_and_nothing_to_run(capsys):
    assert main(["eval", str(EN), "--baselines", "lead,magic"]) == 3
    assert "unknown baseline 'magic'" in capsys.readouterr().err
    assert main(["eval", str(EN), "--engine", "none", "--baselines", "none"]) == 7
    assert main(["eval", "no-such-file.jsonl", "--engine", "none"]) == 3


def test_missing_optional_package_is_a_config_error(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "sumy" else real(name, *a)
    )
    assert main(["eval", str(ZH), "--engine", "none", "--baselines", "lead,lexrank"]) == 7
    assert capsys.readouterr().err.strip() == (
        "brieflow: error: brieflow eval: evaluation needs sumy, which is not installed "
        '(pip install "brieflow[eval]")'
    )


def test_details_has_one_line_per_system_and_article(tmp_path):
    path = tmp_path / "details.jsonl"
    args = ["eval", str(ZH), "--engine", "none", "--baselines", "lead,oracle", "--details"]
    assert main([*args, str(path)]) == 0
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert [(r["system"], r["id"]) for r in rows[:2]] == [
        ("lead", "fx-zh-01"),
        ("lead", "fx-zh-02"),
    ]
    assert len(rows) == 16
    first = rows[0]
    assert first["output"] == [
        "青川市统计局周一公布，今年前三季度全市地区生产总值同比增长5.6%，比上半年加快0"
    ]
    assert set(first) == {
        "id",
        "system",
        "rouge1_f1",
        "rouge2_f1",
        "rougeL_f1",
        "output",
        "summary",
    }


def test_chinese_sumy_baselines_need_jieba(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "jieba" else real(name, *a)
    )
    assert main(["eval", str(ZH), "--engine", "none", "--baselines", "lexrank"]) == 7
    assert "evaluation needs jieba, which is not installed" in capsys.readouterr().err
    # Lead needs no segmenter.
    assert main(["eval", str(ZH), "--engine", "none", "--baselines", "lead"]) == 0
