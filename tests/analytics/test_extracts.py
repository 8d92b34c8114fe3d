"""The DfE extracts through the API: built from placements' records, checked, stored, downloaded."""

import csv
import io
import uuid
from datetime import date
from decimal import Decimal

import httpx
import pytest
from sqlmodel import select

from services.analytics.app import app as analytics_app
from services.analytics.extracts_router import placements_client
from services.analytics.models import ExtractRun
from services.common.models import AuditEvent
from services.placements.app import app as placements_app
from services.placements.census.fields import Vacancies
from tests.conftest import bearer
from tests.placements.factory import person, xml_return

COVENTRY, SOLIHULL = "331", "334"
RECORDS = [
    person(1),
    person(2, agency_worker=True, contract_weeks=Decimal("12.0"), role_start_date=date(2024, 3, 1)),
    person(3, role_end_date=date(2024, 6, 30), reason_leave=1, leaver_destination=1, fte30=None, cases30=None),
]


@pytest.fixture
def placements(app_client):
    client = app_client(placements_app)
    client.headers["Authorization"] = bearer("service")["Authorization"]
    for council in (COVENTRY, SOLIHULL):
        answer = client.post(
            "/v1/placements/imports",
            params={"census_year": 2024, "council": council},
            files={
                "file": (
                    "r.xml",
                    xml_return(2024, council, RECORDS, Vacancies(Decimal("4.50"), Decimal("2.00"), 2)),
                )
            },
        )
        assert answer.status_code == 201
    return client


@pytest.fixture
def analytics(app_client, placements):
    analytics_app.dependency_overrides[placements_client] = lambda: placements
    return app_client(analytics_app)


def run(analytics, auth, **body):
    return analytics.post("/v1/analytics/extracts", json=body, headers=auth("academy_admin"))


def test_a_councils_census_extract_reads_back_through_the_import_as_the_same_records(analytics, placements, auth):
    answer = run(analytics, auth, kind="csww", census_year=2024, council=COVENTRY)
    assert answer.status_code == 201
    extract = answer.json()
    assert extract["status"] == "succeeded" and extract["errors"] == []
    assert extract["file_name"] == "csww-331-2024.xml" and extract["media_type"] == "application/xml"
    content = analytics.get(f"/v1/analytics/extracts/{extract['id']}/content", headers=auth("dfe"))
    assert content.headers["content-type"].startswith("application/xml")
    assert len(content.content) == extract["size"]
    assert b"<SWENo>SW0000000001</SWENo>" in content.content  # SW + ten digits, as the DfE expects
    assert b"<FTE30></FTE30>" not in content.content and b"<FTE30/>" not in content.content
    assert b"<NumberOfVacancies>4.50</NumberOfVacancies>" in content.content
    again = placements.post(
        "/v1/placements/imports",
        params={"census_year": 2024, "council": COVENTRY, "dry_run": "true"},
        files={"file": ("back.xml", content.content)},
    )
    assert again.status_code == 200
    assert again.json()["summary"]["changes_anything"] is False


def test_the_retention_summary_equals_the_analytics_api(analytics, auth):
    extract = run(analytics, auth, kind="retention", census_year=2024).json()
    assert extract["media_type"] == "text/csv" and extract["council"] is None
    content = analytics.get(f"/v1/analytics/extracts/{extract['id']}/content", headers=auth()).text
    rows = {(row["level"], row["code"], row["source"]): row for row in csv.DictReader(io.StringIO(content))}
    api = analytics.get("/v1/analytics/workforce", params={"census_year": 2024}, headers=auth()).json()["areas"]
    assert len(rows) == len(api) == 5  # Coventry, Solihull, the region they make; the region and England published
    assert rows[("region", "E12000005", "computed")]["councils"] == f"{COVENTRY} {SOLIHULL}"
    assert rows[("national", "E92000001", "published")]["inpost_fte"] == "34328.2"  # the DfE's England, 2024
    for area in api:
        row = rows[(area["level"], area["code"], area["source"])]
        for measure in (
            "inpost_fte",
            "inpost_headcount",
            "turnover_rate_fte",
            "agency_rate_fte",
            "vacancy_rate_fte",
        ):
            assert row[measure] == ("" if area[measure] is None else str(area[measure]))
    kept = analytics.get("/v1/analytics/retention", params={"census_year": 2024}, headers=auth()).json()["areas"]
    assert kept
    for area in kept:
        row = rows[(area["level"], area["code"], "computed")]
        assert row["retention_census_year"] == "2024"
        for measure in ("retention_rate_fte", "regional_retention_rate_headcount", "stability_index"):
            assert row[measure] == ("" if area[measure] is None else str(area[measure]))


