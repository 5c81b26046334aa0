"""A standalone HTML page: the brief beside its numbered source paragraphs.

Every piece of article and brief text goes through `html.escape`; citations link to their
paragraph, which lights up on hover or click. No external assets.
"""

from __future__ import annotations

from html import escape

from ..models import Article, Brief
from .labels import check_notes, labels, source_line

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
.brief{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2rem;padding:1.5rem 2rem;
border-bottom:1px solid #ddd}
h1{font-size:1.4rem;margin:0 0 .25rem}.meta{color:#666;margin:0 0 1rem}
h2{font-size:1.05rem;margin:1.2rem 0 .4rem}ul{padding-left:1.2rem}li{margin:.3rem 0}
.viewpoint{background:#eef4ff;padding:.6rem .8rem;border-radius:6px}
a.cite{text-decoration:none;color:#0b57d0;font-size:.85em;padding:0 .1em}
.source ol{list-style:none;padding:0}.source li{padding:.4rem .6rem;border-radius:6px}
.source li .n{color:#888;margin-right:.4rem}
.source li.lit,.source li:target{background:#fff3b0;outline:2px solid #f0c000}
.checks{color:#8a1c1c;font-size:.9rem}
"""

SCRIPT = """
document.addEventListener('mouseover',e=>{const a=e.target.closest('a.cite');if(!a)return;
document.getElementById(a.dataset.target)?.classList.add('lit')});
document.addEventListener('mouseout',e=>{const a=e.target.closest('a.cite');if(!a)return;
document.getElementById(a.dataset.target)?.classList.remove('lit')});
"""


def _cites(prefix: str, citations: tuple[int, ...]) -> str:
    return "".join(
        f'<a class="cite" href="#{prefix}p{n}" data-target="{prefix}p{n}">[{n}]</a>'
        for n in citations
    )


def section(brief: Brief, article: Article, prefix: str = "") -> str:
    """One brief as an `<article>`; `prefix` keeps paragraph ids unique on a page of many."""
    lab = labels(brief.language)
    out = ['<article class="brief">', '<section class="summary">']
    if article.title:
        out.append(f"<h1>{escape(article.title)}</h1>")
    if line := source_line(brief, article):
        out.append(f'<p class="meta">{escape(line)}</p>')
    vp = brief.viewpoint
    out.append(
        f'<p class="viewpoint"><strong>{escape(lab["viewpoint"])}</strong> — '
        f"{escape(vp.text)} {_cites(prefix, vp.citations)}</p>"
    )
    for n, theme in enumerate(brief.themes, start=1):
        out.append(f"<h2>{escape(lab['group'].format(n=n, title=theme.title))}</h2><ul>")
        out.extend(f"<li>{escape(p.text)} {_cites(prefix, p.citations)}</li>" for p in theme.points)
        out.append("</ul>")
    if notes := check_notes(brief):
        out.append('<ul class="checks">')
        out.extend(f"<li>{escape(n)}</li>" for n in notes)
        out.append("</ul>")
    out.append('</section><section class="source"><ol>')
    out.extend(
        f'<li id="{prefix}p{p.number}"><span class="n">[{p.number}]</span>{escape(p.text)}</li>'
        for p in article.paragraphs
    )
    out.append("</ol></section></article>")
    return "\n".join(out)


def document(sections: list[str], title: str = "brieflow") -> str:
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
        + "\n".join(sections)
        + f"\n<script>{SCRIPT}</script>\n</body></html>"
    )


def render(brief: Brief, article: Article) -> str:
    return document([section(brief, article)], article.title or "brieflow")


def render_many(pairs: list[tuple[Brief, Article]]) -> str:
    if len(pairs) == 1:
        return render(*pairs[0]) + "\n"
    return document([section(b, a, prefix=f"b{i}-") for i, (b, a) in enumerate(pairs, start=1)])
