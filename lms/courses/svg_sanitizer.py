"""Cleaning SVG drawings: parse them safely, keep what an allow-list knows, write the tree back.

An SVG opened by itself is a web page: scripts, event handlers, links, animations that
rewrite a link and style sheets that fetch other sites all work in it. Course pictures
come from trainers' uploads, course zips and content/ files, so every SVG goes through
`clean_svg` before it is stored:

- it is parsed by defusedxml: entity declarations (billion laughs, external entities)
  are refused, and nothing outside the file is ever read;
- only drawing elements of the SVG namespace are kept (by namespace, not by prefix:
  ``<x:script xmlns:x="http://www.w3.org/2000/svg">`` is a script), with the
  attributes listed below; no event handlers, animations, ``foreignObject``, ``xml:base``;
- links (``href``, ``xlink:href``, CSS ``url()``) may only point inside the drawing
  (``#id``), or embed a PNG or JPEG; ``javascript:`` cannot pass whatever its spelling,
  as the parser has already decoded entities and only those two forms are allowed;
- ``<style>`` and ``style=""`` are parsed as CSS (tinycss2) and keep plain rules with
  known presentation properties only: no at-rules (``@import``, ``@font-face``);
- the cleaned tree is written out again, so what is served is exactly what was checked.

What is left is the drawing: a clean file comes through with the same elements,
attributes and texts (comments and the DOCTYPE go). Served pictures also carry a
sandboxing Content-Security-Policy (courses/views.py): a second wall, not the first.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import tinycss2
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import lazy_gettext as _l

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: deeper drawings are refused (no real one comes close; it keeps the walk far from Python's recursion limit)
MAX_DEPTH = 100

ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "switch", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB",
    "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
})
#: left out but their drawing kept: a link's children are shown, the link goes
UNWRAPPED = frozenset({"a"})

#: presentation properties, allowed as attributes and in CSS; their values are read as CSS
PROPERTIES = frozenset({
    "alignment-baseline", "baseline-shift", "clip-path", "clip-rule", "color", "color-interpolation",
    "color-interpolation-filters", "direction", "display", "dominant-baseline", "fill", "fill-opacity", "fill-rule",
    "filter", "flood-color", "flood-opacity", "font", "font-family", "font-size", "font-size-adjust", "font-stretch",
    "font-style", "font-variant", "font-weight", "image-rendering", "isolation", "letter-spacing", "lighting-color",
    "line-height", "marker", "marker-end", "marker-mid", "marker-start", "mask", "mix-blend-mode", "opacity",
    "overflow", "paint-order", "shape-rendering", "stop-color", "stop-opacity", "stroke", "stroke-dasharray",
    "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width",
    "text-anchor", "text-decoration", "text-rendering", "transform", "transform-box", "transform-origin",
    "unicode-bidi", "vector-effect", "visibility", "white-space", "word-spacing", "writing-mode",
})
#: other attributes (SVG is case-sensitive), geometry and structure; their values cannot load anything
ATTRIBUTES = frozenset({
    "id", "class", "lang", "tabindex", "role", "focusable", "version", "viewBox", "preserveAspectRatio",
    "x", "y", "width", "height", "rx", "ry", "cx", "cy", "r", "fx", "fy", "fr", "x1", "y1", "x2", "y2", "d",
    "points", "pathLength", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing",
    "side", "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits", "patternContentUnits",
    "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits", "markerWidth", "markerHeight",
    "markerUnits", "refX", "refY", "orient", "systemLanguage", "filterUnits", "primitiveUnits", "in", "in2",
    "result", "stdDeviation", "mode", "type", "values", "operator", "k1", "k2", "k3", "k4", "scale",
    "xChannelSelector", "yChannelSelector", "baseFrequency", "numOctaves", "seed", "stitchTiles", "radius", "order",
    "kernelMatrix", "divisor", "bias", "targetX", "targetY", "edgeMode", "kernelUnitLength", "preserveAlpha",
    "surfaceScale", "diffuseConstant", "specularConstant", "specularExponent", "limitingConeAngle", "azimuth",
    "elevation", "pointsAtX", "pointsAtY", "pointsAtZ", "z", "tableValues", "slope", "intercept", "amplitude",
    "exponent",
})
#: CSS functions a value may use (url() is checked apart)
CSS_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla", "calc", "matrix", "translate", "translatex", "translatey",
                           "rotate", "scale", "scalex", "scaley", "skewx", "skewy"})
#: deeper brackets in a CSS value are refused (real ones nest two or three)
_CSS_MAX_DEPTH = 16
_CSS_PLAIN_TOKENS = frozenset({"ident", "hash", "string", "number", "percentage", "dimension", "literal",
                               "whitespace", "comment"})
_FRAGMENT_RE = re.compile(r"#[A-Za-z_][\w.:-]*")
_EMBEDDED_RE = re.compile(r"data:image/(?:png|jpeg);base64,[A-Za-z0-9+/=\s]*", re.I)
_SCRIPT_SCHEME_RE = re.compile(r"(?:java|vb)script:", re.I)
_INVISIBLE_RE = re.compile(r"[\s\x00-\x1f]+")

#: why a file was refused, for the people who uploaded it (English and Indonesian catalogs)
REFUSALS = {
    "entities": _l("This SVG declares entities (<!ENTITY …>), a way to hide attacks in a file, so it cannot be "
                   "used. Save the drawing again as plain SVG."),
    "not_svg": _l("This file is not an SVG drawing."),
    "too_deep": _l("This SVG drawing is nested too deeply to be shown safely."),
}
#: the same for the content importer, whose problems are in English
_PROBLEMS = {
    "entities": "the SVG declares entities (<!ENTITY …>), which are not allowed",
    "malformed": "the SVG is not well-formed XML ({detail})",
    "not_svg": "the file is not an SVG drawing (its first element must be <svg>)",
    "too_deep": f"the SVG is nested more than {MAX_DEPTH} levels deep",
}


class SvgRefused(ValueError):
    """The file cannot be made safe: it does not parse, hides entities, or is no drawing."""

    def __init__(self, reason: str, *, line: int | None = None, detail: str = ""):
        super().__init__(reason)
        self.reason, self.line, self.detail = reason, line, detail

    @property
    def message(self):
        """A translatable sentence for the person who uploaded the file."""
        if self.reason == "malformed":
            return _l("This SVG file is damaged (line %(line)d), so it cannot be used. Save the drawing again as "
                      "plain SVG.", line=self.line or 1)
        return REFUSALS[self.reason]

    @property
    def problem(self) -> str:
        """The importer's English problem (the line, if any, is in `line`)."""
        return _PROBLEMS[self.reason].format(detail=self.detail)


