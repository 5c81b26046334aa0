"""First timing: articles per second of the extractive engine on the dev sets.

    python bench/throughput.py [EVAL_DIR]        # default ../shared/data/eval

Loading (extraction) and briefing are timed separately; one untimed warm-up brief per language
loads the segmenter's dictionary first, so they are not charged to the first
article.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from brieflow import Article, brief, load
from brieflow.engines.extractive import ExtractiveEngine


def main() -> None:
    root = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).parents[1] / "../shared/data/eval"
    )
    engine = ExtractiveEngine()
    for text in ("央行宣布下调存款准备金率。银行成本下降。", "The bank cut rates. Stocks rose."):
        brief(Article.from_texts([text]), engine=engine)  # warm-up, untimed
    print("| dev set | articles | median chars | load s | brief s | articles/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for path in sorted(root.glob("*-dev.jsonl")):
        t0 = time.perf_counter()
        articles = load(str(path))
        t1 = time.perf_counter()
        for article in articles:
            brief(article, engine=engine)
        t2 = time.perf_counter()
        sizes = sorted(len(a.text) for a in articles)
        print(
            f"| {path.stem} | {len(articles)} | {sizes[len(sizes) // 2]} | {t1 - t0:.2f} "
            f"| {t2 - t1:.2f} | {len(articles) / (t2 - t1):.1f} |"
        )


if __name__ == "__main__":
    main()
