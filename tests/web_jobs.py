"""Stand-ins for the web app's worker jobs (pickled by name, so they live in a module that the
worker processes can import)."""

from __future__ import annotations

import os
import re
from typing import Any


def hold_gil(*args: Any) -> None:
    """A regex that backtracks exponentially: one C call that never lets go of the GIL."""
    re.match(r"(?:a|a)*c", "a" * 60)


def die(*args: Any) -> None:
    """The worker process dies mid-job (as when the kernel kills it for memory)."""
    os._exit(9)