@dataclass
class _Node:
    name: str
    attributes: list[tuple[str, str]]
    text: str = ""
    tail: str = ""
    children: list[_Node] = field(default_factory=list)


def clean_svg(data: bytes) -> bytes:
    """The drawing with everything that could run, link or load removed; raise SvgRefused."""
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise SvgRefused("entities") from None
    except ET.ParseError as exc:
        raise SvgRefused("malformed", line=exc.position[0], detail=str(exc).split(":")[0]) from None
    except (LookupError, ValueError) as exc:  # an encoding the parser does not know
        raise SvgRefused("malformed", line=1, detail=str(exc)) from None
    plain = root.tag == "svg"  # no namespace at all: an old drawing; read its elements as SVG
    if root.tag != f"{{{SVG_NS}}}svg" and not plain:
        raise SvgRefused("not_svg")
    cleaner = _Cleaner(plain)
    node = cleaner.element(root, 1)
    head = f' xmlns="{SVG_NS}"' + (f' xmlns:xlink="{XLINK_NS}"' if cleaner.uses_xlink else "")
    parts: list[str] = []
    _write(node, parts, head)
    # The line end after </svg> too, so a clean file comes out byte for byte (same hash, same URL).
    ending = data[len(data.rstrip(b" \t\r\n")):]
    return "".join(parts).encode("utf-8") + ending


