"""Structure measures against reference briefs (brieflow/evaluate/structure.py): ARI, the
nearest-theme labelling, title pairing, the reference file's schema, and one hand-scored brief."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from brieflow.cli import main
from brieflow.errors import InputError
from brieflow.evaluate.datasets import load_dataset
from brieflow.evaluate.structure import (
    ReferenceBrief,
    ReferenceGroup,
    adjusted_rand_index,
    check,
    grounded,
    labels,
    load_reference_briefs,
    repeated,
    score_article,
    summarize,
    title_match,
)
from brieflow.models import Article, Brief, KeyPoint, Theme, Viewpoint
from brieflow.nlp.sentences import split_sentences

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "bench" / "data" / "reference_briefs.jsonl"
EVAL_DIR = (ROOT / ".." / "shared" / "data" / "eval").resolve()


# -- adjusted Rand index ---------------------------------------------------------------------


def test_ari_matches_a_hand_computed_value():
    # contingency (0,0):2 (1,1):1 (1,2):1 → index 1; rows 1+1 = 2; columns 1; pairs C(4,2) = 6
    # expected 2·1/6 = 1/3; maximum (2+1)/2 = 3/2 → ARI = (1 - 1/3) / (3/2 - 1/3) = 4/7
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7)


def test_ari_ignores_label_names_and_scores_chance_and_opposites():
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 3, 3]) == 1.0
    assert adjusted_rand_index([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0
    # every pair split that the other joins: below chance
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert adjusted_rand_index([1, 1, 1], [2, 2, 2]) == 1.0  # one cluster each, as scikit-learn
    with pytest.raises(ValueError):
        adjusted_rand_index([0, 1], [0])


def test_labels_give_ungrouped_sentences_the_nearest_theme_earlier_on_ties():
    assert labels([[1], [4]], 6) == [0, 0, 0, 1, 1, 1]
    assert labels([[0], [2]], 3) == [0, 0, 1]  # sentence 1 is as near to both: the earlier
    # sentence 0 is in both groups: the first keeps it; 4 is as near to 3 as to 5: the earlier
    assert labels([[3, 0], [0, 5]], 6) == [0, 0, 0, 0, 0, 1]
    assert labels([], 3) == [0, 0, 0]


# -- titles ----------------------------------------------------------------------------------


def test_title_match_pairs_titles_one_to_one():
    # "Water Flow" pairs with itself (F1 1); "Hot Stones" has no partner left: 2·1 / (2 + 2)
    ours = ["Hot Stones", "Water Flow"]
    assert title_match(ours, ["Water Flow", "Eco Home"], "en") == pytest.approx(0.5)
    # both ours would pair best with "Water Flow"; only one may
    assert title_match(["Water", "Water Flow"], ["Water Flow"], "en") == pytest.approx(2 / 3)
    assert title_match([], ["Water Flow"], "en") == 0.0
    # Chinese: characters; 业绩 of 业绩增长 (P 1, R 1/2 → 2/3), one title each side
    assert title_match(["业绩"], ["业绩增长"], "zh") == pytest.approx(2 / 3)


def test_grounded_and_repeated_titles():
    assert grounded("Water Flow", ["The water flow would fall."], "en")
    assert not grounded("Eco Home", ["The water flow would fall."], "en")
    assert not grounded("The", ["The water."], "en")  # no content word: names nothing
    assert grounded("营业收入", ["公司营业收入同比增长。"], "zh")
    assert repeated(["Top  Gear", "top gear", "Police"])
    assert not repeated(["Top Gear", "Top Gear's Future"])


# -- one article scored by hand ----------------------------------------------------------------

ARTICLE = Article.from_texts(
    [
        "The town of Eastmere opened a new library on Monday. It cost four million pounds.",
        "Critics say the money should have gone to schools. The council disagrees.",
        "The library will open late on Thursdays. Children get free membership.",
    ],
    language="en",
    id="hand-1",
)
REFERENCE = ReferenceBrief(
    set="hand",
    id="hand-1",
    sentences=(2, 2, 2),
    viewpoint=(2, 0),
    groups=(
        ReferenceGroup("Library Opening", ((1, 0), (1, 1))),
        ReferenceGroup("School Funding Row", ((2, 0), (2, 1))),
    ),
)
BRIEF = Brief(
    viewpoint=Viewpoint("The town of Eastmere opened a new library on Monday.", (1,)),
    themes=(
        Theme(
            "Library",
            (
                KeyPoint("The town of Eastmere opened a new library on Monday.", (1,)),
                KeyPoint("Children get free membership.", (3,)),
            ),
        ),
        Theme("Library", (KeyPoint("Critics say the money should have gone to schools.", (2,)),)),
    ),
    language="en",
    engine="hand",
    engine_version="0",
    article_id="hand-1",
)


def test_score_article_by_hand():
    row = score_article(REFERENCE, ARTICLE, BRIEF)
    ours = row["brief"]
    # our viewpoint is sentence (1, 0); the reference's is (2, 0): neither paragraph nor sentence
    assert ours["viewpoint"]["paragraph"] == 0.0 and ours["viewpoint"]["sentence"] == 0.0
    # tokens: 10 against 9, "the" shared → F1 2/19
    assert ours["viewpoint"]["rouge1"] == pytest.approx(2 / 19)
    # "Library" ~ "Library Opening" (F1 2/3), the second "Library" unpaired → 2·(2/3)/4
    assert ours["titles_rouge1"] == pytest.approx(1 / 3)
    assert ours["titles_grounded"] == [True, False]
    assert ours["titles_repeated"] is True
    # ours [0,0,1,1,0,0] against the reference's [0,0,1,1,1,1]: index 3, rows 7, columns 7,
    # pairs 15 → (3 - 49/15) / (7 - 49/15) = -1/14
    assert ours["ari"] == pytest.approx(-1 / 14)
    assert row["lead"]["paragraph"] == 0.0 and row["lead"]["rouge1"] == ours["viewpoint"]["rouge1"]
    assert row["one_paragraph"] is False

    report = summarize([row, score_article(REFERENCE, ARTICLE, None)])
    assert report["articles"] == 2 and report["briefs"] == 1
    assert report["titles_grounded"] == 50.0 and report["titles_repeated"] == 100.0
    assert report["lead_viewpoint"]["paragraph"] == 0.0
    assert report["viewpoint"]["sentence_one_paragraph"] is None


def test_a_changed_splitter_is_caught_not_misread():
    moved = ReferenceBrief("hand", "hand-1", (2, 1, 2), (2, 0), REFERENCE.groups)
    with pytest.raises(InputError, match="no longer match"):
        check(moved, ARTICLE)


# -- the reference file ------------------------------------------------------------------------


def test_reference_file_schema_and_selection():
    refs = load_reference_briefs(REFERENCES)
    assert len(refs) >= 60
    # batch 1: every 3rd en, 10th finnews, 7th finreport, the first 5 thepaper (id order);
    # batch 2: every 6th en from the 2nd, 10th finnews from the 6th, 14th finreport from the 4th,
    # the last thepaper
    by_batch = Counter((r.batch, r.set) for r in refs)
    assert by_batch == {
        (1, "en-en-news-dev"): 19,
        (1, "zh-zh-finnews-dev"): 15,
        (1, "zh-zh-finreport-dev"): 22,
        (1, "zh-zh-thepaper-dev"): 5,
        (2, "en-en-news-dev"): 9,
        (2, "zh-zh-finnews-dev"): 15,
        (2, "zh-zh-finreport-dev"): 11,
        (2, "zh-zh-thepaper-dev"): 1,
    }
    for ref in refs:
        assert 2 <= len(ref.groups) <= 4, ref.id
        for group in ref.groups:
            title = group.title
            if ref.set.startswith("zh"):
                assert len(title) <= 12, (ref.id, title)
            else:
                assert len(title.split()) <= 5, (ref.id, title)
                small = {"a", "an", "and", "as", "at", "for", "in", "of", "on", "the", "to"}
                title_case = (w[0].isupper() or w in small for w in re.split(r"[\s-]+", title))
                assert all(title_case), (ref.id, title)
    # only ids, positions and our titles: no article text in the file
    for line in REFERENCES.read_text("utf-8").splitlines():
        assert set(json.loads(line)) == {"set", "id", "batch", "sentences", "viewpoint", "groups"}


def test_reference_file_errors_name_the_line(tmp_path):
    good = json.loads(REFERENCES.read_text("utf-8").splitlines()[0])
    cases = {
        "not json": "not JSON",
        json.dumps({**good, "groups": good["groups"][:1]}): "1 groups",
        json.dumps({**good, "viewpoint": {"paragraph": 99, "sentence": 0}}): "outside",
        json.dumps({**good, "groups": [good["groups"][0], good["groups"][0]]}): "repeats a unit",
    }
    for line, message in cases.items():
        path = tmp_path / "refs.jsonl"
        path.write_text(json.dumps(good) + "\n" + line + "\n", "utf-8")
        with pytest.raises(InputError, match=message) as info:
            load_reference_briefs(path)
        assert f"{path}:2" in info.value.line()
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n", "utf-8")
    with pytest.raises(InputError, match="a second reference brief"):
        load_reference_briefs(path)
    with pytest.raises(InputError, match="no such file"):
        load_reference_briefs(tmp_path / "missing.jsonl")


# (start, step, count) of each batch's selection in a dev file sorted by id
RULE = {
    1: {
        "en-en-news-dev": (0, 3, None),
        "zh-zh-finnews-dev": (0, 10, None),
        "zh-zh-finreport-dev": (0, 7, None),
        "zh-zh-thepaper-dev": (0, 1, 5),
    },
    2: {
        "en-en-news-dev": (1, 6, None),
        "zh-zh-finnews-dev": (5, 10, None),
        "zh-zh-finreport-dev": (3, 14, None),
        "zh-zh-thepaper-dev": (5, 1, None),
    },
}


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason="needs ../shared/data/eval")
def test_references_follow_the_documented_selection_rule():
    refs = load_reference_briefs(REFERENCES)
    for batch, sets in RULE.items():
        for name, (start, step, count) in sets.items():
            ids = [i.article.id for i in load_dataset(EVAL_DIR / f"{name}.jsonl")]
            assert ids == sorted(ids)
            wanted = ids[start::step][:count]
            assert [r.id for r in refs if r.batch == batch and r.set == name] == wanted


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason="needs ../shared/data/eval")
def test_every_reference_position_resolves_on_the_dev_sets():
    refs = load_reference_briefs(REFERENCES)
    for name in sorted({r.set for r in refs}):
        articles = {i.article.id: i.article for i in load_dataset(EVAL_DIR / f"{name}.jsonl")}
        for ref in (r for r in refs if r.set == name):
            reading = check(ref, articles[ref.id])
            assert reading.index(ref.viewpoint) >= 0


# -- brieflow eval --reference-briefs --------------------------------------------------------------


def test_eval_cli_reports_structure(tmp_path, capsys):
    data = FIXTURES / "eval" / "zh-news.jsonl"
    record = json.loads(data.read_text("utf-8").splitlines()[0])
    article = load_dataset(data)[0].article
    counts = [len(split_sentences(p.text, "zh")) for p in article.paragraphs]
    ref = {
        "set": "zh-news",
        "id": record["id"],
        "sentences": counts,
        "viewpoint": {"paragraph": 1, "sentence": 0},
        "groups": [
            {"title": "经济增长", "units": [[1, 0], [2, 0]]},
            {"title": "消费与展望", "units": [[3, 0], [4, 0]]},
        ],
    }
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps(ref, ensure_ascii=False) + "\n", "utf-8")
    out_json, details = tmp_path / "report.json", tmp_path / "details.jsonl"
    argv = ["eval", str(data), "--baselines", "lead", "--reference-briefs", str(refs)]
    assert main([*argv, "--json", str(out_json), "--details", str(details)]) == 0
    out = capsys.readouterr().out
    assert "structure against reference briefs: 1 articles (0 of one paragraph), 1 briefs" in out
    assert re.search(r"^lead\s+100\.0\s+100\.0\s+nan\s+100\.0\s+100\.0$", out, re.M)
    structure = json.loads(out_json.read_text("utf-8"))["structure"]
    assert structure["articles"] == 1 and 0 <= structure["titles_rouge1"] <= 100
    assert -1 <= structure["ari"] <= 1
    rows = [json.loads(line) for line in details.read_text("utf-8").splitlines()]
    (row,) = [r for r in rows if r["system"] == "structure"]
    assert row["id"] == record["id"] and row["lead"]["sentence"] == 1.0
    assert row["brief"]["ari"] == structure["ari"]
