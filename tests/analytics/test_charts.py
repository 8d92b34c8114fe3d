"""The turnover chart: an SVG a person can read, drawn by pygal from the workforce measures."""

from datetime import date

import pytest
from defusedxml import ElementTree

from services.analytics.app import app as analytics_app
from services.placements.app import app as placements_app
from tests.placements.factory import person, xml_return

COVENTRY, SOLIHULL = "331", "334"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def coventry_returns(app_client, auth):
    placements = app_client(placements_app)
    left = {"reason_leave": 1, "fte30": None, "cases30": None, "working_days_lost": None}
    returns = {
        2023: [person(1), person(2), person(3), person(4, role_end_date=date(2023, 5, 31), **left)],
        2024: [person(1), person(2, role_end_date=date(2024, 8, 31), **left),
               person(3, role_end_date=date(2024, 1, 31), **left),
               person(5, role_start_date=date(2024, 3, 1))],
    }  # fmt: skip
    for year, records in returns.items():
        answer = placements.post(
            "/v1/placements/imports",
            params={"census_year": year, "council": COVENTRY},
            files={"file": ("r.xml", xml_return(year, COVENTRY, records))},
            headers=auth(),
        )
        assert answer.status_code == 201, answer.text


def texts(svg: bytes) -> list[str]:
    """Each text element's words (pygal breaks a long title over lines)."""
    return [" ".join(node.itertext()).strip() for node in ElementTree.fromstring(svg).iter(f"{SVG_NS}text")]


def words(svg: bytes) -> str:
    return " ".join(" ".join(texts(svg)).split())


def test_the_turnover_chart_has_a_title_axes_labels_and_a_legend(coventry_returns, app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/charts/turnover.svg",
        params={"council": COVENTRY, "from_census_year": 2022, "to_census_year": 2024},
        headers=auth(),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(answer.content)
    assert root.tag == f"{SVG_NS}svg"
    # nothing fetched from elsewhere: pygal's only script is its inline configuration
    for script in root.iter(f"{SVG_NS}script"):
        assert not [name for name in script.attrib if name.endswith("href") or name == "src"]
    written, text = texts(answer.content), words(answer.content)
    assert "turnover (FTE): Coventry against West Midlands and England, 2022 to 2024" in text
    assert "Turnover rate, FTE (%)" in written
    assert "Census year (12 months to 30 September); no figure for Coventry in 2022" in text
    assert {"2022", "2023", "2024"} <= set(written)  # the years on the x axis
    assert {"Coventry", "West Midlands (DfE)", "England (DfE)"} <= set(written)  # the legend
    assert "33.3%" in written and "100.0%" in written  # Coventry's rates printed on its line


def test_without_years_the_chart_covers_the_years_the_records_hold(coventry_returns, app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/charts/turnover.svg", params={"council": COVENTRY}, headers=auth("dfe")
    )
    assert answer.status_code == 200
    assert "England, 2023 to 2024" in words(answer.content)


def test_a_council_charts_only_itself_and_social_workers_not_at_all(coventry_returns, app_client, auth):
    client = app_client(analytics_app)

    def chart(headers):
        return client.get("/v1/analytics/charts/turnover.svg", params={"council": COVENTRY}, headers=headers)

    assert chart(auth("council_hr", council=COVENTRY)).status_code == 200
    assert chart(auth("council_hr", council=SOLIHULL)).status_code == 404
    assert chart(auth("social_worker", worker="SW1")).status_code == 403


def test_a_chart_of_years_in_the_wrong_order_is_refused(app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/charts/turnover.svg",
        params={"council": COVENTRY, "from_census_year": 2024, "to_census_year": 2020},
        headers=auth(),
    )
    assert answer.status_code == 422


def test_the_chart_comes_through_the_gateway(coventry_returns, gateway, auth):
    answer = gateway.get(
        "/v1/analytics/charts/turnover.svg", params={"council": COVENTRY}, headers=auth("academy_admin")
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")


def test_a_client_that_accepts_only_bytes_gets_the_same_svg_as_bytes(coventry_returns, app_client, auth):
    """Generated clients ask for application/octet-stream (the document offers both): the same picture."""
    client = app_client(analytics_app)
    params = {"council": COVENTRY, "from_census_year": 2023, "to_census_year": 2024}
    svg = client.get("/v1/analytics/charts/turnover.svg", params=params, headers=auth())
    raw = client.get(
        "/v1/analytics/charts/turnover.svg", params=params, headers={**auth(), "Accept": "application/octet-stream"}
    )
    assert raw.status_code == 200 and raw.headers["content-type"] == "application/octet-stream"
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert words(raw.content) == words(svg.content)
