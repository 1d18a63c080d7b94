"""Groups: creating, joining by code, adding by phone, the report's figures, the CSV, privacy."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.cohorts.models import Cohort, CohortInvitation, CohortMember
from lms.cohorts.queries import cohort_report
from lms.cohorts.services import add_member, create_cohort
from lms.courses.models import Enrollment, Lesson, Module
from lms.courses.services import mark_lesson_done, record_quiz_pass
from lms.extensions import db
from lms.timeutil import utcnow
from tests.conftest import Browser
from tests.factories import CONSENT_FIELDS


def lesson(slug):
    return db.session.scalar(select(Lesson).where(Lesson.slug == slug))


@pytest.fixture
def trainer(make_user):
    return make_user("trainer", phone="+6281300000001", full_name="Bu Pendamping")


@pytest.fixture
def group(trainer, make_course):
    course = make_course()
    cohort = create_cohort(trainer, "Desa Sukamaju", "", [course.id])
    db.session.commit()
    return cohort


def test_trainer_creates_a_group_and_gets_a_code(browser, trainer, make_course):
    course = make_course()
    browser.login("081300000001")
    response = browser.post_form("/kelompok/baru", {"name": "Desa Sukamaju", "description": "",
                                                    "courses": [str(course.id)]})
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort))
    assert cohort.owner_id == trainer.id and len(cohort.join_code) == 6 and cohort.courses == [course]
    page = browser.get(f"/kelompok/{cohort.id}").get_data(as_text=True)
    assert cohort.join_code in page and "wa.me" in page


def test_group_form_errors_are_shown(browser, trainer, make_course):
    make_course()
    browser.login("081300000001")
    response = browser.post_form("/kelompok/baru", {"name": "", "courses": []})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_learner_joins_with_the_code_after_signing_in(app, group, make_user):
    make_user(phone="+6281400000001", full_name="Ibu Sari")
    learner_browser = Browser(app.test_client())
    # Signed out, the join link offers to sign in, then brings the learner back.
    response = learner_browser.get(f"/gabung/{group.join_code.lower()}")
    assert response.status_code == 200 and f"/masuk?next=/gabung/{group.join_code.lower()}" in response.get_data(
        as_text=True)
    signed_in = learner_browser.post_form(f"/masuk?next=/gabung/{group.join_code}",
                                          {"identifier": "081400000001", "password": "kata sandi aman 1",
                                           "next": f"/gabung/{group.join_code}"})
    assert signed_in.headers["Location"] == f"/gabung/{group.join_code}"
    page = learner_browser.get(f"/gabung/{group.join_code}").get_data(as_text=True)
    assert "Desa Sukamaju" in page and "Bu Pendamping" in page
    learner_browser.post_form(f"/gabung/{group.join_code}")
    learner_browser.post_form(f"/gabung/{group.join_code}")  # twice: still one membership
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cohort.member_added"))
    assert entry.details["learner"] == "Ibu Sari" and entry.details["how"] == "code"


def test_typing_the_code_with_spaces_finds_the_group(browser, group, make_user):
    make_user(phone="+6281400000001")
    browser.login("081400000001")
    typed = " ".join(group.join_code.lower())
    response = browser.post_form("/gabung", {"code": typed})
    assert response.headers["Location"].endswith(f"/gabung/{group.join_code}")
    wrong = browser.post_form("/gabung", {"code": "XXXXXX"})
    assert wrong.status_code == 400


def test_trainer_invites_by_phone_and_removes(app, browser, trainer, group, make_user):
    learner = make_user(phone="+6281400000001", full_name="Ibu Sari")
    browser.login("081300000001")
    browser.post_form(f"/kelompok/{group.id}/anggota", {"phone": "0814-0000-0001"}, form_url=f"/kelompok/{group.id}")
    assert db.session.scalar(select(CohortMember.user_id)) is None  # an invitation, not a membership
    page = browser.get(f"/kelompok/{group.id}").get_data(as_text=True)
    assert "0814-0000-0001" in page and "Ibu Sari" not in page
    invited = Browser(app.test_client())
    invited.login("081400000001")
    invitation_id = db.session.scalar(select(CohortInvitation.id))
    invited.post_form(f"/undangan/{invitation_id}/terima", form_url="/undangan")
    assert db.session.scalar(select(CohortMember.user_id)) == learner.id
    remove_url = f"/kelompok/{group.id}/anggota/{learner.id}/keluarkan"
    assert f'href="{remove_url}"' in browser.get(f"/kelompok/{group.id}/peserta/{learner.id}").get_data(as_text=True)
    confirm = browser.get(remove_url)  # a mis-tap on the phone only opens a question
    assert confirm.status_code == 200 and "Ibu Sari" in confirm.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 1
    browser.post_form(remove_url, form_url=remove_url)
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["cohort.invitation_sent", "cohort.invitation_answered", "cohort.member_added",
                       "user.data_viewed", "cohort.member_removed"]  # the care manager opened her page


def test_trainer_withdraws_an_invitation(browser, trainer, group):
    browser.login("081300000001")
    browser.post_form(f"/kelompok/{group.id}/anggota", {"phone": "0814-0000-0001"}, form_url=f"/kelompok/{group.id}")
    invitation_id = db.session.scalar(select(CohortInvitation.id))
    browser.post_form(f"/kelompok/{group.id}/undangan/{invitation_id}/batal", form_url=f"/kelompok/{group.id}")
    assert db.session.scalar(select(CohortInvitation.id)) is None


def test_a_group_form_without_notes_is_saved(browser, trainer, make_course):
    course = make_course()
    browser.login("081300000001")
    response = browser.post_form("/kelompok/baru", {"name": "Desa Tanpa Catatan", "courses": str(course.id)})
    assert response.status_code == 302  # the optional notes field may be left out of the form entirely


def test_trainer_makes_an_account_for_a_family_without_a_phone(app, browser, trainer, group):
    import re

    browser.login("081300000001")
    page = browser.post_form(f"/kelompok/{group.id}/akun-baru", {"full_name": "  Mbah   Surti "})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    body = page.get_data(as_text=True)
    login_id, code = re.findall(r'<dd class="join-code">([A-Z0-9-]+)</dd>', body)
    member = db.session.scalar(select(CohortMember))
    assert member.joined_via == "created" and member.user.full_name == "Mbah Surti"
    assert member.user.phone is None and member.user.email is None
    family = Browser(app.test_client())
    assert family.post_form("/atur-ulang-sandi", {"code": code, "new_password": "sandi keluarga surti 3",
                                                   "confirm": "sandi keluarga surti 3"}).status_code == 302
    family.login(login_id.lower(), "sandi keluarga surti 3")  # typed from paper, in any case
    assert "Mbah Surti" in browser.get(f"/kelompok/{group.id}").get_data(as_text=True)
    # Her own profile can be saved without a phone or an e-mail: she signs in with the ID.
    saved = family.post_form("/profil", {"full_name": "Mbah Surti", "phone": "", "email": "", "locale": "id"})
    assert saved.status_code == 302
    # The trainer who made the account can rescue it.
    again = browser.post_form(f"/kelompok/{group.id}/anggota/{member.user.id}/kode-reset", {"reason": "lupa"})
    assert again.status_code == 200


def test_another_trainer_gets_403_and_learners_get_403(app, group, make_user):
    make_user("trainer", phone="+6281300000002")
    make_user(phone="+6281400000001")
    for phone in ("081300000002", "081400000001"):
        other = Browser(app.test_client())
        other.login(phone)
        for url in (f"/kelompok/{group.id}", f"/kelompok/{group.id}/laporan.csv", f"/kelompok/{group.id}/ubah"):
            assert other.get(url).status_code == 403, (phone, url)
    other = Browser(app.test_client())
    other.login("081300000002")
    assert "Desa Sukamaju" not in other.get("/kelompok").get_data(as_text=True)
    response = other.post_form(f"/kelompok/{group.id}/anggota", {"phone": "081400000001"}, form_url="/kelompok")
    assert response.status_code == 403


def test_admin_sees_every_group(browser, group, make_user):
    make_user("admin", phone="+6281100000001")
    browser.login("081100000001")
    assert browser.get(f"/kelompok/{group.id}").status_code == 200
    assert "Desa Sukamaju" in browser.get("/kelompok").get_data(as_text=True)


def test_report_figures_match_known_data(trainer, make_user, make_course):
    course = make_course()
    module_one = db.session.scalar(select(Module).where(Module.slug == "modul-satu"))
    module_one.has_quiz = True
    cohort = create_cohort(trainer, "Kelompok", "", [course.id])
    siti, budi, ani = (make_user(full_name=n) for n in ("Siti", "Budi", "Ani"))
    for learner in (siti, budi, ani):
        add_member(cohort, learner, actor=trainer)
    for slug in ("pelajaran-a", "pelajaran-b", "pelajaran-c"):
        mark_lesson_done(siti.id, lesson(slug))
    record_quiz_pass(siti.id, module_one, 90)
    mark_lesson_done(budi.id, lesson("pelajaran-a"))
    db.session.commit()
    # Budi was last active 40 days ago: he needs a visit; Ani joined but never started: so does she (joining is
    # not contact, lms/cohorts/reach.py); Siti learned today.
    db.session.execute(Enrollment.__table__.update().where(Enrollment.user_id == budi.id)
                       .values(last_activity_at=utcnow() - timedelta(days=40)))
    report = cohort_report(cohort, utcnow())
    assert report.total_steps == 4
    by_name = {row.user.full_name: row for row in report.rows}
    assert [r.user.full_name for r in report.rows] == ["Ani", "Budi", "Siti"]
    assert report.percent(by_name["Siti"]) == 100 and report.percent(by_name["Budi"]) == 25
    assert report.percent(by_name["Ani"]) == 0
    assert by_name["Budi"].needs_visit and by_name["Ani"].needs_visit and not by_name["Siti"].needs_visit
    assert report.finished == 1 and report.needing_visit == 2
    assert sum(report.lessons_per_week) == 4 and sum(report.completions_per_week) == 1
    [rate] = report.module_rates
    assert (rate.attempted, rate.passed, rate.percent) == (1, 1, 100)
    assert rate.first_try == 0  # a pass recorded without an attempt is not a first-attempt pass


def test_csv_export(browser, trainer, group, make_user):
    siti = make_user(full_name="=Siti")  # a name that looks like a formula stays text
    add_member(group, siti, actor=trainer)
    mark_lesson_done(siti.id, lesson("pelajaran-a"))
    db.session.commit()
    browser.login("081300000001")
    response = browser.get(f"/kelompok/{group.id}/laporan.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset parameter
    assert response.headers["Cache-Control"] == "no-store"  # names and progress: personal data
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:6] == ["learner", "joined_on", "last_activity_on", "needs_visit", "percent_done", "last_visit_on"]
    assert "kursus-uji/completed_on" in rows[0]
    assert "kursus-uji/modul-satu/pelajaran-a" in rows[0]
    assert rows[1][0] == "'=Siti" and rows[1][4] == "33"
    assert rows[1][rows[0].index("kursus-uji/modul-satu/pelajaran-a")] == "1"


def test_report_query_count_does_not_grow_with_learners(app, trainer, make_user, make_course):
    from sqlalchemy import event

    course = make_course()
    cohort = create_cohort(trainer, "Besar", "", [course.id])
    db.session.commit()

    def count_queries(n_learners):
        for _ in range(n_learners):
            learner = make_user()
            add_member(cohort, learner, actor=trainer)
            mark_lesson_done(learner.id, lesson("pelajaran-a"))
        db.session.commit()
        db.session.expire_all()
        statements = []
        engine = db.session.get_bind().engine

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            cohort_report(db.session.get(Cohort, cohort.id), utcnow())
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))])

    assert count_queries(3) == count_queries(30)


def test_the_report_writes_the_member_ids_into_its_statements(app, trainer, make_user, make_course):
    """As values, not parameters nor a sub-select of the memberships (progress_of_learners says why)."""
    from sqlalchemy import event

    course = make_course()
    cohort = create_cohort(trainer, "Besar", "", [course.id])
    members = [make_user() for _ in range(40)]
    for member in members:
        add_member(cohort, member, actor=trainer)
    db.session.commit()
    statements = []
    engine = db.session.get_bind().engine

    def before(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        report = cohort_report(db.session.get(Cohort, cohort.id), utcnow())
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert len(report.rows) == 40
    ids = ", ".join(str(member_id) for member_id in sorted(member.id for member in members))
    progress = [(sql, params) for sql, params in statements if "lesson_completions" in sql]
    assert progress and all(ids in sql and "cohort_members" not in sql for sql, _params in progress)
    assert all(len(params) < 10 for _sql, params in progress)  # the course ids, not 120 learner ids


def test_the_group_table_shows_each_step_as_done_scored_tried_or_not_yet(browser, trainer, make_user, make_course):
    import re

    from lms.quizzes.models import Quiz
    from lms.quizzes.services import start_attempt, submit_attempt
    from tests.certificates.fixtures import QUIZ_MODULES

    course = make_course(modules=QUIZ_MODULES)
    cohort = create_cohort(trainer, "Kelompok", "", [course.id])
    siti = make_user(full_name="Siti Aminah")
    add_member(cohort, siti, actor=trainer)
    mark_lesson_done(siti.id, lesson("pelajaran-a"))
    for module_slug, right in (("modul-satu", True), ("modul-dua", False)):
        quiz = db.session.scalar(select(Quiz).join(Module).where(Module.slug == module_slug))
        attempt = start_attempt(siti.id, quiz)
        submit_attempt(attempt, {item.id: [o.id for o in item.question.options if o.is_correct == right][:1]
                                 for item in attempt.items})
    db.session.commit()
    browser.login("081300000001")
    page = browser.get(f"/kelompok/{cohort.id}").get_data(as_text=True)
    row = re.search(r"<tr[^>]*>\s*<th scope=\"row\"><a[^>]*>Siti Aminah.*?</tr>", page, re.DOTALL).group(0)
    # The step cells follow the two leading cells (done, last activity); columns: lesson A, quiz 1, lesson B, quiz 2.
    cells = re.findall(r"<td( class=\"\w+\")?>([^<]*)</td>", row)[2:]
    assert cells == [(' class="ok"', "✓"), (' class="ok"', "100"), ("", "–"), (' class="bad"', "✗")]
    assert row.count('href="/kelompok/') == 1 and "csrf_token" not in row  # her own page; actions are there


def test_pass_rates_show_who_passed_at_the_first_attempt(browser, trainer, make_user, make_course):
    """A module families struggle with shows up even when everyone passes in the end."""
    from lms.quizzes.models import Quiz
    from lms.quizzes.services import start_attempt, submit_attempt
    from tests.certificates.fixtures import QUIZ_MODULES

    course = make_course(modules=QUIZ_MODULES)
    cohort = create_cohort(trainer, "Kelompok", "", [course.id])
    quiz = db.session.scalar(select(Quiz).join(Module).where(Module.slug == "modul-satu"))

    def attempt(user, right):
        started = start_attempt(user.id, quiz)
        submit_attempt(started, {item.id: [o.id for o in item.question.options if o.is_correct == right][:1]
                                 for item in started.items})

    struggling, quick = make_user(full_name="Budi"), make_user(full_name="Siti")
    for learner in (struggling, quick):
        add_member(cohort, learner, actor=trainer)
    attempt(struggling, False)
    attempt(struggling, True)
    attempt(quick, True)
    db.session.commit()
    first, second = cohort_report(cohort, utcnow()).module_rates
    assert (first.attempted, first.passed, first.first_try) == (2, 2, 1)
    assert (first.percent, first.first_try_percent) == (100, 50)
    assert second.attempted == 0 and second.first_try_percent is None
    browser.client.set_cookie("lang", "en")
    browser.login("081300000001")
    page = browser.get(f"/kelompok/{cohort.id}").get_data(as_text=True)
    assert "Quizzes passed at the first attempt, per module" in page
    chart = page[page.index("Quizzes passed at the first attempt"):]
    assert ">50%</text>" in chart and "no try yet" in chart
    assert "<td>Module 1 · Modul Satu</td><td>2</td>\n          <td>1</td><td>2</td>" in chart


def test_deleting_a_group_asks_first(browser, group):
    group_id = group.id
    browser.login("081300000001")
    delete_url = f"/kelompok/{group_id}/hapus"
    page = browser.get(delete_url).get_data(as_text=True)
    assert "Desa Sukamaju" in page and db.session.get(Cohort, group_id) is not None
    assert browser.client.post(delete_url, data={}).status_code == 400  # no CSRF token: refused
    assert db.session.get(Cohort, group_id) is not None
    assert browser.post_form(delete_url, form_url=delete_url).headers["Location"] == "/kelompok"
    db.session.expire_all()
    assert db.session.get(Cohort, group_id) is None


@pytest.mark.parametrize("name", ['Sari;=HYPERLINK("http://jahat.example","klik")', "Budi;+1+1", "Ani;@SUM(A1)",
                                  "-2+3", " =1+1"])
def test_csv_cells_are_never_formulas_whatever_the_separator(browser, trainer, group, make_user, name):
    learner = make_user(full_name=name)
    add_member(group, learner, actor=None)
    db.session.commit()
    browser.login("081300000001")
    text = browser.get(f"/kelompok/{group.id}/laporan.csv").get_data(as_text=True).lstrip("\ufeff")
    for delimiter in (",", ";"):  # Indonesian spreadsheets often read CSV with ";"
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            for cell in row:
                assert cell.lstrip()[:1] not in ("=", "+", "-", "@"), (delimiter, cell)


def test_a_signed_out_visitor_following_the_invite_link_is_offered_an_account_first(client, browser, group):
    page = client.get(f"/gabung/{group.join_code}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Desa Sukamaju" in body and "Bu Pendamping" in body
    register_link = f'href="/daftar?next=/gabung/{group.join_code}"'
    assert register_link in body and body.index(register_link) < body.index('href="/masuk?next=/gabung/')
    # Registering from there comes back to the group, to join it.
    response = browser.post_form(f"/daftar?next=/gabung/{group.join_code}",
                                 {"full_name": "Ibu Baru", "contact": "0812-1111-2222",
                                  "password": "kata sandi aman 1", "confirm": "kata sandi aman 1",
                                  **CONSENT_FIELDS})
    assert response.headers["Location"] == f"/gabung/{group.join_code}"
    assert "Gabung ke kelompok ini" in browser.get(response.headers["Location"]).get_data(as_text=True) or \
        "Join this group" in browser.get(response.headers["Location"]).get_data(as_text=True)


def test_page_and_csv_give_the_same_local_date_for_a_late_evening_activity(browser, trainer, group, make_user):
    """22:30 WIB on 9 March is 15:30 UTC; 06:30 WIB on 10 March is 23:30 UTC on the 9th. Both files agree."""
    import re
    from datetime import datetime

    from lms.timeutil import frozen_at

    evening, early = make_user(full_name="Bu Malam"), make_user(full_name="Bu Pagi")
    for learner in (evening, early):
        add_member(group, learner, actor=None)
    with frozen_at(datetime(2026, 3, 9, 15, 30)):
        mark_lesson_done(evening.id, lesson("pelajaran-a"))
    with frozen_at(datetime(2026, 3, 9, 23, 30)):
        mark_lesson_done(early.id, lesson("pelajaran-a"))
    db.session.commit()
    browser.login("081300000001")
    page = browser.get(f"/kelompok/{group.id}").get_data(as_text=True)
    rows = {name: re.search(rf'{name}.*?</tr>', page, re.S).group(0) for name in ("Bu Malam", "Bu Pagi")}
    assert "9 Mar 2026" in rows["Bu Malam"] and "10 Mar 2026" in rows["Bu Pagi"]
    text = browser.get(f"/kelompok/{group.id}/laporan.csv").get_data(as_text=True).lstrip("\ufeff")
    exported = {row[0]: row[2] for row in csv.reader(io.StringIO(text))}
    assert exported["Bu Malam"] == "2026-03-09" and exported["Bu Pagi"] == "2026-03-10"


def test_the_per_learner_page_lists_every_step_and_is_only_for_the_groups_trainer(app, browser, trainer, group,
                                                                                   make_user):
    siti = make_user(full_name="Siti Aminah")
    outsider = make_user(full_name="Bukan Anggota")
    add_member(group, siti, actor=None)
    mark_lesson_done(siti.id, lesson("pelajaran-a"))
    db.session.commit()
    browser.login("081300000001")
    table = browser.get(f"/kelompok/{group.id}").get_data(as_text=True)
    # the course, visible
    assert 'scope="colgroup" colspan="3" class="course-head"><span title="Kursus Uji">Kursus Uji</span></th>' in table
    page = browser.get(f"/kelompok/{group.id}/peserta/{siti.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Siti Aminah" in body and "Modul 1 · Modul Satu" in body
    assert "Pelajaran A" in body and "Pelajaran C" in body and "33%" in body
    assert browser.get(f"/kelompok/{group.id}/peserta/{outsider.id}").status_code == 404
    make_user("trainer", phone="+6281300000002")
    other = Browser(app.test_client())
    other.login("081300000002")
    assert other.get(f"/kelompok/{group.id}/peserta/{siti.id}").status_code == 403


def test_csv_is_streamed_and_compressed_for_phones_that_accept_gzip(browser, trainer, group, make_user):
    import gzip

    for n in range(3):
        add_member(group, make_user(full_name=f"Peserta {n}"), actor=trainer)
    db.session.commit()
    browser.login("081300000001")
    plain = browser.get(f"/kelompok/{group.id}/laporan.csv")
    compressed = browser.client.get(f"/kelompok/{group.id}/laporan.csv", headers={"Accept-Encoding": "gzip"})
    assert plain.is_streamed and "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(compressed.get_data()) == plain.get_data()
    assert plain.get_data(as_text=True).count("Peserta") == 3
