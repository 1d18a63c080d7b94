"""The group page's skills: the matrix learner × skill (competent, not yet, waiting, not observed; rejected and
withdrawn observations never count), the "perlu diamati" list of learners who passed the quizzes but still
need an observation (one entry per family), the CSV's skill columns, and a query count that does not grow
with the group."""
from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from flask_babel import to_user_timezone
from sqlalchemy import select

from lms.accounts.models import Role
from lms.cohorts.services import add_member, create_cohort
from lms.cohorts.signals import report_columns_asked
from lms.courses.models import Module, Skill
from lms.courses.services import record_quiz_pass
from lms.extensions import db
from lms.practice import reports
from lms.practice.services import ObservationInput, answer, record_observation, withdraw
from lms.timeutil import utcnow
from tests.certificates.fixtures import QUESTION
from tests.ops.test_query_counts import counted_statements

WHEEL = {"id": "pindah-ke-kursi", "title": "Memindahkan ke kursi roda", "why": "Banyak lansia jatuh saat pindah.",
         "steps": [{"text": "Mengunci kedua roda", "critical": True}, "Menjelaskan apa yang dilakukan",
                   {"text": "Menahan lutut saat berdiri", "critical": True}]}
HANDS = {"id": "cuci-tangan", "title": "Mencuci tangan", "why": "Tangan bersih mencegah penyakit.",
         "steps": [{"text": "Membasahi tangan", "critical": True}, "Memakai sabun", "Mengeringkan tangan"]}
TURNING = {"id": "memiringkan", "title": "Memiringkan badan", "why": "Mencegah luka tekan.",
           "steps": [{"text": "Menjelaskan dulu", "critical": True}, "Menahan bahu dan pinggul",
                     "Meletakkan bantal di punggung"]}
MODULES = [
    {"slug": "modul-satu", "title": "Modul Satu", "skills": [WHEEL, HANDS],
     "lessons": [{"slug": "pelajaran-a", "title": "A", "body": "A.\n"}],
     "quiz": {"title": "Kuis Satu", "questions": [QUESTION]}},
    {"slug": "modul-dua", "title": "Modul Dua", "skills": [TURNING],
     "lessons": [{"slug": "pelajaran-b", "title": "B", "body": "B.\n"}],
     "quiz": {"title": "Kuis Dua", "questions": [QUESTION]}},
]


class Group:
    """A practice course of three skills and a group of it led by Ibu Ani."""

    def __init__(self, make_course, make_user, *, course=None, trainer_name="Ibu Ani"):
        self.make_user = make_user
        self.course = course or make_course("kursus-praktik", course={"practice": "optional"}, modules=MODULES)
        self.trainer = make_user(Role.TRAINER, full_name=trainer_name)
        self.cohort = create_cohort(self.trainer, f"Posyandu {trainer_name}", "", [self.course.id])
        db.session.commit()
        skills = db.session.scalars(select(Skill).where(Skill.course_id == self.course.id))
        self.skills = {skill.slug: skill for skill in skills}
        self.modules = list(db.session.scalars(select(Module).where(Module.course_id == self.course.id)
                                               .order_by(Module.position)))

    def member(self, name: str, *, passed: int = 0):
        """A learner who joined the group and passed the first `passed` module quizzes."""
        learner = self.make_user(full_name=name)
        add_member(self.cohort, learner, actor=None)
        for module in self.modules[:passed]:
            record_quiz_pass(learner.id, module, 100)
        db.session.commit()
        return learner

    def observe(self, learner, slug: str, result="competent", *, days_ago=1, not_done=(), not_seen=(),
                reply: bool | None = True):
        """An observation by the group's trainer, the steps numbered from 0; the learner confirms it (reply
        True), rejects it (False) or has not answered yet (None)."""
        skill = self.skills[slug]
        steps = {step.id: "not_done" if index in not_done else "not_seen" if index in not_seen else "done"
                 for index, step in enumerate(skill.steps)}
        observation, _ = record_observation(self.trainer, learner, skill, ObservationInput(
            client_id=str(uuid.uuid4()), steps=steps, result=result, place="home",
            observed_at=utcnow() - timedelta(days=days_ago)))
        if reply is not None:
            answer(observation, learner, confirmed=reply)
        db.session.commit()
        return observation


