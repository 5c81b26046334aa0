"""Keeping secrets out of messages: API keys and URL passwords never reach an error line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*):[^/@]*@")


def without_password(url: str) -> str:
    """`url` with the password of its user:password@ part shown as ***."""
    return _USERINFO.sub(r"\1:***@", url)


def url_password(url: str) -> str | None:
    """The password in `url`'s userinfo, as written and decoded, or None."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return password or None


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret replaced by ***, whatever its case (servers echo keys
    lower-cased) and also percent-decoded. Scrub before cutting a message short: a cut key
    no longer matches."""
    for secret in secrets:
        if not secret:
            continue
        for form in {secret, unquote(secret)}:
            if len(form) >= 4:  # a one-letter "password" would blank every word holding it
                text = re.sub(re.escape(form), "***", text, flags=re.IGNORECASE)
    return text
