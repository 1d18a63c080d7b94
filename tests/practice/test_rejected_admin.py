"""The admin's list of observations a learner rejected (flagged): admins only, the latest first, paged by
keyset; and the audit log telling observations in sentences."""
from __future__ import annotations

import contextlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from lms.accounts.models import Role
from lms.extensions import db
from lms.practice.views_answer import REJECTED_PER_PAGE
from lms.timeutil import utcnow
from tests.practice.answering import evening_days_ago, jakarta_day_in_english, observe, practice_setting

URL = "/admin/pengamatan-ditolak"


@pytest.fixture
def setting(make_course, make_user):
    return practice_setting(make_course, make_user)


@contextlib.contextmanager
def offsets_sent():
    """The OFFSET of every statement on observations. PostgreSQL's has none without one; SQLite's compiler
    writes "LIMIT ? OFFSET ?" after any LIMIT, the offset last and 0 when there is none."""
    offsets = []
    engine = db.session.get_bind().engine

    def before(_conn, _cursor, statement, parameters, *_args):
        if "skill_observations" in statement and "OFFSET" in statement.upper():
            offsets.append(parameters[-1] if isinstance(parameters, (list, tuple)) else statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield offsets
    finally:
        event.remove(engine, "before_cursor_execute", before)


def entries(html: str) -> list[str]:
    return re.findall(r'<li class="card audit-entry">(.*?)</li>', html, re.S)


def test_an_admin_sees_who_observed_whom_what_and_when(setting, sign_in):
    moment = evening_days_ago(6)
    observe(setting, setting.skills[0], observed_at=moment, place="sentra", note="Tidak pernah datang.",
            answer_with=False)
    observe(setting, setting.skills[1], answer_with=True)  # confirmed: not flagged
    observe(setting, setting.skills[2])  # pending: not flagged
    html = sign_in(Role.ADMIN, lang="en").get(URL).get_data(as_text=True)
    [entry] = entries(html)
    for text in ("Memindahkan ke kursi roda", setting.course.title, "Siti Aminah", "Ibu Ani",
                 jakarta_day_in_english(moment), "the Sentra", "Tidak pernah datang.", "Recorded", "Rejected"):
        assert text in entry, text


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_only_admins_open_it(setting, sign_in, role, client):
    observe(setting, setting.skills[0], answer_with=False)
    assert sign_in(role, lang="en").get(URL).status_code == 403
    assert sign_in(setting.learner).get(URL).status_code == 403  # not even the learner who rejected it
    response = client.get(URL)
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_the_admin_menu_links_to_it(sign_in):
    assert f'href="{URL}"' in sign_in(Role.ADMIN, lang="en").get("/kursus").get_data(as_text=True)
    assert f'href="{URL}"' not in sign_in(Role.TRAINER, lang="en").get("/kursus").get_data(as_text=True)


def test_pages_follow_the_last_row_shown_not_an_offset(setting, sign_in):
    # rejections at the same moment, two by two: the id breaks the tie
    same = utcnow() - timedelta(hours=1)
    made = [observe(setting, setting.skills[n % 3], note=f"catatan {n:02d}", answer_with=False,
                    answered_at=same + timedelta(minutes=n // 2)) for n in range(REJECTED_PER_PAGE + 5)]
    browser = sign_in(Role.ADMIN, lang="en")
    first = browser.get(URL).get_data(as_text=True)
    notes = re.findall(r"catatan (\d\d)", first)
    assert len(notes) == REJECTED_PER_PAGE
    assert notes == sorted(notes, reverse=True) and notes[0] == f"{len(made) - 1:02d}"  # the latest first
    older = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    with offsets_sent() as offsets:
        second = browser.get(older).get_data(as_text=True)
    assert set(offsets) <= {0}  # the second page starts after the cursor, not by skipping rows
    rest = re.findall(r"catatan (\d\d)", second)
    assert rest == [f"{n:02d}" for n in range(4, -1, -1)]  # the five oldest, none twice, none missed
    assert 'rel="next"' not in second and f'href="{URL}"' in second  # back to the newest


@pytest.mark.parametrize("cursor", ["", "x", "2026-13-01T00:00:00_1", "2026-12-01T00:00:00_99999999999999999999",
                                    "2026-12-01T00:00:00+07:00_1", "9999-12-31T23:59:59_0", "\x00_1", "_"])
def test_a_made_up_cursor_is_the_first_page_or_an_empty_one(setting, sign_in, cursor):
    observe(setting, setting.skills[0], answer_with=False)
    response = sign_in(Role.ADMIN, lang="en").get(URL, query_string={"after": cursor})
    assert response.status_code == 200


def test_an_empty_list_says_so(sign_in):
    html = sign_in(Role.ADMIN, lang="en").get(URL).get_data(as_text=True)
    assert "No learner has rejected an observation." in html


def test_the_audit_log_tells_observations_in_sentences(setting, sign_in):
    moment = evening_days_ago(2)
    observe(setting, setting.skills[0], observed_at=moment, answer_with=False)
    observe(setting, setting.skills[1], observed_at=moment, result="not_yet", not_done=[0], answer_with=True)
    html = sign_in(Role.ADMIN, lang="en").get("/admin/audit").get_data(as_text=True)
    day = jakarta_day_in_english(moment)
    assert html.count(f"Observed on {day}.") == 4  # two recorded, one rejected, one confirmed
    for sentence in ("At a home visit.", "Result: competent.", "Result: not yet competent.",
                     "Observation rejected by the learner", "Observation confirmed by the learner"):
        assert sentence in html, sentence
    assert "skill: " not in html and "observed_at: " not in html and "on_paper: " not in html
