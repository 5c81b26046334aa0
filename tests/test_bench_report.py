"""bench/_report.py: each bench script replaces only its own marked section of benchmarks.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).parents[1] / "bench" / "_report.py"
_spec = importlib.util.spec_from_file_location("bench_report", _PATH)
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)


def test_replace_section_keeps_other_sections(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# Benchmarks\n\nintro\n\n## Speed\n\n<!-- speed:start -->\nold speed\n<!-- speed:end -->\n"
        "\n## Checks\n\n<!-- checks:start -->\nchecks table\n<!-- checks:end -->\n",
        encoding="utf-8",
    )
    report.replace_section("speed", "new speed\n| a | b |", "## Speed", path=doc)
    assert doc.read_text("utf-8") == (
        "# Benchmarks\n\nintro\n\n## Speed\n\n<!-- speed:start -->\nnew speed\n| a | b |\n"
        "<!-- speed:end -->\n\n## Checks\n\n"
        "<!-- checks:start -->\nchecks table\n<!-- checks:end -->\n"
    )


def test_missing_section_is_appended_with_its_heading(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n", encoding="utf-8")
    report.replace_section("quality", "table", "## Quality", path=doc)
    report.replace_section("quality", "table 2", "## Quality", path=doc)
    assert doc.read_text("utf-8") == (
        "# Benchmarks\n\n## Quality\n\n<!-- quality:start -->\ntable 2\n<!-- quality:end -->\n"
    )
    assert list(tmp_path.iterdir()) == [doc]  # no temporary file left behind
