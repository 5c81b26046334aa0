"""Does a paragraph carry a statement? Lexical evidence first, a multilingual encoder when needed.

A statement in the article's own language that reuses the cited paragraphs' words (as every
extractive point does) is settled by word overlap alone, so the encoder is never loaded on
that path. Otherwise (a paraphrase, or English written from Chinese) the statement is compared
with each paragraph and each of its sentences by USE multilingual cosine, plus a small bonus
for shared anchors (numbers and Latin-script names) that both sides contain.

Thresholds were calibrated on the claim/paragraph pairs in tests/data/check_pairs.json
(tests/test_checks_support.py keeps every pair classified): true cross-language claims score
0.43-0.95 against their paragraph, claims citing the wrong paragraph -0.06-0.32. A score says
nothing of direction ("rose" and "fell" score alike): brieflow.nlp.polarity covers that, and
bench/checks_quality.py measures both on the realistic corpus (docs/checks.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..models import Article
from .lang import article_language, detect_language
from .numbers import matches, quantities
from .sentences import split_sentences
from .words import words

LEXICAL_ENOUGH = 0.75  # share of the statement's content words found in the cited paragraphs
SUPPORT_THRESHOLD = 0.38  # encoder score that carries a statement on its own
SUPPORT_FLOOR = 0.28  # enough when the cited paragraph is also the article's best match
CLAUSE_WORDS = 3  # content words a clause needs to be tested on its own
CLAUSE_FLOOR = 0.20  # a clause written from another language, against its closest clause
CLAUSE_FLOOR_SAME = 0.30  # in the article's language (scores run higher)
CLAUSE_LEXICAL = 0.34  # share of a clause's words in the paragraphs that carries it
SPEAKER_MATCH = 0.45  # the sentence a statement's quote comes from
TREND_MATCH = 0.45  # a statement clause and the paragraph clause that says the same thing
TREND_MARGIN = 0.08  # how much closer another clause (naming no trend) may be
ANCHOR_BONUS = 0.08  # added × share of the statement's anchors found in the paragraph

_LATIN_NAME = re.compile(r"\b[A-Z][A-Z0-9&-]+\b")  # BYD, AI, TSMC: kept as is in Chinese text


# A clause that only says who says something, and a reporting frame before what is said.
_ATTRIBUTION = re.compile(
    r"^(?:and\s+|but\s+)?(?:according\s+to|citing|as\s+(?:\w+\s+){0,3}(?:said|says|put\s+it))\b|^据|^根据",
    re.I,
)
_REPORTING = re.compile(
    r"^(?:and\s+|but\s+)?(?:\w+\s+){0,3}?(?:argues?|argued|said|says|say|believes?|believed"
    r"|notes?|noted|adds?|added|warns?|warned|thinks?|thought|insists?|insisted)\s+(?:that\s+)?",
    re.I,
)


@dataclass(frozen=True)
class Verdict:
    supported: bool
    score: float  # best score among the cited paragraphs (1.0 for lexical evidence)
    best: int | None  # the article's best-matching paragraph number
    best_score: float
    how: str  # "lexical" | "encoder"


class SupportScorer:
    """Scores statements against one article's paragraphs; reuse it for a whole brief."""

    def __init__(self, article: Article):
        self.article = article
        self.language = article_language(article)
        self._texts = {p.number: p.text for p in article.paragraphs}
        self._words: dict[int, set[str]] = {}
        self._units: dict[int, list[str]] | None = None
        self._clauses: dict[tuple[int, ...], list[str]] = {}

    def lexical(self, text: str, cites: tuple[int, ...]) -> float:
        """Share of the statement's content words found in the cited paragraphs (same language)."""
        if detect_language(text, default=self.language) != self.language:
            return 0.0
        own = set(words(text, self.language))
        if not own:
            return 0.0
        found: set[str] = set()
        for n in cites:
            if n not in self._words:
                self._words[n] = set(words(self._texts.get(n, ""), self.language))
            found |= self._words[n]
        return len(own & found) / len(own)

    def _flat_units(self) -> list[str]:
        if self._units is None:
            self._units = {
                n: [t, *split_sentences(t, self.language)] for n, t in self._texts.items()
            }
        return [u for units in self._units.values() for u in units]

    def prepare(self, texts: list[str]) -> None:
        """Encode `texts` and the article in one batch (one call costs far less than many)."""
        from . import embeddings

        embeddings.encode([*texts, *self._flat_units()])

    def verbatim(self, text: str, cites: tuple[int, ...]) -> bool:
        """The statement is a passage of a cited paragraph (every extractive point is)."""
        return is_passage(text, [self._texts.get(n, "") for n in cites])

    def needs_encoder(self, text: str, cites: tuple[int, ...]) -> bool:
        valid = tuple(c for c in cites if c in self._texts)
        return not valid or not (
            self.verbatim(text, valid) or self.lexical(text, valid) >= LEXICAL_ENOUGH
        )

    def scores(self, text: str) -> dict[int, float]:
        """Encoder score of `text` against every paragraph: max over the paragraph and its
        sentences, plus the anchor bonus."""
        from . import embeddings

        flat = self._flat_units()
        assert self._units is not None
        sims = embeddings.similarity([text], flat)[0]
        out: dict[int, float] = {}
        i = 0
        anchors = _anchors(text)
        for n, units in self._units.items():
            best = float(sims[i : i + len(units)].max())
            i += len(units)
            if anchors:
                best += ANCHOR_BONUS * _anchor_share(anchors, self._texts[n])
            out[n] = best
        return out

    def verdict(self, text: str, cites: tuple[int, ...]) -> Verdict:
        """Whether the cited paragraphs carry `text`, with the article's best match."""
        valid = tuple(c for c in cites if c in self._texts)
        if valid and (self.verbatim(text, valid) or self.lexical(text, valid) >= LEXICAL_ENOUGH):
            return Verdict(True, 1.0, None, 1.0, "lexical")
        scores = self.scores(text)
        best = max(scores, key=lambda n: scores[n]) if scores else None
        best_score = scores[best] if best is not None else 0.0
        cited = max((scores[c] for c in valid), default=0.0)
        ok = cited >= SUPPORT_THRESHOLD or (
            cited >= SUPPORT_FLOOR and best is not None and cited >= best_score - 1e-9
        )
        return Verdict(ok, cited, best, best_score, "encoder")

    def _clause_units(self, cites: tuple[int, ...]) -> list[str]:
        """The cited paragraphs' sentences and their clauses, once each (kept: the trend and
        the appended-clause tests of every statement citing them read the same units)."""
        from .polarity import clauses

        if cites not in self._clauses:
            self._clauses[cites] = list(
                dict.fromkeys(
                    u
                    for n in cites
                    for t in split_sentences(self._texts.get(n, ""), self.language)
                    for u in (t, *clauses(t))
                )
            )
        return self._clauses[cites]

    def unsupported_clauses(self, text: str, cites: tuple[int, ...]) -> list[str]:
        """Clauses of `text` with content of their own (CLAUSE_WORDS content words) that no
        sentence or clause of the cited paragraphs comes near: "…, and regulators have opened
        an inquiry" appended to a faithful point. In the article's language a clause whose
        words the paragraphs mostly hold is carried whatever its score."""
        from . import embeddings
        from .polarity import clauses

        mine = []
        for c in clauses(text)[1:]:  # the first clause is what the statement is about
            if _ATTRIBUTION.match(c):
                continue  # "according to the analysts' tally": who says it, no content
            c = _REPORTING.sub("", c)  # "the commentary argues that …": what is argued
            if len(set(words(c, detect_language(c, default=self.language)))) >= CLAUSE_WORDS:
                mine.append(c)
        paragraphs = [self._texts.get(n, "") for n in cites]
        mine = [c for c in mine if not _anchored(c, paragraphs)]
        theirs = self._clause_units(cites)
        if not mine or not theirs:
            return []
        same = detect_language(text, default=self.language) == self.language
        sims = embeddings.similarity(mine, theirs)
        out = []
        for i, clause in enumerate(mine):
            score = float(sims[i].max())
            floor = CLAUSE_FLOOR_SAME if same else CLAUSE_FLOOR
            if score >= floor or (same and self.lexical(clause, cites) > CLAUSE_LEXICAL):
                continue
            out.append(f"nothing in the paragraph says {clause!r} (score {score:.2f})")
        return out

    def closest_sentence(self, text: str, cites: tuple[int, ...]) -> str | None:
        """The sentence of the cited paragraphs that says the most like `text`, if one comes
        near (SPEAKER_MATCH): where to look for who said it."""
        from . import embeddings

        sentences = [
            s for n in cites for s in split_sentences(self._texts.get(n, ""), self.language)
        ]
        if not sentences:
            return None
        sims = embeddings.similarity([text], sentences)[0]
        best = int(sims.argmax())
        return sentences[best] if sims[best] >= SPEAKER_MATCH else None

    def turned_trends(self, text: str, cites: tuple[int, ...]) -> list[str]:
        """Clauses of `text` naming a trend (fell, 上升) whose closest clause in the cited
        paragraphs names the other one (brieflow.nlp.polarity: trend_clauses, trend)."""
        from . import embeddings
        from .polarity import opposed, trend, trend_clauses

        mine = trend_clauses(text, [self._texts.get(n, "") for n in cites])
        # each clause of the cited paragraphs, and each sentence ("reopen at 11:00 but was
        # delayed": the sentence says what its clauses say only in part)
        theirs = self._clause_units(cites)
        if not mine or not theirs:
            return []
        sims = embeddings.similarity(mine, theirs)
        out = []
        for i, clause in enumerate(mine):
            best = float(sims[i].max())
            # the closest clause that names a trend, if it is about as close as any
            named = [j for j in range(len(theirs)) if trend(theirs[j]) is not None]
            if not named:
                continue
            j = max(named, key=lambda k: float(sims[i, k]))
            if sims[i, j] < TREND_MATCH or sims[i, j] < best - TREND_MARGIN:
                continue
            said, there = trend(clause), trend(theirs[j])
            if said and there and opposed(said, there):
                out.append(f"{clause!r} goes the other way from {theirs[j]!r}")
        return out

    def find(self, text: str) -> int | None:
        """The paragraph that carries `text` on its own, if one does (for re-citing)."""
        scores = self.scores(text)
        if not scores:
            return None
        best = max(scores, key=lambda n: scores[n])
        return best if scores[best] >= SUPPORT_THRESHOLD else None


