import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from services.placements.app import app as placements_app
from services.placements.models import CouncilVacancy, Employment, EmploymentYear, ImportBatch, Worker
from tests.placements.factory import csv_return, person, xml_return

BIRMINGHAM, COVENTRY, SOLIHULL = "330", "331", "334"


@pytest.fixture
def placements(app_client):
    return app_client(placements_app)


def upload(client, headers, data: bytes, year: int, name="return.xml", **params):
    return client.post(
        "/v1/placements/imports",
        params={"census_year": year, **params},
        files={"file": (name, data)},
        headers=headers,
    )


def counts(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Worker, Employment, EmploymentYear))


def test_a_dry_run_reports_the_differences_and_writes_nothing(placements, auth, session):
    hr = auth("council_hr", council=BIRMINGHAM)
    answer = upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(1), person(2)]), 2024, dry_run="true")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "dry_run" and body["id"] is None
    assert body["summary"]["workers"] == {"create": 2, "update": 0, "unchanged": 0}
    assert body["summary"]["spells"]["create"] == 2
    assert counts(session) == (0, 0, 0)


def test_a_clean_return_is_applied_and_importing_it_again_changes_nothing(placements, auth, session):
    hr = auth("council_hr", council=BIRMINGHAM)
    data = xml_return(2024, BIRMINGHAM, [person(1), person(2, role_end_date=date(2024, 3, 31), reason_leave=1)])
    first = upload(placements, hr, data, 2024)
    assert first.status_code == 201
    assert first.json()["status"] == "applied"
    assert first.json()["summary"]["spells_ended"] == 1
    assert counts(session) == (2, 2, 2)
    vacancy = session.scalars(select(CouncilVacancy)).one()
    assert vacancy.number_of_vacancies == Decimal("3.00") and vacancy.agency_headcount == 2

    again = upload(placements, hr, data, 2024)
    assert again.status_code == 200
    body = again.json()
    assert body["status"] == "unchanged" and "changes nothing" in body["message"]
    assert body["summary"]["changes_anything"] is False
    assert body["summary"]["spells"] == {"create": 0, "update": 0, "unchanged": 2}
    assert counts(session) == (2, 2, 2)


def test_one_bad_record_in_a_large_file_rejects_the_file_and_writes_nothing(placements, auth, session):
    records = [person(n) for n in range(1, 3001)]
    records[2500] = person(2501, fte=Decimal("1.5"))
    answer = upload(placements, auth("council_hr", council=BIRMINGHAM), xml_return(2024, BIRMINGHAM, records), 2024)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    errors = answer.json()["errors"]
    assert [(e["location"], e["field"], e["value"], e["code"]) for e in errors if e["severity"] == "error"] == [
        ("/Message/CSWWWorker[2501]", "FTE", "1.5", "out_of_range")
    ]
    assert counts(session) == (0, 0, 0)
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_successive_years_reconcile_into_one_spell_per_person_per_council(placements, auth, session):
    hr = auth("council_hr", council=BIRMINGHAM)
    upload(placements, hr, xml_return(2023, BIRMINGHAM, [person(1, fte=Decimal("0.8"))]), 2023)
    upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(1, fte=Decimal("0.6"))]), 2024)
    spell = session.scalars(select(Employment)).one()
    years = {y.census_year: y.fte for y in session.scalars(select(EmploymentYear))}
    assert years == {2023: Decimal("0.8"), 2024: Decimal("0.6")}
    assert spell.start_date == date(2019, 1, 7)


def test_a_later_return_never_rewrites_an_earlier_years_records(placements, auth, session):
    hr = auth("council_hr", council=BIRMINGHAM)
    upload(placements, hr, xml_return(2023, BIRMINGHAM, [person(1)]), 2023)
    # 2024's return brings in someone who (it says) started in 2018
    upload(
        placements,
        hr,
        xml_return(2024, BIRMINGHAM, [person(1), person(7, role_start_date=date(2018, 5, 1))]),
        2024,
    )
    held_2023 = session.scalars(select(EmploymentYear).where(EmploymentYear.census_year == 2023)).all()
    assert len(held_2023) == 1


def test_a_record_dropped_from_a_corrected_return_leaves_that_years_records(placements, auth, session):
    hr = auth("council_hr", council=BIRMINGHAM)
    upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(1), person(2)]), 2024)
    # one of two is half the year: applied only once its number is confirmed
    corrected = upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(1)]), 2024, confirm_removals=1)
    assert corrected.json()["summary"]["year_records_removed"] == 1
    assert session.scalar(select(func.count()).select_from(EmploymentYear)) == 1


def test_two_councils_returns_holding_the_same_person_give_a_move(placements, auth):
    left = person(5, role_end_date=date(2024, 5, 31), reason_leave=1, leaver_destination=1, fte=Decimal("0.8"))
    joined = person(5, role_start_date=date(2024, 7, 1), start_origin=2)
    upload(placements, auth("council_hr", council=COVENTRY), xml_return(2024, COVENTRY, [left]), 2024)
    upload(placements, auth("council_hr", council=SOLIHULL), xml_return(2024, SOLIHULL, [joined]), 2024)
    answer = placements.get("/v1/placements/movements", params={"census_year": 2024}, headers=auth())
    assert answer.status_code == 200
    body = answer.json()
    assert [(m["swe_number"], m["from_council"], m["to_council"], m["days_between"]) for m in body["moves"]] == [
        ("SW5", COVENTRY, SOLIHULL, 31)
    ]
    assert body["matrix"] == [
        {"from_council": COVENTRY, "to_council": SOLIHULL, "headcount": 1, "fte": "0.8", "agency_headcount": 0}
    ]
    # a start after the window is not a move
    late = placements.get("/v1/placements/movements", params={"census_year": 2024, "window_days": 30}, headers=auth())
    assert late.json()["moves"] == []


