"""Applying to progress, through the real platform: a social worker starts an application from their next step,
adds and attaches evidence, submits it (refused while evidence is missing), reads its history and withdraws it;
keeps an evidence portfolio; another worker's application is a page that does not exist; a form without its token
does nothing."""

import re
from datetime import date

import httpx

from tests.e2e.journeys import Setup, SocialWorker
from tests.web.visitor import Visitor, text_of, title_of

MINE = "/v1/careers/me/applications"
EVIDENCE = "/v1/careers/me/evidence"


def api_get(setup: Setup, worker: SocialWorker, path: str) -> dict:
    answer = httpx.get(f"{setup.gateway}{path}", headers=worker.headers, params={"limit": 500}, timeout=30)
    answer.raise_for_status()
    return answer.json()


def evidence_fields(kind: str, title: str, day: date | None = None, **more: str) -> dict[str, str]:
    day = day or date.today()
    dated = {"dated_on-day": str(day.day), "dated_on-month": str(day.month), "dated_on-year": str(day.year)}
    return {"kind": kind, "title": title, **dated, **more}


def start_from_next_step(visitor: Visitor, setup: Setup) -> str:
    """The application's page address, after pressing the next step's start button."""
    step = visitor.get("/career/next-step").text
    assert f'name="level" value="{setup.progression_level}"' in step
    started = visitor.post("/applications", {"level": setup.progression_level})
    assert started.status_code == 303, text_of(started.text)
    assert re.fullmatch(r"/applications/[0-9a-f-]{36}", started.headers["location"])
    return started.headers["location"]


def test_social_worker_starts_attaches_evidence_submits_and_withdraws_an_application(
    signed_in: Visitor, setup: Setup, social_worker: SocialWorker
) -> None:
    page = start_from_next_step(signed_in, setup)
    application_id = page.rsplit("/", 1)[1]
    shown = text_of(signed_in.get(page).text)
    assert "Application started" in shown
    assert "Status Draft" in shown

    # Submitting with evidence missing: the API's refusal in the error summary, and it stays a draft.
    refused = signed_in.post(f"{page}/submit", {"note": "Ready"})
    assert refused.status_code == 422
    assert title_of(refused.text).startswith("Error: Your application for")
    assert 'href="#evidence"' in refused.text
    assert "Attach evidence of each kind the level needs; missing: " in text_of(refused.text)
    assert not [kind for kind in setup.evidence_kinds if kind in text_of(refused.text)]  # named, not by their codes
    assert api_get(setup, social_worker, f"/v1/careers/applications/{application_id}")["state"] == "draft"

    # The first kind: added to the portfolio, then chosen on the application; the rest added from the application.
    first, *rest = setup.evidence_kinds
    added = signed_in.post("/evidence/new", evidence_fields(first, "My first evidence"), from_page="/evidence/new")
    assert added.status_code == 303
    [item] = api_get(setup, social_worker, EVIDENCE)["items"]
    signed_in.get(page)
    chosen = signed_in.http.post(f"{page}/evidence", data={"csrf_token": signed_in.csrf, "evidence": [item["id"]]})
    assert chosen.status_code == 303
    assert "Evidence saved" in text_of(signed_in.follow(chosen).text)
    for kind in rest:
        attached = signed_in.post(
            f"{page}/evidence/new", evidence_fields(kind, f"Evidence of {kind}"), from_page=f"{page}/evidence/new"
        )
        assert attached.status_code == 303, text_of(attached.text)
        assert attached.headers["location"] == page
    read = api_get(setup, social_worker, f"/v1/careers/applications/{application_id}")
    assert sorted(item["kind"] for item in read["evidence"]) == sorted(setup.evidence_kinds)

    submitted = signed_in.post(f"{page}/submit", {"note": "Ready for the panel"}, from_page=page)
    assert submitted.status_code == 303
    shown = text_of(signed_in.follow(submitted).text)
    assert "Application submitted" in shown
    assert "Status Submitted" in shown
    today = f"{date.today().day} {date.today():%B %Y}"
    assert f"{today} Started Draft" in shown
    assert f"{today} Submitted Submitted You Ready for the panel" in shown
    assert "Submitted" in text_of(signed_in.get("/applications").text)
    assert api_get(setup, social_worker, f"/v1/careers/applications/{application_id}")["state"] == "submitted"

    confirm = signed_in.get(f"{page}/withdraw")
    assert title_of(confirm.text).startswith("Are you sure you want to withdraw your application")
    withdrawn = signed_in.post(f"{page}/withdraw", {"note": "Not this year"})
    assert withdrawn.status_code == 303
    shown = text_of(signed_in.follow(withdrawn).text)
    assert "Application withdrawn" in shown
    assert "Status Withdrawn" in shown
    assert f"{today} Withdrawn Withdrawn You Not this year" in shown
    assert "Withdraw this application" not in shown
    assert api_get(setup, social_worker, f"/v1/careers/applications/{application_id}")["state"] == "withdrawn"