def _anchored(clause: str, paragraphs: list[str]) -> bool:
    """Every figure and name of the clause is in the paragraphs, and it has one: "for 163
    million yuan", "played by Song Jia" point at what the paragraph says."""
    from .names import placed_names
    from .numbers import missing_numbers

    figures = quantities(clause)
    hits, total = placed_names(clause, paragraphs)
    if not figures and not total:
        return False
    return hits == total and not (figures and missing_numbers(clause, paragraphs))


def is_passage(text: str, paragraphs: list[str]) -> bool:
    """`text` appears word for word (whitespace aside) in one of `paragraphs`, or is one
    paragraph's words in order with a lead and up to two asides left out (`_cut_passage`)."""
    needle = _flat(text)
    return bool(needle) and any(
        needle in _flat(p) or _cut_passage(needle, _flat(p)) for p in paragraphs
    )


# What a left-out aside may not hold: a figure, or a word that turns what remains around. A
# date may go (在26日的例行记者会上表示，): what remains says no less for it.
_NEGATION = re.compile(
    r"不(?!过|仅|断|少|同)|未(?!来)|没|无(?!论)|非(?!常)|否|勿"  # not 不过 (however), 未来, 非常…
    r"|\b(?:not|no|never|nor|without)\b|n't",
    re.I,
)
_DATE = re.compile(r"\d{1,4}\s?[年月日号时点]")


