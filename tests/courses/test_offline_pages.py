"""Low data and offline reading for courses: gzipped course pages, phone-sized pictures, the service
worker, what "Save for offline reading" stores and what it says it costs. (Gzip and hashed static
files for every page are the web layer's: tests/core/test_low_data.py.)"""
from __future__ import annotations

import gzip
import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from lms.courses.importer import import_content
from lms.courses.models import CourseAsset, CourseAssetVariant
from lms.extensions import db
from tests.conftest import PROJECT_ROOT

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>kotak</title>'
       b'<rect width="10" height="10" fill="#0b6e4f"/></svg>')


def png(width: int, height: int, colour=(200, 120, 40)) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 7):  # some detail, so the picture is not trivially small
        image.putpixel((x, (x * 3) % height), (10, 10, 10))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def picture_course(make_course):
    body = ("Sebuah foto.\n\n![Foto besar di kamar](images/foto.png)\n\n![Foto kecil](images/kecil.png)\n\n"
            "![Gambar garis](images/garis.svg)\n")
    return make_course(images={"foto.png": png(1600, 1000), "kecil.png": png(200, 100), "garis.svg": SVG},
                       modules=[{"slug": "modul-foto", "title": "Modul Foto", "lessons": [
                           {"slug": "pelajaran-foto", "title": "Pelajaran Foto", "body": body}]}])


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


# --- gzip (app-wide, see tests/core/test_low_data.py) on course pages ----------------------


