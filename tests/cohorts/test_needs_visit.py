"""Who needs a visit (lms/cohorts/reach.py): members with neither learning activity in the group's courses nor
a recorded visit (an observation that counts, by anyone) in the last 30 days, on the group page, the learner's
page and the CSV; longest without contact first; a fixed number of queries; only for the group's care manager
and admins. Time is frozen: NOW is noon in Jakarta."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.cohorts.models import Cohort
from lms.cohorts.queries import cohort_report
from lms.cohorts.reach import REACH, is_reached
from lms.cohorts.services import add_member
from lms.courses.models import Lesson
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from lms.practice.services import withdraw
from lms.timeutil import frozen_at
from tests.ops.test_query_counts import counted_statements
from tests.practice.test_group_skills import Group

NOW = datetime(2026, 6, 15, 5, 0)  # 12:00 WIB


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture(autouse=True)
def frozen():
    with frozen_at(NOW):
        yield


class Reach(Group):
    """The practice group of tests/practice, members placed in time."""

    def member(self, name: str, *, joined: int = 60, learned: int | None = None):
        """A member who joined `joined` days ago and last did a lesson `learned` days ago (None: never)."""
        with frozen_at(ago(joined)):
            learner = super().member(name)
        if learned is not None:
            lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "pelajaran-a",
                                                            Lesson.course_id == self.course.id))
            with frozen_at(ago(learned)):
                mark_lesson_done(learner.id, lesson)
                db.session.commit()
        return learner


@pytest.fixture
def reach(make_course, make_user):
    with frozen_at(ago(90)):
        return Reach(make_course, make_user)


@pytest.fixture
def varied(reach, make_user, make_course):
    """Six members, four of whom need a visit; one was visited by another group's care manager."""
    members = {
        "Ayu Aktif": reach.member("Ayu Aktif", learned=10),
        "Bima Dikunjungi": reach.member("Bima Dikunjungi", learned=40),
        "Citra Lama": reach.member("Citra Lama", learned=40),
        "Dodi Jauh": reach.member("Dodi Jauh", learned=60),
        "Eka Baru": reach.member("Eka Baru", joined=3),
        "Fajar Ditolak": reach.member("Fajar Ditolak", learned=50),
    }
    other = Group(make_course, make_user, course=reach.course, trainer_name="Pak Joko")
    add_member(other.cohort, members["Bima Dikunjungi"], actor=None)
    db.session.commit()
    other.observe(members["Bima Dikunjungi"], "cuci-tangan", days_ago=5, reply=None)  # by anyone; waiting counts
    # confirmed "not yet": a visit that does not move learning on (a confirmed competent skill would)
    reach.observe(members["Dodi Jauh"], "cuci-tangan", "not_yet", days_ago=45, not_done=[1])
    reach.observe(members["Fajar Ditolak"], "cuci-tangan", days_ago=2, reply=False)  # rejected: not a visit
    withdraw(reach.observe(members["Fajar Ditolak"], "pindah-ke-kursi", days_ago=1, reply=None), reach.trainer)
    db.session.commit()
    reach.other = other
    return members


def section(html: str) -> str:
    start = html.index('id="to-visit-h"')
    return html[start:html.index("</section>", start)]


def listed(html: str) -> list[tuple[str, str, str]]:
    """(name, last activity, last visit) of each row of the section, in order."""
    return re.findall(r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th><td>([^<]*)</td><td>([^<]*)</td></tr>',
                      section(html))


def test_the_group_page_lists_who_needs_a_visit_longest_without_contact_first(reach, varied, sign_in):
    html = sign_in(reach.trainer, lang="en").get(f"/kelompok/{reach.cohort.id}").get_data(as_text=True)
    assert "Needs a visit (4)" in section(html) and "4 need a visit" in html
    assert "in the last 30 days" in section(html)
    # never in contact first; then the oldest last contact: Fajar's rejected and withdrawn observations are not
    # visits, Dodi was visited 45 days ago, Citra learned 40 days ago
    assert listed(html) == [("Eka Baru", "never", "never"), ("Fajar Ditolak", "Apr 26, 2026", "never"),
                            ("Dodi Jauh", "Apr 16, 2026", "May 1, 2026"), ("Citra Lama", "May 6, 2026", "never")]
    # learned 10 days ago; observed 5 days ago by another group's care manager: reached
    assert "Ayu Aktif" not in section(html) and "Bima Dikunjungi" not in section(html)
    eka = varied["Eka Baru"].id
    assert f'href="/kelompok/{reach.cohort.id}/peserta/{eka}">Eka Baru</a>' in section(html)  # as the table links


def test_the_section_speaks_indonesian_by_default(reach, varied, sign_in):
    html = sign_in(reach.trainer).get(f"/kelompok/{reach.cohort.id}").get_data(as_text=True)
    assert "Perlu dikunjungi (4)" in section(html) and "Terakhir dikunjungi" in section(html)
    assert listed(html)[0] == ("Eka Baru", "belum pernah", "belum pernah")