def _changes_meaning(left_out: str) -> bool:
    return bool(_NEGATION.search(left_out) or re.search(r"\d", _DATE.sub("", left_out)))


_SPEAKER_MARK = "：:"  # the extractive engine writes a speaker's 表示， as ：


@lru_cache(maxsize=512)
def _cut_passage(needle: str, hay: str, max_pieces: int = 3) -> bool:
    """`needle` is `hay`'s words in order, in at most `max_pieces` runs, as the extractive
    engine's cuts leave a sentence (an aside in brackets, a leading source or dateline, 表示，
    read as ：): what lies between two runs holds no figure or negation, every run but the
    first has 4 characters or more, and a negation right before the first is no lead. Cached
    as `_flat` is: the numbers and support checks ask it of the same statement."""
    j = 1
    while j <= len(needle) and needle[:j] in hay:
        j += 1
    first = needle[: j - 1]
    if not first or len(first) == len(needle):
        return False
    at = hay.find(first)
    for _ in range(8):  # the first run may stand earlier in the paragraph too ("专家" twice)
        if at < 0:
            return False
        if not _NEGATION.search(hay[max(0, at - 4) : at]) and _runs_follow(
            needle, len(first), hay, at + len(first), max_pieces - 1
        ):
            return True
        at = hay.find(first, at + 1)
    return False


def _runs_follow(needle: str, i: int, hay: str, pos: int, runs: int) -> bool:
    """needle[i:] is at most `runs` runs of hay[pos:], in order, each of 4 characters or
    more, with no figure or negation left out between them."""
    while i < len(needle):
        if needle[i] in _SPEAKER_MARK and hay.find(needle[i], pos) != pos:
            i += 1  # the colon the speaker cut wrote
            continue
        j = i + 1
        while j <= len(needle) and hay.find(needle[i:j], pos) >= 0:
            j += 1
        piece = needle[i : j - 1]
        at = hay.find(piece, pos) if piece else -1
        if at < 0 or len(piece) < 4 or runs == 0 or _changes_meaning(hay[pos:at]):
            return False
        runs -= 1
        pos, i = at + len(piece), j - 1
    return True


@lru_cache(maxsize=256)
def _flat(text: str) -> str:
    # Every statement of a brief is looked up in its cited paragraphs, by two checks; a few
    # hundred entries cover one brief's paragraphs without holding on to many long texts.
    return " ".join(text.split())


def _anchors(text: str) -> list[object]:
    return [*quantities(text), *(m.group(0) for m in _LATIN_NAME.finditer(text))]


def _anchor_share(anchors: list[object], paragraph: str) -> float:
    found = quantities(paragraph, chinese_numerals=True)
    hits = 0
    for a in anchors:
        if isinstance(a, str):
            hits += a in paragraph
        else:
            hits += any(matches(a, f) for f in found)  # type: ignore[arg-type]
    return hits / len(anchors)