def test_a_council_sees_and_downloads_only_its_own_extracts(analytics, auth, session):
    coventry = run(analytics, auth, kind="csww", census_year=2024, council=COVENTRY).json()
    solihull = run(analytics, auth, kind="csww", census_year=2024, council=SOLIHULL).json()
    as_solihull = auth("council_hr", council=SOLIHULL)
    listed = analytics.get("/v1/analytics/extracts", headers=as_solihull).json()
    assert [e["id"] for e in listed["items"]] == [solihull["id"]]
    assert analytics.get(f"/v1/analytics/extracts/{coventry['id']}/content", headers=as_solihull).status_code == 404
    assert analytics.get(f"/v1/analytics/extracts/{coventry['id']}", headers=as_solihull).status_code == 404
    assert analytics.get(f"/v1/analytics/extracts/{solihull['id']}/content", headers=as_solihull).status_code == 200
    downloads = session.exec(select(AuditEvent).where(AuditEvent.action == "download")).all()
    assert [(d.entity_id, d.council) for d in downloads] == [(solihull["id"], SOLIHULL)]
    dfe = analytics.get("/v1/analytics/extracts", params={"kind": "csww"}, headers=auth("dfe")).json()
    assert dfe["total"] == 2


def test_only_academy_staff_run_extracts_by_hand(analytics, auth):
    for role, council in (("dfe", None), ("council_hr", COVENTRY)):
        answer = analytics.post(
            "/v1/analytics/extracts",
            json={"kind": "csww", "census_year": 2024, "council": COVENTRY},
            headers=auth(role, council=council),
        )
        assert answer.status_code == 403
    assert analytics.get("/v1/analytics/extracts", headers=auth("social_worker", worker="SW1")).status_code == 403


def test_an_extract_that_fails_its_check_is_stored_as_failed_with_reasons_and_never_delivered(
    analytics, placements, auth, session, monkeypatch
):
    from services.common.settings import get_settings

    monkeypatch.setattr(
        "services.analytics.extracts.get_settings",
        lambda: get_settings().model_copy(update={"extract_outbox_dir": "/tmp/never-used-outbox"}),
    )

    def corrupting(request: httpx.Request) -> httpx.Response:
        # placements' export as if its data had an OrgRole outside the code list; the check is real
        answer = placements.request(
            request.method,
            request.url.path,
            params=request.url.params,
            content=request.content,
            headers=dict(request.headers),
        )
        if request.url.path.endswith("census.xml"):
            return httpx.Response(
                200, content=answer.content.replace(b"<OrgRole>5</OrgRole>", b"<OrgRole>8</OrgRole>", 1)
            )
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    analytics_app.dependency_overrides[placements_client] = lambda: httpx.Client(
        transport=httpx.MockTransport(corrupting), base_url="http://placements"
    )
    extract = run(analytics, auth, kind="csww", census_year=2024, council=COVENTRY).json()
    assert extract["status"] == "failed"
    assert any("OrgRole" in reason for reason in extract["errors"])
    assert extract["delivery_status"] == "none"
    stored = session.get(ExtractRun, uuid.UUID(extract["id"]))
    assert stored.status == "failed" and stored.content  # kept, for someone to look at


class ChangedAfterTheFirstExport:
    """Placements, where the council's HR corrects the return just after the extract's first export: as a
    council's system may do at any moment while the scheduler builds its extract."""

    def __init__(self, placements, correction):
        self.placements, self.correction, self.exports = placements, correction, 0

    def request(self, method, path, **kwargs):
        answer = self.placements.request(method, path, **kwargs)
        if path.endswith("/exports/census.xml"):
            self.exports += 1
            if self.exports == 1:
                self.correction()
        return answer


