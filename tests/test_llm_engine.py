"""The llm engine over httpx.MockTransport: good answers, every failure, repair and trimming."""

from __future__ import annotations

import copy
import json

import httpx
import pytest

from brieflow.config import Settings
from brieflow.engines import BriefOptions, get_engine
from brieflow.engines.prompts import BRIEF_SCHEMA
from brieflow.errors import CheckError, ConfigError, EngineResponseError, EngineUnavailable
from brieflow.models import Usage
from brieflow.pipeline import brief as pipeline_brief
from tests.llm_fakes import FakeServer, article, completion, engine, good_brief

OPTIONS = BriefOptions()


def bad(path: tuple, value) -> dict:
    """The good brief with one statement's field replaced: path like (group, point, field)."""
    data = copy.deepcopy(good_brief())
    g, p, key = path
    data["groups"][g]["points"][p][key] = value
    return data


def test_good_answer_is_checked_and_recorded(tmp_path):
    server = FakeServer(good_brief())
    eng = engine(server, tmp_path, llm_api_key="sk-test-123")
    result = eng.brief(article(), OPTIONS)
    assert result.checks.passed, result.checks.findings
    assert result.checks.checks == ("range", "shape", "language", "support", "numbers")
    assert result.checks.actions == ()
    assert result.language == "en"
    assert result.engine == "llm"
    assert result.engine_version == "0.1.0/prompt-1/test-model"
    assert [t.title for t in result.themes] == [
        "Cheaper raw materials",
        "Price cuts and sales",
        "Profits and expansion abroad",
    ]
    assert result.viewpoint.citations == (1, 2, 3, 4)
    assert result.usage == Usage(prompt_tokens=900, completion_tokens=300, requests=1, cached=0)
    assert eng.usage == result.usage
    # the request: numbered paragraphs, metadata, schema as response_format, key in the header
    (request,) = server.requests
    assert str(request.url) == "http://llm.test/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test-123"
    body = json.loads(request.content)
    assert body["model"] == "test-model"
    assert body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == BRIEF_SCHEMA
    user = body["messages"][1]["content"]
    assert "Title: 电池原料价格回落 车企加速降价" in user
    assert "Source: 搜狐财经" in user and "Published: 2025-08-01 08:41" in user
    assert "[1] 今年以来，碳酸锂价格持续下跌" in user
    assert "[6] 也有企业选择加大海外布局" in user
    assert "Write the brief in English" in user
    assert result.to_dict(article())["usage"]["requests"] == 1


def test_rerun_comes_from_the_cache(tmp_path):
    first = FakeServer(good_brief())
    engine(first, tmp_path).brief(article(), OPTIONS)
    second = FakeServer(httpx.Response(500))
    again = engine(second, tmp_path).brief(article(), OPTIONS)
    assert second.requests == []
    assert again.usage == Usage(cached=1)
    assert again.checks.passed
    # other options are another request
    third = FakeServer(good_brief())
    engine(third, tmp_path).brief(article(), BriefOptions(max_groups=3))
    assert len(third.requests) == 1


def test_cache_can_be_turned_off(tmp_path):
    server = FakeServer(good_brief())
    engine(server, tmp_path, cache_dir="off").brief(article(), OPTIONS)
    engine(server, tmp_path, cache_dir="off").brief(article(), OPTIONS)
    assert len(server.requests) == 2


