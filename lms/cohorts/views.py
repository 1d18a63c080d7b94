"""Care managers' groups: create, share the join code, follow progress, export."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime, timezone, tzinfo
from urllib.parse import quote

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..web import template_helpers
from ..accounts import rescue
from ..accounts.identifiers import format_login_id, format_phone
from ..accounts.models import Role, User
from ..accounts.views import rescue_code_page
from ..accounts.permissions import role_required
from ..audit.access import note_group_export, note_view
from ..compression import streamed_response
from ..courses.models import Course
from ..database import writes_on_get
from ..extensions import db, rate_limits
from ..organisations.models import Organisation
from ..organisations.queries import active_organisations, get_organisation
from ..spreadsheets import as_text
from ..regions.chooser import chooser_step
from ..regions.queries import lineage, place_label
from ..timeutil import utcnow
from . import bp
from .reach import REACH_DAYS
from .charts import column_chart, percent_bars
from .models import Cohort
from .forms import AddMemberForm, CohortForm, CohortRegionForm, ConfirmForm, FamilyAccountForm, JoinCodeForm
from .queries import (
    StepState,
    cohort_report,
    cohorts_of_learner,
    cohorts_visible_to,
    get_cohort_for,
    invitation_for,
    is_member,
    member_counts,
    open_invitations,
    pending_invitations,
)
from .services import (
    CohortError,
    add_member,
    answer_invitation,
    cancel_invitation,
    create_cohort,
    create_family_account,
    delete_cohort,
    find_by_code,
    invite,
    leave_group,
    regenerate_code,
    set_region,
    remove_member,
    update_cohort,
)
from .signals import report_columns_asked

TRAINERS = (Role.TRAINER, Role.ADMIN)


def _organisation_choices(current: Organisation | None = None) -> list[SelectChoice]:
    """"No organisation", then the active ones by name; the group's own stays offered after it was retired."""
    organisations = active_organisations()
    if current is not None and current.retired_at is not None:
        organisations.append(current)
    return [SelectChoice("", _("No organisation")),
            *(SelectChoice(o.id, o.name if o.retired_at is None else _("%(name)s (retired)", name=o.name))
              for o in organisations)]


def _place(form: CohortForm) -> tuple[int | None, str | None]:
    """The organisation and region a valid form gives: the region typed, else the organisation's."""
    organisation = get_organisation(form.organisation_id.data)
    return form.organisation_id.data, form.region_code.data or (organisation.region_code if organisation else None)


def _course_choices():
    courses = db.session.scalars(select(Course).where(Course.is_published.is_(True)).order_by(Course.title))
    return [(course.id, course.title) for course in courses]


@bp.route("/kelompok")
@role_required(*TRAINERS)
def index():
    """The groups a care manager accompanies (admins: every group)."""
    cohorts = cohorts_visible_to(current_user)
    return render_template("cohorts/index.html", cohorts=cohorts,
                           counts=member_counts([c.id for c in cohorts]))


@bp.route("/kelompok/baru", methods=["GET", "POST"])
@role_required(*TRAINERS)
def create():
    """Start a new group and get its join code."""
    form = CohortForm()
    form.courses.choices = _course_choices()
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        organisation_id, region_code = _place(form)
        cohort = create_cohort(current_user, form.name.data.strip(), (form.description.data or "").strip(),
                               form.courses.data, organisation_id=organisation_id, region_code=region_code)
        db.session.commit()
        flash(_("The group is ready. Share the code %(code)s with the families.", code=cohort.join_code), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None), 400 if form.errors else 200


@bp.route("/kelompok/<int:cohort_id>/ubah", methods=["GET", "POST"])
@role_required(*TRAINERS)
def edit(cohort_id: int):
    """Rename a group or change its courses."""
    cohort = get_cohort_for(current_user, cohort_id)
    form = CohortForm(obj=cohort)
    form.courses.choices = _course_choices()
    form.organisation_id.choices = _organisation_choices(cohort.organisation)
    form.region_code.keep = cohort.region_code
    if request.method == "GET":
        form.courses.data = [course.id for course in cohort.courses]
    if form.validate_on_submit():
        organisation_id, region_code = _place(form)
        update_cohort(cohort, form.name.data.strip(), (form.description.data or "").strip(), form.courses.data,
                      organisation_id=organisation_id, region_code=region_code)
        db.session.commit()
        flash(_("The group has been saved."), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort), 400 if form.errors else 200


