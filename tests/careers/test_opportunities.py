"""Regional opportunities through the API: councils post their own, social workers browse, filter and
register interest, and a council sees who registered for its own opportunities and nobody else's."""

import uuid

import pytest

from services.careers.models import Opportunity
from tests.careers.conftest import (
    BIRMINGHAM,
    CAREERS,
    COVENTRY,
    DUDLEY,
    academy_admin,
    council_hr,
    social_worker,
)

OPPORTUNITIES = f"{CAREERS}/opportunities"


def post(careers, headers, **fields) -> dict:
    body = {
        "kind": "secondment",
        "title": "Secondment to the fostering team",
        "level": "experienced",
        "closing_on": "2026-07-31",
        "description": "Six months, full time.",
        **fields,
    }
    response = careers.post(OPPORTUNITIES, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def posted(careers) -> dict[str, dict]:
    return {
        "birmingham": post(careers, council_hr(BIRMINGHAM)),
        "coventry": post(
            careers,
            council_hr(COVENTRY),
            kind="development_post",
            title="Advanced practitioner, court work",
            level="advanced",
            pathway="practitioner",
            closing_on="2026-09-30",
        ),
        "dudley": post(
            careers,
            academy_admin(),
            council=DUDLEY,
            kind="vacancy",
            title="Team manager",
            level="advanced",
            pathway="manager",
            closing_on="2026-06-15",
        ),
        "closed": post(careers, academy_admin(), council=BIRMINGHAM, title="Closed", closing_on="2026-06-16"),
    }


def close(session, opportunity: dict) -> None:
    """As if its closing date (1 June) had passed."""
    row = session.get(Opportunity, uuid.UUID(opportunity["id"]))
    row.closing_on = row.closing_on.replace(day=1)
    session.add(row)
    session.flush()


def titles(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_a_council_posts_for_itself_only(careers):
    opportunity = post(careers, council_hr(BIRMINGHAM))
    assert opportunity["council"] == BIRMINGHAM and opportunity["council_name"] == "Birmingham"
    body = {
        "council": COVENTRY,
        "kind": "vacancy",
        "title": "T",
        "level": "experienced",
        "closing_on": "2026-07-01",
        "description": "D",
    }
    assert careers.post(OPPORTUNITIES, json=body, headers=council_hr(BIRMINGHAM)).status_code == 403
    assert careers.post(OPPORTUNITIES, json=body, headers=social_worker()).status_code == 403
    past = {**body, "council": BIRMINGHAM, "closing_on": "2026-06-14"}
    assert careers.post(OPPORTUNITIES, json=past, headers=council_hr(BIRMINGHAM)).status_code == 422


def test_social_workers_browse_open_opportunities_closing_soonest_first(careers, posted):
    assert titles(careers.get(OPPORTUNITIES, headers=social_worker())) == [
        "Team manager",  # closes today: still open
        "Closed",  # closes tomorrow (until a test closes it)
        "Secondment to the fostering team",
        "Advanced practitioner, court work",
    ]


def test_filters_by_level_pathway_council_and_kind(careers, posted):
    headers = social_worker()
    assert titles(careers.get(OPPORTUNITIES, params={"level": "advanced"}, headers=headers)) == [
        "Team manager",
        "Advanced practitioner, court work",
    ]
    both = {"level": "advanced", "pathway": "practitioner"}
    assert titles(careers.get(OPPORTUNITIES, params=both, headers=headers)) == ["Advanced practitioner, court work"]
    assert titles(careers.get(OPPORTUNITIES, params={"pathway": "manager"}, headers=headers)) == ["Team manager"]
    assert titles(careers.get(OPPORTUNITIES, params={"council": COVENTRY}, headers=headers)) == [
        "Advanced practitioner, court work"
    ]
    assert titles(careers.get(OPPORTUNITIES, params={"kind": "vacancy"}, headers=headers)) == ["Team manager"]
    assert careers.get(OPPORTUNITIES, params={"level": "wizard"}, headers=headers).status_code == 422


def test_open_only_leaves_out_those_that_closed(careers, posted, session):
    close(session, posted["closed"])
    assert "Closed" not in titles(careers.get(OPPORTUNITIES, headers=social_worker()))
    everything = careers.get(OPPORTUNITIES, params={"open_only": False}, headers=social_worker())
    assert "Closed" in titles(everything)
    assert [item["open"] for item in everything.json()["items"] if item["title"] == "Closed"] == [False]


def test_a_worker_registers_interest_once_and_sees_it_when_browsing(careers, posted):
    url = f"{OPPORTUNITIES}/{posted['coventry']['id']}/interest"
    response = careers.post(url, json={"note": "Keen on court work"}, headers=social_worker("SW900001"))
    assert response.status_code == 201
    assert careers.post(url, headers=social_worker("SW900001")).status_code == 409  # no body needed
    browse = careers.get(OPPORTUNITIES, params={"council": COVENTRY}, headers=social_worker("SW900001")).json()
    assert browse["items"][0]["registered"] is True and browse["items"][0]["interest_count"] is None
    other = careers.get(OPPORTUNITIES, params={"council": COVENTRY}, headers=social_worker("SW900002")).json()
    assert other["items"][0]["registered"] is False
    assert careers.delete(url, headers=social_worker("SW900001")).status_code == 204
    assert careers.delete(url, headers=social_worker("SW900001")).status_code == 404


def test_only_social_workers_register_interest(careers, posted):
    url = f"{OPPORTUNITIES}/{posted['coventry']['id']}/interest"
    assert careers.post(url, json={}, headers=council_hr(COVENTRY)).status_code == 403


def test_interest_in_a_closed_opportunity_is_refused(careers, posted, session):
    close(session, posted["closed"])
    response = careers.post(f"{OPPORTUNITIES}/{posted['closed']['id']}/interest", json={}, headers=social_worker())
    assert response.status_code == 409


def test_a_council_sees_who_registered_for_its_own_opportunities_only(careers, posted, employ, start_record):
    employ("SW900001", BIRMINGHAM, "2015-01-05")
    start_record("SW900001", level="experienced")
    coventry_post = f"{OPPORTUNITIES}/{posted['coventry']['id']}"
    careers.post(f"{coventry_post}/interest", json={"note": "Keen"}, headers=social_worker("SW900001"))
    careers.post(f"{coventry_post}/interest", json={}, headers=social_worker("SW900002"))

    registrations = careers.get(f"{coventry_post}/registrations", headers=council_hr(COVENTRY))
    assert registrations.status_code == 200
    assert [(r["swe_number"], r["note"], r["level"] and r["level"]["code"]) for r in registrations.json()["items"]] == [
        ("SW900001", "Keen", "experienced"),
        ("SW900002", None, None),
    ]
    own = careers.get(f"{coventry_post}", headers=council_hr(COVENTRY)).json()
    assert own["interest_count"] == 2
    # Birmingham sees the opportunity, but not who registered, nor how many.
    assert careers.get(f"{coventry_post}/registrations", headers=council_hr(BIRMINGHAM)).status_code == 404
    assert careers.get(f"{coventry_post}", headers=council_hr(BIRMINGHAM)).json()["interest_count"] is None
    assert careers.get(f"{coventry_post}/registrations", headers=social_worker("SW900001")).status_code == 403
    assert careers.get(f"{coventry_post}/registrations", headers=academy_admin()).json()["total"] == 2


def test_a_council_changes_its_own_opportunity_not_anothers(careers, posted):
    url = f"{OPPORTUNITIES}/{posted['coventry']['id']}"
    assert careers.patch(url, json={"closing_on": "2026-10-31"}, headers=council_hr(BIRMINGHAM)).status_code == 404
    changed = careers.patch(url, json={"closing_on": "2026-10-31", "pathway": "educator"}, headers=council_hr(COVENTRY))
    assert changed.status_code == 200
    assert (changed.json()["closing_on"], changed.json()["pathway"]["code"]) == ("2026-10-31", "educator")
