"""The llm engine's transport: one OpenAI-compatible `/chat/completions` call with retries,
`response_format` fallbacks and an on-disk answer cache.

Retries use exponential backoff with jitter on 429 (honouring Retry-After), 5xx, timeouts and
connection errors. A server that rejects `response_format` json_schema is asked again with
json_object carrying the schema (llama-cpp-python's form), then plain json_object, then with no
response_format (JSON in plain text). The weaker mode is remembered for later requests only when
the error names the response format: a bare HTTP 400/422 (a prompt too long, say) tries the
weaker modes for that request alone, so one bad request cannot downgrade every later one.
The API key goes only into the Authorization header: it is scrubbed from every error message
and never part of a cache key or file.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .. import safejson
from .._version import __version__
from ..errors import EngineNotConfigured, EngineResponseError, EngineUnavailable
from ..redact import scrub, url_password, without_password
from ..retry import Retry, parse_retry_after, retrying
from .prompts import response_format

MODES = ("json_schema", "json_object_schema", "json_object", "none")
BACKOFF_BASE = 1.0  # seconds before the first retry (before jitter)
BACKOFF_CAP = 60.0
RETRY_AFTER_CAP = 120.0  # a longer Retry-After is waited only this long
MAX_TOKENS = 4096  # the default answer budget (Settings.llm_max_tokens)
KEY_HINT = "set BRIEFLOW_LLM_API_KEY (or OPENAI_API_KEY) to a valid key"
URL_HINT = "check --base-url (it usually ends in /v1) and --model"


@dataclass(frozen=True)
class Completion:
    """One answer: its text, the tokens it cost, and whether it came from the cache."""

    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None
    cached: bool = False


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "brieflow" / "llm"


class ResponseCache:
    """Answers on disk, one JSON file per request key, written atomically."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Completion | None:
        try:
            data = safejson.loads(self._path(key).read_text(encoding="utf-8"))
            return Completion(
                content=str(data["content"]),
                prompt_tokens=_token_count(data, "prompt_tokens"),
                completion_tokens=_token_count(data, "completion_tokens"),
                finish_reason=data.get("finish_reason"),
                cached=True,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # a missing or damaged entry is a miss

    def put(self, key: str, completion: Completion) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(
                    {
                        "content": completion.content,
                        "prompt_tokens": completion.prompt_tokens,
                        "completion_tokens": completion.completion_tokens,
                        "finish_reason": completion.finish_reason,
                    },
                    fh,
                    ensure_ascii=False,
                )
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs a rerun


def cache_key(
    model: str, messages: list[dict[str, str]], tag: str, max_tokens: int = MAX_TOKENS
) -> str:
    """Key of one request: model, messages (article, options, prompt), prompt version and
    answer budget."""
    payload = json.dumps(
        {"model": model, "messages": messages, "tag": tag, "max_tokens": max_tokens},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _token_count(usage: Any, key: str) -> int:
    """A token count from the server's `usage`; what is not a whole, finite, non-negative
    number (a string, Infinity, a list) counts as 0: usage is a report, not the answer."""
    value = usage.get(key) if isinstance(usage, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    if isinstance(value, float) and not math.isfinite(value):
        return 0
    return max(0, int(value))


def chat_url(base_url: str) -> str:
    base = base_url.strip().rstrip("/")
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


def _about_format(error: str) -> bool:
    return bool(re.search(r"response_format|json_schema|json_object", error, re.IGNORECASE))


class _RejectsFormat(Exception):
    """The server refused this request's response_format; `named` when its error says so."""

    def __init__(self, message: str, *, named: bool):
        super().__init__(message)
        self.named = named


class ChatClient:
    """An OpenAI-compatible chat endpoint; `transport` and `sleep` are for tests."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        timeout: float = 120.0,
        max_retries: int = 4,
        max_tokens: int = MAX_TOKENS,
        cache: ResponseCache | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ):
        self.url = chat_url(base_url)
        self.shown_url = without_password(self.url)  # what messages name
        self.model = model
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.max_tokens = max_tokens
        self.cache = cache
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.mode = MODES[0]
        self._key = (api_key or "").strip() or None
        if self._key is not None and not self._key.isascii():
            # HTTP headers are ASCII; the error httpx would raise quotes the key.
            raise EngineNotConfigured(
                "the API key holds characters other than ASCII letters, digits and signs",
                source="llm_api_key",
                hint="copy the key again from your provider (no quotes, spaces or look-alikes)",
            )
        headers = {"User-Agent": f"brieflow/{__version__}"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers=headers,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def scrub(self, text: str) -> str:
        """`text` without the API key or the base URL's password in it (in any case)."""
        return scrub(text, (self._key, url_password(self.url)))

    def complete(self, messages: list[dict[str, str]], *, tag: str = "") -> Completion:
        """The model's answer to `messages`, from the cache when this request was made before."""
        key = cache_key(self.model, messages, tag, self.max_tokens)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return hit
        mode = self.mode
        while True:
            try:
                completion = self._with_retries(messages, mode)
                break
            except _RejectsFormat as exc:
                nxt = MODES.index(mode) + 1
                if nxt >= len(MODES):
                    raise EngineResponseError(
                        f"the server rejected the request: {exc}",
                        source=self.shown_url,
                        hint=URL_HINT,
                    ) from None
                mode = MODES[nxt]
                if exc.named and MODES.index(mode) > MODES.index(self.mode):
                    self.mode = mode  # the server said the format is the problem: remember
        if self.cache is not None and completion.finish_reason != "length":
            self.cache.put(key, completion)
        return completion

    def _with_retries(self, messages: list[dict[str, str]], mode: str) -> Completion:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }
        if (fmt := response_format(mode)) is not None:
            body["response_format"] = fmt
        try:
            return retrying(
                lambda: self._once(body, mode),
                retries=self.max_retries,
                backoff=lambda n: min(BACKOFF_CAP, BACKOFF_BASE * 2**n) * self.rng.uniform(0.5, 1),
                retry_after_cap=RETRY_AFTER_CAP,
                sleep=self.sleep,
            )
        except Retry as exc:
            tries = exc.attempts
            raise EngineUnavailable(
                self.scrub(f"{exc.reason} ({tries} attempt{'s' if tries > 1 else ''})"),
                source=self.shown_url,
                hint="check that the server is running, or raise llm_timeout / llm_max_retries",
            ) from None

    def _once(self, body: dict[str, Any], mode: str) -> Completion:
        try:
            response = self._http.post(self.url, json=body)
        except httpx.TimeoutException:
            raise Retry(f"no answer within {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise Retry(
                self.scrub(f"cannot reach the server: {type(exc).__name__}: {exc}")
            ) from None
        status = response.status_code
        if status >= 400 and mode != MODES[-1] and _about_format(self._error_text(response)):
            # llama-cpp-python answers an unknown response_format with HTTP 500, others 400/422
            raise _RejectsFormat(f"HTTP {status}: {self._error_text(response)}", named=True)
        if status == 429:
            raise Retry(
                f"rate limited (HTTP 429: {self._error_text(response)})",
                wait=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status >= 500:
            raise Retry(
                f"server error (HTTP {status}: {self._error_text(response)})",
                wait=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status in (401, 403):
            raise EngineUnavailable(
                f"the server refused the API key (HTTP {status}: {self._error_text(response)})",
                source=self.shown_url,
                hint=KEY_HINT,
            )
        if status == 404:
            raise EngineUnavailable(
                f"not found (HTTP 404: {self._error_text(response)})",
                source=self.shown_url,
                hint=URL_HINT,
            )
        if status in (400, 422) and mode != MODES[-1]:
            # may be the format, may be this request (too long, say): weaker modes for it alone
            raise _RejectsFormat(f"HTTP {status}: {self._error_text(response)}", named=False)
        if status >= 400:
            raise EngineResponseError(
                f"the server rejected the request (HTTP {status}: {self._error_text(response)})",
                source=self.shown_url,
                hint=URL_HINT,
            )
        return self._completion(response)

    def _completion(self, response: httpx.Response) -> Completion:
        try:
            data = safejson.loads(response.content)
            choice = data["choices"][0]
            message = choice.get("message") or {}
            content = message.get("content")
            usage = data.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise EngineResponseError(
                "the answer is not an OpenAI chat completion", source=self.shown_url, hint=URL_HINT
            ) from None
        if not isinstance(content, str) or not content.strip():
            refusal = message.get("refusal")
            raise EngineResponseError(
                self.scrub(f"the model returned no text{f': {refusal}' if refusal else ''}"),
                source=self.shown_url,
                hint="try another model",
            )
        return Completion(
            content=content,
            prompt_tokens=_token_count(usage, "prompt_tokens"),
            completion_tokens=_token_count(usage, "completion_tokens"),
            finish_reason=choice.get("finish_reason"),
        )

    def _error_text(self, response: httpx.Response) -> str:
        try:
            data = safejson.loads(response.content)
            err = data.get("error", data) if isinstance(data, dict) else data
            text = err.get("message", str(err)) if isinstance(err, dict) else str(err)
        except ValueError:
            text = response.text
        # Scrub first: a key cut in half by the 200-character limit would no longer match.
        text = " ".join(self.scrub(str(text)).split())[:200] or response.reason_phrase
        return text
