"""Leading datelines, attributions and connectives that carry nothing a brief needs
("2月9日消息，", "据媒体报道，", "BANGKOK, Thailand (CNN) --", "不过，", "However, "): a point
stands alone in a brief, without the sentence its connective leaned on. What remains is still
a verbatim suffix of the sentence, so a citation of its paragraph stays true."""

from __future__ import annotations

import re

_ZH_LEAD = re.compile(
    r"^(?:"
    r"[①②③④⑤⑥⑦⑧⑨⑩]\s*"
    r"|(?:当地时间)?(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:\d{1,2}[—-]\d{1,2}时|[早晚]间?|上午|下午|晚)?"
    r"(?:消息|电|讯)?[，,：:\s]"
    r"|(?:\d{4}年|近日|日前|今日|今天|昨日|昨天|目前|此前|近期|本周|上周)[，,]"
    r"|周[一二三四五六日]（\d{1,2}月\d{1,2}日）[^，,]{0,6}[，,]"
    r"|(?:据|记者从|记者)[^，,。]{0,24}?(?:消息|报道|获悉|了解到|显示|援引|称|介绍|统计)[，,：:]"
    r"|[^，,。“”]{0,16}(?:消息|获悉)[，,：:]"
    r"|(?:不过|但是|然而|此外|另外|同时|与此同时|除此之外|而且|并且|因此|所以|对此|随后)[，,]"
    r")+"
)
_EN_LEAD = re.compile(
    r"^(?:"
    r"[A-Z][A-Za-z .,'-]{0,40}\((?:CNN|Reuters|AP|AFP|Bloomberg|BBC)\)\s*(?:--|—|–|-)?\s*"
    r"|\((?:CNN|Reuters|AP|AFP|Bloomberg)\)\s*(?:--|—|–|-)?\s*"
    r"|[A-Z][A-Z .,'-]{2,40}\s(?:--|—|–)\s"
    r")?"
    # A connective, only before a capital (a name), so the rest still starts a sentence.
    r"(?:(?:However|Meanwhile|Moreover|Furthermore|In addition|Also|Still|Yet|But),\s(?=[A-Z]))?"
)


def trim_lead(text: str, language: str) -> str:
    """`text` without a leading dateline or attribution, unless that would leave too little."""
    pattern = _ZH_LEAD if language == "zh" else _EN_LEAD
    m = pattern.match(text)
    if not m:
        return text
    rest = text[m.end() :].lstrip()
    if len(rest) < max(8, len(text) // 3):
        return text
    return rest