def test_invalid_json_is_repaired(tmp_path):
    server = FakeServer('{"core_viewpoint": {"text": "Lithium', good_brief())
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    assert result.checks.passed
    assert result.checks.actions == ("asked the model once to repair 1 problem",)
    repair = server.bodies[1]["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert repair[2]["content"] == '{"core_viewpoint": {"text": "Lithium'
    assert "- the answer is not valid JSON (Unterminated string" in repair[3]["content"]
    assert result.usage == Usage(prompt_tokens=1800, completion_tokens=600, requests=2)


def test_json_in_fences_after_thinking_is_read(tmp_path):
    content = "<think>plan</think>\nHere it is:\n```json\n" + json.dumps(good_brief()) + "\n```"
    server = FakeServer(content)
    assert engine(server, tmp_path).brief(article(), OPTIONS).checks.passed
    assert len(server.requests) == 1


def test_schema_violations_are_listed_in_the_repair_request(tmp_path):
    answer = good_brief()
    answer["groups"][0]["points"][0]["citations"] = "one"
    answer["groups"][1]["title"] = 7
    del answer["core_viewpoint"]
    server = FakeServer(answer, good_brief())
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    assert result.checks.passed
    text = server.bodies[1]["messages"][3]["content"]
    assert "- group 1 point 1: citations must be a list of paragraph numbers" in text
    assert "- group 2: title must be a string" in text
    assert "- the answer has no core_viewpoint" in text


def test_unreadable_twice_is_an_engine_error(tmp_path):
    server = FakeServer("I cannot do that.")
    with pytest.raises(EngineResponseError, match="did not return a valid brief, even after"):
        engine(server, tmp_path).brief(article(), OPTIONS)
    assert len(server.requests) == 2


def test_out_of_range_citation_is_re_cited(tmp_path):
    answer = bad((0, 0, "citations"), [9])
    server = FakeServer(answer)  # stubborn: the same answer after the repair request
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    assert (
        "group 1 point 1: cites paragraph 9, but the article has paragraphs 1-6"
        in (server.bodies[1]["messages"][3]["content"])
    )
    assert result.themes[0].points[0].citations == (1,)
    assert "re-cited group 1 point 1: [9] → [1]" in result.checks.actions
    assert result.checks.passed


def test_unsupported_point_is_re_cited_where_support_finds_it(tmp_path):
    answer = bad((0, 0, "citations"), [6])  # lithium prices, citing the Hungary paragraph
    server = FakeServer(answer)
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    repair = server.bodies[1]["messages"][3]["content"]
    assert "group 1 point 1: paragraph [6] does not carry this statement" in repair
    assert "closest is paragraph [1]" in repair
    assert result.themes[0].points[0].citations == (1,)
    # its numbers are not in paragraph 6 either: two problems, one fix
    assert "group 1 point 1: 75,000 yuan, 80% not in paragraph [6]" in repair
    assert result.checks.actions == (
        "asked the model once to repair 2 problems",
        "re-cited group 1 point 1: [6] → [1]",
    )


def test_wrong_number_is_dropped_by_trim(tmp_path):
    wrong = "Lithium carbonate now sells for about 7.5 million yuan a tonne."
    server = FakeServer(bad((0, 0, "text"), wrong))
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    repair = server.bodies[1]["messages"][3]["content"]
    assert "group 1 point 1: 7.5 million yuan not in paragraph [1] (its numbers: 7.5万元" in repair
    assert [p.citations for p in result.themes[0].points] == [(2,)]
    assert "dropped group 1 point 1 (numbers check failed)" in result.checks.actions
    assert result.checks.passed
    # the warning about a one-point group is reported, not hidden
    assert [f.where for f in result.checks.findings] == ["group 1"]


def test_wrong_number_with_on_fail_error_is_a_check_error(tmp_path):
    wrong = "Lithium carbonate now sells for about 7.5 million yuan a tonne."
    server = FakeServer(bad((0, 0, "text"), wrong))
    with pytest.raises(CheckError) as info:
        engine(server, tmp_path, on_fail="error").brief(article(), OPTIONS)
    assert info.value.exit_code == 5
    assert "1 problem after one repair: group 1 point 1: 7.5 million yuan not in" in str(info.value)


def test_language_drift_is_dropped(tmp_path):
    answer = bad((1, 1, "text"), "7月国内新能源乘用车零售量为78.5万辆，同比增长24%。")
    answer["groups"][2]["title"] = "利润与海外扩张"
    server = FakeServer(answer)
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    repair = server.bodies[1]["messages"][3]["content"]
    assert "group 2 point 2: written in zh, but the brief is in en" in repair
    assert "group 3 title: written in zh, but the brief is in en" in repair
    assert [t.title for t in result.themes] == ["Cheaper raw materials", "Price cuts and sales"]
    assert len(result.themes[1].points) == 1
    assert "dropped group 3 (利润与海外扩张): its title failed" in result.checks.actions


def test_repair_that_fixes_the_problem_is_used(tmp_path):
    server = FakeServer(bad((0, 0, "citations"), [6]), good_brief())
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    assert result.checks.passed
    assert result.checks.actions == ("asked the model once to repair 2 problems",)


def test_a_bad_viewpoint_is_replaced_by_the_passing_point_closest_to_it(tmp_path):
    answer = good_brief()
    answer["core_viewpoint"]["text"] = "Lithium prices fell 95% to 9,000 yuan a tonne."
    server = FakeServer(answer)
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    assert len(server.requests) == 2  # one repair, never more
    assert result.viewpoint.text == (
        "Lithium carbonate now sells for about 75,000 yuan a tonne, down more than 80% from "
        "last year's peak."
    )
    assert result.viewpoint.citations == (1,)
    assert [len(t.points) for t in result.themes] == [1, 2, 2]  # moved, not shown twice
    assert result.checks.actions == (
        "asked the model once to repair 1 problem",
        "replaced the core viewpoint by group 1 point 1, the passing point closest to it",
    )
    assert result.checks.passed
    # the shipped brief says what was trimmed, in the JSON and in the text
    assert result.to_dict(article())["checks"]["actions"][1].startswith("replaced the core")


def test_a_viewpoint_with_one_bad_clause_keeps_the_clauses_that_pass(tmp_path):
    answer = good_brief()
    answer["core_viewpoint"]["text"] = (
        "Falling lithium prices have cut battery costs and pushed carmakers to lower prices, "
        "while battery makers' margins rose to 21.9%."
    )
    server = FakeServer(answer)
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    assert result.viewpoint.text == (
        "Falling lithium prices have cut battery costs and pushed carmakers to lower prices."
    )
    assert result.viewpoint.citations == (1, 2, 3, 4)
    assert result.checks.actions[1:] == (
        "cut the core viewpoint to its leading clauses that pass (numbers check failed)",
    )
    assert [len(t.points) for t in result.themes] == [2, 2, 2]
    assert result.checks.passed


def test_a_bad_viewpoint_is_refused_when_no_point_can_stand_in(tmp_path):
    answer = good_brief()
    answer["core_viewpoint"]["text"] = "Lithium prices fell 95% to 9,000 yuan a tonne."
    for group in answer["groups"]:
        for point in group["points"]:
            point["text"] = "Battery makers sold 12.5 million packs in 2019."
    answer["groups"][0]["points"][0] = good_brief()["groups"][0]["points"][0]  # one passes
    server = FakeServer(answer)
    with pytest.raises(CheckError, match="no key point passes to stand in for it"):
        engine(server, tmp_path).brief(article(), OPTIONS)
    assert len(server.requests) == 2


def test_too_many_groups_are_cut_to_the_options(tmp_path):
    answer = good_brief()
    server = FakeServer(answer)
    result = engine(server, tmp_path).brief(article(), BriefOptions(max_groups=2, max_points=1))
    assert len(result.themes) == 2 and all(len(t.points) == 1 for t in result.themes)
    assert result.checks.actions == (
        "kept the first 1 points of group 1",
        "kept the first 1 points of group 2",
        "kept the first 1 points of group 3",
        "kept the first 2 groups",
    )
    body = server.bodies[0]["messages"][1]["content"]
    assert "groups: 2 groups, each a short title (a few words) and 1 points" in body


def test_429_honours_retry_after(tmp_path):
    sleeps: list[float] = []
    limited = httpx.Response(429, headers={"Retry-After": "7"}, json={"error": {"message": "slow"}})
    server = FakeServer(limited, good_brief())
    result = engine(server, tmp_path, sleeps).brief(article(), OPTIONS)
    assert sleeps == [7.0]
    assert result.checks.passed and result.usage.requests == 1


def test_500s_back_off_exponentially_with_jitter(tmp_path):
    sleeps: list[float] = []
    server = FakeServer(httpx.Response(500), httpx.Response(502), httpx.Response(503), good_brief())
    engine(server, tmp_path, sleeps).brief(article(), OPTIONS)
    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps):
        assert 0.5 * 2**attempt <= delay <= 2**attempt


