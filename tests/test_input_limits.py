"""Inputs that never end: devices, FIFOs and oversized files or stdin (issue 13, defect 12).
Each command refuses them with one line instead of reading without bound or blocking."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES

EN = EXAMPLES / "en-chip-export.txt"


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None):
    proc = subprocess.run(
        [sys.executable, "-m", "brieflow", *args],
        input=stdin,
        capture_output=True,
        timeout=60,  # reading /dev/zero or waiting on a FIFO used to run forever
        env={**os.environ, **(env or {})},
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", ["brief", "extract"])
def test_devices_are_refused(command: str, device: str) -> None:
    code, out, err = run(command, device)
    assert code == 3
    assert out == ""
    assert err == (
        f"brieflow: error: {device}: not a regular file (a character device) "
        f"(to read it anyway, pipe it: brieflow {command} - < {device})\n"
    )


def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "news.txt"
    os.mkfifo(fifo)
    code, _, err = run("brief", str(fifo), str(EN))
    assert code == 1  # the other source is briefed
    assert f"{fifo}: not a regular file (a FIFO)" in err


def test_file_larger_than_the_input_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(EN.read_bytes())
    size = big.stat().st_size
    code, _, err = run("brief", str(big), env={"BRIEFLOW_INPUT_MAX_BYTES": "1000"})
    assert code == 3
    assert err == (
        f"brieflow: error: {big}: the file is {size:,} bytes, more than the 1,000 allowed "
        "(raise input_max_bytes: --max-input-bytes or BRIEFLOW_INPUT_MAX_BYTES)\n"
    )
    code, out, _ = run("brief", str(big), "--max-input-bytes", str(size))
    assert code == 0 and out.startswith("Chipmakers Brace")


def test_stdin_larger_than_the_input_cap() -> None:
    code, _, err = run("extract", "-", "--max-input-bytes", "100", stdin=b"x" * 101)
    assert code == 3
    assert err == (
        "brieflow: error: -: standard input is larger than the 100 bytes allowed "
        "(raise input_max_bytes: --max-input-bytes or BRIEFLOW_INPUT_MAX_BYTES)\n"
    )
    code, out, _ = run("extract", "-", "--max-input-bytes", "100", stdin=b"Short text.\n")
    assert code == 0 and "Short text." in out
