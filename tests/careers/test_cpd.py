"""A worker's CPD log and evidence through the API: the registration-year check with days left and what
is missing, the hours of the last 12 months, and who may read and change them."""

from tests.careers.conftest import BIRMINGHAM, CAREERS, COVENTRY, council_hr, social_worker

SWE = "SW900001"
CPD = f"{CAREERS}/me/cpd"


def log(careers, day: str, peer: bool = False, hours: str = "3", swe: str = SWE, **fields) -> dict:
    body = {
        "activity_on": day,
        "hours": hours,
        "kind": "course",
        "title": f"Course on {day}",
        "peer_reflection": peer,
    }
    response = careers.post(CPD, json={**body, **fields}, headers=social_worker(swe))
    assert response.status_code == 201, response.text
    return response.json()


def test_exactly_two_records_with_none_peer_reflected_is_not_met(careers):
    log(careers, "2026-01-10")
    log(careers, "2026-03-02")
    check = careers.get(CPD, headers=social_worker(SWE)).json()["registration_year"]
    assert check["records"] == 2 and check["peer_reflected"] == 0
    assert check["met"] is False
    assert check["missing"] == ["1 more CPD record with peer reflection dated by 2026-11-30"]
    assert check["days_left"] == 169  # 15 June to 30 November, today included


def test_two_records_one_with_peer_reflection_meet_the_year(careers):
    log(careers, "2026-01-10")
    log(careers, "2026-03-02", peer=True, peer_name="A. Colleague")
    answer = careers.get(CPD, headers=social_worker(SWE)).json()
    assert answer["registration_year"]["met"] is True
    assert answer["registration_year"]["missing"] == []
    assert [item["activity_on"] for item in answer["items"]] == ["2026-03-02", "2026-01-10"]


def test_the_log_is_of_one_registration_year_and_hours_of_the_last_12_months(careers):
    log(careers, "2025-11-30", peer=True, hours="7")  # the year before
    log(careers, "2026-02-01", hours="2.5")
    answer = careers.get(CPD, headers=social_worker(SWE)).json()
    assert answer["total"] == 1
    assert answer["registration_year"]["starts_on"] == "2025-12-01"
    assert answer["hours_last_12_months"] == "9.5"
    previous = careers.get(CPD, params={"year": 2025}, headers=social_worker(SWE)).json()
    assert [item["activity_on"] for item in previous["items"]] == ["2025-11-30"]
    assert previous["registration_year"]["days_left"] == 0


def test_cpd_cannot_be_dated_in_the_future_or_name_unknown_pcf_domains(careers):
    body = {"activity_on": "2026-06-16", "hours": "1", "kind": "reading", "title": "Tomorrow"}
    assert careers.post(CPD, json=body, headers=social_worker(SWE)).status_code == 422
    body = {**body, "activity_on": "2026-06-01", "pcf_domains": ["knowledge", "astrology"]}
    response = careers.post(CPD, json=body, headers=social_worker(SWE))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_pcf_domain"
    body["pcf_domains"] = ["knowledge", "critical_reflection_and_analysis"]
    assert careers.post(CPD, json=body, headers=social_worker(SWE)).status_code == 201


def test_a_worker_changes_and_deletes_only_their_own_cpd(careers):
    record = log(careers, "2026-01-10")
    url = f"{CPD}/{record['id']}"
    changed = careers.patch(
        url, json={"peer_reflection": True, "reflection": "What I learnt"}, headers=social_worker(SWE)
    )
    assert changed.status_code == 200
    assert changed.json()["peer_reflection"] is True
    assert careers.patch(url, json={"hours": None}, headers=social_worker(SWE)).status_code == 422
    assert careers.get(url, headers=social_worker("SW900002")).status_code == 404
    assert careers.delete(url, headers=social_worker("SW900002")).status_code == 404
    assert careers.delete(url, headers=social_worker(SWE)).status_code == 204
    assert careers.get(url, headers=social_worker(SWE)).status_code == 404


def test_a_retried_cpd_post_with_the_same_key_logs_once(careers):
    body = {"activity_on": "2026-01-10", "hours": "3", "kind": "course", "title": "Retry"}
    headers = {**social_worker(SWE), "Idempotency-Key": "cpd-1"}
    first = careers.post(CPD, json=body, headers=headers)
    again = careers.post(CPD, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert careers.get(CPD, headers=social_worker(SWE)).json()["total"] == 1


def test_the_workers_council_reads_their_cpd_another_council_does_not(careers, employ):
    employ(SWE, BIRMINGHAM, "2021-01-01")
    log(careers, "2026-01-10", peer=True)
    own = careers.get(f"{CAREERS}/workers/{SWE}/cpd", headers=council_hr(BIRMINGHAM))
    assert own.status_code == 200 and own.json()["total"] == 1
    assert careers.get(f"{CAREERS}/workers/{SWE}/cpd", headers=council_hr(COVENTRY)).status_code == 404


def test_evidence_is_the_workers_own_and_not_dated_in_the_future(careers):
    body = {"kind": "reflective_account", "title": "Reflective account", "dated_on": "2026-05-01"}
    item = careers.post(f"{CAREERS}/me/evidence", json=body, headers=social_worker(SWE)).json()
    assert (
        careers.post(
            f"{CAREERS}/me/evidence", json={**body, "dated_on": "2026-07-01"}, headers=social_worker(SWE)
        ).status_code
        == 422
    )
    listed = careers.get(f"{CAREERS}/me/evidence", headers=social_worker(SWE)).json()
    assert [e["id"] for e in listed["items"]] == [item["id"]]
    assert careers.delete(f"{CAREERS}/me/evidence/{item['id']}", headers=social_worker("SW900002")).status_code == 404
    assert careers.delete(f"{CAREERS}/me/evidence/{item['id']}", headers=social_worker(SWE)).status_code == 204
