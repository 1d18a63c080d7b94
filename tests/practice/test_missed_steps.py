"""The steps families most often miss, per skill, across a trainer's groups: counted by the database over the
confirmed and pending observations (not-seen steps apart), the most missed first, critical steps marked, and
only the trainer's own groups' observations (admins: every group)."""
from __future__ import annotations

import re

import pytest

from lms.accounts.models import Role
from lms.extensions import db
from lms.practice.reports import missed_steps
from lms.practice.services import withdraw
from tests.practice.test_group_skills import Group

PAGE = "/pengamatan/langkah-terlewat"


@pytest.fixture
def group(make_course, make_user):
    return Group(make_course, make_user)


def steps_shown(html: str) -> list[tuple[str, str]]:
    """(skill title, step text) in page order."""
    shown = []
    for section in re.findall(r'<section class="panel missed-skill".*?</section>', html, re.S):
        title = re.search(r"<h2[^>]*>([^<]*)</h2>", section).group(1)
        for item in re.findall(r"<li>(.*?)</li>", section, re.S):
            text = re.sub(r'<span class="badge bad">Critical</span> ', "", item).split("<br>")[0].strip()
            shown.append((title, text))
    return shown


def test_the_most_missed_steps_come_first_with_critical_ones_marked(group, sign_in):
    a, b, c = (group.member(name) for name in ("Ani", "Budi", "Cici"))
    # wheel (steps 0 and 2 critical): step 1 missed by all three, step 2 (critical) by two
    group.observe(a, "pindah-ke-kursi", "not_yet", not_done=[1, 2])
    group.observe(b, "pindah-ke-kursi", "not_yet", not_done=[1, 2], reply=None)  # pending counts
    group.observe(c, "pindah-ke-kursi", not_done=[1])
    # hands: step 1 missed once; rejected and withdrawn observations never count
    group.observe(a, "cuci-tangan", not_done=[1])
    group.observe(b, "cuci-tangan", "not_yet", not_done=[0, 1, 2], reply=False)
    withdrawn = group.observe(c, "cuci-tangan", "not_yet", not_done=[0, 1, 2], reply=None)
    withdraw(withdrawn, group.trainer)
    # turning: every step done
    group.observe(a, "memiringkan")
    db.session.commit()

    missed, done_well = missed_steps(group.trainer)
    assert [(skill.title, [(step.text, step.not_done, step.seen) for step in skill.steps]) for skill in missed] == [
        ("Memindahkan ke kursi roda", [("Menjelaskan apa yang dilakukan", 3, 3), ("Menahan lutut saat berdiri", 2, 3)]),
        ("Mencuci tangan", [("Memakai sabun", 1, 1)]),
    ]
    assert [skill.title for skill in done_well] == ["Memiringkan badan"]

    html = sign_in(group.trainer, lang="en").get(PAGE).get_data(as_text=True)
    assert steps_shown(html) == [("Memindahkan ke kursi roda", "Menjelaskan apa yang dilakukan"),
                                 ("Memindahkan ke kursi roda", "Menahan lutut saat berdiri"),
                                 ("Mencuci tangan", "Memakai sabun")]
    wheel = html[html.index("Memindahkan ke kursi roda"):html.index("Mencuci tangan")]
    assert wheel.count("Critical") == 1 and "not done 3 of 3 times (100%)" in wheel
    assert "not done 2 of 3 times (67%)" in wheel
    assert "No step missed" in html and "Memiringkan badan" in html


def test_a_critical_step_goes_first_among_steps_missed_as_often_and_not_seen_is_apart(group, sign_in):
    a, b = group.member("Ani"), group.member("Budi")
    # hands: step 0 (critical) and step 2 each missed once; step 2 also not seen once
    group.observe(a, "cuci-tangan", "not_yet", not_done=[0, 2])
    group.observe(b, "cuci-tangan", "not_yet", not_seen=[2])
    (hands,), _ = missed_steps(group.trainer)
    assert [(s.text, s.critical, s.not_done, s.not_seen, s.percent) for s in hands.steps] == [
        ("Membasahi tangan", True, 1, 0, 50), ("Mengeringkan tangan", False, 1, 1, 100)]
    html = sign_in(group.trainer, lang="en").get(PAGE).get_data(as_text=True)
    assert "not done 1 of 1 times (100%)" in html and "not seen 1 time" in html


def test_a_trainer_sees_only_the_observations_of_their_own_groups(group, make_course, make_user, sign_in):
    ani = group.member("Ani")
    group.observe(ani, "pindah-ke-kursi", "not_yet", not_done=[0])
    # another trainer's group of the same course, where a step is missed twice
    theirs = Group(make_course, make_user, course=group.course, trainer_name="Pak Budi")
    other, other_group = theirs.trainer, theirs.cohort
    for name in ("Dodi", "Eko"):
        theirs.observe(theirs.member(name), "cuci-tangan", "not_yet", not_done=[0])

    mine = sign_in(group.trainer, lang="en")
    html = mine.get(PAGE).get_data(as_text=True)
    assert [title for title, _text in steps_shown(html)] == ["Memindahkan ke kursi roda"]
    assert mine.get(f"{PAGE}?kelompok={other_group.id}").status_code == 404
    assert mine.get(f"{PAGE}?kelompok=99999999999999999999").status_code == 404
    assert mine.get(f"{PAGE}?kelompok=x").status_code == 200  # not a number: every group of mine
    one = mine.get(f"{PAGE}?kelompok={group.cohort.id}").get_data(as_text=True)
    assert [title for title, _text in steps_shown(one)] == ["Memindahkan ke kursi roda"]

    their_page = sign_in(other, lang="en").get(PAGE).get_data(as_text=True)
    assert [title for title, _text in steps_shown(their_page)] == ["Mencuci tangan"]
    assert "not done 2 of 2 times" in their_page

    admin = sign_in(Role.ADMIN, lang="en").get(PAGE).get_data(as_text=True)
    assert [title for title, _text in steps_shown(admin)] == ["Mencuci tangan", "Memindahkan ke kursi roda"]


@pytest.mark.parametrize("who", [None, Role.LEARNER])
def test_nobody_but_trainers_and_admins_sees_the_page(group, client, sign_in, who):
    browser = sign_in(who, lang="en") if who else client
    assert browser.get(PAGE).status_code == 404


def test_the_group_page_links_to_the_page(group, sign_in):
    group.member("Ani")
    html = sign_in(group.trainer, lang="en").get(f"/kelompok/{group.cohort.id}").get_data(as_text=True)
    assert f'href="{PAGE}?kelompok={group.cohort.id}"' in html


def test_the_page_folds_away_all_but_the_most_missed_steps_and_never_a_critical_one():
    from lms.practice.reports import SHOWN, MissedSkill, MissedStep

    steps = [MissedStep(f"Langkah {n}", n == SHOWN + 1, n, not_done=10 - n, not_seen=0, done=n) for n in range(6)]
    skill = MissedSkill("Mencuci tangan", "Kursus", 10, steps)
    assert [step.text for step in skill.shown] == [f"Langkah {n}" for n in (*range(SHOWN), SHOWN + 1)]
    assert [step.text for step in skill.folded] == [f"Langkah {n}" for n in (SHOWN, SHOWN + 2)]