def test_a_return_changed_between_its_export_and_its_check_is_built_again_from_the_records_now(
    app_client, placements, auth
):
    def correction():
        corrected = xml_return(2024, COVENTRY, [*RECORDS, person(4)], Vacancies(Decimal("4.50"), Decimal("2.00"), 2))
        answer = placements.post(
            "/v1/placements/imports",
            params={"census_year": 2024, "council": COVENTRY},
            files={"file": ("corrected.xml", corrected)},
        )
        assert answer.status_code == 201, answer.text

    changing = ChangedAfterTheFirstExport(placements, correction)
    analytics_app.dependency_overrides[placements_client] = lambda: changing
    analytics = app_client(analytics_app)
    extract = run(analytics, auth, kind="csww", census_year=2024, council=COVENTRY).json()
    assert (extract["status"], extract["errors"]) == ("succeeded", [])
    assert changing.exports == 2
    content = analytics.get(f"/v1/analytics/extracts/{extract['id']}/content", headers=auth("dfe")).content
    assert b"<SWENo>SW0000000004</SWENo>" in content


def test_a_rerun_supersedes_the_earlier_extract_and_only_the_current_one_is_delivered(
    analytics, auth, session, monkeypatch, tmp_path
):
    from services.common.settings import get_settings

    monkeypatch.setattr(
        "services.analytics.extracts.get_settings",
        lambda: get_settings().model_copy(update={"extract_outbox_dir": str(tmp_path)}),
    )
    first = run(analytics, auth, kind="csww", census_year=2024, council=COVENTRY).json()
    assert first["delivery_status"] == "pending"
    other = run(analytics, auth, kind="csww", census_year=2024, council=SOLIHULL).json()
    second = run(analytics, auth, kind="csww", census_year=2024, council=COVENTRY).json()
    earlier = analytics.get(f"/v1/analytics/extracts/{first['id']}", headers=auth("dfe")).json()
    assert earlier["status"] == "superseded" and earlier["superseded_by"] == second["id"]
    assert earlier["superseded_at"] is not None and earlier["delivery_status"] == "none"  # never sent now
    current = analytics.get(f"/v1/analytics/extracts/{second['id']}", headers=auth("dfe")).json()
    assert (current["status"], current["superseded_by"], current["delivery_status"]) == ("succeeded", None, "pending")
    assert analytics.get(f"/v1/analytics/extracts/{other['id']}", headers=auth("dfe")).json()["status"] == "succeeded"
    listed = analytics.get(
        "/v1/analytics/extracts", params={"council": COVENTRY, "status": "succeeded"}, headers=auth("dfe")
    ).json()
    assert [extract["id"] for extract in listed["items"]] == [second["id"]]


