"""The SVG sanitizer: real drawings come through as they were, in the browser and in the PDF handouts."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab import rl_config
from reportlab.graphics import renderPDF
from svglib.svglib import svg2rlg

from lms.courses.svg_sanitizer import MAX_DEPTH, SvgRefused, clean_declarations, clean_stylesheet, clean_svg
from lms.handouts.markdown_pdf import expand_font_shorthand
from tests.conftest import PROJECT_ROOT

from .svg_payloads import ATTACKS, SVG_NS, assert_harmless

CONTENT_DRAWINGS = sorted((PROJECT_ROOT / "content").rglob("*.svg"))

# As drawing programs save them: XML declaration, comment, DOCTYPE, editor namespaces and metadata,
# a gradient and a symbol referenced with xlink:href, a style sheet, classes and a style attribute.
INKSCAPE = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
     width="120" height="80" viewBox="0 0 120 80" version="1.1" inkscape:version="1.3" sodipodi:docname="t.svg">
  <sodipodi:namedview id="namedview1" pagecolor="#ffffff"/>
  <metadata><rdf:RDF><dc:title>Tangan</dc:title></rdf:RDF></metadata>
  <defs>
    <linearGradient id="kulit"><stop offset="0" stop-color="#f3c9a5"/><stop offset="1" stop-color="#c98b5e"/>
    </linearGradient>
    <linearGradient id="kulit2" xlink:href="#kulit" x1="0" y1="0" x2="1" y2="0"/>
    <symbol id="tetes" viewBox="0 0 10 10"><path d="M5 0 Q10 8 5 10 Q0 8 5 0z" fill="#4aa3df"/></symbol>
  </defs>
  <style type="text/css">.garis{stroke:#1d4e6f;stroke-width:2;fill:none}.label{font:bold 10px sans-serif}</style>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1" transform="translate(0,0)">
    <rect x="10" y="10" width="60" height="40" rx="8" fill="url(#kulit2)" stroke="#9a6b47"
          style="stroke-width:1.5;opacity:0.9"/>
    <path class="garis" d="M 10 60 L 110 60"/>
    <use xlink:href="#tetes" x="80" y="10" width="20" height="20"/>
    <circle cx="95" cy="45" r="6" fill="#c0392b" fill-opacity="0.8"/>
    <text x="10" y="75" class="label" xml:space="preserve">Cuci <tspan font-weight="bold">tangan</tspan>
      &amp; bilas</text>
  </g>
</svg>
"""


def _tree(element: ET.Element) -> tuple:
    """Everything a drawing is made of; white space between elements does not count."""
    return (element.tag, dict(element.attrib), (element.text or "").strip() and element.text,
            (element.tail or "").strip() and element.tail, tuple(_tree(child) for child in element))


def _pdf(svg: bytes) -> bytes:
    """The drawing as the handouts put it into a PDF (svglib, the same font fix-up)."""
    drawing = svg2rlg(io.BytesIO(expand_font_shorthand(svg)))
    assert drawing is not None and drawing.width and drawing.height
    return renderPDF.drawToString(drawing)


@pytest.fixture
def invariant_pdfs(monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)  # no dates or random ids: equal drawings give equal bytes


@pytest.mark.parametrize("path", CONTENT_DRAWINGS, ids=[p.name for p in CONTENT_DRAWINGS])
def test_the_projects_drawings_come_through_byte_for_byte(path):
    data = path.read_bytes()
    assert clean_svg(data) == data


def test_a_drawing_program_file_keeps_every_element_and_attribute_it_draws_with(invariant_pdfs):
    cleaned = clean_svg(INKSCAPE)
    original = ET.fromstring(INKSCAPE)
    # What goes: the editors' own elements and attributes, the comment, the DOCTYPE, the XML declaration.
    for element in list(original):
        if not element.tag.startswith(f"{{{SVG_NS}}}") or element.tag == f"{{{SVG_NS}}}metadata":
            original.remove(element)
    for element in original.iter():
        for name in [n for n in element.attrib if n.startswith("{http://www.inkscape.org/")
                     or n.startswith("{http://sodipodi")]:
            del element.attrib[name]
    assert _tree(ET.fromstring(cleaned)) == _tree(original)
    assert b"<!--" not in cleaned and b"DOCTYPE" not in cleaned and b"inkscape" not in cleaned
    assert _pdf(cleaned) == _pdf(INKSCAPE)  # the handout draws the same picture


