"""On the demo workforce (14 councils, 2017 to 2025): the views agree with one another wherever they
count the same people."""

from services.analytics.app import app as analytics_app
from services.placements.app import app as placements_app

YEARS = range(2018, 2026)


def test_the_demo_workforces_views_agree_with_one_another(session, app_client, auth):
    from futuresocial.demo_workforce import seed_demo_workforce

    seed_demo_workforce(session)
    client, placements = app_client(analytics_app), app_client(placements_app)
    headers = auth("academy_admin")

    def get(path, **params):
        answer = client.get(f"/v1/analytics/{path}", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    series = get("workforce", from_census_year=2017, to_census_year=2025)["areas"]
    census = {(a["census_year"], a["code"]): a for a in series}
    moved_somewhere = 0
    for year in YEARS:
        # the 12 months to 30 September N are census year N, for every council, the region and England
        as_of = get("workforce", as_of=f"{year}-09-30")["areas"]
        assert {a["code"]: a for a in as_of} == {code: a for (y, code), a in census.items() if y == year}

        retention = {a["code"]: a for a in get("retention", census_year=year)["areas"]}
        matrix = get("movements", census_year=year)
        moved_out = {c["code"]: c["moved_out_headcount"] for c in matrix["councils"]}
        agency_out: dict[str, int] = {}
        for move in matrix["moves"]:
            agency_out[move["from_council"]] = agency_out.get(move["from_council"], 0) + move["agency_headcount"]
        for code, area in retention.items():
            dfe = census[(year, code)]
            # every leaver has one destination; the stock and the leavers are the DfE's
            assert area["leavers_headcount"] == dfe["leavers_headcount"]
            assert sum(d["headcount"] for d in area["leaver_destinations"]) == dfe["leavers_headcount"]
            assert area["inpost_headcount"] == dfe["inpost_headcount"]
            assert sum(b["headcount"] for b in area["service_bands"]) == dfe["inpost_headcount"]
            assert area["retained_headcount"] <= area["retained_employed_headcount"]
            if area["level"] == "council":
                assert area["in_post_last_year_headcount"] == census[(year - 1, code)]["inpost_headcount"]
                moved = {d["destination"]: d["headcount"] for d in area["leaver_destinations"]}
                # the matrix's moves to an employed post are the destinations' moves in the region
                assert moved["moved_in_region"] == moved_out[code] - agency_out.get(code, 0)
                moved_somewhere += moved["moved_in_region"]
        assert sum(c["net_headcount"] for c in matrix["councils"]) == 0
        # placements and analytics give the same pairs, people, agency starts and FTE
        by_placements = placements.get("/v1/placements/movements", params={"census_year": year}, headers=headers)
        assert by_placements.status_code == 200, by_placements.text
        assert by_placements.json()["matrix"] == matrix["moves"]
        assert len({m["swe_number"] for m in by_placements.json()["moves"]}) > 40
    assert moved_somewhere > 100  # the demo's people do move between councils
