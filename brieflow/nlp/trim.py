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


# Cuts inside a statement that lose nothing a reader needs and let more of the point fit the
# same length: asides in brackets, a source named before the news ("国家药监局网站显示，"),
# an attribution trailing a fact ("…, according to organisers."). Each has a name; the engine
# applies the ones its weights list (`Weights.cuts`), chosen per language by cross-validation
# (bench/tune.py --grid cuts). What remains is the sentence with words taken out, never words
# put in (but "：" for a speaker's 表示，), so a citation of its paragraph stays true.
_PRONOUN_SOURCE = (
    r"(?:he|she|they|it|we|police|officials|organisers|organizers|the (?:spokesman|spokeswoman|"
    r"spokesperson|source|report|statement|survey|study|company|council|firm))"
)
_TO_PRESS = r"(?:(?:对|向|接受)[^，。“”：]{0,8}?(?:记者|媒体)(?:采访时?)?)?"
_SAYS = r"(?:表示|称|指出|认为|公告|宣布|透露|介绍|强调|警告说?|坦言|直言|宣称|提醒)[，：,]"
# a speaker (who opens the sentence), when and where it spoke ("8月4日", "在…会上", "在…时"),
# the verb
_WHEN = r"(?:(?:\d{1,2}月)?\d{1,2}日|今日|今天|昨日|昨天|日前|近日|当天|当日|周[一二三四五六日])?"
# the verb's adverbs go with it ("曾表示", "明确指出")
_HOW = r"(?:曾经?|也|还|则|均|都|亦|再次|多次|一再|明确|进一步|同时|此前|公开|特别)?"
# not a speaker: one that opens with a connective or says "according to" ("而根据此前…"), or
# a date ("公司于2022年…")
_NOT_SPEAKER = r"(?!而|但|并|且|根据|按照|此前|[^，。“”：]*?(?:于|根据))"
_SPEAKER = (
    _NOT_SPEAKER
    + r"([^，。“”：]{2,30}?)"
    + _WHEN
    + r"(?:在[^，。“”：]{1,30}?(?:时|上|中|后)|就[^，。“”：]{1,30}?(?:答记者问时?|时))?"
    + _TO_PRESS
    + _HOW
    + _SAYS
)
CUTS: dict[str, dict[str, tuple[re.Pattern[str], str]]] = {
    "zh": {
        # an aside in brackets without a figure: an English name, an abbreviation, a source, a
        # stock code or ticker ((300558), (NFLX.O)), a list's number ("（1）", "1）")
        "brackets": (
            re.compile(
                r"[（(](?:[^（）()。0-9０-９]{1,30}|\d{6}(?:\.[A-Z]{2})?|[A-Z]{1,5}\.[A-Z]{1,2})[）)]"
                r"|^[（(]?\d{1,2}[）)、]"
            ),
            "",
        ),
        # any leading 据…， ("据悉，", "据财经网站Forexlive，")
        "according_to": (re.compile(r"^据[^，。：；“”]{1,30}?[，：,]"), ""),
        # the source before the news: "国家药监局网站显示，", "路透社报道称，"
        "source": (re.compile(r"^[^，。“”：；]{2,16}(?:显示|报道称?|了解到|获悉)[，：,]"), ""),
        # the speaker kept, as a headline puts it: "国资委表示，混改…" → "国资委：混改…",
        # "一位高管对记者表示，" → "一位高管：", "普京在…新闻发布会上表示，" → "普京：" (not
        # a pronoun: see speaker_drop)
        "speaker_colon": (re.compile(r"^(?!我|他|她|它|本|该|这)" + _SPEAKER), r"\1："),
        # the speaker dropped ("measure both"): "国资委表示，混改…" → "混改…"; after
        # speaker_colon only a pronoun is left to drop ("我们认为，", "他表示，")
        "speaker_drop": (re.compile(r"^" + _SPEAKER), ""),
        # a leading frame of time or cause: "在美联储的会议之前，", "受疫情的影响，"
        "frame": (
            re.compile(
                r"^(?:在[^，。“”]{1,25}(?:前|后|时|之际|期间)|随着[^，。]{1,40}|受[^，。]{1,20}影响)[，,]"
            ),
            "",
        ),
        # a trailing "，据新华社报道"
        "according_to_tail": (re.compile(r"[，,]据[^，。]{1,20}(?:报道|消息)(?=。?$)"), ""),
    },
    "en": {
        # only a pronoun or a body: ", he said.", ", the company added."
        "pronoun_attribution": (
            re.compile(
                r",\s+" + _PRONOUN_SOURCE + r"\s(?:has |have |had )?(?:said|says|added|"
                r"told [A-Z][\w ]{0,30}|explained|warned|claimed)(?=[.]?$)",
                re.IGNORECASE,
            ),
            "",
        ),
        # an aside in brackets: "(centre)", "(CCGs)", "(pictured)"
        "brackets": (re.compile(r"\s\([^()]{1,60}\)"), ""),
        # a caption's label of up to three words, not a speaker ("He said: …"): "Sacked: But
        # Jeremy Clarkson will…" → "Jeremy Clarkson will…"
        "label": (
            re.compile(
                r"^(?![^:]*\b(?:said|says|added|told|asked|wrote|explained|warned|insisted):)"
                r"[A-Z][\w'’-]*(?:\s[\w'’-]+){0,2}:\s(?=[A-Z])(?:(?:But|And|So|Yet)\s(?=[A-Z]))?"
            ),
            "",
        ),
    },
}


# A word every match of a costly cut contains: without one the pattern is not tried.
_SPEECH = tuple("表示 称 指出 认为 公告 宣布 透露 介绍 强调 警告 坦言 直言 提醒".split())
_HINTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("zh", "speaker_colon"): _SPEECH,
    ("zh", "speaker_drop"): _SPEECH,
}


def cut(text: str, language: str, names: tuple[str, ...]) -> str:
    """`text` with the named cuts (CUTS) applied in order; a cut that would leave too little
    is skipped."""
    rules = CUTS.get(language, {})
    for name in names:
        rule = rules.get(name)
        if rule is None:
            continue
        hints = _HINTS.get((language, name))
        if hints is not None and not any(h in text for h in hints):
            continue
        pattern, replacement = rule
        shorter = pattern.sub(replacement, text).strip()
        if shorter != text and len(shorter) >= max(8, len(text) // 3):
            text = shorter
    return text
