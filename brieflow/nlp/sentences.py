"""Sentence splitting for Chinese and English news text."""

from __future__ import annotations

import re

# Chinese: a sentence ends at 。！？；… (or ASCII !?; after Chinese text), with any closing
# quotes or brackets that follow staying with it.
_ZH_END = re.compile(r"(?:[。！？!?；;]+|…{1,2}|\.{3,6})[”’」』）)\]》\"']*")

# English: candidate ends are . ! ? (and …) with closing quotes/brackets, then space.
# A match starts only where a run of marks starts, and takes the run whole (possessive): a
# search that restarted inside a run of 40,000 "!" and backtracked was quadratic.
_EN_END = re.compile(r"(?:(?<![.!?])[.!?]++|…)[\"'”’)\]]*+(?=\s|$)")
# Words after which an abbreviation-like token really does end the sentence are rare; these
# abbreviations usually come before a name or a number, never at the end.
_BEFORE_NAME = frozenset(
    (
        "mr mrs ms dr prof st mt gen gov sen rep col lt sgt capt cmdr adm rev hon pres supt "
        "no nos vol pp fig vs cf e.g i.e"
    ).split()
)
# Abbreviations that may also end a sentence ("…based in the U.S. It employs…").
_ABBREVIATIONS = _BEFORE_NAME | frozenset(
    (
        "sr jr inc corp ltd co bros plc llc etc al approx dept est jan feb mar apr jun jul aug "
        "sep sept oct nov dec u.s u.k u.n e.u a.m p.m ave blvd rd"
    ).split()
)


_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
# Compiled once here rather than looked up in re's cache for every sentence.
_CONTENT = re.compile(r"[\w\u4e00-\u9fff]")
_STARTS_SENTENCE = re.compile(r"(?:The|A|An|It|He|She|They|We|I|But|In|On|This|That|[\"“])\b")
_STARTS_SENTENCE_UNQUOTED = re.compile(r"(?:The|A|An|It|He|She|They|We|I|But|In|On|This|That)\b")
_INITIALS_BEFORE = re.compile(r"[A-Za-z]\.[A-Za-z]$")


def split_sentences(text: str, language: str) -> list[str]:
    """The sentences of one paragraph, stripped, in order; never empty strings."""
    text = " ".join(text.split()) if language == "en" else text.strip()
    if not text:
        return []
    pieces = _split_zh(text) if language == "zh" else _split_en(text)
    return [p for p in (s.strip() for s in pieces) if p]


def _split_zh(text: str) -> list[str]:
    out, start = [], 0
    for m in _ZH_END.finditer(text):
        end = m.end()
        # A quote that opens right after the mark belongs to the next sentence.
        chunk = text[start:end]
        if chunk.strip():
            out.append(chunk)
        start = end
    if start < len(text):
        rest = text[start:]
        if out and not _CONTENT.search(rest):
            out[-1] += rest
        else:
            out.append(rest)
    # Merge fragments with no content (e.g. a lone closing quote).
    merged: list[str] = []
    for s in out:
        if merged and not _CONTENT.search(s):
            merged[-1] += s
        else:
            merged.append(s)
    return merged


def _split_en(text: str) -> list[str]:
    out, start = [], 0
    for m in _EN_END.finditer(text):
        end = m.end()
        if not _is_boundary(text, m.start(), end):
            continue
        out.append(text[start:end])
        start = end
    if start < len(text):
        out.append(text[start:])
    return out


def _is_boundary(text: str, mark: int, end: int) -> bool:
    # Only the few characters around the mark matter: look at a window, not the whole
    # paragraph (a copy of the rest at every full stop is quadratic in paragraph length).
    following = text[end : end + 40].lstrip()
    if not following:
        return True
    if text[mark] != ".":
        # ! and ? end a sentence unless the next word is lower-case ("Yahoo! shares", "what? no").
        return not following[0].islower()
    before = text[max(0, mark - 60) : mark]
    word_match = _WORD_BEFORE.search(before)
    word = word_match.group(1).lower() if word_match else ""
    nxt = following[0]
    if nxt.islower() or nxt in ",;:":
        return False
    if word in _BEFORE_NAME:
        return False
    if len(word) == 1 and text[mark - 1].isupper():
        # An initial: "J. K. Rowling", "George W. Bush".
        return False
    if word in _ABBREVIATIONS:
        # "U.S." / "Inc." can end a sentence; they do when a sentence-like start follows.
        return bool(_STARTS_SENTENCE.match(following))
    if _INITIALS_BEFORE.search(before):
        return bool(_STARTS_SENTENCE_UNQUOTED.match(following))
    return True
