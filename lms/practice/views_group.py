"""What care managers and programmes see of skills across groups: the skills section of the group page (a
matrix and the "perlu diamati" list, added through a context helper so that cohorts never imports practice)
and the page of the steps families most often miss, across the trainer's groups.

Who sees what: the group page is its trainer's and the admins' (cohorts checks it); the missed-steps page is
for trainers, over the observations of the members of the groups they lead, and for admins over every group;
anyone else gets 404.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..web import template_helpers
from ..cohorts.models import Cohort
from ..cohorts.queries import CohortReport, RowPage, cohorts_visible_to
from ..extensions import db
from ..routing import MAX_ID
from . import bp, reports
from .reports import COMPETENT, NOT_OBSERVED, NOT_YET, PENDING, GroupSkills

#: a cell's symbol and its class; the word for screen readers comes from _state_words()
SYMBOLS = {COMPETENT: ("✓", "ok"), NOT_YET: ("✗", "bad"), PENDING: ("?", "wait"), NOT_OBSERVED: ("–", "")}


def _state_words() -> dict[str, str]:
    return {COMPETENT: _("competent"), NOT_YET: _("not yet competent"),
            PENDING: _("waiting for the learner's confirmation"), NOT_OBSERVED: _("not observed yet")}


def _cell_markup() -> dict[str, str]:
    """The four possible cells, built once per page: a symbol only, explained by the key above the table, as
    the progress table's cells are. A word in every cell would weigh 1.2 MB for 500 learners and 16 skills
    (bench/cohort_page.py); the symbols weigh a quarter of that."""
    return {state: f'<td class="{css}">{symbol}</td>' if css else f"<td>{symbol}</td>"
            for state, (symbol, css) in SYMBOLS.items()}


def matrix_cells(skills: GroupSkills, user_id: int, cells: dict[str, str]) -> Markup:
    """One learner's row of the matrix. Built here rather than in the template, as the progress table's cells
    are (cohorts.views.step_cells): 500 learners over 10 skills make 5,000 cells."""
    return Markup("".join(cells[skills.cell(user_id, skill.id).state] for skill in skills.skills))  # noqa: S704


def competent_counts(skills: GroupSkills) -> dict[int, int]:
    """skill id -> how many members are competent in it."""
    counts = dict.fromkeys((skill.id for skill in skills.skills), 0)
    for (_user_id, skill_id), cell in skills.cells.items():
        if cell.state == COMPETENT:
            counts[skill_id] += 1
    return counts


def group_skills(cohort: Cohort, report: CohortReport, page: RowPage | None = None) -> Markup:
    """For the group page: the skills matrix of the page's rows (all of them without a page) and who is ready to
    be observed (the whole group), or nothing when none of the group's courses observes practice. Two queries
    whatever the size of the group (reports.group_skills)."""
    skills = reports.group_skills(cohort, report.learners)
    if not skills.courses:
        return Markup("")
    words = _state_words()
    return Markup(render_template(
        "practice/group_skills.html", cohort=cohort, report=report, rows=page.rows if page else report.rows,
        page=page, skills=skills, words=words,
        cells=_cell_markup(), matrix_cells=matrix_cells, competent=competent_counts(skills),
        visits=reports.to_observe(report.rows, skills)))


@template_helpers(bp)
def group_helpers():
    return {"group_skills": group_skills}


@bp.route("/pengamatan/langkah-terlewat")
def missed_steps():
    """Per skill, the steps most often not done in the observations of the trainer's groups (admins: every
    group), the most missed first: what the next group meeting should practise. `kelompok` narrows it to one
    group the viewer may see. 404 for anyone but trainers and admins, and for someone else's group."""
    if not (current_user.is_authenticated and current_user.is_trainer):
        abort(404)
    groups = cohorts_visible_to(current_user)
    cohort = None
    cohort_id = request.args.get("kelompok", type=int)
    if cohort_id is not None:
        # a number past the id column's range is no group (the database would refuse it)
        cohort = db.session.get(Cohort, cohort_id) if 0 < cohort_id <= MAX_ID else None
        if cohort is None or not (current_user.is_admin or cohort.owner_id == current_user.id):
            abort(404)
    missed, done_well = reports.missed_steps(current_user, cohort)
    return render_template("practice/group_missed_steps.html", groups=groups, cohort=cohort, missed=missed,
                           done_well=done_well)
