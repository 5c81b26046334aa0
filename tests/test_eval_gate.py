"""The eval gate: on our own fixture sets, no system may score below its pinned floor.

Floors are in tests/eval_floors.json; `python -m brieflow.evaluate.gate --update` raises them and
lowering them needs `--allow-lower` and a reviewed reason (docs/evaluation.md)."""

from __future__ import annotations

import pytest

from brieflow.evaluate.gate import FIXTURES, GATED, check, load_floors, run_fixtures, updated


@pytest.fixture(scope="module")
def reports():
    return run_fixtures()


def test_floors_cover_every_fixture_set_and_system(reports):
    floors = load_floors()
    assert set(floors["sets"]) == {p.stem for p in FIXTURES.glob("*.jsonl")} == set(reports)
    for set_name, systems in floors["sets"].items():
        assert set(systems) == {"brieflow", "lead", "lexrank", "textrank", "lsa", "oracle"}
        for metric in (*GATED, "citation_validity"):
            assert metric in systems["brieflow"], (set_name, metric)
        assert systems["brieflow"]["citation_validity"] == 1.0


def test_no_score_is_below_its_floor(reports):
    assert check(reports, load_floors()) == []


def test_the_fixture_sets_tell_systems_apart(reports):
    for report in reports.values():
        systems = report["systems"]
        assert systems["oracle"]["rouge1_f1"] > systems["lead"]["rouge1_f1"]
        assert all(s["empty"] == 0.0 for s in systems.values())


def test_update_never_lowers_a_floor_unless_allowed(reports):
    floors = {"sets": {"en-news": {"lead": {"rouge1_f1": 99.0}}}}
    assert (
        updated(reports, floors, allow_lower=False)["sets"]["en-news"]["lead"]["rouge1_f1"] == 99.0
    )
    lowered = updated(reports, floors, allow_lower=True)["sets"]["en-news"]["lead"]["rouge1_f1"]
    assert lowered == reports["en-news"]["systems"]["lead"]["rouge1_f1"]
    assert check(reports, floors) == [
        f"en-news lead rouge1_f1: {reports['en-news']['systems']['lead']['rouge1_f1']} < floor 99.0"
    ]
