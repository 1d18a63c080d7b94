"""Rendered lesson HTML is cached by text, and never served stale: new text, new picture, other language."""
from __future__ import annotations

import re

import pytest

from lms.courses import markdown
from lms.courses.markdown import render_cache, render_markdown
from tests.factories import write_course

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="%d" height="5"/></svg>'
BODY = "Teks *penting*.\n\n::: tip\nMinum air.\n:::\n\n![Gambar](images/gambar.svg)\n\n<script>alert(1)</script>\n"


@pytest.fixture(autouse=True)
def empty_cache():
    render_cache.clear()
    yield
    render_cache.clear()


def parser_calls(monkeypatch) -> list:
    """Count the real Markdown renders (cache misses) from here on."""
    calls = []
    real = markdown._PARSER.render

    def counting(text, env=None):
        calls.append(text)
        return real(text, env)

    monkeypatch.setattr(markdown._PARSER, "render", counting)
    return calls


def test_the_same_text_is_rendered_once_and_stays_sanitised(monkeypatch):
    calls = parser_calls(monkeypatch)
    resolve = {"images/gambar.svg": "/aset/gambar.svg?v=aaa"}.get
    first = render_markdown(BODY, resolve_asset=resolve, callout_titles={"tip": "Tips"})
    second = render_markdown(BODY, resolve_asset=resolve, callout_titles={"tip": "Tips"})
    assert second == first and len(calls) == 1
    assert render_cache.hits == 1 and render_cache.misses == 1
    assert "<script>" not in second and "<em>penting</em>" in second
    assert 'src="/aset/gambar.svg?v=aaa"' in second


def test_new_text_new_picture_or_other_language_renders_again(monkeypatch):
    calls = parser_calls(monkeypatch)
    titles_id, titles_en = {"tip": "Tips"}, {"tip": "Tip"}
    pictures = {"images/gambar.svg": "/aset/gambar.svg?v=aaa"}
    render_markdown(BODY, resolve_asset=pictures.get, callout_titles=titles_id)

    changed = render_markdown(BODY.replace("Minum air", "Minum air putih"), resolve_asset=pictures.get,
                              callout_titles=titles_id)
    assert "Minum air putih" in changed and len(calls) == 2

    english = render_markdown(BODY, resolve_asset=pictures.get, callout_titles=titles_en)
    assert '<p class="callout-title">Tip</p>' in english and len(calls) == 3

    pictures["images/gambar.svg"] = "/aset/gambar.svg?v=bbb"  # the picture file changed, the text did not
    new_picture = render_markdown(BODY, resolve_asset=pictures.get, callout_titles=titles_id)
    assert 'src="/aset/gambar.svg?v=bbb"' in new_picture and "v=aaa" not in new_picture and len(calls) == 4

    unresolved = render_markdown(BODY, callout_titles=titles_id)  # e.g. a preview without pictures
    assert 'src="images/gambar.svg"' in unresolved and len(calls) == 5
    again = render_markdown(BODY, resolve_asset=pictures.get, callout_titles=titles_id)
    assert again == new_picture and len(calls) == 5


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(render_cache, "maxsize", 3)
    calls = parser_calls(monkeypatch)
    for n in range(5):
        render_markdown(f"Teks {n}.\n")
    render_markdown("Teks 4.\n")  # recent: kept
    render_markdown("Teks 0.\n")  # oldest: evicted, rendered again
    assert len(calls) == 6 and len(render_cache._entries) == 3


def test_a_lesson_page_shows_the_new_picture_after_the_course_is_updated(client, tmp_path):
    """The lesson text is unchanged, the picture's bytes are not: the page links the new copy."""
    from lms.courses.importer import import_content
    from lms.extensions import db

    modules = [{"slug": "modul-satu", "title": "Modul Satu", "lessons": [
        {"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Lihat gambar.\n\n![Gambar](images/gambar.svg)\n"}]}]
    import_content(write_course(tmp_path / "v1", images={"gambar.svg": SVG % 5}, modules=modules))
    db.session.commit()
    url = "/kursus/kursus-uji/materi/pelajaran-a"
    before = re.search(r'src="([^"]+gambar\.svg[^"]*)"', client.get(url).get_data(as_text=True)).group(1)
    assert client.get(url).status_code == 200 and render_cache.hits >= 1  # the second view came from the cache

    import_content(write_course(tmp_path / "v2", images={"gambar.svg": SVG % 7}, modules=modules,
                                course={"version": 2}))
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    after = re.search(r'src="([^"]+gambar\.svg[^"]*)"', page).group(1)
    assert after != before
    assert client.get(after.replace("&amp;", "&")).data == SVG % 7
