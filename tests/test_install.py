"""A light CLI: `brieflow --help` and the core commands load no heavy or web modules, and
`brieflow serve` without the web extra says how to get it."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import EXAMPLES

HEAVY = ("numpy", "rjieba", "lxml", "trafilatura", "httpx", "feedparser", "rich")
WEB = ("fastapi", "uvicorn", "jinja2", "starlette", "multipart")


def _modules_after(code: str) -> set[str]:
    """The top-level modules loaded by running `code` in a fresh interpreter."""
    listing = "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    probe = f"{code}\nimport json, sys\n{listing}"
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_help_loads_nothing_heavy() -> None:
    loaded = _modules_after(
        "import contextlib, io\nfrom brieflow.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert not loaded & {*HEAVY, *WEB}, sorted(loaded & {*HEAVY, *WEB})
    assert "importlib_metadata" not in loaded


def test_import_brieflow_is_light_until_used() -> None:
    loaded = _modules_after("import brieflow\nassert brieflow.__version__")
    assert not loaded & {*HEAVY, *WEB}, sorted(loaded & {*HEAVY, *WEB})
    loaded = _modules_after("from brieflow import Article, brief, Store, get_renderer")
    assert {"brieflow"} <= loaded and not loaded & set(WEB)


def test_brief_needs_no_web_modules() -> None:
    loaded = _modules_after(
        "import contextlib, io\nfrom brieflow.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['brief', {str(EXAMPLES / 'en-chip-export.txt')!r}]) == 0"
    )
    assert not loaded & set(WEB), sorted(loaded & set(WEB))


def test_serve_without_the_web_extra_says_how_to_get_it() -> None:
    code = (
        "import sys\nfor m in ('fastapi', 'uvicorn', 'jinja2'): sys.modules[m] = None\n"
        "from brieflow.cli import main\nsys.exit(main(['serve', '--port', '0']))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 7
    assert proc.stderr == (
        "brieflow: error: brieflow serve needs the web extra (fastapi is not installed) "
        '(pip install "brieflow[web]")\n'
    )
