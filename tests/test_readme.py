"""The README's first example is real output: run its command and compare, byte for byte.

If this fails after a change to the engine or the text renderer, paste the new output of
`python -m brieflow brief examples/...` (run from the repository root) into README.md's first block.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

# The first fenced block starting with `$ brieflow brief examples/…`: the command, then its output.
EXAMPLE = re.compile(r"^```\n\$ brieflow (brief examples/[^\n]+)\n(.*?)^```$", re.M | re.S)


def readme_example() -> tuple[list[str], str]:
    match = EXAMPLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert match, "README.md has no fenced block starting with `$ brieflow brief examples/…`"
    return shlex.split(match.group(1)), match.group(2)


def test_readme_first_example_is_the_real_output():
    args, expected = readme_example()
    assert args[0] == "brief" and (ROOT / args[1]).is_file(), args
    proc = subprocess.run(
        [sys.executable, "-m", "brieflow", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""
    assert proc.stdout.decode("utf-8") == expected
