"""Digest renderers: text (the seed's layout over several sources), markdown, json, html.

Text:

    <story title>
    A: <source>·<YYYY-MM-DD HH:MM> — <headline>
    B: …
    Not quoted (in another language): C, D

    Core Viewpoint - <text> [A1][C1]. Group 1: <title> - <point> [A2]. - <point> [B1][C2]. …

HTML: the digest beside its sources in tabs (one per source); a click on `[B2]` opens source B
and lights its paragraph 2. Every piece of text goes through `html.escape`; no external assets.
"""

from __future__ import annotations

import json
from html import escape

from ..render.labels import labels
from ..romanize import romanize
from .models import Digest, Source, Statement

NOT_QUOTED = {
    "en": "Not quoted (in another language): {labels}",
    "zh": "未引用（其他语言）：{labels}",
}


def source_line(source: Source, language: str) -> str:
    """`A: 搜狐财经·2025-08-01 08:41 — <headline>` (the source name romanised in an English
    digest, as in a brief's header; missing parts left out)."""
    a = source.article
    name = a.source
    if name and language != "zh":
        name = romanize(name)
    head = "·".join(p for p in (name, a.published) if p)
    parts = [p for p in (head, a.title) if p]
    return f"{source.label}: " + " — ".join(parts)


def marks(st: Statement) -> str:
    return "".join(c.mark() for c in st.citations)


def statement(st: Statement, language: str, escape_text=lambda t: t) -> str:
    body = escape_text(st.text.strip().rstrip("。．.；;，,：: "))
    space = "" if language == "zh" else " "
    return f"{body}{space}{marks(st)}{labels(language)['stop']}"


def _not_quoted(digest: Digest) -> str | None:
    others = [s.label for s in digest.sources if not s.quoted]
    if not others:
        return None
    sep = "、" if digest.language == "zh" else ", "
    return NOT_QUOTED.get(digest.language, NOT_QUOTED["en"]).format(labels=sep.join(others))


def _notes(digest: Digest) -> list[str]:
    notes = [f"{f.where}: {f.message}" for f in digest.checks.findings if f.severity == "error"]
    return notes + list(digest.checks.actions)


def render_text(digest: Digest) -> str:
    lab = labels(digest.language)
    lines = [digest.story.get("title") or ""]
    lines += [source_line(s, digest.language) for s in digest.sources]
    if note := _not_quoted(digest):
        lines.append(note)
    body = [f"{lab['viewpoint']} - {statement(digest.viewpoint, digest.language)}"]
    for n, group in enumerate(digest.groups, start=1):
        body.append(lab["group"].format(n=n, title=group.title))
        body += [f"- {statement(p, digest.language)}" for p in group.points]
    lines += ["", " ".join(body)]
    if notes := _notes(digest):
        lines += ["", "Checks - " + "; ".join(notes)]
    return "\n".join(lines)


def _md(text: str) -> str:
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(digest: Digest) -> str:
    lab = labels(digest.language)
    lines = [f"# {_md(digest.story.get('title') or '')}", ""]
    lines += [f"- {_md(source_line(s, digest.language))}" for s in digest.sources]
    if note := _not_quoted(digest):
        lines += ["", f"*{_md(note)}*"]
    vp = digest.viewpoint
    lines += ["", f"**{lab['viewpoint']}** — {statement(vp, digest.language, _md)}", ""]
    for n, group in enumerate(digest.groups, start=1):
        lines += [f"## {_md(lab['group'].format(n=n, title=group.title))}", ""]
        lines += [f"- {statement(p, digest.language, _md)}" for p in group.points]
        lines.append("")
    if notes := _notes(digest):
        lines += ["> **Checks:** " + "; ".join(_md(n) for n in notes), ""]
    return "\n".join(lines).rstrip("\n")


def render_json(digest: Digest) -> str:
    return json.dumps(digest.to_dict(), ensure_ascii=False, indent=2)


STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
.digest{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2rem;
padding:1.5rem 2rem}
h1{font-size:1.4rem;margin:0 0 .5rem}
ul.sources{list-style:none;padding:0;color:#555;font-size:.9rem}
h2{font-size:1.05rem;margin:1.2rem 0 .4rem}ul{padding-left:1.2rem}li{margin:.3rem 0}
.viewpoint{background:#eef4ff;padding:.6rem .8rem;border-radius:6px}
a.cite{text-decoration:none;color:#0b57d0;font-size:.85em;padding:0 .1em;cursor:pointer}
.tabs{display:flex;flex-wrap:wrap;gap:.25rem;margin-bottom:.5rem}
.tabs button{border:1px solid #ccc;background:#fff;border-radius:6px 6px 0 0;padding:.3rem .7rem;
cursor:pointer}.tabs button[aria-selected=true]{background:#eef4ff;border-color:#0b57d0}
.panel{display:none}.panel.open{display:block}.panel h3{font-size:1rem;margin:.2rem 0}
.panel .meta{color:#666;margin:0 0 .5rem;font-size:.9rem}
.panel ol{list-style:none;padding:0}.panel li{padding:.4rem .6rem;border-radius:6px}
.panel li .n{color:#888;margin-right:.4rem}
.panel li.lit{background:#fff3b0;outline:2px solid #f0c000}
.checks{color:#8a1c1c;font-size:.9rem}
"""

SCRIPT = """
function openSource(root,label){root.querySelectorAll('.tabs button').forEach(b=>
b.setAttribute('aria-selected',String(b.dataset.source===label)));
root.querySelectorAll('.panel').forEach(p=>p.classList.toggle('open',p.dataset.source===label))}
document.addEventListener('click',e=>{const root=e.target.closest('.digest');if(!root)return;
const t=e.target.closest('.tabs button');if(t){openSource(root,t.dataset.source);return}
const a=e.target.closest('a.cite');if(!a)return;e.preventDefault();
openSource(root,a.dataset.source);
root.querySelectorAll('.panel li.lit').forEach(li=>li.classList.remove('lit'));
const li=root.querySelector('.panel li[data-source="'+a.dataset.source+'"][data-paragraph="'+
a.dataset.paragraph+'"]');if(li){li.classList.add('lit');li.scrollIntoView({block:'nearest'})}});
"""


def _cites(st: Statement) -> str:
    return "".join(
        f'<a class="cite" href="#src-{c.source}-p{c.paragraph}" data-source="{c.source}" '
        f'data-paragraph="{c.paragraph}">{escape(c.mark())}</a>'
        for c in st.citations
    )


def section(digest: Digest) -> str:
    """The digest and its sources as one `<article>` (for a page of its own or the web app)."""
    lab = labels(digest.language)
    out = ['<article class="digest">', '<section class="summary">']
    out.append(f"<h1>{escape(digest.story.get('title') or '')}</h1>")
    out.append('<ul class="sources">')
    out += [f"<li>{escape(source_line(s, digest.language))}</li>" for s in digest.sources]
    out.append("</ul>")
    if note := _not_quoted(digest):
        out.append(f'<p class="meta">{escape(note)}</p>')
    vp = digest.viewpoint
    out.append(
        f'<p class="viewpoint"><strong>{escape(lab["viewpoint"])}</strong> — '
        f"{escape(vp.text)} {_cites(vp)}</p>"
    )
    for n, group in enumerate(digest.groups, start=1):
        out.append(f"<h2>{escape(lab['group'].format(n=n, title=group.title))}</h2><ul>")
        out += [f"<li>{escape(p.text)} {_cites(p)}</li>" for p in group.points]
        out.append("</ul>")
    if notes := _notes(digest):
        out.append('<ul class="checks">')
        out += [f"<li>{escape(n)}</li>" for n in notes]
        out.append("</ul>")
    out.append('</section><section class="sources-panel"><div class="tabs" role="tablist">')
    for i, s in enumerate(digest.sources):
        out.append(
            f'<button type="button" role="tab" data-source="{s.label}" '
            f'aria-selected="{"true" if i == 0 else "false"}">{s.label}</button>'
        )
    out.append("</div>")
    for i, s in enumerate(digest.sources):
        a = s.article
        meta = "·".join(p for p in (a.source, a.published, a.language) if p)
        out.append(
            f'<div class="panel{" open" if i == 0 else ""}" role="tabpanel" '
            f'data-source="{s.label}" id="src-{s.label}">'
        )
        out.append(f"<h3>{escape(s.label)}: {escape(a.title or '')}</h3>")
        out.append(f'<p class="meta">{escape(meta)}</p><ol>')
        out += [
            f'<li id="src-{s.label}-p{p.number}" data-source="{s.label}" '
            f'data-paragraph="{p.number}"><span class="n">[{s.label}{p.number}]</span>'
            f"{escape(p.text)}</li>"
            for p in a.paragraphs
        ]
        out.append("</ol></div>")
    out.append("</section></article>")
    return "\n".join(out)


def render_html(digest: Digest) -> str:
    title = digest.story.get("title") or "brieflow"
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
        + section(digest)
        + f"\n<script>{SCRIPT}</script>\n</body></html>"
    )


def render(digest: Digest, fmt: str) -> str:
    return {
        "text": render_text,
        "markdown": render_markdown,
        "json": render_json,
        "html": render_html,
    }[fmt](digest)