def test_evidence_portfolio_adds_refuses_bad_dates_and_removes(
    signed_in: Visitor, setup: Setup, social_worker: SocialWorker
) -> None:
    kind = setup.evidence_kinds[0]
    bad = signed_in.post(
        "/evidence/new", evidence_fields(kind, "Feedback") | {"dated_on-month": "13"}, from_page="/evidence/new"
    )
    assert bad.status_code == 400
    assert title_of(bad.text).startswith("Error: Add evidence")
    assert 'href="#dated_on-day"' in bad.text
    assert "The date of the evidence must be a real date" in text_of(bad.text)
    future = evidence_fields(kind, "Feedback", date(date.today().year + 1, 1, 1))
    refused = signed_in.post("/evidence/new", future, from_page="/evidence/new")
    assert refused.status_code == 422
    assert "Evidence cannot be dated after today" in text_of(refused.text)
    assert api_get(setup, social_worker, EVIDENCE)["items"] == []

    added = signed_in.post(
        "/evidence/new", evidence_fields(kind, "Feedback", reference="Team drive"), from_page="/evidence/new"
    )
    shown = text_of(signed_in.follow(added).text)
    assert "Evidence added to your portfolio" in shown
    assert "Feedback" in shown and "Team drive" in shown

    # Evidence attached to an application stays: the API's refusal is shown.
    page = start_from_next_step(signed_in, setup)
    [item] = api_get(setup, social_worker, EVIDENCE)["items"]
    signed_in.get(page)
    signed_in.http.post(f"{page}/evidence", data={"csrf_token": signed_in.csrf, "evidence": [item["id"]]})
    kept = signed_in.post(f"/evidence/{item['id']}/remove", from_page="/evidence")
    assert kept.status_code == 409
    assert f'href="#remove-{item["id"]}"' in kept.text
    assert "attached to a progression application" in text_of(kept.text)

    signed_in.get(page)
    signed_in.http.post(f"{page}/evidence", data={"csrf_token": signed_in.csrf})  # nothing chosen: detached
    removed = signed_in.post(f"/evidence/{item['id']}/remove", from_page="/evidence")
    assert removed.status_code == 303
    assert "Evidence removed from your portfolio" in text_of(signed_in.follow(removed).text)
    assert api_get(setup, social_worker, EVIDENCE)["items"] == []


def test_another_social_workers_application_is_not_found(signed_in: Visitor, setup: Setup) -> None:
    [other] = setup.take(1)
    body = {"level": setup.progression_level}
    theirs = httpx.post(f"{setup.gateway}{MINE}", headers=other.headers, json=body, timeout=30).json()
    their_evidence = httpx.post(
        f"{setup.gateway}{EVIDENCE}",
        headers=other.headers,
        json={"kind": setup.evidence_kinds[0], "title": "Theirs", "dated_on": str(date.today())},
        timeout=30,
    ).json()
    page = f"/applications/{theirs['id']}"
    for path in (page, f"{page}/withdraw", f"{page}/evidence/new", "/applications/not-an-id"):
        answer = signed_in.get(path)
        assert answer.status_code == 404, path
        assert title_of(answer.text).startswith("Page not found")
    signed_in.get("/applications")
    for path, fields in (
        (f"{page}/submit", {}),
        (f"{page}/withdraw", {}),
        (f"{page}/evidence", {"evidence": their_evidence["id"]}),
        (f"{page}/evidence/new", evidence_fields(setup.evidence_kinds[0], "Mine")),
        (f"/evidence/{their_evidence['id']}/remove", {}),
    ):
        assert signed_in.post(path, fields).status_code == 404, path
    read = api_get(setup, other, f"/v1/careers/applications/{theirs['id']}")
    assert (read["state"], read["evidence"]) == ("draft", [])
    assert [item["id"] for item in api_get(setup, other, EVIDENCE)["items"]] == [their_evidence["id"]]


def test_a_form_posted_without_its_token_changes_nothing(
    signed_in: Visitor, setup: Setup, social_worker: SocialWorker
) -> None:
    signed_in.get("/career/next-step")
    answer = signed_in.http.post("/applications", data={"level": setup.progression_level})
    assert answer.status_code == 400
    assert "This form has expired" in text_of(answer.text)
    assert api_get(setup, social_worker, MINE)["items"] == []

    page = start_from_next_step(signed_in, setup)
    for path, fields in (
        (f"{page}/withdraw", {}),
        (f"{page}/evidence/new", evidence_fields(setup.evidence_kinds[0], "Forged")),
        ("/evidence/new", evidence_fields(setup.evidence_kinds[0], "Forged")),
    ):
        answer = signed_in.http.post(path, data={"csrf_token": "from-another-session", **fields})
        assert answer.status_code == 400, path
        assert "This form has expired" in text_of(answer.text)
    [application] = api_get(setup, social_worker, MINE)["items"]
    assert application["state"] == "draft"
    assert api_get(setup, social_worker, EVIDENCE)["items"] == []
