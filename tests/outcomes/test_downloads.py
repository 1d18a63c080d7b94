"""The programme page's downloads: the same figures as the page, the "< 5" rule, the officer's area only,
text that never becomes a formula, and a dataValueSets file that validates against its schema."""
from __future__ import annotations

import csv
import io
import json

import jsonschema
import openpyxl
import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.extensions import db
from lms.organisations.models import Organisation
from lms.outcomes.exports import CSV_HEADER, data_value_set_schema
from lms.outcomes.figures import SUPPRESSED
from lms.outcomes.services import refresh_outcomes
from tests.outcomes.conftest import NOW

DOWNLOADS = ("/program.csv", "/program.xlsx", "/program.json")
#: a name a spreadsheet would run as a formula
FORMULA = "=HYPERLINK(\"http://example.test\",\"klik\")"


@pytest.fixture
def counted(activity):
    activity(seed=11, learners=80)
    organisation = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    organisation.name = FORMULA
    refresh_outcomes(NOW)
    db.session.commit()


def read_csv(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


COUNT_TABLES = ("funnel", "months", "regions")


@pytest.mark.parametrize("path", DOWNLOADS)
def test_only_programme_officers_download_and_only_their_area(officer, sign_in, client, counted, path):
    assert client.get(path).status_code == 302
    for role in (Role.LEARNER, Role.TRAINER):
        assert sign_in(role).get(path).status_code == 403
    province = officer("32")
    assert province.get(f"{path}?wilayah=11").status_code == 403
    assert province.get(f"{path}?wilayah=-").status_code == 403
    response = province.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert 'attachment; filename="rawat-program-32-' in response.headers["Content-Disposition"]


def test_the_csv_has_the_pages_figures_and_hides_fewer_than_five(officer, counted):
    browser = officer()
    rows = read_csv(browser.get("/program.csv?wilayah=32"))
    assert rows and list(rows[0]) == list(CSV_HEADER)
    assert {row["region_code"] for row in rows} == {"32"} and {row["region"] for row in rows} == {"Jawa Barat"}
    values = {(row["table"], row["row_code"], row["measure"]): row["value"] for row in rows}
    assert values["funnel", "registered", "people"] not in ("", "0")
    suppressed = [key for key, value in values.items() if value == SUPPRESSED]
    assert suppressed  # the random data has small figures, so the rule is exercised
    for (table, _row, _measure), value in values.items():
        if table in COUNT_TABLES and value != SUPPRESSED:
            assert float(value) == 0 or float(value) >= 5, (table, value)
    # the page shows the same funnel
    page = browser.get("/program?wilayah=32").get_data(as_text=True)
    assert f"<td>{values['funnel', 'registered', 'people']}</td>" in page


def test_names_stay_text_in_csv_and_xlsx(officer, counted):
    browser = officer()
    rows = read_csv(browser.get("/program.csv"))
    reach = [row for row in rows if row["table"] == "reach"]
    assert "'" + FORMULA in {row["row"] for row in reach}
    assert not any(row["row"].startswith("=") for row in rows)

    book = openpyxl.load_workbook(io.BytesIO(browser.get("/program.xlsx").data))
    found = []
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value == FORMULA:
                    found.append(cell)
    assert found and all(cell.data_type == "s" for cell in found)


def test_the_workbook_has_a_sheet_per_table_a_dictionary_and_the_csvs_values(officer, counted):
    browser = officer()
    rows = read_csv(browser.get("/program.csv?wilayah=32.76"))
    response = browser.get("/program.xlsx?wilayah=32.76")
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "About" and book.sheetnames[-1] == "Data dictionary"
    about = {line[0]: line[1] for line in book["About"].iter_rows(values_only=True)}
    assert about["Region"] == "Kota Depok (32.76)"
    tables = {row["table"] for row in rows}
    assert len(book.sheetnames) == 2 + len(tables)

    # every value of the CSV is in its sheet, in the same place, with the same type
    funnel = book["Funnel"]
    cells = {line[1]: line[2] for line in funnel.iter_rows(min_row=5, values_only=True)}
    for row in rows:
        if row["table"] == "funnel":
            expected = row["value"]
            got = cells[row["row_code"]]
            assert (got == SUPPRESSED) if expected == SUPPRESSED else got == float(expected)
    # the dictionary explains every column of every table
    dictionary = [line for line in book["Data dictionary"].iter_rows(min_row=2, values_only=True) if line[2]]
    names = {line[2] for line in dictionary}
    assert {f"{row['table']}.{row['measure']}" for row in rows} <= names
    assert all(line[4] for line in dictionary if line[2] and "." in line[2])


def test_the_data_value_set_validates_and_holds_no_value_below_five(officer, client, counted):
    schema = client.get("/program/datavalueset.schema.json").get_json()  # public: systems fetch it
    assert schema == data_value_set_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    response = officer("32").get("/program.json?dari=2026-06&sampai=2026-11")
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(validator.iter_errors(body)) == []
    values = body["dataValues"]
    assert values and all(int(value["value"]) >= 5 for value in values)
    assert {value["orgUnit"] for value in values} <= {"32", "32.76", "32.01"}
    assert {value["period"] for value in values} <= {f"2026{m:02d}" for m in range(6, 12)}
    # the schema is what holds the rule: a value from 3 people, or an unknown element, is refused
    for bad in ({**values[0], "value": "3"}, {**values[0], "dataElement": "RAWAT_NAMES"},
                {**values[0], "orgUnit": "32.76.06.1001"}):
        assert list(validator.iter_errors({"idScheme": "CODE", "dataValues": [bad]}))


def test_a_course_is_its_category_option_combo(officer, counted, two_courses):
    course = two_courses[0]
    body = officer().get(f"/program.json?kursus={course.id}").get_json()
    combos = {value["categoryOptionCombo"] for value in body["dataValues"]}
    assert combos == {"RAWAT_COURSE_" + course.slug.upper().replace("-", "_")}
    assert "RAWAT_REGISTERED" not in {value["dataElement"] for value in body["dataValues"]}


@pytest.mark.parametrize("query", ["kursus=abc", "dari=2026-13", "dari=2026-11&sampai=2020-01", "lembaga=99999"])
def test_a_bad_download_link_is_refused_with_a_message(officer, counted, query):
    browser = officer()
    for path in DOWNLOADS:
        response = browser.get(f"{path}?{query}", headers={"Accept": "application/json"}
                               if path.endswith(".json") else {})
        assert response.status_code == 400, (path, query)
        text = response.get_data(as_text=True)
        assert "choice is not in the list" in text or "month" in text
        if path.endswith(".json"):
            assert json.loads(text)["error"]["code"] == 400


def test_the_page_links_each_download_with_its_choice(officer, counted):
    html = officer().get("/program?wilayah=32.76&dari=2026-01&sampai=2026-11").get_data(as_text=True)
    for path in DOWNLOADS:
        assert f'href="{path}?wilayah=32.76&amp;dari=2026-01&amp;sampai=2026-11"' in html
