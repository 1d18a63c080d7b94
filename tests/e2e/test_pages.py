"""Public pages in a real browser: language switch, reading, accessibility."""
import pytest

from tests.e2e.conftest import check_accessibility

pytestmark = pytest.mark.e2e


def test_switching_language_keeps_the_user_on_the_same_page(live_server, new_page, shots):
    page = new_page()
    page.goto(live_server("/kursus/perawatan-dasar-lansia"))
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("button", name="Mulai belajar").count() + \
        page.get_by_role("link", name="Mulai belajar").count()
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.url == live_server("/kursus/perawatan-dasar-lansia")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Start learning").is_visible()
    shots(page, "course-in-english")
    page.get_by_role("button", name="ID").click()
    page.wait_for_load_state()
    assert page.url == live_server("/kursus/perawatan-dasar-lansia")
    assert page.locator("html").get_attribute("lang") == "id"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_visitor_reads_a_lesson_and_moves_between_lessons(live_server, new_page, shots, javascript):
    page = new_page(javascript=javascript)
    page.goto(live_server("/kursus"))
    page.get_by_role("link", name="Perawatan Dasar Lansia di Rumah").click()
    page.get_by_role("link", name="Mulai belajar").click()
    assert "/materi/" in page.url
    title = page.locator("h1").inner_text()
    page.locator("a[rel=next]").click()
    assert page.locator("h1").inner_text() != title
    page.locator("a[rel=prev]").click()
    assert page.locator("h1").inner_text() == title
    shots(page, "lesson")


def test_public_pages_are_accessible(live_server, new_page, shots):
    page = new_page()
    for name, path in [("home", "/"), ("catalog", "/kursus"), ("course", "/kursus/perawatan-dasar-lansia"),
                       ("lesson", "/kursus/perawatan-dasar-lansia/materi/mencuci-tangan"), ("login", "/masuk"),
                       ("register", "/daftar")]:
        page.goto(live_server(path))
        check_accessibility(page, name)
        shots(page, name)
