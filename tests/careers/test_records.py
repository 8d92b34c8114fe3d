"""Career records through the API: who starts and reads them, experience from placements' spells over
HTTP, the local grade, ASYE reviews, recruitment, a worker who moves council, and placements down."""

from sqlmodel import select

from services.careers.app import app as careers_app
from services.careers.placements_client import placements_client
from services.common.models import AuditEvent
from tests.careers.conftest import (
    BIRMINGHAM,
    CAREERS,
    COVENTRY,
    DUDLEY,
    academy_admin,
    council_hr,
    social_worker,
    unreachable_placements,
)

SWE = "SW900001"


def test_council_hr_starts_the_record_of_a_worker_in_post_at_their_council(careers, employ):
    employ(SWE, BIRMINGHAM, "2021-09-01")
    body = {"swe_number": "sw 0900001", "level": "social_worker", "effective_on": "2022-09-01"}
    response = careers.post(f"{CAREERS}/workers", json=body, headers=council_hr(BIRMINGHAM))
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"/v1/careers/workers/{SWE}"
    record = response.json()
    assert record["swe_number"] == SWE
    assert record["level"]["code"] == "social_worker"
    assert [(h["level"]["code"], h["reason"], h["council"]) for h in record["history"]] == [
        ("social_worker", "initial", BIRMINGHAM)
    ]


