"""Fakes at the network edge for the llm engine tests: canned chat completions over
httpx.MockTransport, and the battery article written for tests/data/check_pairs.json."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from brieflow.config import Settings
from brieflow.engines.llm import LLMEngine
from brieflow.models import Article

DATA = Path(__file__).parent / "data" / "check_pairs.json"
BASE_URL = "http://llm.test/v1"


def pairs() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def article(name: str = "battery") -> Article:
    a = pairs()["articles"][name]
    return Article.from_texts(
        a["paragraphs"],
        title=a["title"],
        source="搜狐财经",
        published="2025-08-01 08:41",
        language=a["language"],
    )


def good_brief() -> dict[str, Any]:
    """A brief of the battery article that passes every check."""
    return {
        "core_viewpoint": {
            "text": "Falling lithium prices have cut battery costs and pushed carmakers to lower "
            "prices, but sales and profits have not kept pace.",
            "citations": [1, 2, 3, 4],
        },
        "groups": [
            {
                "title": "Cheaper raw materials",
                "points": [
                    {
                        "text": "Lithium carbonate now sells for about 75,000 yuan a tonne, down "
                        "more than 80% from last year's peak.",
                        "citations": [1],
                    },
                    {
                        "text": "The cost of a 60 kWh LFP battery pack has fallen from about "
                        "50,000 yuan to around 32,000 yuan.",
                        "citations": [2],
                    },
                ],
            },
            {
                "title": "Price cuts and sales",
                "points": [
                    {
                        "text": "One new EV brand cut the starting price of its main model by "
                        "18,000 yuan in July, a reduction of about 8%.",
                        "citations": [3],
                    },
                    {
                        "text": "Domestic retail sales of new energy passenger cars reached "
                        "785,000 units in July, up 24% year on year.",
                        "citations": [4],
                    },
                ],
            },
            {
                "title": "Profits and expansion abroad",
                "points": [
                    {
                        "text": "The average gross margin of major battery makers fell to 17.3% "
                        "in the first half, 4.6 percentage points lower than a year earlier.",
                        "citations": [5],
                    },
                    {
                        "text": "A leading battery maker plans to invest about 7.3 billion euros "
                        "in a new plant in Hungary, due to start production in 2026.",
                        "citations": [6],
                    },
                ],
            },
        ],
    }


def completion(content: str | dict, *, prompt: int = 900, completion_tokens: int = 300) -> dict:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion_tokens},
    }


Reply = httpx.Response | dict | str | Exception | Callable[[httpx.Request], httpx.Response]


class FakeServer:
    """Answers requests in order from `replies` (the last one repeats) and records them."""

    def __init__(self, *replies: Reply):
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    @property
    def bodies(self) -> list[dict]:
        return [json.loads(r.content) for r in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply) and not isinstance(reply, httpx.Response):
            return reply(request)
        if isinstance(reply, httpx.Response):
            return reply
        return httpx.Response(200, json=completion(reply))


def engine(
    server: FakeServer, tmp_path: Path, sleeps: list[float] | None = None, **settings: Any
) -> LLMEngine:
    values = {
        "llm_base_url": BASE_URL,
        "llm_model": "test-model",
        "cache_dir": str(tmp_path / "cache"),
        **settings,
    }
    return LLMEngine(
        Settings(**values),
        transport=httpx.MockTransport(server),
        sleep=(sleeps.append if sleeps is not None else _no_sleep),
        rng=random.Random(0),
    )


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected sleep({seconds})")