def test_500s_until_the_retries_run_out(tmp_path):
    sleeps: list[float] = []
    server = FakeServer(httpx.Response(500, json={"error": {"message": "overloaded"}}))
    with pytest.raises(EngineUnavailable) as info:
        engine(server, tmp_path, sleeps, llm_max_retries=2).brief(article(), OPTIONS)
    assert len(server.requests) == 3 and len(sleeps) == 2
    assert info.value.exit_code == 4
    assert str(info.value) == (
        "http://llm.test/v1/chat/completions: server error (HTTP 500: overloaded) (3 attempts) "
        "(check that the server is running, or raise llm_timeout / llm_max_retries)"
    )


def test_timeouts_are_retried_then_reported(tmp_path):
    sleeps: list[float] = []
    server = FakeServer(httpx.ReadTimeout("slow"))
    with pytest.raises(EngineUnavailable, match=r"no answer within 30 s \(2 attempts\)"):
        engine(server, tmp_path, sleeps, llm_timeout=30, llm_max_retries=1).brief(
            article(), OPTIONS
        )
    assert len(sleeps) == 1


def test_connection_error_then_success(tmp_path):
    sleeps: list[float] = []
    server = FakeServer(httpx.ConnectError("refused"), good_brief())
    assert engine(server, tmp_path, sleeps).brief(article(), OPTIONS).checks.passed
    assert len(sleeps) == 1


def test_response_format_fallbacks(tmp_path):
    rejects = httpx.Response(400, json={"error": {"message": "response_format not supported"}})
    server = FakeServer(rejects, rejects, rejects, good_brief())
    eng = engine(server, tmp_path)
    assert eng.brief(article(), OPTIONS).checks.passed
    formats = [b.get("response_format", {}).get("type") for b in server.bodies]
    assert formats == ["json_schema", "json_object", "json_object", None]
    assert server.bodies[1]["response_format"]["schema"] == BRIEF_SCHEMA
    assert "schema" not in server.bodies[2]["response_format"]
    assert eng.client.mode == "none"  # remembered for the next article


