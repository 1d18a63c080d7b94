"""The group page's progress table and skills matrix in pages of learners (CohortReport.page, issue #21): every
member on exactly one page, in name order, while the summaries, "Needs a visit", "Ready to be observed" and the
CSV keep the whole group; a page number that is not one gives the nearest page, never an error."""
from __future__ import annotations

import csv
import io
import re

import pytest

from lms.cohorts import queries
from tests.practice.test_group_skills import Group, visits_section

NAMES = ["Gita", "Ani", "Fajar", "Citra", "Eka", "Budi", "Dodi"]  # seven: pages of 3, 3 and 1


@pytest.fixture
def paged(make_course, make_user, monkeypatch):
    monkeypatch.setattr(queries, "ROWS_PER_PAGE", 3)
    group = Group(make_course, make_user)
    for name in NAMES:
        group.member(name, passed=2)  # every quiz passed: all seven are ready to be observed
    return group


def progress_names(html: str) -> list[str]:
    table = html[html.index('<table class="report">'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)


def matrix_names(html: str) -> list[str]:
    table = html[html.index('class="report skills-matrix"'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<tr><th scope="row">([^<]+)</th>', table)


def test_every_member_is_on_exactly_one_page_in_name_order(paged, sign_in):
    browser = sign_in(paged.trainer, lang="en")
    shown, matrix = [], []
    for number in (1, 2, 3):
        html = browser.get(f"/kelompok/{paged.cohort.id}?halaman={number}").get_data(as_text=True)
        page_names = progress_names(html)
        assert len(page_names) == (3 if number < 3 else 1)
        assert matrix_names(html) == page_names  # the matrix shows the same learners as the table
        shown += page_names
        matrix += page_names
        # the summaries are the whole group's on every page
        assert "7 learners" in html
        assert all(name in visits_section(html) for name in NAMES)
    assert shown == sorted(NAMES)


def test_the_pager_says_which_learners_and_links_every_page(paged, sign_in):
    html = sign_in(paged.trainer, lang="en").get(f"/kelompok/{paged.cohort.id}?halaman=2").get_data(as_text=True)
    nav = html[html.index('<nav class="pagination row-pages"'):]
    nav = nav[:nav.index("</nav>")]
    assert "Learners 4–6 of 7" in nav
    assert '<span aria-current="page">2</span>' in nav
    links = re.findall(r'href="([^"]+)"', nav)
    base = f"/kelompok/{paged.cohort.id}?halaman="
    assert links == [f"{base}1#progress-h", f"{base}1#progress-h", f"{base}3#progress-h", f"{base}3#progress-h"]
    assert 'rel="prev"' in nav and 'rel="next"' in nav
    assert html.count('<nav class="pagination row-pages"') == 2  # under the table and under the matrix
    assert f'{base}3#matrix-h' in html


@pytest.mark.parametrize("number, first", [("abc", "Ani"), ("0", "Ani"), ("-4", "Ani"), ("3", "Gita"),
                                           ("999", "Gita"), ("99999999999999999999999", "Gita"), ("", "Ani")])
def test_a_page_that_is_not_one_gives_the_nearest(paged, sign_in, number, first):
    response = sign_in(paged.trainer, lang="en").get(f"/kelompok/{paged.cohort.id}?halaman={number}")
    assert response.status_code == 200
    assert progress_names(response.get_data(as_text=True))[0] == first


def test_a_group_on_one_page_has_no_pager(make_course, make_user, sign_in):
    group = Group(make_course, make_user)
    group.member("Ani")
    html = sign_in(group.trainer, lang="en").get(f"/kelompok/{group.cohort.id}").get_data(as_text=True)
    assert progress_names(html) == ["Ani"]
    assert "row-pages" not in html


def test_the_csv_has_every_member_whatever_the_page(paged, sign_in):
    browser = sign_in(paged.trainer, lang="en")
    body = browser.get(f"/kelompok/{paged.cohort.id}/laporan.csv?halaman=2").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    names = sorted({value for row in rows for value in row.values() if value in NAMES})
    assert names == sorted(NAMES)
