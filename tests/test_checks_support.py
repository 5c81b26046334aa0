"""The support and numbers checks on briefs of articles written for the tests."""

from __future__ import annotations

import pytest

from brieflow.checks import CHECKS, run_checks
from brieflow.concurrency import map_bounded
from brieflow.errors import InputError
from brieflow.models import Brief, KeyPoint, Theme, Viewpoint
from brieflow.nlp.support import SupportScorer
from tests.llm_fakes import article, pairs


def make(points: list[tuple[str, tuple[int, ...]]], language: str = "en") -> Brief:
    (vp_text, vp_cites), *rest = points
    themes = (
        Theme("One", tuple(KeyPoint(t, c) for t, c in rest[:2])),
        Theme("Two", tuple(KeyPoint(t, c) for t, c in rest[2:])),
    )
    return Brief(Viewpoint(vp_text, vp_cites), themes, language, "test", "0")


def test_registry_keeps_its_api():
    assert list(CHECKS) == ["range", "shape", "language", "support", "numbers"]


def test_verbatim_statements_need_no_encoder():
    a = article()
    scorer = SupportScorer(a)
    verdict = scorer.verdict(a.paragraph(3).text[:40], (3,))
    assert verdict.supported and verdict.how == "lexical"


def test_cross_language_support_and_wrong_paragraph():
    a = article()
    scorer = SupportScorer(a)
    claim = "A leading battery maker will build a new factory in Hungary."
    good = scorer.verdict(claim, (6,))
    wrong = scorer.verdict(claim, (1,))
    assert good.supported and good.how == "encoder"
    assert not wrong.supported and wrong.best == 6
    assert scorer.find(claim) == 6


def test_report_names_each_failure():
    a = article()
    brief = make(
        [
            ("Lithium prices have collapsed, cutting battery costs.", (1, 2)),
            ("Lithium carbonate sells for about 75,000 yuan a tonne.", (1,)),
            ("The price of lithium carbonate fell more than 90%.", (1,)),
            ("A leading battery maker will build a new factory in Hungary.", (2,)),
            ("该企业预计2026年投产。", (6,)),
        ]
    )
    report = run_checks(brief, a)
    got = {(f.check, f.where) for f in report.findings if f.severity == "error"}
    assert got == {
        ("numbers", "group 1 point 2"),
        ("support", "group 2 point 1"),
        ("language", "group 2 point 2"),
    }
    numbers = next(f for f in report.findings if f.check == "numbers")
    assert numbers.message == "90% not in paragraph [1] (its numbers: 7.5万元, 八成)"


@pytest.mark.slow
def test_pairs_are_classified_by_the_checks():
    """Every labelled pair in tests/data/check_pairs.json gets the verdict its label says."""
    data = pairs()
    wrong: list[str] = []
    for claim in data["claims"]:
        a = data["articles"][claim["article"]]
        art = article(claim["article"])
        lang = claim.get("lang", "en")
        brief = Brief(Viewpoint(claim["text"], tuple(claim["cites"])), (), lang, "t", "0")
        found = {
            f.check
            for f in run_checks(brief, art, ("support", "numbers", "language")).findings
            if f.severity == "error"
        }
        expected = {
            "true": set(),
            "number": {"numbers"},
            "paragraph": {"support"},
            "language": {"language"},
        }[claim["label"]]
        # a claim citing the wrong paragraph may also lack that paragraph's numbers
        if claim["label"] == "paragraph":
            found.discard("numbers")
        if found != expected:
            wrong.append(f"{claim['label']}: {claim['text'][:50]} → {sorted(found)}")
        assert a["language"] in ("zh", "en")
    assert wrong == []


def test_map_bounded_keeps_order_and_errors():
    def work(n: int) -> int:
        if n == 3:
            raise InputError("three")
        return n * n

    out = list(map_bounded(work, range(6), limit=2))
    assert [(i, r) for i, r, _ in out] == [(0, 0), (1, 1), (2, 4), (3, None), (4, 16), (5, 25)]
    assert str(out[3][2]) == "three"
