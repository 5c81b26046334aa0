"""Which figure of a text belongs to which mention (a name, a period): for the checks that a
statement gives each figure to the name, or states it for the period, the paragraph does.

In each sentence a figure belongs to what is mentioned since the figure before it (a figure
without such a mention keeps the one before's: "…6.4亿元，同比增长60.8%"), or, when a sentence
lists its mentions first and then as many figures or rounds of figures (分别), to the mention
of the same rank. Years, ordinals (第34届, "34th"), ages and small bare counts belong to no one.
Used by brieflow.nlp.names (`swapped_figures`) and brieflow.nlp.periods (`swapped_periods`).
"""

from __future__ import annotations

import re

from .numbers import Quantity, located

_HAN = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = re.compile(r"[。；;！？!?\n]|\.(?=\s|$)")
_CLAUSE_START = re.compile(
    r"(?:^|[.;:!?，；。]\s*|,\s*(?:and\s+|while\s+|but\s+)?|\s(?:while|but|and|whereas)\s+)"
    r"(?:the\s+|its\s+|their\s+)?$",
    re.IGNORECASE,
)
_PREPOSITION = re.compile(
    r"\b(?:in|at|of|from|for|to|by|on|with|into|across|near|than|like)\s+(?:the\s+)?$", re.I
)
# A list whose members a later list of figures follows rank by rank: 甲、乙和丙, "A, B and C"
# (not 甲，乙: a Chinese comma ends a clause as often as it joins a list).
_RANK_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|[、和及与])\s*")
_NAME_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|[、，,]|[和及与])\s*")


def _merge(mentions: list[tuple[int, int, str]]) -> list[tuple[int, int, frozenset[str]]]:
    """Mentions at overlapping places as one (汾酒 is both "Fenjiu" and "Shanxi Fenjiu")."""
    out: list[tuple[int, int, frozenset[str]]] = []
    for a, b, n in sorted(mentions):
        if out and a < out[-1][1]:
            pa, pb, ns = out[-1]
            out[-1] = (pa, max(pb, b), ns | {n})
        else:
            out.append((a, b, frozenset([n])))
    return out


def bind(
    text: str,
    mentions: list[tuple[int, int, str]],
    *,
    subjects: bool = False,
    trailing: bool = False,
) -> list[tuple[Quantity, frozenset[str]]]:
    """Each figure of `text` (a Quantity) with the names it belongs to: those named since the
    figure before it in its sentence ("Nanjing, Changzhou and Foshan have 200,000"; "ToB产品销
    售收入6.4亿元"), or the names of that figure when none is ("…, up 60.8%"); the name of the
    same rank when a sentence lists its names first and then as many figures (or rounds of
    them). Empty when no name comes before it. With `subjects` (a statement, whose grammar
    is English) only a name that opens its clause owns a figure ("Beijing reported 22", not
    "land in Foshan for 163 million", which "it" won). With `trailing` (periods in English) a
    mention right after a figure is that figure's: "from 0.79 million in Q4 to 1.81 million in
    Q1", "448,600, 396,500 of them in Q2"."""
    norm, found = located(text, generous=bool(_HAN.search(text)))
    if len(norm) != len(text):
        return []  # offsets would not line up
    merged = _merge(mentions)
    if subjects:
        merged = _subjects(text, merged)
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text) + 1]
    out: list[tuple[Quantity, frozenset[str]]] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        names_here = [(a, b, n) for a, b, n in merged if lo <= a < hi]
        every = [(s, e, q) for s, e, q in found if lo <= s < hi]
        # amounts and shares; a bare small count or a score (2-1) belongs to no one in
        # particular (it still ends the stretch of names before the next figure)
        every = [(s, e, q) for s, e, q in every if not _ORDINAL_AFTER.match(text, e)]
        every = [(s, e, q) for s, e, q in every if not _ORDINAL_BEFORE.search(text, 0, s)]
        figs = [s for s, _, q in every if _bound(q)]
        if not figs:
            continue
        k = len(names_here)
        ranked = (
            k >= 2
            and names_here[-1][0] < figs[0]
            and len(figs) % k == 0
            and all(
                _RANK_LIST_GAP.fullmatch(text[x[1] : y[0]])
                for x, y in zip(names_here, names_here[1:], strict=False)
            )
        )
        owners: frozenset[str] = frozenset()
        last = lo
        english = trailing and not _HAN.search(text[lo:hi])
        for s, e, q in every:
            if not _bound(q):
                continue  # a year, a small count: the stretch of names goes on
            after = [(b, ns) for a, b, ns in names_here if english and _after(text, e, a)]
            if after and not ranked:
                owners = after[0][1]
                last = after[0][0]
                out.append((q, owners))
                continue
            since = [ns for a, _, ns in names_here if last <= a < s]
            if since:
                owners = frozenset().union(*since)
            elif subjects and (
                _named_between(mentions, last, s) or _CLAUSE_BREAK.search(text, last, s)
            ):
                owners = frozenset()  # another clause, whose subject is not a name we know
            last = e
            if ranked:
                out.append((q, names_here[figs.index(s) % k][2]))
            else:
                out.append((q, owners))
    return out


# Between a figure and the period it is for, in English: "1.81 million in Q1", "396,500 of
# them in Q2", "0.79 million vials in Q4 2020" (a few words, then in/for/during/over).
_TRAILING_GAP = re.compile(
    r"\s+(?:[A-Za-z'-]+\s+){0,3}?(?:in|for|during|over|by)\s+(?:the\s+)?", re.IGNORECASE
)


def _after(text: str, end: int, at: int) -> bool:
    """A mention at `at` follows the figure that ends at `end`, joined as its period is."""
    return at >= end and _TRAILING_GAP.fullmatch(text, end, at) is not None


_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b|-year-old|届|次|名")
_ORDINAL_BEFORE = re.compile(r"(?:第|No\.\s?|aged\s|[A-Z][a-z]+,\s)$")  # 第34届; "Hargreaves, 71,"
_CLAUSE_BREAK = re.compile(r"[;；。]|,\s*(?:while|but|whereas|and)\b|\s(?:while|whereas)\s")


def _named_between(mentions: list[tuple[int, int, str]], lo: int, hi: int) -> bool:
    return any(lo <= a < hi for a, _, _ in mentions)


def _subjects(
    text: str, merged: list[tuple[int, int, frozenset[str]]]
) -> list[tuple[int, int, frozenset[str]]]:
    """The mentions that open their clause ("Beijing reported 22", "and the Fuxing edition
    at 820 yuan"), with the rest of a list they open; not a list after a preposition ("land in
    Shunde, Foshan, for 163 million": what "it" paid)."""
    out = []
    for i, (a, b, ns) in enumerate(merged):
        j = i
        while j > 0 and _NAME_LIST_GAP.fullmatch(text[merged[j - 1][1] : merged[j][0]]):
            j -= 1
        head = merged[j][0]
        before = text[max(0, head - 16) : head]
        if _PREPOSITION.search(before):
            continue
        if _CLAUSE_START.search(before) or j < i:
            out.append((a, b, ns))
    return out


def _bound(q: Quantity) -> bool:
    return not q.exact and not (q.kind == "number" and not q.currency and q.value < 10)
