"""`json.loads` that never raises RecursionError: input nested deeper than Python can parse
(`[` × 100,000) is a `json.JSONDecodeError` like any other malformed JSON, so every caller's
existing "not valid JSON" message covers it."""

from __future__ import annotations

import json
from typing import Any

TOO_DEEP = "nested too deeply"


def loads(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        doc = text if isinstance(text, str) else text.decode("utf-8", "replace")
        raise json.JSONDecodeError(TOO_DEEP, doc, 0) from None
