"""Host councils offer supervised-practice places per cohort; matching never goes past them."""

import threading
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import delete
from sqlmodel import Session, select

from services.common.db import get_engine
from services.returners.hosts import service as hosts
from services.returners.models import Cohort, HostOffer
from tests.returners.conftest import BASE, BIRMINGHAM, COVENTRY, LANCASHIRE, put_in_stage


def offer(client, headers, cohort_id, council=BIRMINGHAM, places=1, expect=201) -> dict:
    answer = client.post(
        f"{BASE}/cohorts/{cohort_id}/host-offers",
        json={"council": council, "places": places},
        headers=headers,
    )
    assert answer.status_code == expect, answer.text
    return answer.json()


def match(client, headers, applicant_id, council=BIRMINGHAM):
    return client.post(f"{BASE}/applicants/{applicant_id}/host-placement", json={"council": council}, headers=headers)


def test_a_council_offers_places_and_matching_stops_when_they_are_taken(gateway, admin, session, cohort):
    offer(gateway, admin, cohort["id"], places=2)
    applicants = [put_in_stage(session, cohort["id"], "offered") for _ in range(3)]
    answers = [match(gateway, admin, applicant.id) for applicant in applicants]
    assert [answer.status_code for answer in answers] == [201, 201, 409]
    assert "no supervised-practice place left" in answers[2].json()["detail"]
    offers = gateway.get(f"{BASE}/cohorts/{cohort['id']}/host-offers", headers=admin).json()["items"]
    assert [(o["council"], o["places"], o["places_taken"]) for o in offers] == [(BIRMINGHAM, 2, 2)]
    detail = gateway.get(f"{BASE}/applicants/{applicants[0].id}", headers=admin).json()
    assert detail["host_placement"]["council"] == BIRMINGHAM


def test_a_councils_hr_offers_places_for_its_own_council_only(client, birmingham, cohort):
    offer(client, birmingham, cohort["id"], council=BIRMINGHAM)
    offer(client, birmingham, cohort["id"], council=COVENTRY, expect=403)


def test_a_council_sees_only_its_own_offers(client, admin, coventry, cohort):
    offer(client, admin, cohort["id"], council=BIRMINGHAM)
    offer(client, admin, cohort["id"], council=COVENTRY)
    offers = client.get(f"{BASE}/cohorts/{cohort['id']}/host-offers", headers=coventry).json()["items"]
    assert [o["council"] for o in offers] == [COVENTRY]


def test_only_member_councils_host_and_each_offers_once_per_cohort(client, admin, cohort):
    refused = offer(client, admin, cohort["id"], council=LANCASHIRE, expect=422)
    assert refused["errors"][0]["code"] == "unknown_council"
    offer(client, admin, cohort["id"])
    offer(client, admin, cohort["id"], expect=409)


def test_places_can_change_but_never_below_those_taken(client, admin, session, cohort):
    offer(client, admin, cohort["id"], places=2)
    assert match(client, admin, put_in_stage(session, cohort["id"], "offered").id).status_code == 201
    answer = client.put(f"{BASE}/cohorts/{cohort['id']}/host-offers/{BIRMINGHAM}", json={"places": 0}, headers=admin)
    assert answer.status_code == 409
    answer = client.put(f"{BASE}/cohorts/{cohort['id']}/host-offers/{BIRMINGHAM}", json={"places": 1}, headers=admin)
    assert (answer.status_code, answer.json()["places"]) == (200, 1)
    assert (
        client.put(
            f"{BASE}/cohorts/{cohort['id']}/host-offers/{COVENTRY}", json={"places": 1}, headers=admin
        ).status_code
        == 404
    )


def test_matching_needs_an_offer_in_the_applicants_cohort_and_the_right_stage(
    client, admin, session, cohort, new_cohort
):
    other = new_cohort()
    offer(client, admin, other["id"])
    applicant = put_in_stage(session, cohort["id"], "offered")
    assert match(client, admin, applicant.id).status_code == 409  # the offer is in another cohort
    offer(client, admin, cohort["id"])
    assert match(client, admin, put_in_stage(session, cohort["id"], "applied").id).status_code == 409
    assert match(client, admin, applicant.id).status_code == 201
    assert match(client, admin, applicant.id).status_code == 409  # already matched


def test_a_withdrawal_gives_the_place_back(client, admin, session, cohort):
    offer(client, admin, cohort["id"], places=1)
    first = put_in_stage(session, cohort["id"], "in_training")
    second = put_in_stage(session, cohort["id"], "in_training")
    assert match(client, admin, first.id).status_code == 201
    assert match(client, admin, second.id).status_code == 409
    client.post(f"{BASE}/applicants/{first.id}/transitions", json={"action": "withdraw"}, headers=admin)
    assert match(client, admin, second.id).status_code == 201
    released = client.get(f"{BASE}/applicants/{first.id}", headers=admin).json()["host_placement"]
    assert released["released_at"] is not None


def test_two_concurrent_matches_for_the_last_place_cannot_both_take_it():
    """Two connections race for the last place, outside any test transaction: exactly one gets it."""
    engine = get_engine()
    cohort = Cohort(
        name=f"race {uuid.uuid4()}",
        intake_opens=date(2026, 1, 1),
        intake_closes=date(2026, 12, 31),
        capacity=5,
        min_years_away=2,
        max_years_away=10,
        min_statutory_practice_years=Decimal(2),
        hours_per_day=Decimal(7),
        created_by="test",
    )
    place = HostOffer(cohort_id=cohort.id, council=BIRMINGHAM, places=1)
    cohort_id, offer_id = cohort.id, place.id
    with Session(engine) as setup:
        setup.add(cohort)
        setup.flush()
        setup.add(place)
        setup.commit()
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def race() -> None:
        with Session(engine) as racer:
            barrier.wait()
            results.append(hosts.take_place(racer, offer_id))
            racer.commit()

    try:
        threads = [threading.Thread(target=race) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False, True]
        with Session(engine) as check:
            assert check.exec(select(HostOffer.places_taken).where(HostOffer.id == offer_id)).one() == 1
    finally:
        with Session(engine) as cleanup:
            cleanup.exec(delete(HostOffer).where(HostOffer.id == offer_id))
            cleanup.exec(delete(Cohort).where(Cohort.id == cohort_id))
            cleanup.commit()