def test_server_error_about_the_format_is_a_fallback_not_a_retry(tmp_path):
    # llama-cpp-python's answer to {"type": "json_schema"}
    message = "1 validation error: ('body', 'response_format', 'type') Input should be 'text'"
    server = FakeServer(httpx.Response(500, json={"message": message}), good_brief())
    eng = engine(server, tmp_path)
    assert eng.brief(article(), OPTIONS).checks.passed
    assert eng.client.mode == "json_object_schema"


def test_bad_request_in_plain_mode_is_an_engine_error(tmp_path):
    server = FakeServer(httpx.Response(400, json={"error": {"message": "context too long"}}))
    with pytest.raises(EngineResponseError, match="HTTP 400: context too long"):
        engine(server, tmp_path).brief(article(), OPTIONS)
    assert len(server.requests) == 4


def test_missing_configuration_says_how_to_fix():
    with pytest.raises(ConfigError) as info:
        get_engine("llm", Settings())
    assert info.value.exit_code == 7
    assert "the llm engine needs --base-url and --model" in str(info.value)
    assert "BRIEFLOW_LLM_BASE_URL" in str(info.value)


def test_the_key_never_leaks(tmp_path):
    key = "sk-secret-XYZ-987"
    echo = httpx.Response(401, json={"error": {"message": f"Incorrect API key: {key}"}})
    with pytest.raises(EngineUnavailable) as info:
        engine(FakeServer(echo), tmp_path, llm_api_key=key).brief(article(), OPTIONS)
    assert key not in str(info.value) and "***" in str(info.value)
    assert "set BRIEFLOW_LLM_API_KEY (or OPENAI_API_KEY)" in str(info.value)
    eng = engine(FakeServer(good_brief()), tmp_path, llm_api_key=key)
    result = eng.brief(article(), OPTIONS)
    assert key not in json.dumps(result.to_dict(article()))
    assert key not in repr(eng) and key not in repr(eng.settings)
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert key not in path.read_text(encoding="utf-8")


def test_long_article_is_pre_selected_keeping_numbers(tmp_path):
    server = FakeServer(good_brief())
    result = engine(server, tmp_path, llm_context_chars=200).brief(article(), OPTIONS)
    user = server.bodies[0]["messages"][1]["content"]
    shown = [n for n in range(1, 7) if f"[{n}] " in user]
    assert 1 <= len(shown) < 6
    assert result.checks.actions[0].startswith("the article has 6 paragraphs (")
    assert "the model saw" in result.checks.actions[0]


def test_pipeline_keeps_the_engines_report(tmp_path):
    server = FakeServer(bad((0, 0, "citations"), [6]))
    result = pipeline_brief(article(), engine=engine(server, tmp_path))
    assert "re-cited group 1 point 1: [6] → [1]" in result.checks.actions


def test_usage_round_trips_through_json(tmp_path):
    from brieflow.models import Brief

    result = engine(FakeServer(good_brief()), tmp_path).brief(article(), OPTIONS)
    assert Brief.from_dict(result.to_dict()).usage == result.usage


def test_completion_without_text_is_an_engine_error(tmp_path):
    empty = completion("")
    server = FakeServer(httpx.Response(200, json=empty))
    with pytest.raises(EngineResponseError, match="the model returned no text"):
        engine(server, tmp_path).brief(article(), OPTIONS)


def test_a_reversed_trend_is_dropped_not_re_cited(tmp_path):
    # its own paragraph is where it belongs: the statement is wrong, not its citation
    reversed_ = "Domestic retail sales of new energy passenger cars reached 785,000 units in July, "
    reversed_ += "down 24% year on year."
    server = FakeServer(bad((1, 1, "text"), reversed_))
    result = engine(server, tmp_path).brief(article(), OPTIONS)
    repair = server.bodies[1]["messages"][3]["content"]
    assert (
        "group 2 point 2: paragraph [4] does not carry this statement: 24% is down here" in repair
    )
    assert "dropped group 2 point 2 (support check failed)" in result.checks.actions
    assert all("re-cited" not in a for a in result.checks.actions)
    assert reversed_ not in [p.text for t in result.themes for p in t.points]


def test_a_faithful_brief_ships_whole(tmp_path):
    result = engine(FakeServer(good_brief()), tmp_path).brief(article(), OPTIONS)
    shipped = [(p.text, p.citations) for t in result.themes for p in t.points]
    written = [
        (p["text"], tuple(p["citations"])) for g in good_brief()["groups"] for p in g["points"]
    ]
    assert shipped == written
    assert result.checks.actions == ()