def test_everyone_reached_shows_the_empty_state(reach, sign_in):
    reach.member("Ayu Aktif", learned=10)
    visited = reach.member("Bima Dikunjungi", learned=100)
    reach.observe(visited, "cuci-tangan", days_ago=29, reply=None)
    reach.member("Gita Tepat", learned=30)  # exactly 30 days ago: still reached
    html = sign_in(reach.trainer, lang="en").get(f"/kelompok/{reach.cohort.id}").get_data(as_text=True)
    assert "Needs a visit (0)" in section(html) and "Nobody needs a visit now." in section(html)
    assert "<table" not in section(html) and 'class="needs-visit"' not in html


def test_a_group_without_members_has_no_visit_section(reach, sign_in):
    html = sign_in(reach.trainer, lang="en").get(f"/kelompok/{reach.cohort.id}").get_data(as_text=True)
    assert 'id="to-visit-h"' not in html and "Nobody has joined yet." in html


def test_reached_means_at_most_30_days_ago():
    assert is_reached(ago(30), None, NOW) and is_reached(None, ago(30), NOW)
    assert not is_reached(ago(30) - timedelta(seconds=1), None, NOW)
    assert is_reached(ago(45), ago(2), NOW) and not is_reached(ago(45), ago(31), NOW)
    assert not is_reached(None, None, NOW)
    assert REACH.days == 30


def test_the_learner_page_and_the_csv_say_the_same(reach, varied, sign_in):
    browser = sign_in(reach.trainer, lang="en")
    citra, bima = varied["Citra Lama"], varied["Bima Dikunjungi"]
    page = browser.get(f"/kelompok/{reach.cohort.id}/peserta/{citra.id}").get_data(as_text=True)
    assert "No visit recorded yet" in page and "this family needs a visit" in page
    page = browser.get(f"/kelompok/{reach.cohort.id}/peserta/{bima.id}").get_data(as_text=True)
    assert "Last visit: June 10, 2026" in page and "this family needs a visit" not in page
    text = browser.get(f"/kelompok/{reach.cohort.id}/laporan.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = {row["learner"]: row for row in csv.DictReader(io.StringIO(text))}
    assert {name for name, row in rows.items() if row["needs_visit"] == "1"} == {
        "Citra Lama", "Dodi Jauh", "Eka Baru", "Fajar Ditolak"}
    assert rows["Bima Dikunjungi"]["last_visit_on"] == "2026-06-10" and rows["Citra Lama"]["last_visit_on"] == ""
    assert rows["Dodi Jauh"]["last_visit_on"] == "2026-05-01" and rows["Fajar Ditolak"]["last_visit_on"] == ""


def test_visits_are_read_in_one_statement_whatever_the_group_size(reach):
    """The last visits: one statement, the members' ids written into it (not a sub-select of the memberships),
    as many statements for 3 members as for 23."""
    def report_statements(count: int) -> list[str]:
        for n in range(count):
            learner = reach.member(f"Peserta {count}-{n}", learned=40)
            reach.observe(learner, "cuci-tangan", days_ago=n, reply=None)
        db.session.expire_all()
        cohort_report(db.session.get(Cohort, reach.cohort.id), NOW)  # the outlines cached
        db.session.expire_all()
        with counted_statements() as statements:
            report = cohort_report(db.session.get(Cohort, reach.cohort.id), NOW)
        visits = [sql for sql in statements if "skill_observations" in sql]
        assert len(visits) == 1 and "cohort_members" not in visits[0]
        assert ", ".join(str(user_id) for user_id in report.learners) in visits[0]
        return statements

    assert len(report_statements(3)) == len(report_statements(20))


def test_the_page_runs_as_many_statements_for_a_bigger_group(reach, sign_in):
    browser = sign_in(reach.trainer, lang="en")

    def page_statements(count: int) -> int:
        for n in range(count):
            learner = reach.member(f"Anggota {count}-{n}", learned=35 + n)
            if n % 2:
                reach.observe(learner, "cuci-tangan", days_ago=n)
        browser.get(f"/kelompok/{reach.cohort.id}")  # warm
        with counted_statements() as statements:
            assert browser.get(f"/kelompok/{reach.cohort.id}").status_code == 200
        return len(statements)

    assert page_statements(2) == page_statements(12)


def test_only_the_groups_care_manager_and_admins_see_who_needs_a_visit(app, reach, varied, sign_in):
    """Pak Joko observed Bima and leads a group of the same course, yet sees nothing of this group; nor does a
    member of it."""
    urls = [f"/kelompok/{reach.cohort.id}", f"/kelompok/{reach.cohort.id}/laporan.csv",
            f"/kelompok/{reach.cohort.id}/peserta/{varied['Citra Lama'].id}"]
    for browser in (sign_in(reach.other.trainer, lang="en"), sign_in(varied["Ayu Aktif"], lang="en"),
                    sign_in(Role.TRAINER, lang="en")):
        for url in urls:
            response = browser.get(url)
            body = response.get_data(as_text=True)
            assert response.status_code == 403, url
            assert "Citra Lama" not in body and "Needs a visit" not in body and "Eka Baru" not in body
    admin = sign_in(Role.ADMIN, lang="en").get(f"/kelompok/{reach.cohort.id}").get_data(as_text=True)
    assert [name for name, _activity, _visit in listed(admin)] == ["Eka Baru", "Fajar Ditolak", "Dodi Jauh",
                                                                   "Citra Lama"]
