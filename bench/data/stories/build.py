"""Build stories.jsonl from the src-*.txt files (the labelled story set, written for brieflow).

Format of a source file: `## sNN | note` opens (or continues) story sNN; `@ lang | source |
published` starts an article, then `T title` and one `P paragraph` line per paragraph.
`@ dup | source | published` is a syndicated copy of the article before it (same text, the
credit line of the outlet that republished it added), for near-duplicate handling.
Stories s01-s30 were written first and tuned on; s31-s52 were written last and are held out.

    python bench/data/stories/build.py      # rewrites bench/data/stories/stories.jsonl
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
HELD_OUT_FROM = 31


def parse(text: str) -> list[dict]:
    out: list[dict] = []
    story = None
    counters: dict[str, int] = {}
    for line in text.splitlines():
        line = line.rstrip()
        if line.startswith("## "):
            story = line[3:].split("|")[0].strip()
        elif line.startswith("@ "):
            lang, source, published = (x.strip() for x in line[2:].split("|"))
            assert story is not None
            counters[story] = counters.get(story, 0) + 1
            art = {
                "id": f"{story}-{counters[story]:02d}",
                "story": story,
                "split": "held-out" if int(story[1:]) >= HELD_OUT_FROM else "tune",
                "source": source,
                "published": published,
            }
            if lang == "dup":
                prev = out[-1]
                credit = (
                    f"（本文转载自{prev['source']}）"
                    if prev["lang"] == "zh"
                    else f"(This article first appeared in {prev['source']}.)"
                )
                art.update(
                    lang=prev["lang"],
                    title=prev["title"],
                    paragraphs=[*prev["paragraphs"], credit],
                    duplicate_of=prev["id"],
                )
            else:
                art.update(lang=lang, title="", paragraphs=[])
            out.append(art)
        elif line.startswith("T "):
            out[-1]["title"] = line[2:].strip()
        elif line.startswith("P "):
            out[-1]["paragraphs"].append(line[2:].strip())
    return out


def main() -> None:
    articles = []
    for path in sorted(HERE.glob("src-*.txt"), key=lambda p: int(re.findall(r"\d+", p.name)[0])):
        articles += parse(path.read_text(encoding="utf-8"))
    for a in articles:
        a["url"] = f"https://news.example/{a['id']}"
    with open(HERE / "stories.jsonl", "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    stories = {a["story"] for a in articles}
    print(f"{len(articles)} articles in {len(stories)} stories")


if __name__ == "__main__":
    main()