@bp.route("/kelompok/<int:cohort_id>/wilayah", methods=["GET", "POST"])
@role_required(*TRAINERS)
def region(cohort_id: int):
    """Choose the group's region step by step (GET, lms/regions/chooser.py); any level reached can be saved
    (POST)."""
    cohort = get_cohort_for(current_user, cohort_id)
    form = CohortRegionForm()
    form.region_code.keep = cohort.region_code
    if form.validate_on_submit():
        set_region(cohort, form.region_code.data or None)
        db.session.commit()
        flash(_("The group's region has been saved."), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    step = chooser_step("cohorts.region", view_args={"cohort_id": cohort.id}, code="" if form.errors else None)
    place = place_label(lineage(cohort.region_code)) if cohort.region_code else None
    return render_template("cohorts/region.html", cohort=cohort, step=step, form=form,
                           place=place), 400 if form.errors else 200


@bp.route("/kelompok/<int:cohort_id>/hapus", methods=["GET", "POST"])
@role_required(*TRAINERS)
def delete(cohort_id: int):
    """Delete a group after confirmation (learners keep their accounts and progress)."""
    cohort = get_cohort_for(current_user, cohort_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        delete_cohort(cohort)
        db.session.commit()
        flash(_("The group has been deleted. The learners keep their accounts and progress."), "info")
        return redirect(url_for("cohorts.index"))
    return _confirm_page(cohort, form, button=_("Delete this group"), message=_(
        "Delete the group \"%(name)s\"? Its report and join code go; the learners keep their accounts and "
        "their progress.", name=cohort.name))


def _confirm_page(cohort, form, *, button: str, message: str):
    return render_template("cohorts/confirm.html", cohort=cohort, form=form, button=button, message=message,
                           back=url_for("cohorts.show", cohort_id=cohort.id))


def _share_links(cohort) -> dict[str, str]:
    join_url = url_for("cohorts.join", code=cohort.join_code, _external=True)
    message = _("Join my Rawat learning group \"%(name)s\": open %(url)s or enter the code %(code)s.",
                name=cohort.name, url=join_url, code=cohort.join_code)
    return {"url": join_url, "whatsapp": "https://wa.me/?text=" + quote(message), "sms": "sms:?body=" + quote(message),
            "message": message}


@bp.route("/kelompok/<int:cohort_id>")
@role_required(*TRAINERS)
def show(cohort_id: int):
    """The group report: who needs a visit (reach.py), every learner against every step, charts."""
    cohort = get_cohort_for(current_user, cohort_id)
    now = utcnow()
    report = cohort_report(cohort, now)
    week_labels = [format_date(week, "d MMM") for week in report.weeks]
    titles = {"lessons": _("Lessons finished per week"), "completions": _("Courses completed per week"),
              "rates": _("Quizzes passed at the first attempt, per module")}
    charts = {
        "lessons": column_chart(
            titles["lessons"], week_labels, report.lessons_per_week,
            description=_("Lessons finished by the group in each of the last %(n)d weeks.", n=len(week_labels))),
        "completions": column_chart(
            titles["completions"], week_labels, report.completions_per_week,
            description=_("Courses completed by the group in each of the last %(n)d weeks.", n=len(week_labels))),
    }
    # One pass-rate chart per course, so "Module 1" of two courses cannot be mixed up.
    rate_groups = []
    for course in {rate.course.id: rate.course for rate in report.module_rates}.values():
        rates = [rate for rate in report.module_rates if rate.course.id == course.id]
        chart = percent_bars(
            course.title,
            [(_("Module %(n)d", n=rate.module_number) + " · " + rate.module.title, rate.first_try_percent)
             for rate in rates],
            description=_("Share of the learners who tried a module quiz that passed it at their first attempt."),
            none_label=_("no try yet"))
        rate_groups.append({"course": course, "rates": rates, "chart": chart})
    place = place_label(lineage(cohort.region_code)) if cohort.region_code else None
    # ?halaman=N: the page of the progress table and skills matrix; anything not a number is the first page
    page = report.page(request.args.get("halaman", 1, type=int))
    return render_template("cohorts/show.html", cohort=cohort, report=report, charts=charts, chart_titles=titles,
                           place=place, page=page,
                           rate_groups=rate_groups,
                           share=_share_links(cohort), add_form=AddMemberForm(), confirm_form=ConfirmForm(),
                           invitations=open_invitations(cohort.id), format_phone=format_phone,
                           step_cells=step_cells, reach_days=REACH_DAYS,
                           activity_date=_DateLabels(lambda moment: format_date(moment, "medium")))


@bp.route("/kelompok/<int:cohort_id>/peserta/<int:user_id>")
@role_required(*TRAINERS)
@writes_on_get("records in the audit log that a care manager or an admin opened the learner's data")
def learner(cohort_id: int, user_id: int):
    """One learner of the group, every step in a list that fits a phone."""
    cohort = get_cohort_for(current_user, cohort_id)
    person = db.session.get(User, user_id) if is_member(cohort.id, user_id) else None
    if person is None:
        abort(404)
    note_view(current_user, person.id, person.full_name, page="group_learner", cohort=cohort.name)
    report = cohort_report(cohort, utcnow(), only_user_id=user_id)
    if not report.rows:
        abort(404)
    row = report.rows[0]
    sections = []  # (course, [(module_number, module, [columns])])
    for column in report.columns:
        if not sections or sections[-1][0].id != column.course.id:
            sections.append((column.course, []))
        modules = sections[-1][1]
        if not modules or modules[-1][1].id != column.module.id:
            modules.append((column.module_number, column.module, []))
        modules[-1][2].append(column)
    return render_template("cohorts/learner.html", cohort=cohort, report=report, row=row, sections=sections,
                           reach_days=REACH_DAYS)


#: a step's cell; a passed quiz's shows its best score instead. No class or span more than the state needs:
#: 500 learners over 40 steps make 20,000 cells, and every byte of each is read by a cheap phone.
CELLS = {StepState.DONE: '<td class="ok">✓</td>', StepState.TRIED: '<td class="bad">✗</td>',
         StepState.NOT_YET: "<td>–</td>"}


def step_cells(report, row) -> Markup:
    """One learner's cells of the group table: ✓ done, the best quiz score, ✗ tried, – not yet.

    The row says which (LearnerRow.cells, module by module from the learner's CourseProgress). Built
    here rather than in the template: a template loop costs several times more per cell.
    """
    return Markup("".join(  # noqa: S704 - fixed markup and integers only
        CELLS[cell] if isinstance(cell, StepState) else f'<td class="ok">{int(cell)}</td>'
        for cell in report.cells(row)))


@bp.route("/kelompok/<int:cohort_id>/kode-baru", methods=["POST"])
@role_required(*TRAINERS)
def new_code(cohort_id: int):
    """Replace the join code (the old one stops working)."""
    cohort = get_cohort_for(current_user, cohort_id)
    if ConfirmForm().validate_on_submit():
        code = regenerate_code(cohort)
        db.session.commit()
        flash(_("New code: %(code)s. The old code no longer works.", code=code), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/kelompok/<int:cohort_id>/anggota", methods=["POST"])
@role_required(*TRAINERS)
def add(cohort_id: int):
    """Invite the owner of a mobile number; they join only if they accept after signing in."""
    cohort = get_cohort_for(current_user, cohort_id)
    form = AddMemberForm()
    if not form.validate_on_submit():
        for error in form.phone.errors or [_("Enter a mobile number.")]:
            flash(str(error), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    try:
        invite(cohort, form.normalized, actor=current_user)
    except CohortError:
        flash(_("You cannot add yourself to your own group."), "error")
    else:
        db.session.commit()
        # The same words whether or not the number has an account: a trainer learns nothing about anyone
        # until that person accepts.
        flash(_("Invitation sent to %(phone)s. When the owner of this number signs in to Rawat, they can accept "
                "it; only then do you see their progress. No account yet? Ask them to register with this number, "
                "or send them the join link.", phone=format_phone(form.normalized)), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/kelompok/<int:cohort_id>/undangan/<int:invitation_id>/batal", methods=["POST"])
@role_required(*TRAINERS)
def cancel_invite(cohort_id: int, invitation_id: int):
    """Withdraw an invitation nobody has answered yet."""
    cohort = get_cohort_for(current_user, cohort_id)
    if ConfirmForm().validate_on_submit() and cancel_invitation(cohort, invitation_id):
        db.session.commit()
        flash(_("The invitation has been withdrawn."), "info")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/kelompok/<int:cohort_id>/akun-baru", methods=["GET", "POST"])
@role_required(*TRAINERS)
def family_account(cohort_id: int):
    """Make an account for a family without a phone, at their side; it joins this group."""
    cohort = get_cohort_for(current_user, cohort_id)
    form = FamilyAccountForm()
    if form.validate_on_submit():
        learner, code = create_family_account(cohort, form.full_name.data, actor=current_user)
        db.session.commit()
        response = current_app.make_response(render_template(
            "cohorts/family_account.html", cohort=cohort, learner=learner,
            login_id=format_login_id(learner.login_id), code=rescue.format_code(code),
            hours=int(rescue.CODE_LIFETIMES["helper"].total_seconds() // 3600),
            link=url_for("accounts.reset_password", kode=rescue.format_code(code), _external=True)))
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template("cohorts/family_account_form.html", cohort=cohort, form=form), 400 if form.errors else 200


@bp.route("/kelompok/<int:cohort_id>/anggota/<int:user_id>/keluarkan", methods=["GET", "POST"])
@role_required(*TRAINERS)
def remove(cohort_id: int, user_id: int):
    """Take a learner out of the group (their progress stays theirs)."""
    cohort = get_cohort_for(current_user, cohort_id)
    learner = db.session.get(User, user_id)
    if learner is None or not is_member(cohort.id, learner.id):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        remove_member(cohort, learner, actor=current_user)
        db.session.commit()
        flash(_("%(name)s has been removed from the group.", name=learner.full_name), "info")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return _confirm_page(cohort, form, button=_("Remove from the group"), message=_(
        "Remove %(name)s from the group \"%(group)s\"? Their progress stays theirs, and you can add them again "
        "by their mobile number.", name=learner.full_name, group=cohort.name))


CSV_COLUMNS = ("learner", "joined_on", "last_activity_on", "needs_visit", "percent_done", "last_visit_on")


@bp.route("/kelompok/<int:cohort_id>/laporan.csv")
@role_required(*TRAINERS)
@writes_on_get("records in the audit log that the group's report, its learners' personal data, was downloaded")
def export_csv(cohort_id: int):
    """The group report as UTF-8 CSV: documented columns, one row per learner."""
    cohort = get_cohort_for(current_user, cohort_id)
    # One entry naming the group, before the rows are read: each member's "Data saya" lists it.
    note_group_export(current_user, cohort.id, cohort.name, members=member_counts([cohort.id]).get(cohort.id, 0))
    report = cohort_report(cohort, utcnow())
    step_headers = []
    for column in report.columns:
        if column.is_quiz:
            step_headers.append(f"{column.course.slug}/{column.module.slug}/quiz_score")
        else:
            step_headers.append(f"{column.course.slug}/{column.module.slug}/{column.lesson.slug}")
    completion_headers = [f"{course.slug}/completed_on" for course in cohort.courses]
    # Columns of the features above (practice: one per skill), asked once for the whole group.
    added = [answer for _receiver, answer in report_columns_asked.send(cohort, members=report.learners) if answer]
    added_headers = [header for headers, _cells in added for header in headers]
    headers = [as_text(header) for header in (*CSV_COLUMNS, *completion_headers, *step_headers, *added_headers)]
    filename = f"rawat-kelompok-{cohort.id}-{utcnow():%Y%m%d}.csv"
    # Names and progress are personal data: never kept in a shared or browser cache.
    return streamed_response(_csv_lines(report, headers, added, _iso_dates(get_timezone())), "text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


#: rows written per chunk of the streamed CSV
CSV_ROWS_PER_CHUNK = 100


def _csv_lines(report, headers: list[str], added: list, dates: _DateLabels) -> Iterator[str]:
    """The CSV in chunks: a byte-order mark (spreadsheets then read UTF-8), the header, the rows."""
    buffer = io.StringIO()
    # Every text cell quoted: a spreadsheet that splits on ";" (common with Indonesian settings) then never
    # splits inside a name, so no part of one can start a formula.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    buffer.write("\ufeff")
    writer.writerow(headers)
    courses = report.cohort.courses
    for number, row in enumerate(report.rows, start=1):
        # a quiz's best passing score (empty: not passed), a lesson's 1 done or 0
        cells = [(cell if isinstance(cell, int) else "") if column.is_quiz else int(cell is StepState.DONE)
                 for cell, column in zip(report.cells(row), report.columns, strict=True)]
        completed = [dates(row.completed_courses[c.id]) if c.id in row.completed_courses else "" for c in courses]
        more = [as_text(cell) if isinstance(cell, str) else cell for headers_, by_user in added
                for cell in by_user.get(row.user.id) or [""] * len(headers_)]
        writer.writerow([
            as_text(row.user.full_name), dates(row.joined_at), dates(row.last_activity) if row.last_activity else "",
            1 if row.needs_visit else 0, report.percent(row), dates(row.last_visit) if row.last_visit else "",
            *completed, *cells, *more,
        ])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class _DateLabels:
    """A moment's label (a date in the site's time zone), made once per quarter of an hour (every zone's
    offset is a multiple of one): a group's 500 rows would each cost a time-zone conversion and a format."""

    def __init__(self, label: Callable[[datetime], str]):
        self.label = label
        self._by_quarter: dict[datetime, str] = {}

    def __call__(self, moment: datetime) -> str:
        quarter = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
        if (text := self._by_quarter.get(quarter)) is None:
            text = self._by_quarter[quarter] = self.label(quarter)
        return text


def _iso_dates(zone: tzinfo) -> _DateLabels:
    """ISO dates in `zone` of moments stored as naive UTC; needs no request (the CSV is written after it)."""
    return _DateLabels(lambda moment: moment.replace(tzinfo=timezone.utc).astimezone(zone).date().isoformat())


@bp.route("/gabung", methods=["GET", "POST"])
@login_required
def join_with_code():
    """A learner types the code the care manager gave them."""
    form = JoinCodeForm()
    if form.validate_on_submit():
        cohort = find_by_code(form.code.data)
        if cohort is not None:
            return redirect(url_for("cohorts.join", code=cohort.join_code))
        form.code.errors.append(_("No group has this code. Check it with your care manager."))
    return render_template("cohorts/join_code.html", form=form, groups=cohorts_of_learner(current_user.id)), \
        400 if form.errors else 200


@bp.route("/gabung/<code>", methods=["GET", "POST"])
@rate_limits.limit("30 per minute")  # the link names a group and its care manager: no guessing codes
def join(code: str):
    """The join link: says which group and care manager invite you; confirm, then become a member.

    Most people who follow a link have no account yet: signed out, they are offered one first,
    and come back here after it.
    """
    cohort = find_by_code(code)
    if cohort is None:
        flash(_("No group has this code. Check it with your care manager."), "error")
        return redirect(url_for("cohorts.join_with_code") if current_user.is_authenticated else url_for("core.home"))
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("accounts.login", next=request.path))
        return render_template("cohorts/join.html", cohort=cohort, form=None, already=False, signed_out=True)
    form = ConfirmForm()
    already = is_member(cohort.id, current_user.id)
    if form.validate_on_submit() and not already:
        try:
            add_member(cohort, current_user, actor=None)
        except CohortError:
            flash(_("You cannot join your own group as a learner."), "error")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
        db.session.commit()
        flash(_("You have joined %(name)s. Your care manager can now follow your progress.", name=cohort.name),
              "success")
        return redirect(url_for("courses.dashboard"))
    return render_template("cohorts/join.html", cohort=cohort, form=form, already=already)


def group_memberships(user) -> Markup:
    """For the profile (and the privacy page): the groups the learner is in, each with "Leave the group"."""
    if user is None or not user.is_authenticated:
        return Markup("")
    groups = cohorts_of_learner(user.id)
    if not groups and user.role != Role.LEARNER:
        return Markup("")  # a care manager's own groups are under "My groups" in the menu
    return Markup('<section class="panel narrow" aria-labelledby="my-groups-h">{}</section>').format(
        Markup(render_template("cohorts/_my_groups.html", groups=groups, heading="h2")))


@template_helpers(bp)
def cohort_helpers():
    return {"group_memberships": group_memberships}


@bp.route("/kelompok-saya")
@login_required
def my_groups():
    """The groups the signed-in learner is in, whose care managers see their progress; each can be left."""
    return render_template("cohorts/my_groups.html", groups=cohorts_of_learner(current_user.id))


@bp.route("/kelompok-saya/<int:cohort_id>/keluar", methods=["GET", "POST"])
@login_required
def leave(cohort_id: int):
    """Leave a group after confirmation: its care manager no longer sees anything of the learner, at once."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not is_member(cohort.id, current_user.id):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        leave_group(cohort, current_user)
        db.session.commit()
        flash(_("You have left %(name)s. Its care manager no longer sees your progress.", name=cohort.name), "info")
        return redirect(url_for("cohorts.my_groups"))
    return render_template("confirm.html", form=form, button=_("Leave the group"), back=url_for("cohorts.my_groups"),
                           message=_("Leave the group \"%(name)s\"? Its care manager, %(manager)s, will no longer see "
                                     "your progress, your observations or your name in the group. Your learning and "
                                     "certificates stay yours. To join again you need the group's code.",
                                     name=cohort.name, manager=cohort.owner.full_name))


@bp.route("/kelompok/<int:cohort_id>/anggota/<int:user_id>/kode-reset", methods=["GET", "POST"])
@role_required(*TRAINERS)
def issue_reset_code(cohort_id: int, user_id: int):
    """A care manager gives a learner of their group a one-time code to set a new password."""
    cohort = get_cohort_for(current_user, cohort_id)
    learner = db.session.get(User, user_id)
    if learner is None or not is_member(cohort.id, learner.id):
        abort(403)  # only learners of one's own groups
    # Every membership is the learner's own consent (services.add_member); the group must be the trainer's.
    return rescue_code_page(learner, back_url=url_for("cohorts.show", cohort_id=cohort.id),
                            accompanies=cohort.owner_id == current_user.id, cohort=cohort.name)


@bp.route("/undangan")
@login_required
def invitations():
    """The signed-in learner's invitations to groups, to accept or decline."""
    return render_template("cohorts/invitations.html", invitations=pending_invitations(current_user),
                           form=ConfirmForm())


@bp.route("/undangan/<int:invitation_id>/<any(terima, tolak):answer>", methods=["POST"])
@login_required
def answer(invitation_id: int, answer: str):
    """Accept (join the group: its care manager then sees your progress) or decline an invitation."""
    invitation = invitation_for(current_user, invitation_id)
    if invitation is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    cohort = invitation.cohort
    try:
        answer_invitation(invitation, current_user, accept=answer == "terima")
    except CohortError:
        abort(404)
    db.session.commit()
    if answer == "terima":
        flash(_("You have joined %(name)s. Your care manager can now follow your progress.", name=cohort.name),
              "success")
        return redirect(url_for("courses.dashboard"))
    flash(_("You have declined the invitation to %(name)s.", name=cohort.name), "info")
    return redirect(url_for("cohorts.invitations"))
