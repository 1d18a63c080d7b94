"""Known SVG attacks, and a check that a drawing can do nothing but be looked at (shared by the SVG tests)."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: the harmless part of every payload, which must come through
KEEP = '<rect id="keep" width="10" height="10" fill="#0b6e4f"/>'


def drawing(body: str, *, root_attributes: str = "", prologue: str = "") -> bytes:
    return (f'{prologue}<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" viewBox="0 0 10 10"{root_attributes}>'
            f"{KEEP}{body}</svg>").encode()


ATTACKS = {
    "namespaced script": drawing('<x:script xmlns:x="http://www.w3.org/2000/svg">alert(1)</x:script>'),
    "script in CDATA": drawing('<script type="text/javascript"><![CDATA[alert(1)]]></script>'),
    "XHTML script": drawing('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
    "entity-encoded javascript: link": drawing('<a xlink:href="&#106;&#97;vascript&#x3A;alert(1)"><text>x</text></a>'),
    "javascript: with tabs, newlines and capitals": drawing(
        '<a href=" &#9;JaVa&#10;ScRiPt:alert(1)"><text>x</text></a>'),
    "xlink:href to javascript on use": drawing('<use xlink:href="javascript:alert(1)"/>'),
    "use of another site's drawing": drawing('<use href="http://evil.example/sprite.svg#icon"/>'),
    "use of a protocol-relative drawing": drawing('<use xlink:href="//evil.example/sprite.svg#icon"/>'),
    "link to another site": drawing('<a href="https://evil.example" target="_blank"><text>x</text></a>'),
    "animate turning href into javascript": drawing(
        '<a><animate attributeName="href" to="javascript:alert(1)"/><text>klik</text></a>'),
    "animate values on xlink:href": drawing(
        '<a xlink:href="#keep"><animate attributeName="xlink:href" values="javascript:alert(1)" begin="0s"/>'
        "<text>x</text></a>"),
    "set of an event handler": drawing('<set attributeName="onmouseover" to="alert(1)"/>'),
    "set of href": drawing('<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>'),
    "foreignObject with HTML": drawing(
        '<foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml">'
        '<script>alert(1)</script><iframe src="javascript:alert(1)"></iframe></body></foreignObject>'),
    "style with url(javascript:)": drawing("<style>rect{fill:url(javascript:alert(1))}</style>"),
    "style importing another site": drawing(
        "<style>@import url(http://evil.example/x.css);@font-face{font-family:x;src:url(http://evil.example/f.woff)}"
        "rect{background:url(http://evil.example/t.png)}</style>"),
    "style with an escaped url(": drawing(r"<style>rect{fill:u\72 l(http://evil.example/p.svg#x)}</style>"),
    "style with entity-encoded javascript:": drawing(
        "<style>rect{fill:url(&#106;avascript:alert(1))}</style>"),
    "style attribute loading another site": drawing(
        '<rect style="fill:red;background-image:url(\'http://evil.example/t.png\');behavior:url(x.htc)" '
        'width="1" height="1"/>'),
    "event handlers": drawing('<rect onclick="alert(1)" ONMOUSEOVER="alert(1)" onload="alert(1)" width="1"/>'),
    "event handler on the root": drawing("", root_attributes=' onload="alert(1)"'),
    "event handler in a DTD default": drawing(
        "", prologue='<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>'),
    "external DTD": drawing("", prologue='<!DOCTYPE svg SYSTEM "http://evil.example/x.dtd">'),
    "xml:base to another site": drawing('<use href="#keep"/>', root_attributes=' xml:base="http://evil.example/"'),
    "picture from another site": drawing('<image href="http://evil.example/track.png" width="1" height="1"/>'),
    "embedded SVG picture": drawing('<image href="data:image/svg+xml;base64,PHN2Zy8+" width="1" height="1"/>'),
    "paint from another site": drawing('<rect fill="url(http://evil.example/p.svg#g)" width="1" height="1"/>'),
    "feImage from another site": drawing('<filter id="f"><feImage href="http://evil.example/x.png"/></filter>'),
    "iframe in the SVG namespace": drawing('<iframe src="javascript:alert(1)"/>'),
}

_LAUGHS = "".join(f'<!ENTITY l{n} "{"".join(f"&l{n - 1};" for _ in range(10))}">' for n in range(1, 10))
#: files no one should be able to store: they never parse
REFUSED = {
    "billion laughs": (drawing("<text>&l9;</text>", prologue=f'<!DOCTYPE svg [<!ENTITY l0 "ha">{_LAUGHS}]>'),
                       "entities"),
    "external entity": (drawing("<text>&xxe;</text>",
                                prologue='<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'), "entities"),
    "parameter entity": (drawing("", prologue='<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd">'
                                              "%remote;]>"), "entities"),
    "broken XML": (f'<svg xmlns="{SVG_NS}">\n<rect>\n</svg>'.encode(), "malformed"),
    "two drawings in one file": (drawing("") * 2, "malformed"),
    "HTML named .svg": (b'<html xmlns="http://www.w3.org/1999/xhtml"><body onload="alert(1)"/></html>', "not_svg"),
}

#: elements that must never come through (a link is unwrapped: its drawing stays, the link goes)
DANGEROUS_ELEMENTS = {"script", "foreignObject", "animate", "set", "animateMotion", "animateTransform", "iframe",
                      "feImage", "handler", "listener", "a"}


def assert_harmless(data: bytes) -> None:
    """The drawing runs nothing, loads nothing from elsewhere and links nowhere."""
    text = data.decode("utf-8")
    flat = re.sub(r"[\s\x00-\x1f]+", "", html.unescape(text)).lower()
    for needle in ("javascript:", "vbscript:", "evil.example", "<!doctype", "<!entity", "alert(", "@import"):
        assert needle not in flat, (needle, text)
    root = ET.fromstring(data)  # what is stored has no DTD left, so the plain parser is safe here
    for element in root.iter():
        namespace, _, name = element.tag[1:].partition("}")
        assert namespace == SVG_NS and name not in DANGEROUS_ELEMENTS, element.tag
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            assert not local.lower().startswith("on"), attribute
            assert not attribute.startswith("{http://www.w3.org/XML/1998/namespace}base"), attribute
            if local == "href":
                assert value.startswith("#") or re.match(r"data:image/(png|jpeg);base64,", value), value
            assert "url(" not in value.replace(" ", "") or re.fullmatch(r"[^(]*(url\(#[\w.-]+\)[^(]*)+", value), value
    assert 'id="keep"' in text  # the drawing itself is still there