def test_the_list_filters_by_council_kind_period_and_status(analytics, auth):
    coventry = run(analytics, auth, kind="csww", census_year=2024, council=COVENTRY).json()
    run(analytics, auth, kind="csww", census_year=2024, council=SOLIHULL)
    summary = run(analytics, auth, kind="retention", census_year=2024).json()

    def ids(**params):
        answer = analytics.get("/v1/analytics/extracts", params=params, headers=auth("dfe"))
        assert answer.status_code == 200, answer.text
        return [extract["id"] for extract in answer.json()["items"]]

    assert ids(period="2024", kind="retention") == [summary["id"]]
    assert ids(period="2024", council=COVENTRY, kind="csww", status="succeeded") == [coventry["id"]]
    assert ids(period="2024-09") == [] and ids(status="failed") == []
    for bad in ({"period": "2024-13"}, {"period": "24"}, {"status": "done"}, {"council": "33"}, {"kind": "xml"}):
        answer = analytics.get("/v1/analytics/extracts", params=bad, headers=auth("dfe"))
        assert answer.status_code == 422, (bad, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["errors"][0]["loc"] == ["query", next(iter(bad))]


def test_an_extract_of_a_year_without_a_return_is_refused_and_nothing_is_stored(analytics, auth, session):
    for body in (
        {"kind": "csww", "census_year": 2025, "council": COVENTRY},
        {"kind": "retention", "census_year": 2025},
    ):
        answer = run(analytics, auth, **body)
        assert answer.status_code == 409, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "no return for 2025" in answer.json()["detail"]
    assert session.exec(select(ExtractRun)).all() == []


def test_a_census_extract_with_no_worker_is_a_failure_and_never_delivered(analytics, placements, auth, monkeypatch):
    from services.common.settings import get_settings

    monkeypatch.setattr(
        "services.analytics.extracts.get_settings",
        lambda: get_settings().model_copy(update={"extract_outbox_dir": "/tmp/never-used-outbox"}),
    )

    def emptied(request: httpx.Request) -> httpx.Response:
        # placements' export as if the council's records held nobody; the check is placements' own
        if request.url.path.endswith("census.xml"):
            return httpx.Response(200, content=xml_return(2024, COVENTRY, [], Vacancies(Decimal(0), Decimal(0), 0)))
        answer = placements.request(
            request.method, request.url.path, params=request.url.params, content=request.content,
            headers=dict(request.headers),
        )  # fmt: skip
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    analytics_app.dependency_overrides[placements_client] = lambda: httpx.Client(
        transport=httpx.MockTransport(emptied), base_url="http://placements"
    )
    extract = run(analytics, auth, kind="csww", census_year=2024, council=COVENTRY).json()
    assert extract["status"] == "failed"
    assert extract["errors"] == ["the return holds no worker"]
    assert extract["delivery_status"] == "none"


def send_2025_returns(placements):
    for council in (COVENTRY, SOLIHULL):
        records = [person(1), person(5, role_start_date=date(2024, 11, 4)), person(2, role_end_date=date(2025, 3, 31),
                   reason_leave=1, leaver_destination=1, fte30=None, cases30=None)]  # fmt: skip
        answer = placements.post(
            "/v1/placements/imports",
            params={"census_year": 2025, "council": council},
            files={"file": ("r.xml", xml_return(2025, council, records, Vacancies(Decimal("3.00"), Decimal(0), 0)))},
        )
        assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("period", ["2024-09", "2024-10", "2025-08", "2025-09"])
def test_a_monthly_retention_summary_equals_the_analytics_api_for_its_months(
    analytics, placements, auth, session, period
):
    """Every month the schedule produces, once the census years it covers have their returns: the 12 months to
    the month's end as the workforce API gives them, and the retention of the last census year ended by then as
    the retention API gives it."""
    from services.analytics.extracts import Period, produce

    send_2025_returns(placements)
    extract = produce(session, placements, kind="retention", period=Period.month(period), council=None,
                      trigger="schedule", requested_by="test")  # fmt: skip
    content = csv.DictReader(io.StringIO(extract.content.decode()))
    rows = {(row["level"], row["code"], row["source"]): row for row in content}
    as_of = Period.month(period).as_of
    api = analytics.get("/v1/analytics/workforce", params={"as_of": str(as_of)}, headers=auth()).json()["areas"]
    # two councils and the region they make; on a 30 September, the DfE's region and England beside them
    assert len(rows) == len(api) == (5 if (as_of.month, as_of.day) == (9, 30) else 3)
    for area in api:
        row = rows[(area["level"], area["code"], area["source"])]
        for measure in ("inpost_fte", "inpost_headcount", "turnover_rate_fte", "leavers_fte", "starters_fte"):
            assert row[measure] == ("" if area[measure] is None else str(area[measure])), (measure, area["code"])
    kept_year = as_of.year if as_of.month >= 9 else as_of.year - 1
    kept = analytics.get("/v1/analytics/retention", params={"census_year": kept_year}, headers=auth()).json()["areas"]
    assert kept
    for area in kept:
        row = rows[(area["level"], area["code"], "computed")]
        assert row["retention_census_year"] == str(kept_year)
        for measure in ("retention_rate_fte", "retention_rate_headcount", "regional_retention_rate_fte",
                        "stability_index"):  # fmt: skip
            assert row[measure] == ("" if area[measure] is None else str(area[measure])), (measure, area["code"])


@pytest.mark.parametrize("period", ["2024-10", "2025-08", "2025-09"])
def test_a_monthly_retention_summary_whose_census_year_has_no_return_is_not_produced(placements, session, period):
    """The 12 months to a day of census year 2025, or 2025's retention, before 2025's returns are in: nobody of
    2024 would be found again (a retention of 0.0%) and nobody would have started or left since 30 September
    2024, so nothing is produced."""
    from services.analytics.extracts import NotReady, Period, produce

    with pytest.raises(NotReady, match="^no return for 2025 from 331 Coventry, 334 Solihull$"):
        produce(session, placements, kind="retention", period=Period.month(period), council=None,
                trigger="schedule", requested_by="test")  # fmt: skip
    assert session.exec(select(ExtractRun)).all() == []
