"""How many bytes a learner's phone downloads: each main page, and a whole course, from an empty cache.

    .venv/bin/python bench/page_weight.py

Runs standalone on a temporary SQLite database with the real content/ loaded, through
the app's own WSGI stack with `Accept-Encoding: gzip` (what every phone browser sends),
so the figures are the compressed bytes on the wire: response bodies plus status line
and headers. Each main page is measured from an empty cache with what it pulls in
(stylesheet, script, icon, web app manifest, pictures: for a `srcset`, the copy a 360-pixel
phone at 2x picks). Then one learner completes perawatan-dasar-lansia (8 modules) from an empty
cache: sign in, every lesson (read and marked done), every quiz page (home, attempt,
result; answered right), then the course page with the certificate, its public
verification page and the PDF. Files with a content hash in their URL are cached by
the browser after their first download, and counted once.

Targets (issue #10): any lesson page at most 10 KB compressed without its pictures;
a whole 6-module course at most 1.5 MB including pictures.
"""
from __future__ import annotations

import logging
import re
import sys
import tempfile
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COURSE = "perawatan-dasar-lansia"
LESSON_TARGET = 10 * 1024
SIX_MODULE_TARGET = int(1.5 * 1024 * 1024)
PHONE_WIDTH = 720  # CSS 360 px at device pixel ratio 2
PASSWORD = "kata sandi aman 1"
SUBRESOURCE_RE = re.compile(
    r'<link[^>]+rel="(?:stylesheet|icon|manifest)"[^>]*href="([^"]+)"'
    r'|<link[^>]+href="([^"]+)"[^>]*rel="(?:stylesheet|icon|manifest)"'
    r'|<script[^>]+src="([^"]+)"|<img\b([^>]*)>')
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def wire_size(response) -> int:
    """Status line, headers and body as sent (the body as compressed by the app)."""
    head = len(f"HTTP/1.1 {response.status}\r\n") + 2
    head += sum(len(name) + len(value) + 4 for name, value in response.headers.items())
    return head + len(response.get_data())


def picked_image(attributes: str) -> str | None:
    """The URL a phone loads for an <img>: from srcset, the smallest copy at least PHONE_WIDTH wide."""
    srcset = re.search(r'srcset="([^"]+)"', attributes)
    if srcset:
        candidates = []
        for entry in unescape(srcset.group(1)).split(","):
            url, _sep, width = entry.strip().rpartition(" ")
            candidates.append((int(width.rstrip("w")), url))
        wide = [c for c in sorted(candidates) if c[0] >= PHONE_WIDTH]
        return (wide[0] if wide else max(candidates))[1]
    src = re.search(r'src="([^"]+)"', attributes)
    return unescape(src.group(1)) if src else None


class Phone:
    """A browser with an HTTP cache: hashed URLs are fetched once, everything counted."""

    def __init__(self, app):
        self.client = app.test_client()
        self.client.set_cookie("lang", "id")
        self.cache: set[str] = set()
        self.bytes = 0
        self.requests = 0

    def empty_cache(self) -> None:
        self.cache.clear()

    def _count(self, response) -> int:
        size = wire_size(response)
        self.bytes += size
        self.requests += 1
        return size

    def get(self, url: str, *, follow: bool = True):
        response = self.client.get(url, headers={"Accept-Encoding": "gzip"})
        size = self._count(response)
        while follow and response.status_code in (301, 302, 303):
            response = self.client.get(response.headers["Location"], headers={"Accept-Encoding": "gzip"})
            size += self._count(response)
        return response, size

    def post(self, url: str, data: dict):
        response = self.client.post(url, data=data, headers={"Accept-Encoding": "gzip"})
        size = self._count(response)
        follow_size = 0
        while response.status_code in (301, 302, 303):
            response, extra = self.get(response.headers["Location"], follow=False)
            follow_size += extra
        return response, size + follow_size

    def page(self, url: str):
        """A page and what it pulls in; returns (response, html bytes, subresource bytes)."""
        response, html = self.get(url)
        return response, html, self.subresources(response)

    def subresources(self, response) -> int:
        if response.mimetype != "text/html":
            return 0
        import gzip

        body = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        total = 0
        for link_a, link_b, script, img in SUBRESOURCE_RE.findall(body.decode("utf-8")):
            url = unescape(link_a or link_b or script) if (link_a or link_b or script) else picked_image(img)
            if not url or urlsplit(url).netloc or url in self.cache:
                continue
            self.cache.add(url)
            _response, size = self.get(url)
            total += size
        return total


