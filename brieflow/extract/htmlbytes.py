"""HTML bytes → str in the page's real encoding, without mojibake.

Why not trust one label: Chinese pages are often served with a wrong HTTP charset (a server
default of UTF-8 on a GBK page), declare `gb2312` while using GBK characters, or declare nothing.
Order: a BOM; valid UTF-8 (it almost never happens by chance), or UTF-8 with a stray broken byte
or two; the charsets the page and the
server declare, each tried strictly (GBK and GB2312 are decoded as their superset GB18030, Big5
as Big5-HKSCS when plain Big5 fails); then GB18030 vs Big5 by which reads as common Chinese.
"""

from __future__ import annotations

import codecs
import re

from ..errors import DecodeError

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)

# Labels whose real content is a superset: decode with the superset so nothing is lost.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5",
    "iso-8859-1": "cp1252",  # browsers read Latin-1 labels as Windows-1252
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}


def declared_charsets(data: bytes, http_charset: str | None = None) -> list[str]:
    """Python codec names the page declares (meta or XML declaration) and the server sent."""
    head = data[:4096]
    labels = []
    for pattern in (_XML_ENCODING, _META_CHARSET):
        if m := pattern.search(head):
            labels.append(m.group(1).decode("ascii", "ignore"))
    if http_charset:
        labels.append(http_charset)
    out: list[str] = []
    for label in labels:
        codec = _codec(label)
        if codec and codec not in out:
            out.append(codec)
    return out


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def decode_html(data: bytes, name: str, *, http_charset: str | None = None) -> str:
    """The page as text; DecodeError when no encoding explains the bytes."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a stray broken byte or two (a truncated character, a bad copy) stays UTF-8:
    # reading it as GB18030 instead would garble every character.
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    valid = sum(1 for c in lenient if ord(c) > 0x7F) - broken
    if broken <= max(2, valid // 100) and valid >= 10 * broken:
        return lenient
    text: str | None
    declared = [c for c in declared_charsets(data, http_charset) if c not in ("utf-8", "utf_8")]
    for codec in declared:
        text = _strict(data, codec)
        if text is not None and (codec != "cp1252" or not _looks_like_cjk_bytes(data)):
            return text
        if codec == "big5" and (text := _strict(data, "big5hkscs")) is not None:
            return text
    text = sniff_chinese(data)
    if text is not None:
        return text
    if declared:
        # Declared but not clean: a few broken bytes in an otherwise readable page.
        return data.decode(declared[0], errors="replace")
    raise DecodeError(
        "cannot tell the page's encoding (not UTF-8, GB18030 or Big5)",
        source=name,
        hint='add <meta charset="..."> to the page or save it as UTF-8',
    )


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def sniff_chinese(data: bytes) -> str | None:
    """GB18030 or Big5, whichever decodes strictly and reads more like common Chinese."""
    best, best_score = None, -1.0
    for codec in ("gb18030", "big5", "big5hkscs"):
        text = _strict(data, codec)
        if text is None:
            continue
        score = _common_share(text, codec)
        if score > best_score:
            best, best_score = text, score
    return best


def _common_share(text: str, codec: str) -> float:
    """Share of non-ASCII characters that are common in `codec`'s script: GB2312 level-1 hanzi
    and CJK punctuation for GB18030, Big5 frequent characters and punctuation for Big5."""
    chars = [c for c in text if ord(c) > 0x7F]
    if not chars:
        return 0.0
    common = 0
    for c in chars:
        if codec == "gb18030":
            try:
                b = c.encode("gb2312")
            except UnicodeEncodeError:
                continue
            if len(b) == 2 and (0xB0 <= b[0] <= 0xD7 or b[0] in (0xA1, 0xA3)):
                common += 1
        else:
            try:
                b = c.encode("big5")
            except UnicodeEncodeError:
                continue
            if len(b) == 2 and (0xA4 <= b[0] <= 0xC6 or b[0] in (0xA1, 0xA2)):
                common += 1
    return common / len(chars)


def _looks_like_cjk_bytes(data: bytes) -> bool:
    high = sum(1 for b in data if b >= 0x80)
    return high > 20 and sniff_chinese(data) is not None
