"""A cohort's outcomes: counts at each stage, conversion and median days between stages, and returners
still in post 6 and 12 months after starting, as placements' records say."""

import uuid
from datetime import date, timedelta

from services.common.models import utcnow
from services.returners.models import Applicant, StageEvent
from tests.returners.conftest import BASE, BIRMINGHAM

DAY0 = date(2023, 9, 1)
AS_OF = date(2025, 6, 1)


def with_history(session, cohort_id: str, path: list[tuple[str, int]], **fields) -> Applicant:
    """An applicant who reached each stage in `path` that many days after DAY0; the last is current."""
    applicant = Applicant(
        name="Outcome Returner",
        email=f"outcome-{uuid.uuid4().hex[:10]}@example.org",
        consent_at=utcnow(),
        stage=path[-1][0],
        stage_since=DAY0 + timedelta(days=path[-1][1]),
        cohort_id=uuid.UUID(cohort_id),
        registration_number=f"SW{uuid.uuid4().int % 10**8 + 1}",
        **fields,
    )
    session.add(applicant)
    session.flush()
    previous = None
    for stage, days in path:
        session.add(
            StageEvent(
                applicant_id=applicant.id,
                from_stage=previous,
                to_stage=stage,
                action="history",
                effective_on=DAY0 + timedelta(days=days),
                actor="test",
                actor_role="academy_admin",
            )
        )
        previous = stage
    session.commit()
    return applicant


FULL = ["enquiry", "applied", "shortlisted", "assessed", "offered", "pre_employment_checks", "in_training",
        "supervised_practice", "restoration_applied", "restored", "employed"]  # fmt: skip


def employed(session, placements, cohort_id: str, start: date, end: date | None = None) -> Applicant:
    applicant = with_history(session, cohort_id, [(stage, 10 * n) for n, stage in enumerate(FULL)])
    spell = {"swe_number": applicant.registration_number, "council": BIRMINGHAM, "start_date": str(start)}
    if end is not None:
        spell["end_date"] = str(end)
    answer = placements.post("/v1/placements/employments", json=spell)
    assert answer.status_code == 201, answer.text
    applicant.placements_employment_id = uuid.UUID(answer.json()["id"])
    applicant.employed_council, applicant.employed_from = BIRMINGHAM, start
    session.add(applicant)
    session.commit()
    return applicant


def outcomes(client, headers, cohort_id, as_of=AS_OF):
    answer = client.get(f"{BASE}/cohorts/{cohort_id}/outcomes", params={"as_of": str(as_of)}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_outcomes_count_each_stage_convert_between_them_and_take_median_days(
    gateway, admin, session, cohort, placements
):
    cid = cohort["id"]
    with_history(session, cid, [("enquiry", 0), ("applied", 10), ("shortlisted", 20), ("withdrawn", 25)])
    with_history(session, cid, [("enquiry", 0), ("applied", 6), ("not_selected", 40)])
    with_history(session, cid, [("enquiry", 0), ("applied", 8)])
    employed(session, placements, cid, date(2024, 1, 15))  # applied after 10 days, shortlisted 10 later
    shown = outcomes(gateway, admin, cid)
    stages = {row["stage"]: (row["current"], row["reached"]) for row in shown["stages"] + shown["off_ramps"]}
    assert shown["applicants"] == 4
    assert stages["enquiry"] == (0, 4)
    assert stages["applied"] == (1, 4)
    assert stages["shortlisted"] == (0, 2)
    assert stages["employed"] == (1, 1)
    assert (stages["withdrawn"], stages["not_selected"], stages["not_eligible"]) == ((1, 1), (1, 1), (0, 0))
    conversions = {(row["from_stage"], row["to_stage"]): row for row in shown["conversions"]}
    assert conversions[("enquiry", "applied")]["conversion"] == 1.0
    assert conversions[("enquiry", "applied")]["median_days"] == 9.0  # 6, 8, 10, 10
    assert conversions[("applied", "shortlisted")]["conversion"] == 0.5
    assert conversions[("applied", "shortlisted")]["median_days"] == 10.0
    assert conversions[("shortlisted", "assessed")]["conversion"] == 0.5


def test_retention_at_6_and_12_months_follows_placements_records(client, admin, session, cohort, placements):
    cid = cohort["id"]
    stayed = employed(session, placements, cid, date(2024, 1, 15))
    left_early = employed(session, placements, cid, date(2024, 3, 1))
    employed(session, placements, cid, date(2025, 3, 1))  # 6 months not yet come on AS_OF
    # The council records the leaver in placements; returners learns it from there.
    leaver = placements.post(
        f"/v1/placements/employments/{left_early.placements_employment_id}/leaver",
        json={"end_date": "2024-06-30"},
    )
    assert leaver.status_code == 200, leaver.text
    retention = {row["months"]: row for row in outcomes(client, admin, cid)["retention"]}
    assert (retention[6]["due"], retention[6]["still_in_post"], retention[6]["rate"]) == (2, 1, 0.5)
    assert (retention[12]["due"], retention[12]["still_in_post"]) == (2, 1)
    assert stayed.placements_employment_id is not None


def test_outcomes_need_placements_only_when_someone_is_employed(client, admin, session, cohort, placements_down):
    with_history(session, cohort["id"], [("enquiry", 0), ("applied", 3)])
    assert outcomes(client, admin, cohort["id"])["applicants"] == 1
    with_history(
        session,
        cohort["id"],
        [(stage, n) for n, stage in enumerate(FULL)],
        placements_employment_id=uuid.uuid4(),
    )
    answer = client.get(f"{BASE}/cohorts/{cohort['id']}/outcomes", headers=admin)
    assert answer.status_code == 503


def test_an_empty_cohort_has_no_conversions_to_show(client, admin, cohort):
    shown = outcomes(client, admin, cohort["id"])
    assert shown["applicants"] == 0
    assert all(row["conversion"] is None and row["median_days"] is None for row in shown["conversions"])


def test_outcomes_are_for_academy_staff(client, birmingham, cohort):
    assert client.get(f"{BASE}/cohorts/{cohort['id']}/outcomes", headers=birmingham).status_code == 403
