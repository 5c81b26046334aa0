"""Names a statement gives that its cited paragraphs do not: a swapped person or company.

A statement that credits a quote, a forecast or a figure to someone the cited paragraphs do not
mention, while another paragraph of the same article does, has most likely swapped two of the
article's people or companies. Names are the capitalised words of an English statement; they
are looked up as words in English paragraphs and as pinyin in Chinese ones (王贵强 →
wangguiqiang, so "Wang Guiqiang" is found), through brieflow.romanize's pypinyin. A name the
article never mentions in any form (a translation: 英飞凌 → Infineon) is left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .words import stopwords

_CAPITALISED = re.compile(
    r"\b[A-Z][A-Za-z&'’.-]*[A-Za-z]\b(?:(?:[\s-]+|(?<=s)['’]\s+)[A-Z][A-Za-z&'’.-]*[A-Za-z]\b)*"
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z&'’]*[A-Za-z]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_COMMON = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday q1 q2 q3 q4 h1 h2 ceo cfo
    gdp cpi ppi yoy the a an in on at of for and but while as its it their his her they he she
    we our this that these those there after before since from with by to group company
    companies bank first second third fourth half year years quarter dr mr mrs ms sir lord
    chairman chief president minister governor director analyst analysts north south east
    west new china chinese us uk eu english""".split()
)


@lru_cache(maxsize=512)
def _pinyin(text: str) -> str:
    """The text with every Chinese character as toneless pinyin, no spaces, lower case."""
    if not _HAN.search(text):
        return text.lower()
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars])).lower()  # type: ignore[arg-type, return-value]


@lru_cache(maxsize=512)
def _words(text: str) -> frozenset[str]:
    """The text's capitalised words, bare: a name is written with a capital, so "Water" is not
    mentioned by "precious water" (a word of a sentence is not a name)."""
    return frozenset(_bare(t) for t in _TOKEN.findall(text) if t[0].isupper())


@lru_cache(maxsize=512)
def _lower_words(text: str) -> frozenset[str]:
    return frozenset(_bare(t) for t in _TOKEN.findall(text) if t[0].islower())


def _common_word(token: str, texts: list[str]) -> bool:
    """`token` (capitalised because it starts the statement) is written in lower case in
    `texts`, itself or with a plural -s: a word ("Container traffic" ← "containers"), no name."""
    t = _bare(token)
    forms = {t, t + "s", t + "es", t[:-1] if t.endswith("s") else t}
    return any(forms & _lower_words(text) for text in texts)


def _bare(token: str) -> str:
    """Lower case without a possessive: Tufnell's → tufnell."""
    t = token.lower()
    return t[:-2] if t.endswith(("'s", "’s")) else t


# A run of capitalised words, small joining words allowed: the Association of Directors of
# Adult Social Services (ADASS).
_LONG_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|and|for|the|&)\s+)?[A-Z][a-z]+)+")
_ACRONYM = re.compile(r"[A-Z]{2,8}")


@lru_cache(maxsize=512)
def _acronyms(text: str) -> frozenset[str]:
    """The initials of the text's long names, lower case: adass."""
    return frozenset(
        "".join(w[0] for w in m.group(0).split() if w[0].isupper()).lower()
        for m in _LONG_NAME.finditer(text)
    )


def _mentions(token: str, text: str) -> bool:
    t = _bare(token)
    if t in _words(text):
        return True
    if _ACRONYM.fullmatch(token) and t in _acronyms(text):
        return True  # ADASS for the Association of Directors of Adult Social Services
    if _HAN.search(text):
        flat = _pinyin(text)
        return len(t) >= 4 and t in flat  # pinyin runs have no word breaks
    return False


def names(statement: str) -> list[tuple[str, list[str]]]:
    """The statement's names, each with its distinctive words (common words left out)."""
    stop = stopwords("en")
    out = []
    for m in _CAPITALISED.finditer(statement):
        tokens = [
            t
            for t in _TOKEN.findall(m.group(0))
            if len(t) >= 3 and t.lower() not in _COMMON and t.lower() not in stop
        ]
        if tokens:
            out.append((m.group(0), tokens))
    return out


_SENTENCE_START = re.compile(r"(?:^|[.!?]['\"’”]?\s+|[\"“‘]\s*)$")
_PINYIN = re.compile(
    r"^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:[aeiouv]|ai|ei|ao|ou|an|en|ang|eng|ong|er|ia|ie"
    r"|iao|iu|ian|in|iang|ing|iong|ua|uo|uai|ui|uan|un|uang|ue|van|vn)"
    r"(?:(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:[aeiouv]|ai|ei|ao|ou|an|en|ang|eng|ong|ia|ie"
    r"|iao|iu|ian|in|iang|ing|iong|ua|uo|uai|ui|uan|un|uang|ue))?$"
)


def _rivals(statement: str, cited: list[str]) -> bool:
    """The cited English paragraphs name someone or something the statement does not."""
    own = {_bare(t) for _, tokens in names(statement) for t in tokens}
    for text in cited:
        for m in _CAPITALISED.finditer(text):
            if _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]):
                continue  # a sentence's first word is capitalised anyway
            for _, tokens in names(m.group(0)):
                if not any(_bare(t) in own for t in tokens):
                    return True
    return False