def test_lesson_pages_are_gzipped(client, make_course):
    make_course()
    plain = client.get("/kursus/kursus-uji/materi/pelajaran-a")
    packed = client.get("/kursus/kursus-uji/materi/pelajaran-a", headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2
    unpacked = gzip.decompress(packed.data).decode()
    # Same page (only the per-request CSRF token may differ).
    strip = re.compile(r'(name="csrf_token" value|name="csrf-token" content)="[^"]+"')
    assert strip.sub("", unpacked) == strip.sub("", plain.get_data(as_text=True))


def test_json_is_gzipped_too(client):
    import_content(PROJECT_ROOT / "content")
    db.session.commit()
    response = client.get("/kursus/perawatan-dasar-lansia/luring.json", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert b'"urls"' in gzip.decompress(response.data)


# --- pictures -----------------------------------------------------------------------------


def test_photos_get_phone_sized_webp_copies_and_svg_stays_svg(client, picture_course):
    page = client.get("/kursus/kursus-uji/materi/pelajaran-foto").get_data(as_text=True)
    images = {re.search(r'alt="([^"]+)"', tag).group(1): tag for tag in re.findall(r"<img [^>]+>", page)}
    big = images["Foto besar di kamar"]
    assert 'loading="lazy"' in big and "sizes=" in big and 'width="720"' in big and 'height="450"' in big
    srcset = re.search(r'srcset="([^"]+)"', big).group(1).replace("&amp;", "&")
    candidates = dict(reversed(c.strip().rsplit(" ", 1)) for c in srcset.split(","))
    assert set(candidates) == {"360w", "720w"}
    assert re.search(r'src="[^"]+w=360"', big)
    for width_descriptor, url in candidates.items():
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/webp"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        with Image.open(io.BytesIO(response.data)) as copy:
            assert copy.format == "WEBP" and copy.width == int(width_descriptor[:-1])
    small = images["Foto kecil"]
    assert re.search(r'srcset="[^"]+w=200 200w"', small)  # never blown up past the original
    line = images["Gambar garis"]
    assert "srcset" not in line and ".svg?v=" in line
    assert client.get(re.search(r'src="([^"]+)"', line).group(1).replace("&amp;", "&")).mimetype == "image/svg+xml"


def test_a_copy_of_another_width_is_not_found(client, picture_course):
    assert client.get("/kursus/kursus-uji/aset/images/foto.png?w=500").status_code == 404
    assert client.get("/kursus/kursus-uji/aset/images/garis.svg?w=360").status_code == 404
    assert client.get("/kursus/kursus-uji/aset/images/foto.png?w=abc").status_code == 404


def test_copies_are_made_once_and_follow_a_changed_picture(tmp_path, client):
    from tests.factories import write_course

    folder = write_course(tmp_path / "content", "kursus-foto", images={"foto.png": png(900, 600)}, modules=[
        {"slug": "modul", "title": "Modul",
         "lessons": [{"slug": "satu", "title": "Satu", "body": "![Foto](images/foto.png)\n"}]}])
    import_content(folder)
    db.session.commit()
    count = select(func.count(CourseAssetVariant.id))
    assert db.session.scalar(count) == 2
    assert import_content(folder)[0].changes == 0  # importing again changes nothing
    (folder / "images" / "foto.png").write_bytes(png(300, 300, colour=(0, 90, 200)))
    report = import_content(folder)[0]
    db.session.commit()
    assert report.changes == 1
    widths = db.session.scalars(select(CourseAssetVariant.width)).all()
    assert widths == [300]


def test_pictures_imported_before_copies_existed_get_them_on_the_next_import(tmp_path):
    from tests.factories import write_course

    folder = write_course(tmp_path / "content", "kursus-lama", images={"foto.png": png(800, 400)})
    import_content(folder)
    db.session.commit()
    for variant in db.session.scalars(select(CourseAssetVariant)):
        db.session.delete(variant)
    db.session.commit()
    assert import_content(folder)[0].changes == 1
    assert db.session.scalar(select(func.count(CourseAssetVariant.id))) == 2


def test_an_unreadable_picture_is_served_as_it_is(tmp_path, client):
    from tests.factories import write_course

    folder = write_course(tmp_path / "content", "kursus-rusak", images={"rusak.png": b"\x89PNG\r\n\x1a\nbukan gambar"},
                          modules=[{"slug": "m", "title": "M", "lessons": [
                              {"slug": "l", "title": "L", "body": "![Rusak](images/rusak.png)\n"}]}])
    import_content(folder)
    db.session.commit()
    assert db.session.scalar(select(func.count(CourseAssetVariant.id))) == 0
    page = client.get("/kursus/kursus-rusak/materi/l").get_data(as_text=True)
    assert "srcset" not in page and "rusak.png?v=" in page


# --- the service worker and the offline pages ---------------------------------------------


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert re.search(r'importScripts\("/static/offline\.js\?v=[0-9a-f]{12}"\)', body)
    assert '"/luring/kuis"' in body and "http://" not in body and "https://" not in body
    assert client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("url, text", [
    ("/luring", "This page is not saved on this phone"),
    ("/luring/kuis", "Quizzes are checked on the Rawat server, so they cannot be taken without signal."),
])
def test_the_pages_shown_offline(english, url, text):
    response = english.get(url)
    assert response.status_code == 200
    assert text in response.get_data(as_text=True)


def test_pages_expose_the_csrf_token_and_the_script_without_inline_code(browser, make_user):
    user = make_user()
    browser.login(user.phone)
    page = browser.get("/dasbor").get_data(as_text=True)
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', page)
    assert f'<meta name="rawat-learner" content="{user.id}">' in page
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
    assert scripts and all(body.strip() == "" for body in scripts)  # CSP: script-src 'self', nothing inline
    assert "style=" not in page


# --- saving a course for offline reading --------------------------------------------------


def test_the_course_page_says_what_saving_costs_even_without_javascript(english, picture_course):
    page = english.get("/kursus/kursus-uji").get_data(as_text=True)
    bundle = english.get("/kursus/kursus-uji/luring.json").json
    size = re.search(r"Uses about (\d+) KB of data\.", page)
    assert size and int(size.group(1)) == max(1, round(bundle["bytes"] / 1024))
    assert "Saving for offline reading needs JavaScript" in page  # in <noscript>
    assert re.search(r'<button type="button" class="button" data-offline-action="save" hidden>Save for offline reading',
                     page)


def test_the_bundle_lists_every_current_lesson_and_picture(browser, make_user, picture_course, make_course):
    make_course("kursus-lain")
    user = make_user()
    browser.login(user.phone)
    bundle = browser.get("/kursus/kursus-uji/luring.json").json
    urls = bundle["urls"]
    assert urls[0] == "/kursus/kursus-uji"
    assert "/kursus/kursus-uji/materi/pelajaran-foto" in urls
    assert "/dasbor" in urls and "/luring" in urls and "/luring/kuis" in urls
    assert not any("kursus-lain" in url for url in urls)
    pictures = [url for url in urls if "/aset/" in url]
    assert len(pictures) == 3
    assert any("foto.png" in url and "w=360" in url for url in pictures)  # the smallest copy of a photo
    assert any(url.startswith("/static/rawat.css?v=") for url in urls)
    # The size is the real transfer: at least the compressed lesson page and the smallest photo copy.
    lesson = browser.get("/kursus/kursus-uji/materi/pelajaran-foto", headers=GZIP)
    smallest = db.session.scalar(select(func.min(func.length(CourseAssetVariant.data)))
                                 .join(CourseAsset).where(CourseAsset.path == "images/foto.png"))
    assert bundle["bytes"] >= len(lesson.data) + smallest
    assert bundle["bytes"] < 5 * (len(lesson.data) + smallest) + 10_000
    assert browser.get("/kursus/tidak-ada/luring.json").status_code == 404


def test_the_lesson_form_tells_the_phone_where_to_go_next(browser, make_user, make_course):
    make_course()
    user = make_user()
    browser.login(user.phone)
    page = browser.get("/kursus/kursus-uji/materi/pelajaran-a").get_data(as_text=True)
    assert 'data-offline-mark data-course="kursus-uji" data-lesson="pelajaran-a"' in page
    assert '<input type="hidden" name="next" value="/kursus/kursus-uji/materi/pelajaran-b">' in page
    # The extra fields change nothing for the server's own form handling.
    response = browser.post_form("/kursus/kursus-uji/materi/pelajaran-a/selesai",
                                 {"next": "https://evil.example/", "learner": "999"},
                                 form_url="/kursus/kursus-uji/materi/pelajaran-a")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kursus/kursus-uji/materi/pelajaran-b")


def test_every_lesson_of_the_real_course_is_small(client):
    import_content(PROJECT_ROOT / "content")
    db.session.commit()
    page = client.get("/kursus/perawatan-dasar-lansia").get_data(as_text=True)
    lessons = sorted(set(re.findall(r'href="(/kursus/perawatan-dasar-lansia/materi/[^"]+)"', page)))
    assert len(lessons) >= 20
    for url in lessons:
        response = client.get(url, headers=GZIP)
        assert response.headers["Content-Encoding"] == "gzip"
        assert len(response.data) <= 10 * 1024, (url, len(response.data))


def test_compressed_responses_still_revalidate(client, make_course):
    large = SVG.replace(b"</svg>", b'<rect width="10" height="10" fill="#0b6e4f"/>' * 40 + b"</svg>")
    make_course(images={"garis.svg": large}, modules=[{"slug": "m", "title": "M", "lessons": [
        {"slug": "l", "title": "L", "body": "![Garis](images/garis.svg)\n"}]}])
    for url in ["/sw.js", "/kursus/kursus-uji/aset/images/garis.svg"]:
        first = client.get(url, headers=GZIP)
        assert first.headers["Content-Encoding"] == "gzip" and first.headers["ETag"].startswith('W/"')
        again = client.get(url, headers={**GZIP, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