@pytest.fixture
def group(make_course, make_user):
    return Group(make_course, make_user)


#: the key printed above the matrix (a symbol per cell, as the progress table has)
KEY = {"✓": "competent", "✗": "not yet competent", "?": "waiting for the learner&#39;s confirmation",
       "–": "not observed yet"}


def row_words(html: str, name: str) -> list[str]:
    """A learner's row of the matrix, cell by cell, read with the key above the table."""
    table = html[html.index('class="report skills-matrix"'):]
    row = re.search(r'<tr><th scope="row">' + re.escape(name) + r"</th>(.*?)</tr>", table, re.S).group(1)
    assert "✓ competent · ✗ not yet competent" in html  # the key is there
    return [KEY[symbol] for symbol in re.findall(r'<td(?: class="\w+")?>([^<]*)</td>', row)]


def visits_section(html: str) -> str:
    start = html.index('id="visits-h"')
    return html[start:html.index("</section>", start)]


def test_the_matrix_shows_each_state_and_rejected_or_withdrawn_never_count(group, sign_in):
    ani = group.member("Ani Competent")
    group.observe(ani, "pindah-ke-kursi")
    group.observe(ani, "cuci-tangan", "not_yet", days_ago=1, not_done=[1])  # later "not yet" keeps it competent
    group.observe(ani, "cuci-tangan", days_ago=3)
    budi = group.member("Budi Later")
    group.observe(budi, "pindah-ke-kursi", "not_yet", days_ago=3, not_done=[0])
    group.observe(budi, "pindah-ke-kursi", days_ago=1, reply=None)  # waiting: still "not yet"
    group.observe(budi, "cuci-tangan", reply=None)
    cici = group.member("Cici Refused")
    group.observe(cici, "pindah-ke-kursi", reply=False)  # rejected
    withdrawn = group.observe(cici, "cuci-tangan", reply=None)
    withdraw(withdrawn, group.trainer)
    group.observe(cici, "memiringkan", reply=False)
    db.session.commit()

    browser = sign_in(group.trainer, lang="en")
    html = browser.get(f"/kelompok/{group.cohort.id}").get_data(as_text=True)
    assert "Practical skills" in html and "S1" in html and "Memindahkan ke kursi roda" in html
    # columns: S1 wheel, S2 hands (module one), S3 turning (module two)
    assert row_words(html, "Ani Competent") == ["competent", "competent", "not observed yet"]
    assert row_words(html, "Budi Later") == ["not yet competent", "waiting for the learner&#39;s confirmation",
                                             "not observed yet"]
    assert row_words(html, "Cici Refused") == ["not observed yet"] * 3
    assert "1 of 3 competent" in html  # S1 and S2: Ani only


def test_a_group_without_practice_shows_no_skills(make_course, make_user, sign_in):
    course = make_course()  # no skills: practice "none"
    trainer = make_user(Role.TRAINER)
    cohort = create_cohort(trainer, "Tanpa praktik", "", [course.id])
    add_member(cohort, make_user(full_name="Ani"), actor=None)
    db.session.commit()
    html = sign_in(trainer, lang="en").get(f"/kelompok/{cohort.id}").get_data(as_text=True)
    assert "Ani" in html
    assert "Practical skills" not in html and "skills-matrix" not in html


