"""Near-duplicate detection: MinHash signatures over character shingles, with LSH buckets.

Character shingles need no word splitting, so they work for Chinese and English alike. The text
is NFKC-normalised, case-folded and stripped of everything but letters and digits first, so
re-punctuated or re-spaced copies of a story look the same. Two articles whose estimated Jaccard
similarity is at least `THRESHOLD` are near-duplicates.

The constants below are part of the stored data (signatures and buckets are kept in the
database): changing them needs a migration that recomputes every signature.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

SHINGLE = 5  # characters per shingle
PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: pairs at Jaccard 0.8 share a bucket with p > 0.999
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.8


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The multipliers (odd) and offsets of the PERMUTATIONS hash functions, from BLAKE2b of
    fixed labels: the same on every machine and every numpy version, forever (numpy's random
    streams are not promised to stay the same; stored signatures must)."""
    a, b = [], []
    for i in range(PERMUTATIONS):
        digest = hashlib.blake2b(f"brieflow.minhash/{i}".encode(), digest_size=16).digest()
        a.append(int.from_bytes(digest[:8], "little") | 1)
        b.append(int.from_bytes(digest[8:], "little"))
    return np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)


_A, _B = _permutations()
_BASE = np.uint64(1_000_003)
_NOT_WORD = re.compile(r"[\W_]+")


def normalize(texts: Iterable[str]) -> str:
    """Only the letters and digits, case-folded: what survives light re-editing."""
    text = unicodedata.normalize("NFKC", "".join(texts)).casefold()
    return _NOT_WORD.sub("", text)


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of every SHINGLE-character window of `text`."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size == 0:
        return np.zeros(1, dtype=np.uint64)
    k = min(SHINGLE, codes.size)
    n = codes.size - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _BASE + codes[j : j + n]
        # mix so that nearby windows spread over all 64 bits
        h ^= h >> np.uint64(31)
        h *= np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(29)
    return np.unique(h)


def signature(texts: Iterable[str]) -> np.ndarray:
    """The MinHash signature (PERMUTATIONS uint32 values) of the article's paragraphs."""
    hashes = shingle_hashes(normalize(texts))
    sig = np.empty(PERMUTATIONS, dtype=np.uint32)
    with np.errstate(over="ignore"):
        # multiply-shift hashing: the high 32 bits of a*x+b (mod 2^64) act as a permutation
        for start in range(0, PERMUTATIONS, 16):  # chunks keep memory small for long texts
            a = _A[start : start + 16, None]
            b = _B[start : start + 16, None]
            sig[start : start + 16] = ((a * hashes[None, :] + b) >> np.uint64(32)).min(axis=1)
    return sig


def signature_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def buckets(sig: np.ndarray) -> list[int]:
    """One signed 64-bit bucket key per band (the band number is hashed in)."""
    out = []
    raw = sig.astype("<u4")
    for band in range(BANDS):
        digest = hashlib.blake2b(
            raw[band * ROWS : (band + 1) * ROWS].tobytes(), digest_size=8, key=bytes([band])
        ).digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return out


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS
