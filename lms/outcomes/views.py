"""The programme officers' page (aggregates of their area, never a list of people) and the public results."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask import abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from ..accounts.permissions import programme_officer_required
from ..accounts.queries import scope_of
from ..courses.models import Course
from ..extensions import db
from ..organisations.models import Organisation
from ..regions.models import Level, Region, level_of
from ..regions.queries import lineage
from ..spreadsheets import as_text
from ..timeutil import utcnow
from . import bp
from .charts import charts_for
from .exports import data_value_set_schema, report_csv, report_data_value_set, report_xlsx
from .models import NO_VILLAGE
from .queries import Choice, programme_report, public_results, published_courses, refreshed, region_names
from .services import reporting_offset_hours

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: the longest period a page covers
MAX_MONTHS = 36
#: (endpoint, label) of the programme page's downloads, the same choice as the page
DOWNLOADS: list[tuple[str, object]] = [
    ("outcomes.programme_csv", _l("CSV")),
    ("outcomes.programme_xlsx", _l("Excel (XLSX) with a data dictionary")),
    ("outcomes.programme_data_values", _l("DHIS2 dataValueSets (JSON)")),
]


def in_scope(code: str, scope: str) -> bool:
    """A region is in an officer's area when its code is the area's or lies under it."""
    if not scope:
        return True
    return code == scope or code.startswith(scope + ".")


def _month(text: str | None, default: date, errors: list[str]) -> date:
    if not text:
        return default
    match = MONTH.match(text.strip())
    if not match or not 2000 <= int(match[1]) <= 2100:
        errors.append(_("Write a month as year-month, for example 2026-11."))
        return default
    return date(int(match[1]), int(match[2]), 1)


def _whole_number(name: str, errors: list[str]) -> int:
    text = request.args.get(name, "").strip()
    if not text:
        return 0
    if not text.isdigit() or len(text) > 9:
        errors.append(_("That choice is not in the list. Showing every one instead."))
        return 0
    return int(text)


def _choice() -> tuple[Choice, list[str]]:
    """The page's choice from the query string, checked against the officer's area (403 outside it)."""
    errors: list[str] = []
    scope = scope_of(current_user) or ""
    code = request.args.get("wilayah", "").strip()[:20] or scope
    if not in_scope(code, scope) or (code == NO_VILLAGE and scope):
        abort(403)
    if code and code != NO_VILLAGE:
        region = db.session.get(Region, code)
        if region is None or level_of(code) > Level.DISTRICT:
            abort(404)
    course_id = _whole_number("kursus", errors)
    if course_id and db.session.get(Course, course_id) is None:
        errors.append(_("That choice is not in the list. Showing every one instead."))
        course_id = 0
    organisation_id = _whole_number("lembaga", errors)
    if organisation_id and db.session.get(Organisation, organisation_id) is None:
        errors.append(_("That choice is not in the list. Showing every one instead."))
        organisation_id = 0
    now = utcnow()
    this_month = (now + timedelta(hours=reporting_offset_hours(now))).date().replace(day=1)
    year_ago = date(this_month.year - 1, this_month.month, 1)
    last = _month(request.args.get("sampai"), this_month, errors)
    first = _month(request.args.get("dari"), date(last.year - 1, last.month, 1) if last != this_month
                   else year_ago, errors)
    if first > last or (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        errors.append(_("Choose a first month before the last one, at most 36 months apart."))
        first, last = year_ago, this_month
    return Choice(code, course_id, organisation_id, first, last), errors


def _args(choice: Choice, **changes) -> dict:
    values = {"wilayah": choice.region_code, "kursus": choice.course_id or None,
              "lembaga": choice.organisation_id or None, "dari": choice.first_month.strftime("%Y-%m"),
              "sampai": choice.last_month.strftime("%Y-%m")}
    values.update(changes)
    return {key: value for key, value in values.items() if value}


def _report(choice: Choice):
    return programme_report(
        choice, link_region=lambda code: url_for("outcomes.programme", **_args(choice, wilayah=code)),
        link_organisation=lambda organisation_id: url_for("outcomes.programme",
                                                          **_args(choice, lembaga=organisation_id)))


@bp.route("/program")
@programme_officer_required
def programme():
    """Figures of the officer's area by region, course, organisation and month: every one from 5 people or more."""
    choice, errors = _choice()
    report = _report(choice)
    scope = scope_of(current_user) or ""
    trail = [("", _("Indonesia"))] if not scope else []
    if choice.region_code and choice.region_code != NO_VILLAGE:
        trail += [(region.code, region.name) for region in lineage(choice.region_code) if in_scope(region.code, scope)]
    courses = db.session.execute(db.select(Course.id, Course.title).order_by(Course.title)).all()
    months = _month_options(choice)
    return render_template("outcomes/programme.html", report=report, choice=choice, errors=errors, trail=trail,
                           courses=courses, months=months, args=lambda **changes: _args(choice, **changes),
                           tables={table.key: table for table in report.tables}, charts=charts_for(report),
                           done=refreshed(), downloads=DOWNLOADS)


