"""Imported once by the web app's fork server (brieflow.web.workers): brief a tiny Chinese and
English article so that the segmenter's dictionary, the stemmer and the sentence encoder are
loaded before any worker is forked from it, and every worker starts warm."""

from __future__ import annotations

from ..models import Article
from ..pipeline import brief

for _texts in (
    ["价格下跌了三成。", "厂商加速洗牌，行业集中度提升。"],
    ["Prices fell by a third.", "Makers are merging as the industry consolidates."],
):
    brief(Article.from_texts(_texts))
