"""Printable handouts: one A4 PDF per module, with the lesson page's Markdown rules and a QR code per lesson."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image

from lms.accounts.models import Role
from lms.courses.importer import import_content
from lms.extensions import db
from lms.handouts.markdown_pdf import expand_font_shorthand
from tests.certificates.fixtures import ZBARIMG_QR_ONLY
from tests.conftest import PROJECT_ROOT

RICH_LESSON = """Teks biasa dengan **tebal**, *miring* dan ~~coret~~, serta [tautan WHO](https://www.who.int/ageing).

# Judul satu menjadi judul bagian

### Sub bagian

- Butir satu
  - Butir bersarang
- Butir dua

3. Langkah tiga
4. Langkah empat

| Nama obat | Jam minum |
| --- | --- |
| Obat darah tinggi | 07.00 |
| Obat gula | 19.00 |

::: warning Segera cari pertolongan medis bila
- Sesak napas.
:::

::: tip
Saran tanpa judul.
:::

> Kutipan penting.

![Foto kamar yang aman](images/foto.png)

![Gambar posisi miring](images/garis.svg)

<script>alert(1)</script> <b onclick="x()">tebal palsu</b>
"""
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40"><style>.l{font:12px sans-serif}</style>'
       b'<rect width="100" height="40" fill="#eef6fb"/><text class="l" x="5" y="25">Miring</text></svg>')


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run tools/ensure-system-packages (poppler-utils, zbar-tools)"
    return path


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, timeout=60, check=True)
    return " ".join(result.stdout.decode().split())


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (1400, 900), (30, 120, 90, 255)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def handout_course(make_course):
    return make_course(images={"foto.png": photo(), "garis.svg": SVG}, modules=[
        {"slug": "modul-satu", "title": "Modul Satu", "summary": "Ringkasan modul satu.", "lessons": [
            {"slug": "pelajaran-kaya", "title": "Pelajaran Kaya", "body": RICH_LESSON, "minutes": 9},
            {"slug": "pelajaran-dua", "title": "Pelajaran Dua", "body": "Isi pelajaran dua.\n"},
        ]},
        {"slug": "modul-dua", "title": "Modul Dua", "lessons": [
            {"slug": "pelajaran-tiga", "title": "Pelajaran Tiga", "body": "Isi pelajaran tiga.\n"}]},
    ])


def test_the_course_page_offers_one_handout_per_module(client, handout_course):
    client.set_cookie("lang", "en")
    page = client.get("/kursus/kursus-uji").get_data(as_text=True)
    links = re.findall(r'<a href="(/kursus/kursus-uji/modul/[^"]+/handout\.pdf)">Printable handout', page)
    assert links == ["/kursus/kursus-uji/modul/modul-satu/handout.pdf",
                     "/kursus/kursus-uji/modul/modul-dua/handout.pdf"]


def test_a_handout_prints_the_module_with_the_lesson_rules(client, handout_course, tmp_path):
    client.set_cookie("lang", "en")
    response = client.get("/kursus/kursus-uji/modul/modul-satu/handout.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="rawat-kursus-uji-01-modul-satu.pdf"'
    pdf = response.data
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    for expected in ["Kursus Uji", "Module 1: Modul Satu", "Ringkasan modul satu.", "1.1 Pelajaran Kaya",
                     "About 9 minutes of reading", "1.2 Pelajaran Dua", "Judul satu menjadi judul bagian",
                     "Sub bagian", "Butir bersarang", "Nama obat", "Obat darah tinggi", "07.00",
                     "Segera cari pertolongan medis bila", "Tip", "Saran tanpa judul.", "Kutipan penting.",
                     "Foto kamar yang aman", "Gambar posisi miring", "Miring", "tautan WHO (https://www.who.int/ageing)",
                     "Page 1", "<script>alert(1)</script>", "tebal palsu"]:
        assert expected in text, expected
    assert "Pelajaran Tiga" not in text  # another module
    assert re.search(r"3\. Langkah tiga 4\. Langkah empat", text)
    assert b"/DCTDecode" in pdf  # the photo, printed as a JPEG
    assert b"/URI (http://localhost/kursus/kursus-uji/materi/pelajaran-kaya)" in pdf


def test_the_qr_codes_open_the_lessons(client, handout_course, tmp_path):
    pdf = client.get("/kursus/kursus-uji/modul/modul-satu/handout.pdf").data
    (tmp_path / "h.pdf").write_bytes(pdf)
    subprocess.run([tool("pdftoppm"), "-png", "-r", "150", str(tmp_path / "h.pdf"), str(tmp_path / "page")],
                   check=True, timeout=60)
    found = set()
    for page in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run([tool("zbarimg"), "--quiet", "--raw", *ZBARIMG_QR_ONLY, str(page)],
                                capture_output=True, timeout=60)
        found.update(result.stdout.decode().split())
    assert found == {"http://localhost/kursus/kursus-uji/materi/pelajaran-kaya",
                     "http://localhost/kursus/kursus-uji/materi/pelajaran-dua"}


def test_the_real_modules_print(client, tmp_path):
    import_content(PROJECT_ROOT / "content")
    db.session.commit()
    response = client.get("/kursus/perawatan-dasar-lansia/modul/obat-di-rumah/handout.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    assert "Modul 4" in text or "Module 4" in text
    assert "Jadwal dan Dosis" in text


def test_a_handout_is_revalidated_by_its_etag(client, handout_course):
    first = client.get("/kursus/kursus-uji/modul/modul-dua/handout.pdf")
    assert first.headers["ETag"] and first.headers["Cache-Control"] == "private, max-age=600"
    again = client.get("/kursus/kursus-uji/modul/modul-dua/handout.pdf",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    client.set_cookie("lang", "en")
    english = client.get("/kursus/kursus-uji/modul/modul-dua/handout.pdf",
                         headers={"If-None-Match": first.headers["ETag"]})
    assert english.status_code == 200  # another language is another handout


@pytest.mark.parametrize("url", [
    "/kursus/kursus-uji/modul/tidak-ada/handout.pdf",
    "/kursus/tidak-ada/modul/modul-satu/handout.pdf",
])
def test_unknown_modules_are_not_found(client, handout_course, url):
    assert client.get(url).status_code == 404


def test_a_retired_module_has_no_handout(client, tmp_path):
    from tests.factories import write_course

    folder = write_course(tmp_path / "content", "kursus-uji")
    import_content(folder)
    db.session.commit()
    shutil.rmtree(next(folder.glob("02-modul-dua")))
    import_content(folder)
    db.session.commit()
    assert client.get("/kursus/kursus-uji/modul/modul-dua/handout.pdf").status_code == 404
    assert client.get("/kursus/kursus-uji/modul/modul-satu/handout.pdf").status_code == 200


def test_unpublished_courses_print_only_for_trainers(client, browser, make_user, make_course):
    make_course(course={"published": False})
    url = "/kursus/kursus-uji/modul/modul-satu/handout.pdf"
    assert client.get(url).status_code == 404
    trainer = make_user(Role.TRAINER)
    browser.login(trainer.phone)
    assert browser.get(url).status_code == 200


def test_svg_font_shorthand_becomes_longhand_for_svglib():
    svg = (b'<style>.n{font:bold 14px sans-serif;fill:#1d4e6f}.x{font-size:3px}</style>'
           b'<text style="font: italic 10px/1.2 Arial">')
    assert expand_font_shorthand(svg) == (
        b'<style>.n{font-weight:bold;font-size:14px;font-family:sans-serif;fill:#1d4e6f}.x{font-size:3px}</style>'
        b'<text style="font-style:italic;font-size:10px;font-family:Arial">')


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "layout.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, timeout=60,
                            check=True)
    return [" ".join(page.split()) for page in result.stdout.decode().split("\f") if page.strip()]


def _page_of(pages: list[str], text: str) -> int:
    found = [number for number, page in enumerate(pages) if text in page]
    assert found, text
    return found[0]


def test_a_heading_or_a_short_callout_never_ends_a_page_without_what_it_introduces(app, tmp_path):
    """Wherever the page ends, a heading stays with the start of its list, a bold lead-in with its
    list, and a short callout with its title is not cut in two (or left as an empty sliver)."""
    from lms.handouts.pdf import HandoutContent, HandoutLesson, render_handout

    tail = ("## Judul sebelum daftar\n\n- Butir pertama daftar.\n- Butir kedua daftar.\n- Butir ketiga daftar.\n\n"
            "**Cara yang aman:**\n\n1. Langkah pertama aman.\n2. Langkah kedua aman.\n\n"
            "::: warning Judul kotak peringatan\nBaris pertama isi kotak.\n\nBaris kedua isi kotak.\n\n"
            "Baris ketiga isi kotak.\n:::\n\nPenutup pelajaran.\n")
    with app.test_request_context():
        for filler in range(18, 52, 1):
            body = "".join(f"Kalimat pengisi nomor {n}.\n\n" for n in range(filler)) + tail
            content = HandoutContent(course_title="Kursus Uji", course_version=1, module_number=1,
                                     module_title="Modul Uji", module_summary="",
                                     lessons=[HandoutLesson("Pelajaran", 5, body, "http://localhost/x")])
            pages = _pages(render_handout(content), tmp_path)
            assert _page_of(pages, "Judul sebelum daftar") == _page_of(pages, "Butir pertama daftar."), filler
            assert _page_of(pages, "Cara yang aman:") == _page_of(pages, "Langkah pertama aman."), filler
            box = {_page_of(pages, text) for text in ("Judul kotak peringatan", "Baris pertama isi kotak.",
                                                      "Baris ketiga isi kotak.")}
            assert len(box) == 1, filler


# --- drawn once per version (issue #15) -------------------------------------------------------

def _stored():
    from sqlalchemy import select

    from lms.handouts.models import StoredHandout

    return list(db.session.scalars(select(StoredHandout).order_by(StoredHandout.id)))


def test_a_handout_is_drawn_once_and_then_served_from_the_database(client, handout_course):
    url = "/kursus/kursus-uji/modul/modul-dua/handout.pdf"
    first = client.get(url)
    stored = _stored()
    assert first.status_code == 200 and [(row.locale, row.data) for row in stored] == [("id", first.data)]
    # What every later request gets, in any worker or after a restart, is the stored copy, not a new drawing.
    stored[0].data = b"%PDF-1.4 the stored copy"
    db.session.commit()
    again = client.get(url)
    assert again.status_code == 200 and again.data == b"%PDF-1.4 the stored copy"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Disposition"] == 'inline; filename="rawat-kursus-uji-02-modul-dua.pdf"'
    client.set_cookie("lang", "en")  # another language is another handout, drawn once too
    english = client.get(url)
    assert english.data.startswith(b"%PDF") and english.data != again.data
    assert sorted(row.locale for row in _stored()) == ["en", "id"]


def test_a_published_change_is_never_answered_with_the_old_handout(client, tmp_path):
    from tests.factories import write_course

    def publish(body: str, picture: bytes):
        modules = [{"slug": "modul-satu", "title": "Modul Satu", "lessons": [
            {"slug": "pelajaran-a", "title": "Pelajaran A", "body": body + "\n\n![Gambar](images/garis.svg)\n"}]}]
        import_content(write_course(tmp_path / "content", "kursus-uji", modules=modules,
                                    images={"garis.svg": picture}))
        db.session.commit()

    url = "/kursus/kursus-uji/modul/modul-satu/handout.pdf"
    publish("Isi lama pelajaran.", SVG)
    old = client.get(url)
    assert "Isi lama pelajaran." in pdf_text(old.data, tmp_path)
    publish("Isi baru pelajaran.", SVG)
    new = client.get(url, headers={"If-None-Match": old.headers["ETag"]})
    assert new.status_code == 200 and new.headers["ETag"] != old.headers["ETag"]
    assert "Isi baru pelajaran." in pdf_text(new.data, tmp_path)
    publish("Isi baru pelajaran.", SVG.replace(b"Miring", b"Tegak"))  # only the picture changed
    repainted = client.get(url)
    assert repainted.headers["ETag"] not in (old.headers["ETag"], new.headers["ETag"])
    assert "Tegak" in pdf_text(repainted.data, tmp_path)
    assert len(_stored()) == 1  # older versions are dropped, not kept forever


def test_storing_the_same_handout_twice_keeps_one(app, handout_course):
    """Two workers drawing the same handout at once: the unique key keeps the first, the second is ignored."""
    from lms.courses.models import Course
    from lms.handouts.queries import handout_source
    from lms.handouts.services import store_handout

    with app.test_request_context():
        course = db.session.scalar(db.select(Course))
        source = handout_source(course, "modul-dua")
        store_handout(source, b"%PDF-first")
        store_handout(source, b"%PDF-second")
        db.session.commit()
    assert [row.data for row in _stored()] == [b"%PDF-first"]


def test_drawing_is_rate_limited_per_address_but_stored_handouts_are_not(app, client, handout_course):
    one, two = "/kursus/kursus-uji/modul/modul-satu/handout.pdf", "/kursus/kursus-uji/modul/modul-dua/handout.pdf"
    app.config["HANDOUT_RENDER_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [client.get(one).status_code]  # drawn
        codes += [client.get(one).status_code for _ in range(5)]  # stored: not counted
        codes.append(client.get(two).status_code)  # drawn: the second of two
        client.set_cookie("lang", "en")
        refused = client.get(two)  # a third drawing within the minute
        client.set_cookie("lang", "id")
        codes += [client.get(url).status_code for url in (one, two, one)]  # stored copies are still served
        client.set_cookie("lang", "en")
        elsewhere = client.get(two, environ_base={"REMOTE_ADDR": "127.0.0.9"})
    finally:
        app.config.pop("HANDOUT_RENDER_RATE_LIMIT")
    assert codes == [200] * 10
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    assert elsewhere.status_code == 200  # another address is not affected
