"""Lesson Markdown to reportlab flowables, with the lesson page's rules.

The tokens come from the same parser as the web page (lms.courses.markdown), so a
handout shows what a learner reads online: headings (a `#` heading becomes a section
heading), paragraphs with bold, italic and struck text, bullet and numbered lists (nested
too), tables, callouts (warning, tip, note) with their titles, pictures with their alt
text as a caption, quotes and code. Raw HTML is never interpreted (the parser escapes it).
On paper a link cannot be tapped, so its address is printed after its text.
"""
from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Preformatted,
    Spacer,
    Table,
    TableStyle,
)

from ..courses.markdown import URL_SCHEMES, parse_markdown

log = logging.getLogger(__name__)

CALLOUT_COLOURS = {
    "warning": (colors.HexColor("#a4262c"), colors.HexColor("#fdecea")),
    "tip": (colors.HexColor("#f2b134"), colors.HexColor("#fff6e0")),
    "note": (colors.HexColor("#0b6e4f"), colors.HexColor("#e8f1f8")),
}
LINE = colors.HexColor("#d9d4c7")
HEADER_FILL = colors.HexColor("#eef0ea")
MAX_IMAGE_HEIGHT = 85 * mm
#: photos print at 120 dpi at most: sharp enough on paper, never blown up
PRINT_POINTS_PER_PIXEL = 72 / 120
#: a heading starts a new page unless it fits with this much of what follows (about three lines)
KEEP_WITH_HEADING = 16 * mm
#: a callout or quote up to this tall is never split across pages; a taller one only after this much
UNSPLIT_BOX_HEIGHT = 90 * mm
MIN_BOX_START = 30 * mm


_FONT_SHORTHAND_RE = re.compile(rb"(?<![-\w])font\s*:\s*([^;}\"']+)")
_FONT_SIZE_RE = re.compile(rb"^[\d.]+(?:px|pt|em|rem|%)?(?:/\S+)?$")


def expand_font_shorthand(svg: bytes) -> bytes:
    """`font: bold 14px sans-serif` -> longhand declarations, which svglib understands (it skips the shorthand)."""

    def longhand(match: re.Match) -> bytes:
        words = match.group(1).split()
        declarations, index = [], 0
        while index < len(words) and not _FONT_SIZE_RE.match(words[index]):
            word = words[index].lower()
            if word in (b"italic", b"oblique"):
                declarations.append(b"font-style:" + word)
            elif word in (b"bold", b"bolder", b"lighter") or word.isdigit():
                declarations.append(b"font-weight:" + word)
            index += 1
        if index == len(words):
            return match.group(0)
        declarations.append(b"font-size:" + words[index].split(b"/")[0])
        if words[index + 1:]:
            declarations.append(b"font-family:" + b" ".join(words[index + 1:]))
        return b";".join(declarations)

    return _FONT_SHORTHAND_RE.sub(longhand, svg)


@dataclass
class Picture:
    """A course picture for print: its bytes and type (SVG or a raster format)."""

    content_type: str
    data: bytes


class Box(Table):
    """A callout or quote: one shaded cell. A short one moves to the next page whole rather than
    split; a long one splits only with several lines on the first page (never its title alone)."""

    def split(self, available_width, available_height):
        height = getattr(self, "_height", 0)
        if height <= UNSPLIT_BOX_HEIGHT or available_height < MIN_BOX_START:
            return []
        return super().split(available_width, available_height)


