"""The realistic corpus (bench/data/realistic/): briefs written the way a competent model writes
them, each statement faithful, and faulty variants with one labelled fault each.

Dev-set articles are read at run time from the eval files (../shared/data/eval/, never copied
into the repository) through brieflow's own JSON extractor, as brieflow/evaluate/datasets.py
does, so paragraph numbers are the ones a user's brief would cite. Own articles are in
articles.jsonl. See bench/data/realistic/README.md for the format.

    from bench.realistic import load_corpus, faulty_answer
"""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from brieflow.evaluate.datasets import load_dataset  # noqa: E402
from brieflow.extract.jsonl import article_from_record  # noqa: E402
from brieflow.models import Article  # noqa: E402

DATA = ROOT / "bench" / "data" / "realistic"
EVAL_DIR = ROOT.parent / "shared" / "data" / "eval"

KINDS = (
    "wrong_figure",
    "unit_slip",
    "wrong_direction",
    "wrong_period",
    "wrong_entity",
    "wrong_citation",
    "invented",
    "wrong_language",
)


@dataclass(frozen=True)
class Fault:
    """One faulty statement: the faithful answer with `statement` replaced by `text`/`citations`.
    `statement` is "core_viewpoint" or (group index, point index), both 0-based."""

    fault_id: str
    kind: str
    statement: str | tuple[int, int]
    text: str
    citations: tuple[int, ...]
    note: str


@dataclass(frozen=True)
class Case:
    """One article, the faithful answer a model returns for it, and the faults derived from it."""

    set: str  # eval file stem, or "own"
    id: str
    split: str  # "dev" | "heldout" | "heldout2" | "heldout3"
    language: str  # the brief's language
    article: Article
    answer: dict[str, Any]
    faults: tuple[Fault, ...] = field(default=())

    def statements(self) -> list[tuple[str | tuple[int, int], dict[str, Any]]]:
        """Every statement of the faithful answer with its address, core viewpoint first."""
        out: list[tuple[str | tuple[int, int], dict[str, Any]]] = [
            ("core_viewpoint", self.answer["core_viewpoint"])
        ]
        for g, group in enumerate(self.answer["groups"]):
            for p, point in enumerate(group["points"]):
                out.append(((g, p), point))
        return out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def faulty_answer(answer: dict[str, Any], fault: Fault) -> dict[str, Any]:
    """A copy of `answer` with the one statement of `fault` replaced by the faulty one."""
    out = copy.deepcopy(answer)
    statement = {"text": fault.text, "citations": list(fault.citations)}
    if fault.statement == "core_viewpoint":
        out["core_viewpoint"] = statement
    else:
        g, p = fault.statement
        out["groups"][g]["points"][p] = statement
    return out


def _fault(record: dict[str, Any]) -> Fault:
    where = record["statement"]
    return Fault(
        fault_id=record["fault_id"],
        kind=record["kind"],
        statement=where if isinstance(where, str) else (int(where[0]), int(where[1])),
        text=record["text"],
        citations=tuple(record["citations"]),
        note=record.get("note", ""),
    )


def load_corpus(
    eval_dir: Path | None = None, *, data_dir: Path = DATA, quiet: bool = False
) -> list[Case]:
    """Every case of the corpus whose article can be read, in briefs.jsonl order. Cases of an
    eval set whose file is missing under `eval_dir` are skipped with one line on stderr."""
    eval_dir = EVAL_DIR if eval_dir is None else Path(eval_dir)
    own = {r["id"]: r for r in read_jsonl(data_dir / "articles.jsonl")}
    faults: dict[tuple[str, str], list[Fault]] = {}
    for record in read_jsonl(data_dir / "faults.jsonl"):
        faults.setdefault((record["set"], record["id"]), []).append(_fault(record))
    articles: dict[str, dict[str, Article] | None] = {}
    cases: list[Case] = []
    for record in read_jsonl(data_dir / "briefs.jsonl"):
        name, id_ = record["set"], record["id"]
        if name == "own":
            article = article_from_record(own[id_], f"articles.jsonl#{id_}")
        else:
            if name not in articles:
                path = eval_dir / f"{name}.jsonl"
                if path.is_file():
                    articles[name] = {i.article.id or "": i.article for i in load_dataset(path)}
                else:
                    articles[name] = None
                    if not quiet:
                        print(f"realistic corpus: skipping set {name}: no {path}", file=sys.stderr)
            by_id = articles[name]
            if by_id is None:
                continue
            if id_ not in by_id:
                raise KeyError(f"realistic corpus: {name} has no article {id_!r}")
            article = by_id[id_]
        cases.append(
            Case(
                set=name,
                id=id_,
                split=record["split"],
                language=record["language"],
                article=article,
                answer=record["answer"],
                faults=tuple(faults.get((name, id_), ())),
            )
        )
    return cases
