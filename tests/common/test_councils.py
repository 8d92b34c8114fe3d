from services.placements.app import app as placements_app


def test_council_reference_lists_the_fourteen_academy_members(app_client, auth):
    client = app_client(placements_app)
    answer = client.get("/v1/placements/councils", params={"member": "true", "limit": 50}, headers=auth())
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 14
    names = {council["name"] for council in body["items"]}
    assert {"Birmingham", "Telford and Wrekin", "Warwickshire"} <= names
    assert {council["region_code"] for council in body["items"]} == {"E12000005"}


def test_every_english_council_is_in_the_reference_table_with_both_codes(app_client, auth):
    client = app_client(placements_app)
    body = client.get("/v1/placements/councils", params={"limit": 500}, headers=auth()).json()
    assert body["total"] >= 150
    by_code = {council["code"]: council for council in body["items"]}
    assert by_code["331"]["ons_code"] == "E08000026"
    # combined rows of the published data set ("314 / 318") become one council each
    assert by_code["314"]["name"] == "Kingston upon Thames"
    assert by_code["318"]["name"] == "Richmond upon Thames"
    assert body["next_offset"] is None


def test_council_list_pages_in_a_stable_order(app_client, auth):
    client = app_client(placements_app)
    first = client.get("/v1/placements/councils", params={"limit": 10}, headers=auth()).json()
    second = client.get("/v1/placements/councils", params={"limit": 10, "offset": 10}, headers=auth()).json()
    codes = [c["code"] for c in first["items"] + second["items"]]
    assert codes == sorted(codes) and len(set(codes)) == 20
    assert first["next_offset"] == 10
