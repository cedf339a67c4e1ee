"""User-written text: Markdown rendered to sanitised HTML, and text normalised for search."""

from __future__ import annotations

import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

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