@pytest.mark.parametrize("path", CONTENT_DRAWINGS[:2], ids=[p.name for p in CONTENT_DRAWINGS[:2]])
def test_handouts_still_draw_the_cleaned_drawings(path, invariant_pdfs):
    assert _pdf(clean_svg(path.read_bytes())) == _pdf(path.read_bytes())


@pytest.mark.parametrize("payload", ATTACKS.values(), ids=ATTACKS.keys())
def test_cleaning_is_stable_and_leaves_a_drawing_svglib_can_read(payload):
    cleaned = clean_svg(payload)
    assert_harmless(cleaned)
    assert clean_svg(cleaned) == cleaned
    assert svg2rlg(io.BytesIO(cleaned)) is not None


def test_css_keeps_presentation_rules_and_drops_everything_that_fetches():
    assert clean_stylesheet(
        ".a{fill:red;behavior:url(x.htc);-moz-binding:url(x)}@media print{.b{fill:blue}}"
        "/* c */ .c > text:not(.d){stroke:url(#g);fill:url('#h');font:bold 12px \"Open Sans\"}"
        "@namespace x url(http://evil.example);.e{fill:rgb(1,2,3)!important;stroke:expression(alert(1))}"
        ".f{fill:var(--x)}.g{}"
    ) == '.a{fill:red}.c > text:not(.d){stroke:url(#g);fill:url("#h");font:bold 12px "Open Sans"}' \
         ".e{fill:rgb(1,2,3)!important}"
    assert clean_declarations("FILL: red; stroke: url( #a ); opacity:.5; color:url(data:x)") == \
        "fill:red;stroke:url(#a);opacity:.5"


def test_an_svg_without_namespace_is_read_as_svg_and_embedded_photos_stay():
    png = "data:image/png;base64,iVBORw0KGgo="
    cleaned = clean_svg(f'<svg width="2"><rect onclick="x" width="1"/><image href="{png}"/></svg>'.encode())
    assert cleaned == f'<svg xmlns="{SVG_NS}" width="2"><rect width="1"/><image href="{png}"/></svg>'.encode()


def test_texts_and_attributes_are_escaped_so_they_read_back_the_same():
    source = (f'<svg xmlns="{SVG_NS}"><title>1 &lt; 2 &amp; "tiga"</title>'
              '<text aria-label="a&#10;b &quot;c&quot;">x &gt; y</text></svg>').encode()
    cleaned = clean_svg(source)
    assert _tree(ET.fromstring(cleaned)) == _tree(ET.fromstring(source))
    assert clean_svg(cleaned) == cleaned


def test_a_drawing_nested_too_deep_is_refused():
    deep = f'<svg xmlns="{SVG_NS}">' + "<g>" * MAX_DEPTH + "</g>" * MAX_DEPTH + "</svg>"
    with pytest.raises(SvgRefused) as refused:
        clean_svg(deep.encode())
    assert refused.value.reason == "too_deep"
    shallow = f'<svg xmlns="{SVG_NS}">' + "<g>" * (MAX_DEPTH - 1) + "</g>" * (MAX_DEPTH - 1) + "</svg>"
    assert clean_svg(shallow.encode()).count(b"<g>") == MAX_DEPTH - 2  # the innermost is written <g/>


@pytest.mark.parametrize("data", [
    b"<?xml version='1.0' encoding='x-unknown'?><svg/>",
    b"<?xml version='1.0' encoding='utf-32'?><svg/>",
    f'<svg xmlns="{SVG_NS}"><rect fill="{"(" * 50_000}"/></svg>'.encode(),
    f'<svg xmlns="{SVG_NS}"><style>a{{fill:{"rgb(" * 50_000}{")" * 50_000}}}</style></svg>'.encode(),
    f'<svg xmlns="{SVG_NS}">{"<a>" * 5000}{"</a>" * 5000}</svg>'.encode(),
])
def test_odd_files_are_refused_or_cleaned_never_a_crash(data):
    try:
        cleaned = clean_svg(data)
    except SvgRefused as refused:
        assert refused.problem and refused.reason in ("malformed", "too_deep")
    else:
        assert clean_svg(cleaned) == cleaned


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CONTENT_DRAWINGS), st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                                                 min_size=1, max_size=6))
def test_damaged_drawings_are_cleaned_or_refused(path, changes):
    data = bytearray(path.read_bytes())
    for where, byte in changes:
        data[int(where * len(data))] = byte
    try:
        cleaned = clean_svg(bytes(data))
    except SvgRefused:
        return
    assert ET.fromstring(cleaned).tag == f"{{{SVG_NS}}}svg" and clean_svg(cleaned) == cleaned
