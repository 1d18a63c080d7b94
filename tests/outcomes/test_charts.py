"""The charts of the programme page: above their tables, the same figures, nothing of a hidden figure, escaped
labels, no chart without figures."""
from __future__ import annotations

import html as entities
import re
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.outcomes.charts import charts_for
from lms.outcomes.figures import Figure
from lms.outcomes.queries import Choice, programme_report
from lms.outcomes.services import refresh_outcomes
from tests.outcomes.conftest import NOW

PERIOD = "dari=2025-12&sampai=2026-11"
CHARTED = ("funnel", "months", "modules")


@pytest.fixture
def counted(activity):
    activity(seed=11, learners=60)
    refresh_outcomes(NOW)
    db.session.commit()


def section(page: str, key: str) -> str:
    match = re.search(rf'<section aria-labelledby="t-{key}">(.*?)</section>', page, re.S)
    return match[1] if match else ""


def svg_of(part: str) -> str:
    found = re.findall(r"<svg\b.*?</svg>", part, re.S)
    assert len(found) <= 1
    return found[0] if found else ""


def table_rows(part: str) -> list[tuple[str, list[str]]]:
    """(row label, [cells]) of the table in a section, as the page writes them."""
    rows = []
    for label, cells in re.findall(r'<tr><th scope="row">(?:<a [^>]*>)?([^<]*)(?:</a>)?</th>(.*?)</tr>', part):
        rows.append((label, re.findall(r"<td>([^<]*)</td>", cells)))
    return rows


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def charts(page: str) -> dict[str, str]:
    return {key: svg_of(section(page, key)) for key in CHARTED}


def test_each_chart_stands_in_a_figure_above_its_table_as_one_labelled_image(officer, counted):
    page = officer(lang="id").get(f"/program?{PERIOD}").get_data(as_text=True)
    for key in CHARTED:
        part = section(page, key)
        assert part.index('<figure class="outcome-chart"><svg') < part.index("<table"), key
        svg = svg_of(part)
        assert f'role="img" aria-labelledby="oc-{key}-t" aria-describedby="oc-{key}-d"' in svg
        assert re.search(rf'<title id="oc-{key}-t">[^<]+</title><desc id="oc-{key}-d">[^<]+</desc>', svg)
        assert re.search(r'viewBox="0 0 320 \d+(\.\d)?" width="100%"', svg)
        assert "<script" not in svg and "style=" not in svg and "href=" not in svg  # nothing the CSP would refuse
        assert len(svg.encode()) < 6000, (key, len(svg.encode()))
    assert "Tabel di bawah" in svg_of(section(page, "funnel"))  # the description is translated
    assert "Celah: &lt; 5 orang" in svg_of(section(page, "months"))


def test_the_funnel_and_module_charts_write_the_figures_of_their_tables(officer, counted):
    page = officer().get(f"/program?{PERIOD}").get_data(as_text=True)
    funnel = section(page, "funnel")
    labels = texts(svg_of(funnel))
    rows = table_rows(funnel)
    assert labels == [label for label, _cells in rows] + [cells[0] for _label, cells in rows]
    modules = section(page, "modules")
    svg = svg_of(modules)
    rows = table_rows(modules)
    pre, first = 4, 2  # the pretest_mean and first_mean columns
    assert texts(svg)[5:] == [label for label, _cells in rows] + [
        value for _label, cells in rows for value in (cells[pre], cells[first])]
    shown = [cells[pre] for _label, cells in rows if cells[pre] != "&lt; 5"]
    assert len(re.findall(r"<rect y=\"\d+\" width=\"[\d.]+\" height=\"9\"/>", svg)) == len(shown) + sum(
        cells[first] != "&lt; 5" for _label, cells in rows)


def test_each_line_of_the_months_chart_goes_through_the_shown_figures_of_its_column(officer, counted):
    part = section(officer().get(f"/program?{PERIOD}&wilayah=32").get_data(as_text=True), "months")
    svg, rows = svg_of(part), table_rows(part)
    columns = re.findall(r'<th scope="col">([^<]*)</th>', part)[1:]
    bottom = float(re.search(r"<path d=\"M\d+ ([\d.]+)H", svg)[1])  # the first grid line: 0 people
    per_person = set()
    hidden = 0
    for index, step in enumerate(["registered", "started", "completed", "certified", "competent"][:len(columns)]):
        path = re.search(rf'<path d="([^"]*)" data-step="{step}"', svg)
        points = re.findall(r"[ML]([\d.]+) ([\d.]+)", path[1]) if path else []
        shown = [(month, int(cells[index])) for month, cells in rows if cells[index] != "&lt; 5"]
        hidden += len(rows) - len(shown)
        assert len(points) == len(shown), step
        xs = [float(x) for x, _y in points]
        assert xs == sorted(xs)
        for (_x, y), (_month, people) in zip(points, shown, strict=True):
            per_person.add(round((bottom - float(y)) / people, 1))
    assert hidden and len(per_person) <= 2, per_person  # one scale for every line (give or take the rounding)


