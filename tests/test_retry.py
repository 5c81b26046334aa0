"""The one retry loop (brieflow.retry) shared by fetch and the llm client."""

from pathlib import Path

import pytest

from brieflow.retry import Retry, parse_retry_after, retrying

PACKAGE = Path(__file__).resolve().parent.parent / "brieflow"


def flaky(failures: list[Retry]):
    def attempt() -> str:
        if failures:
            raise failures.pop(0)
        return "ok"

    return attempt


def test_backoff_then_success() -> None:
    sleeps: list[float] = []
    got = retrying(
        flaky([Retry("a"), Retry("b")]),
        retries=2,
        backoff=lambda n: 0.5 * 2**n,
        retry_after_cap=10,
        sleep=sleeps.append,
    )
    assert got == "ok" and sleeps == [0.5, 1.0]


def test_retry_after_wins_over_backoff_and_is_capped() -> None:
    sleeps: list[float] = []
    attempt = flaky([Retry("a", wait=3.0), Retry("b", wait=999.0), Retry("c")])
    retrying(
        attempt, retries=3, backoff=lambda n: 100.0 + n, retry_after_cap=10, sleep=sleeps.append
    )
    assert sleeps == [3.0, 10.0, 102.0]


def test_gives_up_with_the_last_reason_and_the_attempts() -> None:
    sleeps: list[float] = []
    with pytest.raises(Retry) as info:
        retrying(
            flaky([Retry("first"), Retry("last", "a hint")]),
            retries=1,
            backoff=lambda n: 1.0,
            retry_after_cap=10,
            sleep=sleeps.append,
        )
    assert (info.value.reason, info.value.hint, info.value.attempts) == ("last", "a hint", 2)
    assert sleeps == [1.0]  # no wait after the last attempt


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise ValueError("bad")

    with pytest.raises(ValueError):
        retrying(attempt, retries=3, backoff=lambda n: 1.0, retry_after_cap=1, sleep=calls.append)
    assert calls == [1]


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_one_retry_loop() -> None:
    # fetch and the llm client wait only through `retrying`, never in a loop of their own
    for name in ("fetch.py", "engines/openai_client.py"):
        source = (PACKAGE / name).read_text(encoding="utf-8")
        assert "retrying(" in source, name
        assert "sleep(" not in source.replace("time.sleep", ""), name
        assert "class _Retry" not in source, name
