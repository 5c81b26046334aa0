"""Does a statement turn its paragraph around? Direction, result and negation, across languages.

A sentence encoder scores "revenue rose 5%" and "revenue fell 5%" almost alike, and a
statement with every figure right can still reverse a trend. So the support check also asks:

- figures: a change the statement gives a direction (rose 5%, down 0.9 points, -7.7%, 15%
  higher, widened) must not be a change the cited paragraph gives the opposite direction (降5%,
  同比-0.91pct, 收窄); the same for a profit written as a loss (net loss of 3 million ← 扭亏为盈,
  净利润300万元); and a statement's own "rose to 232.7 from 243.4" must go the way it says;
- words: a statement using one side of an opposed pair (include/exclude, above/below
  expectations, highest/lowest, accepted/rejected, 扩大/收窄) where the cited paragraphs use only
  the other side;
- negation: a negated statement ("did not", "denied") whose cited paragraphs negate nothing;
- moves: "raised from 600 to 750" where the paragraph goes from 750 to 600 (`reversed_moves`);
- trends without a figure ("gross margin fell"): `trend_clauses` and `trend`, matched with
  the paragraph's clauses by brieflow.nlp.support (`SupportScorer.turned_trends`).

Each rule answers only when both sides speak: a figure the paragraph gives no direction, or a
statement with no polar word, is left to the other checks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .numbers import Quantity, located, matches

UP, DOWN = "up", "down"
PROFIT, LOSS = "profit", "loss"

_EN_UP = (
    r"ris(?:e|es|ing|en)|rose|up|grew|grow(?:s|ing|n)?|increas\w*|gain\w*|climb\w*|jump\w*"
    r"|surg\w*|soar\w*|rebound\w*|widen\w*|rais\w*|lift\w*|boost\w*|higher|expand\w*"
    r"|accelerat\w*|improv\w*|added|advanc\w*|swell\w*|rall\w*|strengthen\w*|hik\w*"
    r"|highest|wider|larger|bigger|beat\w*|topp\w*|appreciat\w*|doubl\w*"
)
_EN_DOWN = (
    r"fell|fall(?:s|ing|en)?|down|dropp?\w*|declin\w*|slipp?\w*|slid\w*|cut\w*|lower\w*"
    r"|narrow\w*|shr[ai]nk\w*|shrunk|decreas\w*|reduc\w*|slump\w*|plung\w*|tumbl\w*"
    r"|contract(?:ed|ing|ion)|eas(?:e|ed|ing)|dipp?\w*|weaken\w*|lost|los(?:e|es|ing)|sank|sink\w*"
    r"|lowest|smaller|narrower|miss\w*|depreciat\w*|halv\w*|trimm?\w*|shed"
)
_ZH_UP = (
    r"增长|增加|增至|增|上升|升|提升|提高|上涨|涨|回升|扩大|走高|攀升|上调|加快|升值|改善|拉升"
    r"|上行|多增"
)
_ZH_DOWN = (
    r"下降|降低|降至|降|下滑|滑|减少|减|下跌|跌|回落|收窄|缩小|缩窄|走低|下调|放缓|贬值|萎缩"
    r"|下挫|下行|少增"
)
_CUE_BEFORE = re.compile(
    r"(?:\b(?P<up>" + _EN_UP + r")\b|\b(?P<down>" + _EN_DOWN + r")\b"
    r"|(?P<zup>" + _ZH_UP + r")|(?P<zdown>" + _ZH_DOWN + r"))",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"^\s*(?:(?:percentage\s+)?points?\s+)?"
    r"(?:(?:year|quarter|month)[\s-]on[\s-](?:year|quarter|month)\s+)?"
    r"(?:(?P<up>higher|more|up|wider|larger|bigger|above|rise|increase|gain|jump|growth|hike)"
    r"|(?P<down>lower|less|down|narrower|smaller|below|fall|decline|drop|decrease|cut|loss"
    r"|contraction))\b",
    re.IGNORECASE,
)
_LEVEL = re.compile(
    r"(?:\b(?:to|at|of|from|reach\w*|was|were|is|stood|stands|totall?\w*|hit|touched|on)"
    r"|至|到|为|达|达到|于|从|由|是)\s*(?:US\$|HK\$|\$|¥|€|£|RMB|about|around|nearly|over)?\s*$",
    re.IGNORECASE,
)
_PROFIT = re.compile(
    r"\b(?P<profit>profit\w*|earnings|net income|in the black)\b|\b(?P<loss>loss\w*|in the red)\b"
    r"|(?P<zprofit>扭亏为盈|扭亏|盈利|净利润?|利润|归母净利|实现盈利)|(?P<zloss>亏损|净亏|亏)",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[;；。!?！？\n]|,\s*(?:but|while|though|although|whereas)\b|，(?:但|而)")
_WINDOW = 28  # characters before a figure searched for its cue


def _clause_start(text: str, start: int, ends: list[int] | None = None) -> int:
    """Where the clause holding `start` begins. `ends`: where every clause mark of the whole
    text ends (_clause_ends), so a text with many figures is scanned once, not once for each;
    the same answer, but for a mark ending in a letter (", but") cut off right at `start`,
    whose \\b holds only as a cut, which the scan of `text` up to `start` then makes."""
    if ends is not None and not (start and text[start - 1].isascii() and text[start - 1].isalpha()):
        i = bisect_right(ends, start)
        return ends[i - 1] if i else 0
    cut = 0
    for m in _CLAUSE.finditer(text, 0, start):
        cut = m.end()
    return cut


def _clause_ends(text: str) -> list[int]:
    return [m.end() for m in _CLAUSE.finditer(text)]


@dataclass(frozen=True)
class Figure:
    """A figure of a text with the direction and result the text gives it (None: none)."""

    quantity: Quantity
    start: int
    direction: str | None
    result: str | None
    basis: str | None = None  # what a change is measured against: year, quarter, start


# What a change is measured against, right after the figure (English) or just before (同比).
_BASIS_EN = re.compile(
    r"[^,;.]{0,30}?\b(?:(?P<year>year[\s-]on[\s-]year|from a year earlier|y/y|yoy)"
    r"|(?P<quarter>quarter[\s-]on[\s-]quarter|from the previous quarter|sequentially|q/q|qoq)"
    r"|(?P<start>from the start of the (?:year|period)|since the start of the (?:year|period)"
    r"|from the end of last year|year to date))\b",
    re.IGNORECASE,
)
_BASIS_ZH = re.compile(
    r"(?P<year>同比|较上年同期|较去年同期)|(?P<quarter>环比)|(?P<start>较期初|较上年末|较年初)"
)


def figures(text: str, *, generous: bool = False) -> list[Figure]:
    """The digit figures of `text`, each with its direction (rose, 降, -) and result (profit,
    亏损); a member of a list without a cue of its own takes the cue of the member before."""
    norm, found = located(text, generous=generous)
    out: list[Figure] = []
    prev_end = 0
    prev: Figure | None = None
    ends = _clause_ends(norm) if found else []
    for start, end, q in found:
        clause = _clause_start(norm, start, ends)
        lo = max(clause, prev_end, start - _WINDOW)
        before = norm[lo:start]
        direction = _sign(norm, start)
        level = bool(_LEVEL.search(before))
        after = _CUE_AFTER.match(norm[end : end + 40])
        if direction is None and after:  # a 3.5% rise, 3.3 points lower than in Q3
            direction = UP if after.group("up") else DOWN
        if direction is None and not level:
            cues = list(_CUE_BEFORE.finditer(before))
            if cues:
                last = cues[-1]
                direction = UP if (last.group("up") or last.group("zup")) else DOWN
            elif prev is not None and _is_list_gap(norm[prev_end:start]):
                direction = prev.direction
        results = list(_PROFIT.finditer(norm[max(clause, start - _WINDOW) : start]))
        result = None
        if results:
            last = results[-1]
            result = PROFIT if (last.group("profit") or last.group("zprofit")) else LOSS
        fig = Figure(
            q,
            start,
            None if level and direction is None else direction,
            result,
            _basis(norm, lo, start, end),
        )
        out.append(fig)
        prev, prev_end = fig, end
    return out


_LIST_GAP = re.compile(r"\s*(?:[,，、/／]|and|和|及)\s*", re.IGNORECASE)


def _basis(text: str, lo: int, start: int, end: int) -> str | None:
    """year / quarter / start: the basis named right after the figure or just before it."""
    m = _BASIS_EN.match(text, end) or None
    if m is not None:
        return next(k for k in ("year", "quarter", "start") if m.group(k))
    found = {
        next(k for k in ("year", "quarter", "start") if z.group(k))
        for z in _BASIS_ZH.finditer(text, max(lo, start - 12), start)
    }
    # 环比、同比分别下降15%、50%: two bases for a list, which is which is not read here
    return found.pop() if len(found) == 1 else None


def _is_list_gap(gap: str) -> bool:
    return bool(_LIST_GAP.fullmatch(gap))


def _sign(text: str, start: int) -> str | None:
    """+5% / -5% / 同比-0.08pct: a sign right before the figure (not a range's dash)."""
    i = start - 1
    while i >= 0 and text[i] in "$¥€£":
        i -= 1
    if i < 0 or text[i] not in "+-−":
        return None
    before = text[i - 1] if i > 0 else " "
    if before.isdigit() or before in "%~～":
        return None  # 2018-2020, 5%-8%: a range
    if (
        before.isalpha()
        and before.isascii()
        and text[max(0, i - 3) : i].upper()
        not in (
            "YOY",
            "QOQ",
            "MOM",
        )
    ):
        return None  # Covid-19
    return UP if text[i] == "+" else DOWN


_SHOWN = {
    UP: "up",
    DOWN: "down",
    PROFIT: "a profit",
    LOSS: "a loss",
    "year": "year on year",
    "quarter": "quarter on quarter",
    "start": "against the start of the period",
}


class Readings:
    """What the rules read of cited paragraphs, kept while one brief is checked: a brief's
    statements mostly cite the same few paragraphs, which are then read once (their figures,
    which opposed words they use) rather than once per statement. One per brief, so nothing
    outlives the article it was read from."""

    def __init__(self) -> None:
        self._figures: dict[str, tuple[Figure, ...]] = {}
        self._found: dict[tuple[re.Pattern[str], str], bool] = {}

    def figures(self, paragraph: str) -> tuple[Figure, ...]:
        """`figures(paragraph, generous=True)`."""
        got = self._figures.get(paragraph)
        if got is None:
            got = self._figures[paragraph] = tuple(figures(paragraph, generous=True))
        return got

    def says(self, pattern: re.Pattern[str], text: str) -> bool:
        """Whether `pattern` occurs in `text`."""
        key = (pattern, text)
        got = self._found.get(key)
        if got is None:
            got = self._found[key] = pattern.search(text) is not None
        return got


def figure_conflicts(
    statement: str, paragraphs: list[str], readings: Readings | None = None
) -> list[str]:
    """Figures whose direction or result the cited paragraphs give the other way."""
    readings = readings or Readings()
    found = [f for p in paragraphs for f in readings.figures(p)]
    out = []
    for claim in figures(statement):
        same = [f for f in found if matches(claim.quantity, f.quantity)]
        if not same:
            continue  # the numbers check speaks for a figure the paragraphs do not hold
        # the figure it stands for is the closest ("roughly 15%" is 约15%, not 15.2%)
        gap = min(abs(f.quantity.value - claim.quantity.value) for f in same)
        same = [f for f in same if abs(f.quantity.value - claim.quantity.value) <= gap + 1e-9]
        for axis in ("direction", "result", "basis"):
            mine = getattr(claim, axis)
            theirs = {getattr(f, axis) for f in same}
            if axis != "direction" and None in theirs:
                continue  # a matching figure the paragraph gives no basis or result: no verdict
            theirs.discard(None)
            if mine is None or not theirs or mine in theirs:
                continue
            shown = _SHOWN.get(mine, mine)
            out.append(f"{claim.quantity.text} is {shown} here, the other way in the paragraph")
    return out


_FROM_TO = re.compile(
    r"\bto\s+(?P<to>[^\s,;]+(?:\s(?:billion|million|trillion))?)[^.;]{0,40}?\bfrom\s+"
    r"(?P<from>[^\s,;]+(?:\s(?:billion|million|trillion))?)"
    r"|\bfrom\s+(?P<from2>[^\s,;]+(?:\s(?:billion|million|trillion))?)\s+to\s+"
    r"(?P<to2>[^\s,;]+(?:\s(?:billion|million|trillion))?)",
    re.IGNORECASE,
)


def _from_to_pair(m: re.Match[str]) -> tuple[tuple[Quantity, str], tuple[Quantity, str]] | None:
    """The (figure, text) a "from … to …" match moves from and to, when each is one figure."""
    to_text = m.group("to") or m.group("to2")
    from_text = m.group("from") or m.group("from2")
    _, to_q = located(to_text)
    _, from_q = located(from_text)
    if len(to_q) != 1 or len(from_q) != 1:
        return None
    return (from_q[0][2], from_text), (to_q[0][2], to_text)


def _from_to(statement: str) -> list[tuple[str, str, str]]:
    """Each "rose to 232.7 from 243.4" of the statement: (direction said, direction of its own
    figures, what it says)."""
    out = []
    for m in _FROM_TO.finditer(statement):
        pair = _from_to_pair(m)
        if pair is None:
            continue
        (b, from_text), (a, to_text) = pair
        if a.kind != b.kind or a.value == b.value or a.exact or b.exact:
            continue
        cue = list(_CUE_BEFORE.finditer(statement[max(0, m.start() - 40) : m.start()]))
        if not cue:
            continue
        said = UP if (cue[-1].group("up") or cue[-1].group("zup")) else DOWN
        went = UP if a.value > b.value else DOWN
        out.append((said, went, f"says {cue[-1].group(0)} from {from_text} to {to_text}"))
    return out


def _moves(text: str) -> list[tuple[Quantity, Quantity]]:
    """Each move from one figure to another that `text` states, as (from, to): "from 750 to
    600", "to 600 from 750", 从750美元降至600美元, 由11.18%提升至17.51%."""
    norm, found = located(text, generous=True)
    out = []
    for m in _FROM_TO.finditer(norm):
        pair = _from_to_pair(m)
        if pair is not None:
            out.append((pair[0][0], pair[1][0]))
    for m in _ZH_FROM.finditer(norm):
        after = [(s, e, q) for s, e, q in found if m.end() <= s <= m.end() + 2]
        if not after:
            continue
        _, end, first = after[0]
        to = _ZH_TO.match(norm, end)
        if to is None:
            continue
        then = [q for s, _, q in found if to.end() <= s <= to.end() + 2]
        if then:
            out.append((first, then[0]))
    return out


_ZH_FROM = re.compile(r"[从由]\s*")
_ZH_TO = re.compile(r"[^\d，。；,;]{0,10}?[至到]\s*")


def reversed_moves(statement: str, paragraphs: list[str]) -> list[str]:
    """A move the statement states one way ("raised from 600 to 750") that the paragraphs
    state the other way (从750美元降至600美元), whatever verb it uses."""
    theirs = [mv for p in paragraphs for mv in _moves(p)]
    out = []
    for a, b in _moves(statement):
        same = any(matches(a, f) and matches(b, t) for f, t in theirs)
        back = any(matches(a, t) and matches(b, f) for f, t in theirs)
        if back and not same:
            out.append(f"goes from {a.text} to {b.text}; the paragraph from {b.text} to {a.text}")
    return out


def from_to_conflicts(statement: str) -> list[str]:
    """ "rose to 232.7 from 243.4": the direction the statement names against its own figures."""
    return [what for said, went, what in _from_to(statement) if said != went]


# Opposed words: (name, one side, other side), English and Chinese, as regex alternations.
_PAIRS: list[tuple[str, str, str]] = [
    ("include/exclude", r"\binclud\w*", r"\bexclud\w*|不包括|排除"),
    ("accept/reject", r"\baccept\w*|接受|同意", r"\breject\w*|\bturn\w* down|拒绝|否决"),
    (
        "win/lose",
        r"\bwin\b|\bwon\b|\bvictor\w*|获胜|战胜",
        r"\bdefeat\w*|\blos[te]\b|\bloss\b|负于|输",
    ),
    ("create/destroy", r"\bcreat\w*|创造", r"\bdestroy\w*|\bkill\w* jobs|摧毁|消灭"),
    (
        "above/below",
        r"\babove\b|\bbeat\w*|\bexceed\w*|(?<![不未])高于|超预期|超出预期",
        r"\bbelow\b|\bmiss\w*|\bshort of|(?<![不未])低于|不及|不达",
    ),
    (
        "highest/lowest",
        r"\bhighest\b|\brecord high|新高|最高",
        r"\blowest\b|\brecord low|新低|最低",
    ),
    (
        "large/small",
        r"\blarge\b|\bbig\b|\bmajor\b|很大|较大|巨大",
        r"\bsmall\b|\bminor\b|\blittle\b|很小|较小|不大",
    ),
    ("double/halve", r"\bdoubl\w*|翻倍|翻番|翻一番", r"\bhalv\w*|减半"),
    ("widen/narrow", r"\bwiden\w*|\bwider\b|扩大", r"\bnarrow\w*|收窄|缩小|缩窄"),
    (
        "ease/increase pressure",
        r"\beas\w* pressure|减轻|缓解",
        r"\badd\w* to pressure|加大|加重|加剧",
    ),
    ("profit/loss", r"\bprofit\w*|盈利|扭亏", r"\bloss\w*|亏损"),
    (
        "raise/cut",
        r"\brais\w*|\bhik\w*|上调|提高|加息",
        r"\bcut\w*|\blower\w*|\breduc\w*|下调|降低|降息|削减",
    ),
    ("strong/weak", r"\bstrong\w*|\brobust\b|强劲|较强", r"\bweak\w*|\bsoft\w*|疲软|较弱"),
]
_COMPILED = [(n, re.compile(a, re.I), re.compile(b, re.I)) for n, a, b in _PAIRS]
_NEGATION_EN = re.compile(
    r"\b(?:not|no|never|neither|nor|none|nothing|without|cannot|n't|denie[sd]|deny\w*|"
    r"refus\w*|fail\w*|unable|no longer|rul\w* out|reject\w*|yet to|declin\w* to|lack\w*"
    r"|absen\w*|non(?=[\s-])|un(?:disclosed|known|named|specified|clear|able|likely|changed|decided"
    r"|certain|confirmed|paid|available|veiled|aware|willing))\b|n't\b",
    re.IGNORECASE,
)
_NEGATION_ZH = re.compile(r"不|未|没|无|非|否|别|莫|勿|拒绝|难以")
_STATEMENT_NEGATION = re.compile(
    r"\b(?:not|never|no longer|denied|denies|neither|nor|without)\b|n't\b|不|未|没有|并非|否认",
    re.IGNORECASE,
)


# A quick and exact pre-test for the opposed words: each alternative of a pattern begins,
# after a \b or a lookbehind, with plain letters (win, victor, 高于), so a statement whose lower
# case holds none of a pattern's heads cannot match it. Most statements hold none, and 26
# regex scans of every statement cost more than the rest of the polarity rules.
_HEAD = re.compile(r"(?:\\b|\(\?<!\[[^\]|]*\]\))*([^\\()\[\]{}|.?*+^$]+)")
# Where splitting at "|" would not give the alternatives: a group, a class holding "|", "\|".
_NESTED = re.compile(r"\((?!\?<!\[[^\]|]*\]\))|\[[^\]]*\||\\\|")
# The only characters that IGNORECASE matches to an ASCII letter yet str.lower() does not turn
# into it (İ ı ſ K): a statement holding one is searched with every pattern.
_FOLDS = re.compile("[\u0130\u0131\u017f\u212a]")


def _heads(pattern: str) -> tuple[str, ...] | None:
    """The lower-case letters every match of each alternative of `pattern` starts with, or
    None when an alternative has none (that pattern is always searched)."""
    if _NESTED.search(pattern):
        return None
    out = []
    for alternative in pattern.split("|"):
        m = _HEAD.match(alternative)
        if m is None:
            return None
        head = m.group(1)
        if alternative[m.end() : m.end() + 1] in ("?", "*", "{"):
            head = head[:-1]  # its last letter may be missing: "drop?" is "dro"
        if not head.strip():
            return None
        out.append(head.lower())
    return tuple(out)


_HEADS = {p: _heads(p.pattern) for _, one, other in _COMPILED for p in (one, other)}
_ALL_HEADS = tuple(dict.fromkeys(h for heads in _HEADS.values() if heads for h in heads))


def _heads_in(text: str) -> set[str] | None:
    """The heads `text` holds (each looked for once), or None: search every pattern."""
    if _FOLDS.search(text):
        return None
    lower = text.lower()
    return {h for h in _ALL_HEADS if h in lower}


def _search(pattern: re.Pattern[str], text: str, present: set[str] | None) -> re.Match[str] | None:
    """`pattern.search(text)`, skipped when `present` (`_heads_in(text)`) holds none of the
    pattern's heads."""
    heads = _HEADS.get(pattern)
    if present is not None and heads is not None and present.isdisjoint(heads):
        return None
    return pattern.search(text)


def word_conflicts(
    statement: str, paragraphs: list[str], readings: Readings | None = None
) -> list[str]:
    """Opposed words: the statement uses one side where the cited paragraphs use only the
    other; and a negated statement whose paragraphs negate nothing."""
    says = (readings or Readings()).says
    cited = "\n".join(paragraphs)
    out = []
    # "cut its target from 750 to 600": the statement's own figures (checked against the
    # paragraph by the numbers check) carry its verb, whatever else the paragraph raises
    moves = _from_to(statement)
    grounded = bool(moves) and all(said == went for said, went, _ in moves)
    present = _heads_in(statement)
    for name, one, other in _COMPILED:
        if grounded and name == "raise/cut":
            continue
        for mine, theirs in ((one, other), (other, one)):
            m = _search(mine, statement, present)
            if m and says(theirs, cited) and not says(mine, cited):
                if not theirs.search(statement):
                    out.append(f"says {m.group(0)!r} where the paragraph says the opposite")
                break
    neg = _STATEMENT_NEGATION.search(statement)
    if neg and not (says(_NEGATION_EN, cited) or says(_NEGATION_ZH, cited)):
        out.append(f"says {neg.group(0)!r} where the paragraph negates nothing")
    return out


def conflicts(statement: str, paragraphs: list[str], readings: Readings | None = None) -> list[str]:
    """Every way the statement turns the cited paragraphs around (empty: none found).
    `readings`: one per brief, shared by its statements (see Readings)."""
    readings = readings or Readings()
    return [
        *figure_conflicts(statement, paragraphs, readings),
        *from_to_conflicts(statement),
        *reversed_moves(statement, paragraphs),
        *word_conflicts(statement, paragraphs, readings),
    ]


# -- a trend stated without a figure ------------------------------------------------------------
#
# "Gross margin fell noticeably" ← 毛利率同比下降明显; "yields drifting lower" ← 收益率整体震荡下
# 行: no figure carries the direction, and a paragraph of many clauses says both "rose" and
# "fell" of different things. So each clause of the statement that names a trend is compared
# with the clause of the cited paragraphs that says the most like it (brieflow.nlp.support
# finds it with the sentence encoder, which scores "rose" and "fell" alike: just what finding
# the clause about the same thing needs), and that clause must not name the other trend.
# Two axes: a level (rose/fell, 上升/下降) and a time (earlier/later, 提前/推迟).

_TRENDS = {
    UP: re.compile(
        r"\b(?:ris(?:e|es|en|ing)|rose|climb(?:s|ed|ing)?|increas(?:e|es|ed|ing)|grew"
        r"|grow(?:s|n|ing)?|higher|soar\w*|surg(?:e|es|ed|ing)|jump(?:s|ed|ing)?|rebound\w*"
        r"|widen\w*|accelerat\w*|strengthen\w*|expand\w*|improv\w*|gain(?:s|ed|ing)?"
        r"|up(?=\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+)?\d))\b"
        r"|上升|上涨|涨价|增长|增加|提升|提高|上行|走高|攀升|扩大|加快|回升|升高|增多|走强",
        re.IGNORECASE,
    ),
    DOWN: re.compile(
        r"\b(?:fall(?:s|en|ing)?|fell|declin(?:e|es|ed|ing)|drop(?:s|ped|ping)?"
        r"|decreas(?:e|es|ed|ing)|lower|slid(?:e|es|ing)?|slump\w*|plung\w*|tumbl\w*|shr[ai]nk\w*"
        r"|shrunk|narrow\w*|slow(?:s|ed|ing|er)?|weaken\w*|contract(?:ed|ing)|deteriorat\w*"
        r"|down(?=\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+)?\d))\b"
        r"|下降|下跌|降价|减少|下滑|下行|走低|回落|收窄|缩小|放缓|降低|萎缩|走弱|下挫|减弱",
        re.IGNORECASE,
    ),
    "early": re.compile(r"\b(?:earlier|ahead\s+of\s+schedule|sooner)\b|提前", re.IGNORECASE),
    "late": re.compile(
        r"\b(?:later|delay(?:s|ed|ing)?|postpon\w*|behind\s+schedule)\b|推迟|延后|延期",
        re.IGNORECASE,
    ),
}
_OPPOSITE = {UP: DOWN, DOWN: UP, "early": "late", "late": "early"}
_CLAUSE_SPLIT = re.compile(
    r"[,;:](?=\s)\s*|[，；：。！？!?]\s*|\.\s+|\s+(?:while|but|whereas|although|though|and|as|with|after"
    r"|when|because)\s+",
    re.IGNORECASE,
)


def trend(text: str) -> str | None:
    """The one trend `text` names (up, down, early, late), when it names one and negates
    nothing; None otherwise."""
    named = [side for side, pattern in _TRENDS.items() if pattern.search(text)]
    if len(named) != 1 or _STATEMENT_NEGATION.search(text) or _NEGATION_ZH.search(text):
        return None
    return named[0]


def opposed(a: str, b: str) -> bool:
    return _OPPOSITE.get(a) == b


def clauses(text: str) -> list[str]:
    """The clauses of a statement or paragraph (at least a few characters each)."""
    return [p.strip() for p in _CLAUSE_SPLIT.split(text) if len(p.strip()) >= 4]


def trend_clauses(statement: str, paragraphs: list[str]) -> list[str]:
    """The clauses of a statement that name one trend, unless a figure of theirs that the
    paragraphs hold has a direction (that is read with the figure: `figure_conflicts`)."""
    found = [f.quantity for p in paragraphs for f in figures(p, generous=True)]
    return [
        c
        for c in clauses(statement)
        if trend(c) is not None
        and not any(
            f.direction and _amount(f.quantity) and any(matches(f.quantity, q) for q in found)
            for f in figures(c)
        )
    ]


def _amount(q: Quantity) -> bool:
    """A share, an amount or a count of some size: not a day of the month (since February 5)."""
    return q.kind != "number" or bool(q.currency) or q.value >= 32 or not q.value.is_integer()
