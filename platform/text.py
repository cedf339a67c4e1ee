"""User-written text: Markdown rendered to sanitised HTML, and text normalised for search."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr",
}  # fmt: skip


def render_markdown(source: str) -> Markup:
    """Markdown to HTML that is safe to show: nh3 drops every tag and attribute not listed."""
    html = _markdown.render(source or "")
    # Headings of user text start at h2: the page's own title is the only h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)


def normalise_for_search(*parts: str | None) -> str:
    """Lower case without accents, so 'Speeltuin' finds 'speeltuïn' on SQLite and PostgreSQL."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def word_diff(old: str, new: str) -> Markup:
    """Word-level differences as <del>/<ins>; escaped, so user text stays inert."""
    parts = []
    old_words, new_words = old.split(" "), new.split(" ")
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(Markup("<del>{}</del>").format(" ".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(Markup("<ins>{}</ins>").format(" ".join(new_words[b1:b2])))
    return Markup(" ").join(parts)


def normalise_newlines(text: str) -> str:
    """Browsers send a textarea's lines as CRLF; stored and served text uses LF only."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: Explicit embeddings, overrides and isolates (U+202A-202E, U+2066-2069): they let a name
#: or title show in another order than it is written ("‮gnp.exe" looks like "exe.png").
#: Arabic and Hebrew text needs none of them; the marks RLM/LRM/ALM stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> str:
    """User text without bidirectional embedding, override and isolate characters."""
    return _BIDI_CONTROLS.sub("", text)


def has_bidi_controls(text: str) -> bool:
    return _BIDI_CONTROLS.search(text) is not None


def normalise_newlines_in(data: Any) -> Any:
    """`normalise_newlines` on every string in a JSON-shaped value (dicts, lists)."""
    if isinstance(data, str):
        return normalise_newlines(data)
    if isinstance(data, dict):
        return {key: normalise_newlines_in(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [normalise_newlines_in(value) for value in data]
    return data