class _Cleaner:
    def __init__(self, plain: bool):
        self.plain = plain
        self.uses_xlink = False

    def _name(self, tag: str) -> str | None:
        """The SVG element name of a tag, or None for any other namespace."""
        if tag.startswith(f"{{{SVG_NS}}}"):
            return tag[len(SVG_NS) + 2:]
        return tag if self.plain and not tag.startswith("{") else None

    def element(self, element: ET.Element, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            raise SvgRefused("too_deep")
        name = self._name(element.tag)
        node = _Node(name, self.attributes(name, element), text=element.text or "", tail=element.tail or "")
        if name == "style":
            node.text = clean_stylesheet(node.text)
            return node
        self.children(element, node, depth)
        return node

    def children(self, element: ET.Element, node: _Node, depth: int) -> None:
        if depth > MAX_DEPTH:  # links unwrapped inside links count too
            raise SvgRefused("too_deep")
        for child in element:
            name = self._name(child.tag) if isinstance(child.tag, str) else None
            if name in ELEMENTS:
                node.children.append(self.element(child, depth + 1))
            elif name in UNWRAPPED:
                self._append_text(node, child.text or "")
                self.children(child, node, depth + 1)
                self._append_text(node, child.tail or "")
            else:  # dropped with everything inside it; the text after it belongs to the parent
                self._append_text(node, child.tail or "")

    @staticmethod
    def _append_text(node: _Node, text: str) -> None:
        if node.children:
            node.children[-1].tail += text
        else:
            node.text += text

    def attributes(self, element: str, source: ET.Element) -> list[tuple[str, str]]:
        """The attributes of `source` (an `element`) that are kept, as written out (prefixed names)."""
        kept = []
        for name, value in source.attrib.items():
            if name.startswith("{"):
                attribute = self._namespaced_attribute(element, name, value)
            else:
                attribute = _plain_attribute(element, name, value)
            if attribute is not None:
                kept.append(attribute)
        return kept

    def _namespaced_attribute(self, element: str, name: str, value: str) -> tuple[str, str] | None:
        """xlink:href (a safe link), xml:space and xml:lang; other namespaces (editors' own, xml:base) are dropped."""
        if name == f"{{{XLINK_NS}}}href":
            if not _link_allowed(element, value):
                return None
            self.uses_xlink = True
            return "xlink:href", value
        if name == f"{{{XML_NS}}}space" and value in ("default", "preserve"):
            return "xml:space", value
        if name == f"{{{XML_NS}}}lang":
            return "xml:lang", value
        return None


def _plain_attribute(element: str, name: str, value: str) -> tuple[str, str] | None:
    """An attribute without a namespace as kept (its style cleaned), or None when it is dropped."""
    if name.lower().startswith("on"):  # event handlers
        return None
    if name == "href":
        return (name, value) if _link_allowed(element, value) else None
    if name == "style":
        declarations = clean_declarations(value)
        return (name, declarations) if declarations else None
    if element == "style":
        return (name, value) if name == "type" and value.strip().lower() == "text/css" else None
    if name in PROPERTIES:
        return (name, value) if _css_value_safe(tinycss2.parse_component_value_list(value)) else None
    if (name in ATTRIBUTES or name.startswith("aria-")) and not _scripted(value):
        return name, value
    return None


def _scripted(value: str) -> bool:
    return bool(_SCRIPT_SCHEME_RE.search(_INVISIBLE_RE.sub("", value)))


def _link_allowed(element: str, value: str) -> bool:
    """A link inside the drawing, or a PNG/JPEG embedded in an <image>."""
    value = value.strip()
    return bool(_FRAGMENT_RE.fullmatch(value) or (element == "image" and _EMBEDDED_RE.fullmatch(value)))


# --- CSS -----------------------------------------------------------------------------------------


def _css_value_safe(tokens, depth: int = 0) -> bool:
    """Only plain values, known functions, and url(#id) (tinycss2 has decoded every escape)."""
    if depth > _CSS_MAX_DEPTH:
        return False
    for token in tokens:
        if token.type in _CSS_PLAIN_TOKENS:
            continue
        if token.type == "url":
            if not _FRAGMENT_RE.fullmatch(token.value.strip()):
                return False
        elif token.type == "function" and token.lower_name == "url":
            arguments = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
            if not (len(arguments) == 1 and arguments[0].type == "string"
                    and _FRAGMENT_RE.fullmatch(arguments[0].value.strip())):
                return False
        elif token.type == "function":
            if token.lower_name not in CSS_FUNCTIONS or not _css_value_safe(token.arguments, depth + 1):
                return False
        elif token.type in ("() block", "[] block"):
            if not _css_value_safe(token.content, depth + 1):
                return False
        else:  # at-keywords, {} blocks, parse errors
            return False
    return True


def _selector_safe(tokens, depth: int = 0) -> bool:
    """Any selector that fetches nothing: no url(), no blocks of rules, no parse errors."""
    if depth > _CSS_MAX_DEPTH:
        return False
    for token in tokens:
        if token.type in ("url", "{} block", "error", "at-keyword") or (
                token.type == "function" and token.lower_name == "url"):
            return False
        if token.type == "function" and not _selector_safe(token.arguments, depth + 1):
            return False
        if token.type in ("() block", "[] block") and not _selector_safe(token.content, depth + 1):
            return False
    return True


def clean_declarations(css: str | list) -> str:
    """`name:value;…` with known properties and safe values only."""
    kept = []
    for item in tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration" or item.lower_name not in PROPERTIES or not _css_value_safe(item.value):
            continue
        value = tinycss2.serialize(item.value).strip()
        if value:
            kept.append(f"{item.lower_name}:{value}" + ("!important" if item.important else ""))
    return ";".join(kept)


def clean_stylesheet(css: str) -> str:
    """Plain rules with clean declarations; at-rules (@import, @font-face, @media) are dropped."""
    rules = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule" or not _selector_safe(rule.prelude):
            continue
        declarations = clean_declarations(rule.content)
        if declarations:
            rules.append(f"{tinycss2.serialize(rule.prelude).strip()}{{{declarations}}}")
    return "".join(rules)


# --- writing -------------------------------------------------------------------------------------

_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTRIBUTE_ESCAPES = {**_TEXT_ESCAPES, '"': "&quot;", "\t": "&#9;", "\n": "&#10;"}
_TEXT_RE = re.compile("[&<>\r]")
_ATTRIBUTE_RE = re.compile('[&<>\r"\t\n]')


def _text(value: str) -> str:
    return _TEXT_RE.sub(lambda m: _TEXT_ESCAPES[m.group(0)], value)


def _attribute(value: str) -> str:
    return _ATTRIBUTE_RE.sub(lambda m: _ATTRIBUTE_ESCAPES[m.group(0)], value)


def _write(node: _Node, parts: list[str], head: str = "") -> None:
    attributes = "".join(f' {name}="{_attribute(value)}"' for name, value in node.attributes)
    if not node.children and not node.text:
        parts.append(f"<{node.name}{head}{attributes}/>")
    else:
        parts.append(f"<{node.name}{head}{attributes}>{_text(node.text)}")
        for child in node.children:
            _write(child, parts)
        parts.append(f"</{node.name}>")
    if head == "":
        parts.append(_text(node.tail))