def test_ready_to_be_observed_lists_who_passed_every_quiz_once_per_family(group, sign_in):
    ready = group.member("Dewi Ready", passed=2)
    group.observe(ready, "pindah-ke-kursi")
    group.observe(ready, "cuci-tangan", "not_yet", not_done=[1])
    halfway = group.member("Eka Halfway", passed=1)  # one quiz still to pass: not yet for a visit
    done = group.member("Fitri Done", passed=2)
    for slug in ("pindah-ke-kursi", "cuci-tangan", "memiringkan"):
        group.observe(done, slug)
    waiting = group.member("Gita Waiting", passed=2)
    group.observe(waiting, "cuci-tangan", reply=None)

    skills = reports.group_skills(group.cohort, reports.group_members(group.cohort.id))
    from lms.cohorts.queries import cohort_report
    visits = reports.to_observe(cohort_report(group.cohort, utcnow()).rows, skills)
    assert [(visit.user.full_name, [skill.slug for _course, missing in visit.courses for skill, _cell in missing])
            for visit in visits] == [("Dewi Ready", ["cuci-tangan", "memiringkan"]),
                                     ("Gita Waiting", ["pindah-ke-kursi", "cuci-tangan", "memiringkan"])]
    assert halfway.id not in {visit.user.id for visit in visits} and done.id not in {v.user.id for v in visits}

    html = sign_in(group.trainer, lang="en").get(f"/kelompok/{group.cohort.id}").get_data(as_text=True)
    section = visits_section(html)
    assert "2 learners to visit" in section
    assert section.count("Dewi Ready") == 2  # the name, and the link to her skills: one entry
    assert "Eka Halfway" not in section and "Fitri Done" not in section
    dewi = section[section.index("Dewi Ready"):section.index("Gita Waiting")]
    assert "Memindahkan ke kursi roda" not in dewi  # competent already
    assert "Mencuci tangan" in dewi and "not yet competent" in dewi and "Memiringkan badan" in dewi
    gita = section[section.index("Gita Waiting"):]
    assert "waiting for the learner" in gita
    assert f"/kelompok/{group.cohort.id}/peserta/{ready.id}/pengamatan/kursus-praktik" in dewi


def read_csv(browser, cohort) -> list[list[str]]:
    text = browser.get(f"/kelompok/{cohort.id}/laporan.csv").get_data(as_text=True)
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_csv_has_a_column_per_skill(group, sign_in):
    ani = group.member("Ani")
    seen = group.observe(ani, "pindah-ke-kursi", days_ago=2)
    group.observe(ani, "cuci-tangan", "not_yet", not_done=[1])
    group.observe(ani, "memiringkan", reply=None)
    group.member("Budi")
    rows = read_csv(sign_in(group.trainer, lang="en"), group.cohort)
    headers = rows[0]
    skill_headers = ["kursus-praktik/skill:pindah-ke-kursi", "kursus-praktik/skill:cuci-tangan",
                     "kursus-praktik/skill:memiringkan"]
    assert headers[-3:] == skill_headers
    by_name = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
    date = to_user_timezone(seen.observed_at).date().isoformat()
    assert [by_name["Ani"][h] for h in skill_headers] == [date, "not_yet", "pending"]
    assert [by_name["Budi"][h] for h in skill_headers] == ["", "", ""]


def test_cells_other_features_add_to_the_csv_cannot_start_a_formula(group, sign_in):
    ani = group.member("Ani")

    def hostile(_cohort, *, members, **_extra):
        return ["=HYPERLINK(\"x\")"], {ani.id: ["+cmd|' /C calc'!A0"]}

    with report_columns_asked.connected_to(hostile):
        rows = read_csv(sign_in(group.trainer, lang="en"), group.cohort)
    assert rows[0][-1] == "'=HYPERLINK(\"x\")" and rows[1][-1] == "'+cmd|' /C calc'!A0"
    assert rows[0][-4] == "kursus-praktik/skill:pindah-ke-kursi"  # the skill columns are still there


def test_the_group_page_query_count_does_not_grow_with_members(group, sign_in):
    browser = sign_in(group.trainer, lang="en")

    def statements_for_page(new_members: int) -> int:
        for n in range(new_members):
            learner = group.member(f"Peserta {uuid.uuid4().hex[:6]}", passed=2)
            group.observe(learner, "pindah-ke-kursi", reply=n % 2 == 0 or None)
            group.observe(learner, "cuci-tangan", "not_yet", not_done=[1])
        browser.get(f"/kelompok/{group.cohort.id}")  # outlines cached, as in production
        with counted_statements() as statements:
            assert browser.get(f"/kelompok/{group.cohort.id}").status_code == 200
        return len(statements)

    assert statements_for_page(2) == statements_for_page(12)
