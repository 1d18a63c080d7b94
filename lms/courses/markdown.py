"""Lesson Markdown to safe HTML: one renderer for learners, previews and handouts.

Raw HTML in course files is never passed through (markdown-it escapes it), and the
result is cleaned again by nh3 with a short allow-list, so nothing a course file
contains can run a script or an event handler.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markupsafe import Markup, escape
from mdit_py_plugins.container import container_plugin

from ..caches import LESSON_HTML

CALLOUT_KINDS = ("warning", "tip", "note")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "img", "table", "thead", "tbody", "tr",
    "th", "td", "blockquote", "code", "pre", "hr", "br", "aside", "div", "s", "del",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "loading", "decoding", "srcset", "sizes", "width", "height"},
    "aside": {"class", "role"},
    "p": {"class"},
    "div": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_ABSOLUTE_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/)", re.I)


def _callout_renderer(kind: str):
    def render(self, tokens, idx, _options, env):
        token = tokens[idx]
        if token.nesting == 1:
            title = token.info.strip()[len(kind):].strip()
            if not title:
                title = (env.get("callout_titles") or {}).get(kind, "")
            heading = f'<p class="callout-title">{escape(title)}</p>\n' if title else ""
            return f'<aside class="callout callout-{kind}" role="note">\n{heading}'
        return "</aside>\n"

    return render


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    src = token.attrGet("src") or ""
    resolve = env.get("resolve_asset")
    if resolve and src and not _ABSOLUTE_URL_RE.match(src):
        resolved = resolve(src)
        if isinstance(resolved, Mapping):  # src plus srcset, sizes, width, height
            for name, value in resolved.items():
                token.attrSet(name, str(value))
        else:
            token.attrSet("src", resolved or src)
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    return RendererHTML.image(self, tokens, idx, options, env)


def _demote_h1(state) -> None:
    # The page title is the only h1; a '# heading' in a lesson becomes a section heading.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    for kind in CALLOUT_KINDS:
        md.use(container_plugin, name=kind, render=_callout_renderer(kind))
    md.add_render_rule("image", _render_image)
    md.add_render_rule("table_open", lambda self, t, i, o, e: '<div class="table-scroll"><table>\n')
    md.add_render_rule("table_close", lambda self, t, i, o, e: "</table></div>\n")
    md.core.ruler.push("demote_h1", _demote_h1)
    return md


_PARSER = _build_parser()


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


#: part of every cache key: bump it when a change here alters the HTML for the same text
RENDERER_VERSION = 1


#: the sanitised HTML of recently rendered texts, in this process (see lms/caches.py). The key is the
#: SHA-256 of the text with the renderer version, whether pictures are resolved, and the callout
#: titles (the page's language); a new course revision has new text, hence new keys. Picture URLs
#: carry the picture's own hash and may change while the text does not: each entry remembers what
#: every picture path resolved to, and is used again only if they all still resolve the same.
render_cache = LESSON_HTML


def render_markdown(
    text: str,
    *,
    resolve_asset: Callable[[str], str | Mapping[str, str] | None] | None = None,
    callout_titles: Mapping[str, str] | None = None,
) -> Markup:
    """Render lesson Markdown to sanitized HTML, ready for a template (cached: see render_cache).

    `resolve_asset(path)` turns a course-relative image path into its URL, or into a
    mapping of <img> attributes (src, srcset, sizes, width, height).
    """
    titles = {kind: str(title) for kind, title in (callout_titles or {}).items()}
    key = (RENDERER_VERSION, hashlib.sha256(text.encode("utf-8")).hexdigest(), resolve_asset is not None,
           tuple(sorted(titles.items())))
    cached = render_cache.get(key)
    if cached is not None:
        html, pictures = cached
        if all(resolve_asset(path) == resolved for path, resolved in pictures):
            render_cache.hits += 1
            return Markup(html)  # noqa: S704 - sanitized when it was cached
    render_cache.misses += 1
    pictures_seen: dict[str, object] = {}

    def remembering(path: str):
        pictures_seen[path] = resolved = resolve_asset(path)
        return resolved

    env = {"resolve_asset": remembering if resolve_asset else None, "callout_titles": titles}
    html = sanitize_html(_PARSER.render(text, env))
    render_cache.put(key, (html, tuple(pictures_seen.items())))
    return Markup(html)  # noqa: S704 - sanitized just above


def parse_markdown(text: str) -> list:
    """The token stream of the same parser, for renderers other than HTML (printable handouts)."""
    return _PARSER.parse(text, {})