def test_a_council_cannot_start_the_record_of_someone_not_in_post_there(careers, employ):
    employ(SWE, COVENTRY, "2021-09-01")
    body = {"swe_number": SWE, "level": "social_worker", "effective_on": "2022-09-01"}
    response = careers.post(f"{CAREERS}/workers", json=body, headers=council_hr(BIRMINGHAM))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_a_record_is_started_once(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2021-09-01")
    start_record()
    body = {"swe_number": SWE, "level": "experienced", "effective_on": "2023-01-01"}
    response = careers.post(f"{CAREERS}/workers", json=body, headers=academy_admin())
    assert response.status_code == 409


def test_the_advanced_level_needs_its_pathway_named(careers, employ):
    employ(SWE, BIRMINGHAM, "2015-09-01")
    body = {"swe_number": SWE, "level": "advanced", "effective_on": "2022-09-01"}
    response = careers.post(f"{CAREERS}/workers", json=body, headers=academy_admin())
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "pathway_required"
    body["pathway"] = "educator"
    response = careers.post(f"{CAREERS}/workers", json=body, headers=academy_admin())
    assert response.status_code == 201
    assert response.json()["pathway"]["code"] == "educator"


def test_my_record_shows_level_local_grade_and_experience_from_placements(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2020-01-01", end="2021-12-31")
    employ(SWE, COVENTRY, "2022-01-01")
    start_record(council=COVENTRY, level="experienced", effective_on="2024-04-01")
    grade = {"name": "Senior Social Worker (Grade 9)", "level": "experienced"}
    assert careers.post(f"{CAREERS}/local-grades", json=grade, headers=council_hr(COVENTRY)).status_code == 201

    response = careers.get(f"{CAREERS}/me", headers=social_worker(SWE))
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["level"] == {"code": "experienced", "name": "Experienced social worker", "rank": 4}
    assert record["local_grade"] == "Senior Social Worker (Grade 9)"
    # 2020-01-01 to 2026-06-15 with no gap, across two councils
    assert record["experience"] == {
        "days": 2358,
        "years": "6.46",
        "councils": [BIRMINGHAM, COVENTRY],
        "councils_in_post": [COVENTRY],
    }


def test_post_qualifying_years_add_up_across_two_councils_overlaps_once(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2022-01-01", end="2023-12-31")
    employ(SWE, DUDLEY, "2023-07-01", end="2024-06-30", agency=True)  # six months overlap
    employ(SWE, COVENTRY, "2025-01-01", end="2025-12-31")
    employ(SWE, BIRMINGHAM, "2026-01-01")
    start_record()
    experience = careers.get(f"{CAREERS}/me", headers=social_worker(SWE)).json()["experience"]
    # 2022-01-01..2024-06-30 (912 days) + 2025-01-01..2026-06-15 (531 days)
    assert experience["days"] == 912 + 531
    assert experience["years"] == "3.95"
    assert experience["councils"] == [BIRMINGHAM, COVENTRY, DUDLEY]


def test_a_worker_who_moved_council_keeps_their_level_and_history(careers, employ, start_record, placements):
    first = employ(SWE, BIRMINGHAM, "2019-01-07")
    start_record(level="social_worker", effective_on="2019-01-07")
    level = {"level": "experienced", "effective_on": "2023-04-01", "reason": "correction"}
    assert careers.post(f"{CAREERS}/workers/{SWE}/levels", json=level, headers=council_hr()).status_code == 201

    # They leave Birmingham and start at Coventry.
    leaver = placements.post(
        f"/v1/placements/employments/{first['id']}/leaver",
        json={"end_date": "2026-03-31"},
        headers=academy_admin(),
    )
    assert leaver.status_code == 200, leaver.text
    employ(SWE, COVENTRY, "2026-04-01")

    record = careers.get(f"{CAREERS}/workers/{SWE}", headers=council_hr(COVENTRY))
    assert record.status_code == 200, record.text
    body = record.json()
    assert body["level"]["code"] == "experienced"
    assert [(h["level"]["code"], h["council"]) for h in body["history"]] == [
        ("social_worker", BIRMINGHAM),
        ("experienced", BIRMINGHAM),
    ]
    assert body["experience"]["councils_in_post"] == [COVENTRY]
    # Their old council no longer reaches them; they still see their own.
    assert careers.get(f"{CAREERS}/workers/{SWE}", headers=council_hr(BIRMINGHAM)).status_code == 404
    assert careers.get(f"{CAREERS}/me", headers=social_worker(SWE)).json()["level"]["code"] == "experienced"


def test_a_worker_cannot_read_another_workers_record(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2021-01-01")
    start_record()
    response = careers.get(f"{CAREERS}/workers/{SWE}", headers=social_worker("SW900002"))
    assert response.status_code == 404
    own = careers.get(f"{CAREERS}/workers/{SWE}", headers=social_worker(SWE))
    assert own.status_code == 200


def test_a_worker_without_a_record_is_told_their_council_starts_it(careers):
    response = careers.get(f"{CAREERS}/me", headers=social_worker(SWE))
    assert response.status_code == 404
    assert response.json()["code"] == "no_career_record"


def test_only_a_social_worker_has_a_me(careers):
    assert careers.get(f"{CAREERS}/me", headers=council_hr()).status_code == 403


def test_a_social_worker_cannot_set_their_own_level(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2021-01-01")
    start_record()
    level = {"level": "strategic", "effective_on": "2026-01-01", "reason": "correction"}
    response = careers.post(f"{CAREERS}/workers/{SWE}/levels", json=level, headers=social_worker(SWE))
    assert response.status_code == 403


def test_panel_levels_are_not_recorded_as_recruitment(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2015-01-01")
    start_record(level="experienced")
    practitioner = {
        "level": "advanced",
        "pathway": "practitioner",
        "effective_on": "2026-01-01",
        "reason": "recruitment",
    }
    response = careers.post(f"{CAREERS}/workers/{SWE}/levels", json=practitioner, headers=council_hr())
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "not_reached_by_recruitment"

    manager = {**practitioner, "pathway": "manager"}
    response = careers.post(f"{CAREERS}/workers/{SWE}/levels", json=manager, headers=council_hr())
    assert response.status_code == 201
    assert (response.json()["level"]["code"], response.json()["pathway"]["code"]) == ("advanced", "manager")


def test_asye_reviews_in_order_and_a_pass_moves_the_worker_to_social_worker(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2025-06-02")
    start_record(level="asye", effective_on="2025-06-02", asye_started_on="2025-06-02", qualified_on="2025-05-20")
    reviews = f"{CAREERS}/workers/{SWE}/asye-reviews"

    out_of_order = careers.post(
        reviews, json={"month": 6, "outcome": "on_track", "reviewed_on": "2025-12-02"}, headers=council_hr()
    )
    assert out_of_order.status_code == 409
    wrong_outcome = careers.post(
        reviews, json={"month": 3, "outcome": "passed", "reviewed_on": "2025-09-02"}, headers=council_hr()
    )
    assert wrong_outcome.status_code == 422

    for month, day, outcome in [(3, "2025-09-02", "on_track"), (6, "2025-12-02", "concerns")]:
        response = careers.post(
            reviews, json={"month": month, "outcome": outcome, "reviewed_on": day}, headers=council_hr()
        )
        assert response.status_code == 201, response.text
    asye = response.json()["asye"]
    assert [(r["month"], r["due_on"], r["outcome"], r["overdue"]) for r in asye["reviews"]] == [
        (3, "2025-09-02", "on_track", False),
        (6, "2025-12-02", "concerns", False),
        (9, "2026-03-02", None, True),
        (12, "2026-06-02", None, True),
    ]
    assert asye["status"] == "in_progress" and asye["next_review"]["month"] == 9
    assert response.json()["level"]["code"] == "asye"

    careers.post(reviews, json={"month": 9, "outcome": "on_track", "reviewed_on": "2026-03-02"}, headers=council_hr())
    passed = careers.post(
        reviews, json={"month": 12, "outcome": "passed", "reviewed_on": "2026-06-02"}, headers=council_hr()
    )
    assert passed.status_code == 201
    record = passed.json()
    assert record["asye"]["status"] == "passed"
    assert record["level"]["code"] == "social_worker"
    assert record["history"][-1]["reason"] == "asye_passed"
    assert record["history"][-1]["effective_on"] == "2026-06-02"


def test_a_failed_asye_leaves_the_worker_newly_qualified(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2025-06-02")
    start_record(level="asye", effective_on="2025-06-02", asye_started_on="2025-06-02")
    reviews = f"{CAREERS}/workers/{SWE}/asye-reviews"
    for month, day in [(3, "2025-09-02"), (6, "2025-12-02"), (9, "2026-03-02")]:
        careers.post(reviews, json={"month": month, "outcome": "concerns", "reviewed_on": day}, headers=council_hr())
    failed = careers.post(
        reviews, json={"month": 12, "outcome": "failed", "reviewed_on": "2026-06-02"}, headers=council_hr()
    )
    assert failed.json()["asye"]["status"] == "failed"
    assert failed.json()["level"]["code"] == "asye"


def test_placements_unreachable_answers_503_problem_details(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2021-01-01")
    start_record()
    careers_app.dependency_overrides[placements_client] = unreachable_placements
    response = careers.get(f"{CAREERS}/me", headers=social_worker(SWE))
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/service-unavailable")
    # The framework needs no placements.
    assert careers.get(f"{CAREERS}/framework", headers=social_worker(SWE)).status_code == 200


def test_reading_a_workers_record_is_audited(careers, employ, start_record, session):
    employ(SWE, BIRMINGHAM, "2021-01-01")
    record = start_record()
    careers.get(f"{CAREERS}/workers/{SWE}", headers=council_hr())
    reads = session.exec(
        select(AuditEvent).where(AuditEvent.entity == "career_record", AuditEvent.action == "read")
    ).all()
    assert [(event.entity_id, event.council) for event in reads] == [(record["id"], BIRMINGHAM)]


def test_an_invalid_swe_number_in_the_path_is_invalid_input(careers):
    response = careers.get(f"{CAREERS}/workers/XY12", headers=academy_admin())
    assert response.status_code == 422
