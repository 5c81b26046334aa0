"""Bytes → str for text-like inputs, refusing binary data and bytes no encoding explains."""

from __future__ import annotations

import re

from ..errors import DecodeError, UnsupportedFormat
from .htmlbytes import sniff_chinese

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; else GB18030 or Big5 (chosen as
    HTML's are, by `sniff_chinese`) when the result reads as Chinese. Anything else is a
    DecodeError naming the fix."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise UnsupportedFormat(
            "this looks like a binary file, not an article",
            source=name,
            hint="give a text, Markdown, HTML, JSON, JSON Lines or feed file",
        )
    text: str | None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = sniff_chinese(data)
        if text is None or not _looks_chinese(text):
            raise DecodeError(
                f"cannot decode the bytes at offset {exc.start} as UTF-8, GB18030 or Big5",
                source=name,
                hint="save the file as UTF-8",
            ) from None
    if len(_CONTROL.findall(text[:4096])) > 8:
        raise UnsupportedFormat(
            "this looks like a binary file, not an article",
            source=name,
            hint="give a text, Markdown, HTML, JSON, JSON Lines or feed file",
        )
    return text


def _looks_chinese(text: str) -> bool:
    letters = [c for c in text if not c.isspace() and not c.isascii()]
    if not letters:
        return False
    return sum(1 for c in letters if _CJK.match(c)) / len(letters) > 0.6