def test_a_hidden_figure_leaves_the_charts_byte_for_byte_the_same(regions, two_courses, make_user, officer):
    """Ten learners in Beji begin a course; one, then four of them finish it: only a hidden figure changes."""
    course = two_courses[0]
    for n in range(10):
        learner = make_user(Role.LEARNER, full_name=f"Peserta {n}")
        learner.village_code = "32.76.06.1001"
        learner.created_at = NOW - timedelta(days=30 + n)
        db.session.add(Enrollment(user_id=learner.id, course_id=course.id, enrolled_at=NOW - timedelta(days=20),
                                  last_activity_at=NOW - timedelta(days=2)))
    db.session.commit()
    browser = officer()

    def finished(count: int) -> str:
        enrollments = db.session.scalars(select(Enrollment).order_by(Enrollment.id)).all()
        for enrollment in enrollments[:count]:
            enrollment.completed_at = NOW - timedelta(days=5)
        refresh_outcomes(NOW)
        db.session.commit()
        return browser.get(f"/program?wilayah=32.76.06&{PERIOD}").get_data(as_text=True)

    one, four = finished(1), finished(4)
    assert charts(one) == charts(four)
    assert charts(one)["funnel"] and charts(one)["months"]
    assert ">10</text>" in charts(one)["funnel"]  # the learners who registered and began are drawn
    assert table_rows(section(four, "funnel"))[2][1] == ["&lt; 5"]  # completed: hidden in the table too


def _hidden_variants(figure: Figure):
    """The same figure from 0 to 4 people, each with a value of its own."""
    for people in range(5):
        if figure.kind == "count":
            yield Figure.count(people)
        else:
            yield Figure(people * 7.5 if people else None, people, figure.kind)


@pytest.mark.parametrize("region", ["", "32.76", "-"])  # "-": learners who gave no village
def test_no_hidden_figure_of_a_real_report_moves_anything_in_its_chart(app, counted, region):
    choice = Choice(region, 0, 0, date(2025, 12, 1), date(2026, 11, 1))
    with app.test_request_context("/program"):
        report = programme_report(choice, link_region=str, link_organisation=str)
        drawn = charts_for(report)
        assert {"funnel", "modules"} <= set(drawn)
        tried = Counter()
        for table in report.tables:
            if table.key not in drawn:
                continue
            for row in table.rows:
                for index, figure in enumerate(row.figures):
                    if not figure.suppressed:
                        continue
                    for variant in _hidden_variants(figure):
                        row.figures[index] = variant
                        assert charts_for(report)[table.key] == drawn[table.key], (table.key, row.label, index)
                        tried[table.key] += 1
                    row.figures[index] = figure
        assert tried["funnel"] and sum(tried.values()) > 20 and (tried["modules"] or not region)
        figure = report.tables[0].rows[0].figures[0]
        assert not figure.suppressed  # a shown figure does move its bar
        report.tables[0].rows[0].figures[0] = replace(figure, value=figure.value + 1, people=figure.people + 1)
        assert charts_for(report)["funnel"] != drawn["funnel"]


def test_titles_from_the_records_are_escaped_in_the_charts(officer, counted):
    course = db.session.scalars(select(Course).order_by(Course.id)).first()
    course.title = '<script>alert("x")</script>&<b>'  # a label of one line
    db.session.commit()
    page = officer().get(f"/program?{PERIOD}").get_data(as_text=True)
    svg = svg_of(section(page, "modules"))
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&lt;b&gt;: Modul 1" in svg
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    assert "<b>" not in svg
    assert entities.unescape(texts(svg)[5]) == '<script>alert("x")</script>&<b>: Modul 1'


def test_no_chart_where_there_are_no_figures_and_the_page_still_works(officer, regions, two_courses):
    browser = officer()
    page = browser.get(f"/program?{PERIOD}")  # never counted
    assert page.status_code == 200 and "<svg" not in page.get_data(as_text=True)
    refresh_outcomes(NOW)
    db.session.commit()
    page = browser.get(f"/program?{PERIOD}").get_data(as_text=True)
    assert "<svg" not in page and "outcome-chart" not in page
    assert "No figures for this choice yet." in section(page, "modules")
    assert "&lt; 5" in section(page, "funnel")  # every step hidden: the table says so, and no chart is drawn


def test_a_chosen_course_draws_its_steps_without_registration(officer, counted, two_courses):
    page = officer().get(f"/program?{PERIOD}&kursus={two_courses[0].id}").get_data(as_text=True)
    months = svg_of(section(page, "months"))
    assert 'data-step="registered"' not in months and 'id="oc-registered"' not in months
    funnel = svg_of(section(page, "funnel"))
    assert "Registered" not in funnel and "Started a course" in funnel
