"""English page furniture that sits inside article bodies: captions, pull quotes, "Read more" and
"Sign up" lines, author boxes.

Why a module of its own: these are the lines that keep English body F1 below Chinese portals'
(brieflow's Chinese rules live in html.py's boilerplate list). Elements are recognised by their
class or id before trafilatura reads the page; lines by their wording after it; an author box
only at the end of the body, where outlets put it.
"""

from __future__ import annotations

import re

# Class/id words of elements that are furniture whatever their text (matched on the whole
# label, so "pull-quote" is furniture while a plain "quote" class is not).
FURNITURE_LABEL = re.compile(
    r"pull-?quote|pullout|author-?(bio|box|info|card|details|footer)|contributor-?bio|about-?author"
    r"|newsletter|sign-?up|subscribe|subscription|read-?more|more-?stories|recirc|promo\b"
    r"|inline-?ad\b|ad-?slot|advert|caption|image-?credit|photo-?credit|credit\b"
    r"|social-?(links|share)|share-?tools|video-?(title|player|placeholder|caption|embed)",
    re.I,
)
FURNITURE_LABEL_MAX = 600  # characters of text: a body container is never this small

_LINES = [
    re.compile(p, re.I)
    for p in (
        # calls to action
        r"^(read|see|watch|listen)( more| also| next)?\s*[:|]\s*\S",
        r"^read more\b",
        r"^(more from|related|recommended|most popular|trending)( stories| articles| reading"
        r"| coverage| content)?\s*[:|]?\s*$",
        r"^(related|more from .{1,30})\s*:\s*.{0,100}$",
        r"^(sign up|subscribe)\b.{0,120}(newsletter|inbox|email|free|here|today|now)",
        r"^(click|tap) here\b",
        r"^(follow|like) us on\b",
        r"^get (our|the) .{0,40}newsletter",
        r"^(this (article|story) (was )?(originally )?(appeared|published)|"
        r"a version of this (article|story))\b",
        r"^(we want to hear from you|have a news tip|got a (news )?tip)\b",
        r"^(advertisement|sponsored( content)?|supported by|skip advertisement)$",
        # captions and credits
        r"\((photo|image|picture|credit|getty images|ap photo|reuters)[^)]{0,60}\)\s*$",
        r"^(photo|image|picture|video|credit|source)\s*:\s*.{0,80}$",
        r"(/|\|)\s*(getty images|afp|ap|reuters|shutterstock|alamy|epa)(\s+via\s+.+)?\s*$",
        # a share/social line made of outlet names
        r"^((share|email|print|facebook|twitter|x|linkedin|whatsapp|copy link|comments?)\W*){2,}$",
    )
]
_LINE_MAX = 220  # a line rule never removes more than this

# "Jane Doe is a senior reporter at Example News." / "… covers energy for Example." (+ handle)
_AUTHOR_BOX = re.compile(
    r"^[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){1,3}\s+"
    r"(is (a|an|the)\b.{0,60}\b(reporter|correspondent|editor|writer|analyst|columnist"
    r"|contributor|journalist|producer|critic|author)|covers|writes|reports)\b.{0,120}"
    r"\b(at|for|with|on)\s+(the\s+)?[A-Z][\w&.'’-]*.{0,60}?\.?(\s+@\w+)?\s*$"
)


def is_english_furniture(line: str) -> bool:
    """True for a call to action, caption, credit or share line (not article text)."""
    text = line.strip()
    return 0 < len(text) <= _LINE_MAX and any(p.search(text) for p in _LINES)


def drop_author_box(paragraphs: list[str]) -> list[str]:
    """`paragraphs` without an author box among its last two (a short "Jane Doe is a … at …"
    or "… writes for …" line), which outlets print after the article."""
    out = list(paragraphs)
    for i in range(len(out) - 1, max(len(out) - 3, 0) - 1, -1):
        if i > 0 and len(out[i]) <= 300 and _AUTHOR_BOX.match(out[i]):
            del out[i]
    return out
