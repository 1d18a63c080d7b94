"""The programme report as files: CSV (one value per line), XLSX (a sheet per table and a data dictionary)
and DHIS2 `dataValueSets` JSON (indicator × region code × month) for a social or health information system.

Every value is Figure.export_value(), so a figure from fewer than 5 people is "< 5" here as on the page,
and the dataValueSets file leaves such values out (its schema refuses them). Text a person typed (a region,
an organisation, a module or a question) is written as text: lms.spreadsheets.as_text in CSV, write_string
in XLSX, never a formula.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from importlib import resources

import xlsxwriter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..spreadsheets import as_text
from .figures import SUPPRESSED, Report, Table

#: the columns of the CSV, one line per value
CSV_HEADER = ("region_code", "region", "course", "organisation", "period_from", "period_to", "table", "row_code",
              "row", "measure", "value", "refreshed_at")
#: characters a sheet name may not hold, and its longest length (Excel's rules)
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
SCHEMA = "datavalueset.schema.json"
#: a short sheet name per table (a title may be longer than a sheet name may be)
SHEET_NAMES = {"funnel": _l("Funnel"), "summary": _l("Summary"), "months": _l("Months"), "regions": _l("Regions"),
               "modules": _l("Modules"), "questions": _l("Questions"), "reach": _l("Reach")}
#: how the dictionary names each kind of figure (figures.KINDS)
KIND_NAMES = {"count": _l("number of people"), "percent": _l("percent (0–100)"), "days": _l("days"),
              "score": _l("mean score (0–100)"), "ratio": _l("ratio (families per care manager)")}


def report_csv(report: Report) -> str:
    """Long format: one line per table × row × measure, with what the report covers on every line, so the
    file can be appended to another period's and still be read."""
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheets then read UTF-8
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(CSV_HEADER)
    for line in _value_lines(report):
        writer.writerow(line)
    return out.getvalue()


def _value_lines(report: Report) -> Iterator[list]:
    f = report.filters
    covers = [f.region_code or "ID", as_text(f.region_name), as_text(f.course_title), as_text(f.organisation_name),
              f.period_from, f.period_to]
    for table in report.tables:
        for row in table.rows:
            for column, figure in zip(table.columns, row.figures, strict=True):
                value = figure.export_value()
                yield [*covers, table.key, as_text(row.code), as_text(row.label), column.key,
                       "" if value is None else value, f.refreshed_at]


def report_xlsx(report: Report) -> bytes:
    """A workbook: what it covers, a sheet per table (numbers as numbers, "< 5" as text) and the dictionary."""
    out = io.BytesIO()
    # No formula, URL or number guessing from text: every cell below is written with its explicit type.
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    names: set[str] = set()
    sheets: dict[str, str] = {}  # table key -> its sheet, for the dictionary
    _about_sheet(workbook.add_worksheet(_sheet_name(_("About"), names)), report, bold, wrap)
    for table in report.tables:
        sheet_name = _sheet_name(str(SHEET_NAMES.get(table.key, table.title)), names)
        _table_sheet(workbook.add_worksheet(sheet_name), table, bold)
        sheets[table.key] = sheet_name
    _dictionary_sheet(workbook.add_worksheet(_sheet_name(_("Data dictionary"), names)), report, sheets, bold, wrap)
    workbook.close()
    return out.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    name = SHEET_NAME_FORBIDDEN.sub(" ", title).strip("' ")[:SHEET_NAME_LENGTH] or "Sheet"
    base, number = name, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[:SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _about_sheet(sheet, report: Report, bold, wrap) -> None:
    f = report.filters
    lines = [
        (_("Programme outcomes"), ""),
        (_("Region"), f"{f.region_name} ({f.region_code or 'ID'})"),
        (_("Course"), f.course_title),
        (_("Organisation"), f.organisation_name),
        (_("Months"), f"{f.period_from} – {f.period_to}"),
        (_("Counted at (UTC)"), f.refreshed_at or _("Not counted yet.")),
        (_("Rule"), _("Figures from fewer than 5 people are shown as “< 5”, so nobody can be recognised.")),
        (_("Source"), _("Rawat's learning records, counted by lms outcomes refresh; months in WIB (UTC+7).")),
    ]
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 80, wrap)
    for number, (label, value) in enumerate(lines):
        sheet.write_string(number, 0, label, bold)
        sheet.write_string(number, 1, value)


def _table_sheet(sheet, table: Table, bold) -> None:
    sheet.write_string(0, 0, str(table.title), bold)
    sheet.write_string(1, 0, str(table.description))
    header = [str(table.row_label), _("Code"), *[str(column.label) for column in table.columns]]
    for column_number, label in enumerate(header):
        sheet.write_string(3, column_number, label, bold)
    for row_number, row in enumerate(table.rows, start=4):
        sheet.write_string(row_number, 0, row.label)
        sheet.write_string(row_number, 1, row.code)
        for column_number, figure in enumerate(row.figures, start=2):
            value = figure.export_value()
            if isinstance(value, int | float):
                sheet.write_number(row_number, column_number, value)
            elif value is not None:
                sheet.write_string(row_number, column_number, value)
    sheet.set_column(0, 0, 40)
    sheet.set_column(2, len(header), 14)
    sheet.freeze_panes(4, 1)


def _dictionary_sheet(sheet, report: Report, sheets: dict[str, str], bold, wrap) -> None:
    kinds = {kind: str(name) for kind, name in KIND_NAMES.items()}
    header = [_("Sheet"), _("Column"), _("Name in CSV"), _("Kind"), _("Meaning")]
    for column_number, label in enumerate(header):
        sheet.write_string(0, column_number, label, bold)
    row_number = 1
    for table in report.tables:
        for column in table.columns:
            for column_number, text in enumerate([sheets[table.key], str(column.label), f"{table.key}.{column.key}",
                                                  kinds[column.kind], str(column.description)]):
                sheet.write_string(row_number, column_number, text)
            row_number += 1
    row_number += 1
    sheet.write_string(row_number, 0, _("dataValueSets data elements"), bold)
    for code, (name, description) in sorted(report.data_elements.items()):
        row_number += 1
        for column_number, text in enumerate(["dataValueSets", name, code, kinds["count"], description]):
            sheet.write_string(row_number, column_number, text)
    row_number += 2
    sheet.write_string(row_number, 0, SUPPRESSED, bold)
    sheet.write_string(row_number, 4, _("Fewer than 5 people: the figure is not shown."))
    sheet.set_column(0, 3, 24)
    sheet.set_column(4, 4, 80, wrap)


def report_data_value_set(report: Report) -> dict:
    """DHIS2 `dataValueSets` JSON: data elements, org units and category option combos by CODE (the region's
    Kemendagri code; "ID" for the country); values as DHIS2 writes them, strings of whole numbers, never
    one from fewer than 5 people."""
    return {
        "idScheme": "CODE",
        "dataValues": [
            {"dataElement": value.data_element, "period": value.period, "orgUnit": value.org_unit,
             "categoryOptionCombo": value.category_option_combo, "value": str(value.value)}
            for value in report.data_values
        ],
    }


def data_value_set_schema() -> dict:
    """The JSON Schema every dataValueSets download validates against (shipped with the package)."""
    return json.loads(resources.files(__package__).joinpath("schemas", SCHEMA).read_text("utf-8"))