def decode(response) -> str:
    import gzip

    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode("utf-8")


def csrf(response) -> str:
    match = CSRF_RE.search(decode(response))
    if not match:
        raise SystemExit(f"no CSRF token on {response.request.path}")
    return match.group(1)


def kb(size: int) -> str:
    return f"{size / 1024:8.1f} KB"


def right_answers(app, attempt_id: int) -> dict:
    """The answer sheet of an attempt, answered right (as the quiz tests do)."""
    from lms.extensions import db
    from lms.quizzes.models import Attempt
    from lms.quizzes.queries import shown_questions

    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        data: dict = {}
        for shown in shown_questions(attempt):
            tokens = {c.option.id: c.token for c in shown.choices}
            if shown.question.type == "ordering":
                for rank, option in enumerate(shown.right_options, start=1):
                    data[f"{shown.field_name}-{tokens[option.id]}"] = str(rank)
            else:
                data[shown.field_name] = [tokens[o.id] for o in shown.right_options]
        db.session.remove()
    return data


def main() -> int:
    logging.disable(logging.WARNING)
    from flask_migrate import upgrade

    from lms import create_app
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.config import Config
    from lms.courses.importer import import_content
    from lms.courses.models import Course
    from lms.courses.progress import course_progress
    from lms.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="rawat-weight-"))
    app = create_app(Config, instance_path=str(folder), SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'weight.db'}",
                     RATELIMIT_ENABLED=False, REQUEST_LOG=False, CERTIFICATE_KEYS_AUTO_INIT=True)
    with app.app_context():
        upgrade()
        import_content(Path(app.config["CONTENT_DIR"]))
        register_user("Ibu Sari Pengukur", "phone", "+6281200001111", PASSWORD, consent=ADULT_CONSENT)
        db.session.commit()
        course = db.session.scalar(db.select(Course).where(Course.slug == COURSE))
        outline = [(entry.module.slug, entry.module.has_quiz, [lesson.slug for lesson in entry.lessons])
                   for entry in course_progress(None, course).modules]
        db.session.remove()

    phone = Phone(app)
    first_lesson = outline[0][2][0]
    lesson_url = f"/kursus/{COURSE}/materi/{first_lesson}"

    # --- main pages, each from an empty cache -----------------------------------------------
    rows: list[tuple[str, int, int]] = []
    for name, url in [("home", "/"), ("catalog", "/kursus"), ("course", f"/kursus/{COURSE}"),
                      ("lesson", lesson_url), ("verification", "/verifikasi")]:
        phone.empty_cache()
        _response, html, extra = phone.page(url)
        rows.append((name, html, extra))
    login_page, _size = phone.get("/masuk")
    phone.post("/masuk", {"csrf_token": csrf(login_page), "identifier": "+6281200001111", "password": PASSWORD})
    for name, url in [("dashboard", "/dasbor"), ("quiz", f"/kursus/{COURSE}/kuis/{outline[0][0]}")]:
        phone.empty_cache()
        _response, html, extra = phone.page(url)
        rows.append((name, html, extra))

    # Every lesson page of the course, without pictures.
    lesson_sizes = []
    for _module, _quiz, lessons in outline:
        for slug in lessons:
            response, size = phone.get(f"/kursus/{COURSE}/materi/{slug}")
            lesson_sizes.append((slug, size))

    # --- a whole course, from an empty cache -----------------------------------------------
    journey = Phone(app)
    login_page, _size = journey.get("/masuk")
    journey.subresources(login_page)
    journey.post("/masuk", {"csrf_token": csrf(login_page), "identifier": "+6281200001111", "password": PASSWORD})
    course_page, _html, _extra = journey.page(f"/kursus/{COURSE}")
    # "Start learning" leads to the first lesson; each "mark as done" to the next step.
    current, _size = journey.post(f"/kursus/{COURSE}/mulai", {"csrf_token": csrf(course_page)})
    journey.subresources(current)
    start_bytes = journey.bytes
    module_bytes = []
    for index, (module, has_quiz, lessons) in enumerate(outline):
        before = journey.bytes
        if index and not current.request.path.endswith(f"/materi/{lessons[0]}"):
            current, _html, _extra = journey.page(f"/kursus/{COURSE}/materi/{lessons[0]}")  # from the quiz result
        for slug in lessons:
            if current.request.path != f"/kursus/{COURSE}/materi/{slug}":
                raise SystemExit(f"expected lesson {slug}, got {current.request.path}")
            current, _size = journey.post(f"/kursus/{COURSE}/materi/{slug}/selesai", {"csrf_token": csrf(current)})
            journey.subresources(current)
        if has_quiz:
            home = f"/kursus/{COURSE}/kuis/{module}"
            if current.request.path != home:
                raise SystemExit(f"expected the quiz {home}, got {current.request.path}")
            attempt_page, _size = journey.post(f"{home}/mulai", {"csrf_token": csrf(current)})
            journey.subresources(attempt_page)
            attempt_id = int(attempt_page.request.path.rstrip("/").split("/")[-1])
            sheet = {"csrf_token": csrf(attempt_page), **right_answers(app, attempt_id)}
            current, _size = journey.post(attempt_page.request.path, sheet)
            journey.subresources(current)
            if "/hasil" not in current.request.path:
                raise SystemExit(f"quiz {module} was not graded")
        module_bytes.append((module, journey.bytes - before))
    before = journey.bytes
    course_page, _html, _extra = journey.page(f"/kursus/{COURSE}")
    certificate = re.search(r'href="/verifikasi/([A-Z0-9-]+)"', decode(course_page))
    download = re.search(r'href="(/sertifikat/[^"]+/unduh)"', decode(course_page))
    if not certificate or not download:
        raise SystemExit("no certificate after completing the course")
    journey.page(f"/verifikasi/{certificate.group(1)}")
    _pdf, pdf_bytes = journey.get(download.group(1))
    certificate_bytes = journey.bytes - before
    total = journey.bytes

    # --- report ---------------------------------------------------------------------------
    print(f"Page weight, compressed bytes on the wire (gzip), course {COURSE}, empty cache\n")
    print(f"{'page':<14}{'page (HTML)':>14}{'+ css/js/icons/pictures':>26}{'first visit':>14}")
    for name, html, extra in rows:
        print(f"{name:<14}{kb(html):>14}{kb(extra):>26}{kb(html + extra):>14}")
    largest = max(lesson_sizes, key=lambda item: item[1])
    average = sum(size for _slug, size in lesson_sizes) / len(lesson_sizes)
    ok = largest[1] <= LESSON_TARGET
    print(f"\nlesson pages: {len(lesson_sizes)}, average {kb(int(average)).strip()}, largest {kb(largest[1]).strip()}"
          f" ({largest[0]}) — target ≤ 10 KB without pictures: {'met' if ok else 'NOT MET'}")
    print(f"\nWhole course ({len(outline)} modules: every lesson read and marked done, every quiz page, certificate):")
    print(f"  {'sign in, course page, start':<46}{kb(start_bytes)}")
    for module, size in module_bytes:
        print(f"  {'module ' + module:<46}{kb(size)}")
    label = "course page, verification page, PDF"
    print(f"  {label:<46}{kb(certificate_bytes)}  (the PDF alone {kb(pdf_bytes).strip()})")
    print(f"  {'total':<46}{kb(total)}  in {journey.requests} requests")
    per_module = sum(size for _m, size in module_bytes) / len(module_bytes)
    six = start_bytes + 6 * per_module + certificate_bytes
    ok_six = six <= SIX_MODULE_TARGET and total <= SIX_MODULE_TARGET
    print(f"  a 6-module course (6 average modules + sign in + certificate): {kb(int(six)).strip()}"
          f" — target ≤ 1.5 MB: {'met' if ok_six else 'NOT MET'} (the whole 8 modules: {kb(total).strip()})")
    return 0 if ok and ok_six else 1


if __name__ == "__main__":
    sys.exit(main())
