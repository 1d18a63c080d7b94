"""At 360×800, with and without JavaScript: what matters is on screen without scrolling sideways."""
import pytest

from tests.e2e.test_learner_journey import answer_quiz, short_course  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e


def box(page, selector: str) -> dict:
    element = page.locator(selector).first
    assert element.count(), selector
    return element.bounding_box()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_catalog_search_box_does_not_touch_the_first_card(live_server, new_page, shots, javascript):
    page = new_page(javascript=javascript)
    page.goto(live_server("/kursus"))
    search, card = box(page, "form.search"), box(page, ".course-card")
    assert card["y"] - (search["y"] + search["height"]) >= 12  # 1rem between them
    shots(page, "catalog")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_attempt_scores_and_results_are_visible_at_360_px(live_server, short_course, new_page, shots,  # noqa: F811
                                                          javascript):
    page = new_page(javascript=javascript)
    page.goto(live_server(short_course + "/kuis/dasar"))
    # A visitor learns what the quiz is before signing in, not that they failed it.
    main = page.locator("main").inner_text()
    assert "2 soal" in main and "Nilai minimal lulus: 100%" in main and "Belum lulus" not in main
    shots(page, "quiz-visitor")
    page.goto(live_server("/daftar?next=" + short_course + "/kuis/dasar"))
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nomor HP atau e-mail").fill("0812-3456-7890")
    page.get_by_label("Kata sandi", exact=True).fill("merawat ibu setiap hari")
    page.get_by_label("Ulangi kata sandi").fill("merawat ibu setiap hari")
    page.get_by_role("button", name="Buat akun").click()
    for right in (False, True):
        page.goto(live_server(short_course + "/kuis/dasar"))
        page.locator("main form[action$='/mulai'] [type=submit]").click()
        answer_quiz(page, right=right)
    page.goto(live_server(short_course + "/kuis/dasar"))
    page.locator("#history-title").scroll_into_view_if_needed()
    shots(page, "quiz-history")
    width = page.viewport_size["width"]
    for row in range(1, 3):
        for column in (2, 3):  # score, result
            cell = box(page, f"table tbody tr:nth-child({row}) td:nth-child({column})")
            assert cell["x"] >= 0 and cell["x"] + cell["width"] <= width, (row, column, cell)
    assert page.locator("table tbody tr:nth-child(1) td:nth-child(3)").inner_text() == "Lulus"
    assert page.locator("table tbody tr:nth-child(2) td:nth-child(3)").inner_text() == "Tidak lulus"