def test_a_return_imported_exported_and_imported_again_gives_the_same_records(placements, auth, session):
    hr = auth("council_hr", council=BIRMINGHAM)
    records = [
        person(1),
        person(2, agency_worker=True, contract_weeks=Decimal("26.0"), role_start_date=date(2024, 2, 1)),
        person(3, role_end_date=date(2023, 12, 31), reason_leave=5, leaver_destination=6),
    ]
    upload(placements, hr, xml_return(2024, BIRMINGHAM, records), 2024)
    export = placements.get("/v1/placements/exports/census.csv", params={"census_year": 2024}, headers=hr)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.content == csv_return(sorted(records, key=lambda r: r.swe_number))
    again = upload(placements, hr, export.content, 2024, name="edited.csv")
    assert again.json()["status"] == "unchanged"


def test_a_council_cannot_import_or_read_another_councils_returns(placements, auth):
    coventry = auth("council_hr", council=COVENTRY)
    refused = upload(placements, coventry, xml_return(2024, BIRMINGHAM, [person(1)]), 2024, council=BIRMINGHAM)
    assert refused.status_code == 403
    applied = upload(
        placements, auth("council_hr", council=BIRMINGHAM), xml_return(2024, BIRMINGHAM, [person(1)]), 2024
    )
    import_id = applied.json()["id"]
    assert placements.get(f"/v1/placements/imports/{import_id}", headers=coventry).status_code == 404
    assert (
        placements.get(
            "/v1/placements/exports/census.csv",
            params={"census_year": 2024, "council": BIRMINGHAM},
            headers=coventry,
        ).status_code
        == 404
    )
    assert placements.get("/v1/placements/imports", headers=coventry).json()["total"] == 0
    assert placements.get(f"/v1/placements/imports/{import_id}", headers=auth()).status_code == 200


def test_academy_staff_import_for_a_named_council_and_must_name_one(placements, auth):
    data = xml_return(2024, SOLIHULL, [person(1)])
    assert upload(placements, auth(), data, 2024).status_code == 422
    assert upload(placements, auth(), data, 2024, council=SOLIHULL).status_code == 201


def test_the_import_history_keeps_each_report_downloadable_as_csv(placements, auth):
    hr = auth("council_hr", council=BIRMINGHAM)
    warned = person(1, role_end_date=date(2024, 1, 31))  # a leaver without a reason: a warning
    applied = upload(placements, hr, xml_return(2024, BIRMINGHAM, [warned]), 2024).json()
    assert [w["code"] for w in applied["warnings"]] == ["missing_reason_leave"]
    report = placements.get(f"/v1/placements/imports/{applied['id']}/report.csv", headers=hr)
    assert report.status_code == 200
    rows = list(csv.reader(io.StringIO(report.text, newline="")))
    assert rows[0] == ["location", "field", "value", "code", "severity", "message"]
    assert rows[1][3:5] == ["missing_reason_leave", "warning"]
    history = placements.get("/v1/placements/imports", headers=hr).json()
    assert history["items"][0]["id"] == applied["id"] and history["items"][0]["status"] == "applied"


def imports_counted(outcome: str) -> tuple[float, float]:
    """Census returns and their records counted in /metrics for this outcome."""
    labels = {"outcome": outcome}
    return (
        REGISTRY.get_sample_value("futuresocial_census_imports_total", labels) or 0.0,
        REGISTRY.get_sample_value("futuresocial_census_import_records_total", labels) or 0.0,
    )


def test_imports_are_counted_in_the_metrics_with_their_records_errors_and_duration(placements, auth):
    hr = auth("council_hr", council=BIRMINGHAM)
    applied, rejected = imports_counted("applied"), imports_counted("rejected")
    errors = REGISTRY.get_sample_value("futuresocial_census_import_errors_total") or 0.0
    timed = REGISTRY.get_sample_value("futuresocial_census_import_duration_seconds_count") or 0.0

    three = xml_return(2024, BIRMINGHAM, [person(1), person(2), person(3)])
    assert upload(placements, hr, three, 2024).status_code == 201
    leaver_too_late = person(4, role_end_date=date(2024, 10, 1), reason_leave=1, leaver_destination=1)
    assert upload(placements, hr, xml_return(2024, BIRMINGHAM, [person(1), leaver_too_late]), 2024).status_code == 422

    assert imports_counted("applied") == (applied[0] + 1, applied[1] + 3)
    assert imports_counted("rejected")[0] == rejected[0] + 1
    assert REGISTRY.get_sample_value("futuresocial_census_import_errors_total") == errors + 1
    assert REGISTRY.get_sample_value("futuresocial_census_import_duration_seconds_count") == timed + 2
