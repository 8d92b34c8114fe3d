"""The demo workforce, loaded through placements' census import, makes the workforce endpoint give
every published West Midlands figure, council by council and year by year."""

from services.analytics.app import app as analytics_app
from services.analytics.measures.rules import MEASURE_NAMES
from services.common.reference import ACADEMY_MEMBERS, WEST_MIDLANDS, published_rows

SYMBOLS = {"x", "z", "u", "c", "low", ""}
# what each published region figure is computed from: where the DfE suppressed one of these for a
# council ("u": low reliability), its region figure leaves that council out and a region made of
# all fourteen councils cannot give it
INPUTS = {
    "agency_rate_fte": ("agency_fte",), "agency_rate_headcount": ("agency_headcount",),
    "agency_cover_rate_fte": ("agency_cover_fte", "agency_fte"),
    "vacancy_agency_cover_rate_fte": ("agency_cover_fte",), "caseload_fte": ("cases", "case_holders_fte"),
    "absence_rate_fte": ("working_days_lost_fte",), "turnover_rate_fte": ("leavers_fte",),
    "turnover_rate_headcount": ("leavers_headcount",),
}  # fmt: skip


def published_west_midlands() -> dict[tuple[int, str], dict[str, str]]:
    return {
        (int(row["time_period"]), row["old_la_code"] or row["region_code"]): row
        for row in published_rows()
        if row["region_code"] == WEST_MIDLANDS
        and (row["geographic_level"] == "Regional" or row["old_la_code"] in ACADEMY_MEMBERS)
    }


def region_figures_left_incomplete(published) -> set[tuple[int, str]]:
    left = set()
    for (year, code), row in published.items():
        if code == WEST_MIDLANDS:
            continue
        for measure in MEASURE_NAMES:
            if row[measure] in SYMBOLS:
                left |= {(year, m) for m, inputs in INPUTS.items() if measure in inputs} | {(year, measure)}
    return left


def test_the_demo_workforce_reproduces_every_published_west_midlands_figure(session, app_client, auth):
    from futuresocial.demo_workforce import seed_demo_workforce

    seed_demo_workforce(session)
    answer = app_client(analytics_app).get(
        "/v1/analytics/workforce", params={"from_census_year": 2017, "to_census_year": 2025}, headers=auth("dfe")
    )
    assert answer.status_code == 200
    areas = answer.json()["areas"]
    computed = {(a["census_year"], a["code"]): a for a in areas if a["source"] == "computed"}
    england = {a["census_year"]: a for a in areas if a["level"] == "national"}
    assert england[2025]["source"] == "published" and england[2025]["inpost_fte"] == "36186.3"
    assert computed[(2025, WEST_MIDLANDS)]["missing_councils"] == []  # the demo holds all fourteen councils
    published = published_west_midlands()
    incomplete = region_figures_left_incomplete(published)
    assert len(published) == 9 * 15 and set(published) <= set(computed)
    compared, differences = 0, []
    for (year, code), row in sorted(published.items()):
        for measure in MEASURE_NAMES:
            if row[measure] in SYMBOLS or (code == WEST_MIDLANDS and (year, measure) in incomplete):
                continue
            compared += 1
            value = computed[(year, code)][measure]
            if value is None or float(value) != float(row[measure]):
                differences.append(f"{year} {code} {measure}: published {row[measure]}, computed {value}")
    assert differences == []
    assert compared > 2800


def test_every_demo_councils_census_extract_reads_back_as_the_same_records(session, app_client, auth):
    from futuresocial.demo_workforce import seed_demo_workforce
    from services.analytics.placements_client import placements_client
    from services.placements.app import app as placements_app
    from tests.conftest import bearer

    seed_demo_workforce(session)
    placements = app_client(placements_app)
    placements.headers["Authorization"] = bearer("service")["Authorization"]
    analytics_app.dependency_overrides[placements_client] = lambda: placements
    analytics = app_client(analytics_app)
    for council in sorted(ACADEMY_MEMBERS):
        extract = analytics.post(
            "/v1/analytics/extracts", json={"kind": "csww", "census_year": 2025, "council": council}, headers=auth()
        ).json()
        assert extract["status"] == "succeeded", extract["errors"]
        content = analytics.get(f"/v1/analytics/extracts/{extract['id']}/content", headers=auth("dfe")).content
        back = placements.post(
            "/v1/placements/imports",
            params={"census_year": 2025, "council": council, "dry_run": "true"},
            files={"file": ("extract.xml", content)},
        ).json()
        assert back["summary"]["changes_anything"] is False, (council, back["summary"])
        assert back["summary"]["records"] > 50