class KeepWithNext(CondPageBreak):
    """Put before a heading: a new page unless the heading and the start of what follows fit.

    reportlab's own keepWithNext does not reach lists, pictures or boxes (they are
    containers), so a heading could end a page with its list on the next one. A
    picture or a short box that cannot split counts whole; anything else three lines.
    """

    def __init__(self, lead: list[Flowable], following: Flowable | None):
        super().__init__(0)
        self.lead, self.following = lead, following

    def wrap(self, available_width, available_height):
        canvas = self.canv  # set by wrapOn, for the flowables measured here
        need = sum(f.wrapOn(canvas, available_width, available_height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                   for f in self.lead)
        if self.following is not None:
            following = self.following.wrapOn(canvas, available_width, 10_000)[1] + self.following.getSpaceBefore()
            whole = isinstance(self.following, KeepTogether | Image | Drawing) or (
                isinstance(self.following, Box) and following <= UNSPLIT_BOX_HEIGHT)
            need += following if whole else min(following, KEEP_WITH_HEADING)
        frame = self._doctemplateAttr("frame")
        # Never ask for more than half a page: at the top of a page it always fits.
        self.height = min(need, (frame._aH if frame else available_height) / 2)
        return super().wrap(available_width, available_height)


class HandoutMarkdown:
    """Turn one lesson's Markdown into flowables that fit `width` points."""

    def __init__(self, styles: Mapping[str, ParagraphStyle], width: float, *,
                 picture: Callable[[str], Picture | None], callout_titles: Mapping[str, str],
                 picture_label: str):
        self.styles = styles
        self.width = width
        self.picture = picture
        self.callout_titles = callout_titles
        self.picture_label = picture_label  # e.g. "Picture: %(alt)s", for pictures that cannot be printed

    def convert(self, text: str) -> list[Flowable]:
        flowables, _end = self._blocks(parse_markdown(text), 0, None, self.width)
        return self._keep_headings_with_next(flowables)

    def _is_lead(self, flowable: Flowable) -> bool:
        """A heading, or a paragraph of bold text only ("**Cara yang aman:**") that introduces what follows."""
        if not isinstance(flowable, Paragraph):
            return False
        if flowable.style.name in ("h2", "h3", "h4"):
            return True
        text = flowable.text.strip()
        return text.startswith("<b>") and text.endswith("</b>") and text.count("<b>") == 1 and len(text) < 120

    def _keep_headings_with_next(self, flowables: list[Flowable]) -> list[Flowable]:
        out: list[Flowable] = []
        i = 0
        while i < len(flowables):
            if not self._is_lead(flowables[i]):
                out.append(flowables[i])
                i += 1
                continue
            end = i
            while end < len(flowables) and self._is_lead(flowables[end]):
                end += 1
            lead = flowables[i:end]
            out.append(KeepWithNext(lead, flowables[end] if end < len(flowables) else None))
            out += lead
            i = end
        return out

    # --- blocks ---------------------------------------------------------------------

    def _blocks(self, tokens, i: int, close: str | None, width: float, *, tight: bool = False):
        out: list[Flowable] = []
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if close and kind == close:
                return out, i + 1
            if kind == "heading_open":
                level = min(max(int(token.tag[1:]), 2), 4)
                out.append(Paragraph(self._inline(tokens[i + 1].children), self.styles[f"h{level}"]))
                i += 3
            elif kind == "paragraph_open":
                style = self.styles["list_body" if tight or token.hidden else "body"]
                out.extend(self._paragraph(tokens[i + 1].children, style, width))
                i += 3
            elif kind in ("bullet_list_open", "ordered_list_open"):
                flowable, i = self._list(tokens, i, width)
                out.append(flowable)
            elif kind == "blockquote_open":
                inner, i = self._blocks(tokens, i + 1, "blockquote_close", width - 14)
                out.append(self._boxed(inner, LINE, None, width))
            elif kind.startswith("container_") and kind.endswith("_open"):
                callout = kind[len("container_"):-len("_open")]
                inner, i = self._blocks(tokens, i + 1, f"container_{callout}_close", width - 20)
                out.append(self._callout(callout, token.info, inner, width))
            elif kind == "table_open":
                flowable, i = self._table(tokens, i + 1, width)
                out.append(flowable)
            elif kind in ("fence", "code_block"):
                out.append(Preformatted(token.content.rstrip("\n"), self.styles["code"]))
                i += 1
            elif kind == "hr":
                out.append(HRFlowable(width="100%", thickness=0.8, color=LINE, spaceBefore=4, spaceAfter=8))
                i += 1
            else:
                i += 1
        return out, i

    def _list(self, tokens, i: int, width: float):
        opening = tokens[i]
        ordered = opening.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        indent = 16 if not ordered else 20
        items = []
        i += 1
        while i < len(tokens) and tokens[i].type != close:
            if tokens[i].type == "list_item_open":
                inner, i = self._blocks(tokens, i + 1, "list_item_close", width - indent, tight=True)
                items.append(ListItem(inner or [Spacer(1, 1)]))
            else:
                i += 1
        start = int(opening.attrGet("start") or 1) if ordered else 1
        style = self.styles["list_body"]
        flowable = ListFlowable(
            items, bulletType="1" if ordered else "bullet", start=start if ordered else "•",
            leftIndent=indent, bulletFontName=style.fontName, bulletFontSize=style.fontSize,
            bulletFormat="%s." if ordered else None, spaceBefore=0, spaceAfter=4,
        )
        return flowable, i + 1

    def _boxed(self, inner: list[Flowable], rule, fill, width: float) -> Box:
        table = Box([[inner or [Spacer(1, 1)]]], colWidths=[width], splitInRow=1)
        commands = [("LINEBEFORE", (0, 0), (0, -1), 4, rule), ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
        if fill is not None:
            commands.append(("BACKGROUND", (0, 0), (-1, -1), fill))
        table.setStyle(TableStyle(commands))
        table.spaceBefore, table.spaceAfter = 4, 8
        return table

    def _callout(self, kind: str, info: str, inner: list[Flowable], width: float) -> Box:
        title = info.strip()[len(kind):].strip() or self.callout_titles.get(kind, "")
        if title:
            inner.insert(0, Paragraph(escape(title), self.styles["callout_title"]))
        rule, fill = CALLOUT_COLOURS.get(kind, CALLOUT_COLOURS["note"])
        return self._boxed(inner, rule, fill, width)

    def _table(self, tokens, i: int, width: float):
        rows: list[list[Paragraph]] = []
        header_rows = 0
        row: list[Paragraph] = []
        in_head = False
        while i < len(tokens) and tokens[i].type != "table_close":
            kind = tokens[i].type
            if kind == "thead_open":
                in_head = True
            elif kind == "thead_close":
                in_head = False
            elif kind == "tr_open":
                row = []
            elif kind == "tr_close":
                rows.append(row)
                header_rows += 1 if in_head else 0
            elif kind in ("th_open", "td_open"):
                style = self.styles["cell_head" if kind == "th_open" else "cell"]
                row.append(Paragraph(self._inline(tokens[i + 1].children), style))
                i += 1
            i += 1
        columns = max((len(r) for r in rows), default=1)
        for r in rows:
            r.extend(Paragraph("", self.styles["cell"]) for _ in range(columns - len(r)))
        table = Table(rows, colWidths=[width / columns] * columns, repeatRows=header_rows, hAlign="LEFT")
        commands = [("GRID", (0, 0), (-1, -1), 0.6, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
        if header_rows:
            commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
        table.setStyle(TableStyle(commands))
        table.spaceBefore, table.spaceAfter = 4, 8
        return table, i + 1

    # --- paragraphs and pictures -----------------------------------------------------

    def _paragraph(self, children, style: ParagraphStyle, width: float) -> list[Flowable]:
        """A paragraph; a picture in it becomes a block of its own (with its caption)."""
        out: list[Flowable] = []
        run: list = []
        for child in children or []:
            if child.type == "image":
                out.extend(self._text(run, style))
                run = []
                out.append(self._image(child, width))
            else:
                run.append(child)
        out.extend(self._text(run, style))
        return out

    def _text(self, children, style) -> list[Flowable]:
        markup = self._inline(children).strip()
        while markup.startswith("<br/>"):
            markup = markup[5:].lstrip()
        return [Paragraph(markup, style)] if markup else []

    def _image(self, token, width: float) -> Flowable:
        src = token.attrGet("src") or ""
        alt = "".join(child.content for child in token.children or [] if child.type in ("text", "code_inline"))
        caption = Paragraph(escape(alt), self.styles["caption"]) if alt else None
        drawing = self._picture_flowable(src, min(width, 125 * mm))
        if drawing is None:
            return Paragraph(escape(self.picture_label % {"alt": alt or src}), self.styles["caption"])
        drawing.hAlign = "CENTER"
        parts = [Spacer(1, 4), drawing] + ([caption] if caption else []) + [Spacer(1, 6)]
        return KeepTogether(parts)

    def _picture_flowable(self, src: str, width: float) -> Flowable | None:
        picture = self.picture(src)
        if picture is None:
            return None
        try:
            if picture.content_type == "image/svg+xml":
                from svglib.svglib import svg2rlg

                drawing = svg2rlg(io.BytesIO(expand_font_shorthand(picture.data)))
                if drawing is None or not drawing.width or not drawing.height:
                    return None
                factor = min(width / drawing.width, MAX_IMAGE_HEIGHT / drawing.height)
                drawing.scale(factor, factor)
                drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
                return drawing
            from reportlab.lib.utils import ImageReader

            reader = ImageReader(io.BytesIO(picture.data))
            pixel_width, pixel_height = reader.getSize()
            factor = min(width / pixel_width, MAX_IMAGE_HEIGHT / pixel_height, PRINT_POINTS_PER_PIXEL)
            return Image(io.BytesIO(picture.data), width=pixel_width * factor, height=pixel_height * factor)
        except Exception:  # noqa: BLE001 - a picture that cannot be drawn prints as its alt text
            log.warning("handout: picture %s could not be drawn", src, exc_info=True)
            return None

    # --- inline ------------------------------------------------------------------------

    def _inline(self, children) -> str:
        """reportlab paragraph markup; every piece of text is escaped."""
        parts: list[str] = []
        links: list[tuple[str | None, int]] = []
        for child in children or []:
            kind = child.type
            if kind == "text":
                parts.append(escape(child.content))
            elif kind == "softbreak":
                parts.append(" ")
            elif kind == "hardbreak":
                parts.append("<br/>")
            elif kind == "code_inline":
                parts.append(f'<font backColor="#eef0ea">{escape(child.content)}</font>')
            elif kind in ("strong_open", "strong_close"):
                parts.append("<b>" if kind.endswith("open") else "</b>")
            elif kind in ("em_open", "em_close"):
                parts.append("<i>" if kind.endswith("open") else "</i>")
            elif kind in ("s_open", "s_close"):
                parts.append("<strike>" if kind.endswith("open") else "</strike>")
            elif kind == "link_open":
                href = child.attrGet("href") or ""
                scheme = href.split(":", 1)[0].lower() if ":" in href else ""
                if scheme in URL_SCHEMES:
                    parts.append(f"<a href={quoteattr(href)} color=\"#08543c\">")
                    links.append((href, len(parts)))
                else:
                    links.append((None, len(parts)))
            elif kind == "link_close":
                href, start = links.pop() if links else (None, 0)
                if href is not None:
                    shown = href.split(":", 1)[1] if href.startswith(("mailto:", "tel:")) else href
                    text = "".join(parts[start:])
                    parts.append("</a>" if text in (escape(href), escape(shown)) else f"</a> ({escape(shown)})")
            elif kind == "image":
                alt = "".join(c.content for c in child.children or [] if c.type == "text")
                parts.append(escape(alt))
        return "".join(parts)