# A paragraph whose speaker was named earlier: "the 31-year-old added", "he said", or a quote
# carried on from the paragraph before.
_SPEAKER_NAMED_EARLIER = re.compile(
    r"\b(?:he|she|the\s+\d+-year-old|the\s+[a-z]+)\s+(?:said|says|added|adds|told|tells"
    r"|explained|continued|insisted|admitted|warned)\b|^\s*['\"“‘]",
    re.IGNORECASE,
)
# A named speaker: a name, at most two words (or a bracket) before a verb of saying.
_NAMED_SPEAKER = re.compile(
    r"\b(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)(?:\s+\([^)]*\)|\s+[a-z]\w*){0,2}?"
    r"\s+(?:said|says|told|tells|added|adds|admits|admitted|insisted|insists|warned|warns"
    r"|explained|believes|argued|argues)\b"
)
# How far back such a paragraph's speaker may have been named (photo captions come between).
SPEAKER_REACH = 5


_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|they|them|their)\b", re.IGNORECASE)


def _refers_back(cited: list[str], statement: str, name: str, tokens: list[str]) -> bool:
    """The cited paragraphs speak of the statement's `name` without naming it: a pronoun ("he
    said"), or "the manager" for "manager Neil Redfearn", "the union" for "the Harbour Workers'
    Union" (a word of the name or the role word before it). Who that is was then said in the
    paragraphs just before, which count as its context."""
    if any(_PRONOUN.search(p) or speaker_named_earlier(p) for p in cited):
        return True
    before = statement[: statement.find(name)].split()[-1:] if name in statement else []
    heads = {w.lower().strip(",;:") for w in [*tokens, *name.split(), *before]}
    heads = {h for h in heads if len(h) >= 3 and h.isalpha()}
    return any(_described(h, p) for h in heads for p in cited)


# After the head of a description: punctuation, or a verb ("the court ruled", "the union
# had"); not another noun ("the Veolia water company": water is not the head).
_HEAD_END = r"(?![\w-])(?!\s+[a-z]+(?<!ed)(?<!s)\b(?<!\bhad)(?<!\bwill)(?<!\bwould)(?<!\bcan))"


def _described(head: str, text: str) -> bool:
    """`text` speaks of "the (highest) <head>": "the court" for the Supreme Court, "the
    manager" for manager Neil Redfearn."""
    return bool(
        re.search(
            r"\b(?:the|its|our|their)\s+(?:[\w'’]+\s+){0,2}" + re.escape(head) + r"s?" + _HEAD_END,
            text,
            re.IGNORECASE,
        )
    )


def speaker_named_earlier(paragraph: str) -> bool:
    """The paragraph quotes someone it names only as "he" or "the 31-year-old", or carries on
    a quote: who it is was said in an earlier paragraph."""
    return bool(_SPEAKER_NAMED_EARLIER.search(paragraph))


def earlier_speakers(before: list[str]) -> list[str]:
    """The speakers named in the nearest of `before` (nearest first, at most SPEAKER_REACH)
    that names one: who "he said" most likely is. Only they, not everyone that paragraph
    mentions, so a name swapped for another of its people is still caught."""
    for text in before[:SPEAKER_REACH]:
        found = [
            m.group("name")
            for m in _NAMED_SPEAKER.finditer(text)
            if m.group("name").lower() not in ("he", "she", "it", "they", "i", "we")
        ]
        if found:
            return found
    return []


def foreign_names(
    statement: str,
    cited: list[str],
    others: list[str],
    context: list[str] | None = None,
    near: list[str] | None = None,
) -> list[str]:
    """Names of `statement` that no `cited` paragraph mentions but another paragraph does,
    when the cited paragraphs name someone else (in a paragraph that says only "he said",
    the name of the speaker comes from an earlier paragraph and is no swap). In Chinese
    paragraphs only a person's name in pinyin is looked for (Feng Yuanzheng). `context` (the
    cited paragraphs and those just before) is where a name counts as mentioned."""
    chinese = any(_HAN.search(p) for p in cited)
    if not chinese and not _rivals(statement, cited):
        return []
    out = []
    everything = [*cited, *others, *(context or [])]
    for name, tokens in names(statement):
        first = name.split()[0]
        if (
            statement.lstrip().startswith(name)
            and first.startswith(tokens[0])
            and _common_word(tokens[0], everything)
        ):
            tokens = tokens[1:]  # "Passenger Adam Graves": the sentence's first word
            if not tokens:
                continue
        if chinese and not (len(tokens) >= 2 and all(_PINYIN.match(t.lower()) for t in tokens)):
            continue
        where = list(context or cited)
        if near and _refers_back(cited, statement, name, tokens):
            where += near
        if any(_mentions(t, p) for t in tokens for p in where):
            continue
        if len(tokens) >= 2 and any(_described(tokens[-1], p) for p in cited):
            continue  # the Supreme Court ← "the US's highest court"
        if any(_mentions(t, p) for t in tokens for p in [*others, *(near or [])]):
            out.append(name)
    return out
