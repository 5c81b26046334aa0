"""Names a statement gives that its cited paragraphs do not: a swapped person or company.

A statement that credits a quote, a forecast or a figure to someone the cited paragraphs do not
mention, while another paragraph of the same article does, has most likely swapped two of the
article's people or companies. Names are the capitalised words of an English statement; they
are looked up as words in English paragraphs and as pinyin in Chinese ones (王贵强 →
wangguiqiang, so "Wang Guiqiang" is found), through brieflow.romanize's pypinyin. A name the
article never mentions in any form (a translation: 英飞凌 → Infineon) is left alone. And a
statement whose every name is in the paragraph can still give a figure to the wrong one of
them (`swapped_figures`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .binding import bind
from .words import stopwords

if TYPE_CHECKING:
    from .numbers import Quantity

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


def placed_names(text: str, paragraphs: list[str]) -> tuple[int, int]:
    """How many of the names of `text` the paragraphs mention (as words, or in pinyin), and
    how many names it has."""
    found = names(text)
    hits = sum(any(_mentions(t, p) for t in tokens for p in paragraphs) for _, tokens in found)
    return hits, len(found)


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


def _refers_back(cited: list[str], statement: str, name: str, tokens: list[str]) -> str:
    """How the cited paragraphs speak of the statement's `name` without naming it: "person"
    for a pronoun ("he said": who that is, a speaker of the paragraphs just before, counts as
    its context), "description" for "the manager" (manager Neil Redfearn) or "the union" (the
    Harbour Workers' Union), a word of the name or the role word before it (then the
    paragraphs just before count whole); "" for neither."""
    before = statement[: statement.find(name)].split()[-1:] if name in statement else []
    heads = {w.lower().strip(",;:") for w in [*tokens, *name.split(), *before]}
    heads = {h for h in heads if len(h) >= 3 and h.isalpha()}
    if any(_described(h, p) for h in heads for p in cited):
        return "description"
    if any(_PRONOUN.search(p) or speaker_named_earlier(p) for p in cited):
        return "person"
    return ""


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


# Who says it, in a sentence: "Markit's Rob Dobson said", "according to reporter Sara Dumbell",
# Julia Coronado表示, NAR首席经济学家Lawrence Yun在声明中表示 (a Latin name, then a verb of
# saying).
_ACCORDING = re.compile(
    r"\baccording to (?:[a-z]+\s+){0,4}?(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)"
)
_ZH_SPEAKER = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z.'’ -]*[A-Za-z])[^，。；：,;:“”\"]{0,8}?"
    r"(?:表示|称|指出|认为|说|透露|介绍|强调|预计|预测)"
)
_NOT_A_SPEAKER = frozenset(("he", "she", "it", "they", "i", "we", "mr", "mrs", "ms", "dr"))


def speakers(sentence: str) -> list[tuple[str, list[str]]]:
    """The people or bodies a sentence says are speaking, each with its distinctive words."""
    out = []
    for pattern in (_NAMED_SPEAKER, _ACCORDING, _ZH_SPEAKER):
        for m in pattern.finditer(sentence):
            name = m.group("name").strip()
            if name.lower() in _NOT_A_SPEAKER:
                continue
            tokens = [t for _, ts in names(name) for t in ts]
            if tokens:
                out.append((name, tokens))
    return out


def swapped_speaker(statement: str, sentence: str) -> list[str]:
    """The statement's speaker, where the paragraph sentence that says the most like it
    (`sentence`) has another speaker, one the statement does not mention: "Bullard said
    officials want to be steady captains" ← "Julia Coronado表示，美联储官员们希望做稳定的船长"."""
    theirs = speakers(sentence)
    if not theirs:
        return []
    out = []
    for name, tokens in speakers(statement):
        if any(_mentions(t, sentence) for t in tokens):
            continue
        own = {_bare(t) for t in tokens}
        if any(
            own & {_bare(t) for t in ts} or any(_mentions(t, statement) for t in ts)
            for _, ts in theirs
        ):
            continue
        out.append(f"credits {name}; the paragraph's speaker is {theirs[0][0]}")
    return out


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
    cited paragraphs, and the speaker of a quote named earlier) is where a name counts as
    mentioned; `near` (the two paragraphs before) counts too when the cited ones refer back to
    the name (`_refers_back`), and as another paragraph otherwise."""
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
        how = _refers_back(cited, statement, name, tokens) if near else ""
        if how == "description":
            where += near or []
        elif how == "person":  # "he said": the speaker named just before
            where += earlier_speakers(list(reversed(near or [])))
        if any(_mentions(t, p) for t in tokens for p in where):
            continue
        if len(tokens) >= 2 and any(_described(tokens[-1], p) for p in cited):
            continue  # the Supreme Court ← "the US's highest court"
        if any(_mentions(t, p) for t in tokens for p in [*others, *(near or [])]):
            out.append(name)
    return out


# -- a figure bound to the wrong name ----------------------------------------------------------
#
# "Xiaomi-customised products grew 60.8%, while To-B sales fell 58.5%" ← ToB产品…同比增长60.8%。
# 小米定制产品…同比下降58.5%: every name and figure is in the paragraph, but each figure belongs
# to the other name (which figure belongs to which name: brieflow.nlp.binding). Only names found
# in the paragraph take part (a translation such as CATL ← 宁德时代 cannot be placed, and its
# figure is left alone).


def _name_forms(name: str, tokens: list[str]) -> list[str]:
    """The lower-case forms a name may take in a paragraph: its distinctive words, and the
    name run together (To-B → tob)."""
    forms = [_bare(t) for t in tokens]
    joined = re.sub(r"[\s-]+", "", name).lower()
    if "-" in name and 2 <= len(joined) <= 12 and joined not in forms:
        forms.append(joined)
    return forms


@lru_cache(maxsize=256)
def _flat_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """The text lower-cased with Chinese characters as pinyin, and for each character of that
    the offset in `text` it comes from. Cached: every statement of a brief that names someone
    looks in the same cited paragraphs."""
    if not _HAN.search(text):
        return text.lower(), tuple(range(len(text)))
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))  # type: ignore[arg-type, return-value]
    if len(syllables) != len(text):
        return text.lower(), tuple(range(len(text)))
    flat: list[str] = []
    where: list[int] = []
    for i, s in enumerate(syllables):
        flat.append(s.lower())
        where += [i] * len(s)
    return "".join(flat), tuple(where)


def _placed(name_forms: dict[str, list[str]], text: str) -> list[tuple[int, int, str]]:
    """Where in `text` each name is mentioned: (start, end, name), in order."""
    flat, where = _flat_with_offsets(text)
    han = bool(_HAN.search(text))
    out = []
    for name, forms in name_forms.items():
        for form in forms:
            if not form.isascii():  # a Chinese form of a market (内销 for domestic)
                out += [(m.start(), m.end(), name) for m in re.finditer(re.escape(form), text)]
                continue
            if (
                han
                and len(form) < 4
                and not re.search(r"(?<![a-z])" + re.escape(form) + r"(?![a-z])", text.lower())
            ):
                continue  # a short name must stand as Latin letters (ToB, NAR), not in pinyin
            pattern = re.escape(form) if han else r"\b" + re.escape(form) + r"(?:'s|’s)?\b"
            for m in re.finditer(pattern, flat if han else text.lower()):
                if han:
                    out.append((where[m.start()], where[m.end() - 1] + 1, name))
                else:
                    out.append((m.start(), m.end(), name))
    return sorted(set(out))


# The markets a report splits its figures by, which a brief names in English: "domestic gross
# margin" ← 内销毛利率. They own figures as names do.
_MARKETS = {
    "domestic": ("内销", "国内", "境内"),
    "overseas": ("外销", "海外", "境外"),
    "online": ("线上",),
    "offline": ("线下",),
}
_MARKET = re.compile(r"\b(?:" + "|".join(_MARKETS) + r")\b", re.IGNORECASE)


def _markets(text: str) -> list[tuple[int, int, str, list[str]]]:
    return [
        (m.start(), m.end(), m.group(0).lower(), list(_MARKETS[m.group(0).lower()]))
        for m in _MARKET.finditer(text)
    ]


def swapped_figures(statement: str, cited: list[str], brief: list[str] | None = None) -> list[str]:
    """Figures of `statement` that it gives one name where every cited paragraph that holds
    the figure gives it another name. The names looked for in the paragraphs are the
    statement's and those of the rest of the brief (`brief`: its other statements), which
    says in English what the paragraph says in Chinese (上海 is Shanghai when the brief says so)."""
    from .numbers import matches

    texts = [statement, *(brief or []), *cited]

    def runs(text: str) -> list[tuple[int, int, str, list[str]]]:
        out = []
        for m in _CAPITALISED.finditer(text):
            name = m.group(0)
            tokens = [t for n, ts in names(name) for t in ts]
            starts = _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()])
            if (
                tokens
                and starts
                and _common_word(tokens[0], texts)
                and name.split()[0].startswith(tokens[0])
            ):
                tokens = tokens[1:]  # "Revenue rose": a word that starts the sentence
            if tokens or re.fullmatch(r"[A-Z][a-z]?-[A-Z]", name):  # To-B, a name of its own
                out.append((m.start(), m.end(), name, _name_forms(name, tokens)))
        return out

    own = sorted(runs(statement) + _markets(statement))
    if not own:
        return []
    forms = {name: f for _, _, name, f in own}
    for text in brief or []:
        for _, _, name, f in runs(text):
            forms.setdefault(name, f)

    def spelt(ns: frozenset[str]) -> set[str]:
        return {f for n in ns for f in forms.get(n, [])}

    mine = bind(statement, [(a, b, n) for a, b, n, _ in own], subjects=True)
    theirs: list[tuple[Quantity, frozenset[str]]] = []
    seen: set[str] = set()
    for text in cited:
        where = _placed(forms, text)
        seen |= spelt(frozenset(n for _, _, n in where))
        theirs += bind(text, where)
    out = []
    for q, names_of in mine:
        if not names_of or not spelt(names_of) & seen:
            continue  # no name, or one the paragraph cannot be seen to mention
        owners = [ns for f, ns in theirs if matches(q, f)]
        if owners and all(ns and not (spelt(ns) & spelt(names_of)) for ns in owners):
            other = sorted(owners[0])[0]
            shown = sorted(names_of)[0]
            out.append(f"gives {q.text} to {shown}; the paragraph gives it to {other}")
    return out