def _download_choice() -> Choice:
    """The choice of a download link: the page writes only valid ones, so a bad one is refused (400), not
    silently widened to something else than was asked for."""
    choice, errors = _choice()
    if errors:
        raise DownloadRefused(" ".join(errors))
    return choice


class DownloadRefused(BadRequest):
    """A download link with a choice the page would have corrected; the error page says what was wrong."""

    def __init__(self, message: str):
        super().__init__()
        self.user_message = message


def _filename(choice: Choice, extension: str) -> str:
    place = choice.region_code.replace(".", "") or "ID"
    return f"rawat-program-{place}-{choice.first_month:%Y%m}-{choice.last_month:%Y%m}.{extension}"


def _attachment(body, mimetype: str, filename: str):
    # aggregates of the officer's area: not for a shared cache
    return body, 200, {"Content-Type": mimetype, "Content-Disposition": f'attachment; filename="{filename}"',
                       "Cache-Control": "private, no-store"}


@bp.route("/program.csv")
@programme_officer_required
def programme_csv():
    """The programme page's figures as CSV, one value per line ("< 5" where fewer than 5 people)."""
    choice = _download_choice()
    return _attachment(report_csv(_report(choice)), "text/csv; charset=utf-8", _filename(choice, "csv"))


@bp.route("/program.xlsx")
@programme_officer_required
def programme_xlsx():
    """The programme page's figures as a workbook: what it covers, a sheet per table, the data dictionary."""
    choice = _download_choice()
    return _attachment(report_xlsx(_report(choice)),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _filename(choice, "xlsx"))


@bp.route("/program.json")
@programme_officer_required
def programme_data_values():
    """The funnel by region and month as a DHIS2 dataValueSets import (schema: /program/datavalueset.schema.json)."""
    choice = _download_choice()
    response = jsonify(report_data_value_set(_report(choice)))
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(choice, "json")}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/program/datavalueset.schema.json")
def data_value_set_schema_file():
    """The JSON Schema of the dataValueSets download, for the systems that import it (no account needed)."""
    response = jsonify(data_value_set_schema())
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _month_options(choice: Choice) -> list[str]:
    current = choice.last_month if choice.last_month > date.today() else date.today().replace(day=1)
    options = []
    for back in range(MAX_MONTHS + 12):
        year, month = divmod(current.year * 12 + current.month - 1 - back, 12)
        options.append(f"{year:04d}-{month + 1:02d}")
    return options


@bp.route("/capaian")
def results():
    """Public results: the national and per-province figures that are safe to publish (no account needed)."""
    table, done = public_results()
    courses, hours = published_courses()
    response = render_template("outcomes/results.html", table=table, done=done, courses=courses, hours=hours,
                               names=region_names)
    return response, 200, {"Cache-Control": "public, max-age=600"}


@bp.route("/capaian.csv")
def results_csv():
    """The public results as CSV: region code, name and each figure ("< 5" where fewer than 5 people)."""
    import csv
    import io

    table, done = public_results()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["region_code", "region", *[column.key for column in table.columns], "refreshed_at"])
    stamp = done.refreshed_at.isoformat() + "Z" if done and done.refreshed_at else ""
    for row in table.rows:
        writer.writerow([row.code, as_text(row.label), *[figure.export_value() for figure in row.figures], stamp])
    return out.getvalue(), 200, {"Content-Type": "text/csv; charset=utf-8", "Cache-Control": "public, max-age=600",
                                 "Content-Disposition": 'attachment; filename="capaian-rawat.csv"'}


