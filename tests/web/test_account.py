"""Signing in and out of the front end through the real gateway: the start page at the platform's root, the
GOV.UK error pattern, sessions that hold no token the page can see, form tokens, and the API's 401 turned into
the sign-in page."""

import json
import threading
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from tests.e2e.harness import Platform
from tests.e2e.journeys import Setup, SocialWorker
from tests.web.visitor import Visitor, text_of, title_of
from web.session import COOKIE, KEY_FILE


def _session_in(visitor: Visitor, platform: Platform) -> dict:
    """What the visitor's cookie holds, opened with the platform's key (only the server can)."""
    key = (Path(platform.env["FUTURESOCIAL_KEYS_DIR"]) / KEY_FILE).read_bytes()
    return json.loads(Fernet(key).decrypt(visitor.http.cookies[COOKIE].encode()))


def _reseal(visitor: Visitor, platform: Platform, **changes) -> None:
    key = (Path(platform.env["FUTURESOCIAL_KEYS_DIR"]) / KEY_FILE).read_bytes()
    session = {**_session_in(visitor, platform), **changes}
    visitor.http.cookies.clear()
    sealed = Fernet(key).encrypt(json.dumps(session).encode()).decode()
    visitor.http.cookies.set(COOKIE, sealed, domain=httpx.URL(platform.gateway).host)


def test_the_platforms_root_is_the_front_ends_start_page_with_its_protections(visitor: Visitor):
    answer = visitor.get("/")
    assert answer.status_code == 200
    assert title_of(answer.text) == "Your social work career in the West Midlands – FutureSocial careers"
    assert 'href="/sign-in"' in answer.text
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "<script>" not in answer.text and " style=" not in answer.text  # nothing inline for the policy to allow
    assert answer.headers["x-frame-options"] == "DENY" and answer.headers["cache-control"] == "no-store"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert visitor.get("/static/govuk-frontend/govuk-frontend.min.css").status_code == 200


def test_the_api_and_the_gateways_own_pages_are_not_the_front_ends(visitor: Visitor):
    assert visitor.get("/v1/nowhere/at-all").headers["content-type"] == "application/problem+json"
    assert visitor.get("/health").json()["upstreams"]["web"] == "ok"
    assert visitor.get("/no-such-page").status_code == 404
    assert title_of(visitor.last_page).startswith("Page not found")


def test_a_wrong_password_shows_the_error_summary_and_signs_nobody_in(visitor: Visitor, social_worker: SocialWorker):
    answer = visitor.post("/sign-in", {"username": social_worker.username, "password": "not it"}, from_page="/sign-in")
    assert answer.status_code == 400
    assert title_of(answer.text).startswith("Error: Sign in")
    assert 'href="#username"' in answer.text and "Enter a correct username and password" in answer.text
    assert "not it" not in answer.text  # the password is never written back
    empty = visitor.post("/sign-in", {"username": "", "password": ""})
    assert "Enter your username" in text_of(empty.text) and "Enter your password" in text_of(empty.text)
    assert visitor.get("/career").status_code == 303


def test_a_social_worker_signs_in_sees_their_career_and_signs_out_cleanly(
    visitor: Visitor, social_worker: SocialWorker, platform: Platform
):
    landed = visitor.sign_in(social_worker.username, social_worker.password)
    assert str(landed.url).endswith("/career")
    mine = httpx.get(f"{platform.gateway}/v1/careers/me", headers=social_worker.headers).json()
    page = text_of(landed.text)
    assert mine["swe_number"] in page and mine["level"]["name"] in page
    held = _session_in(visitor, platform)
    for token in (held["access_token"], held["refresh_token"]):
        assert token not in landed.text and token not in str(landed.url)

    signed_out = visitor.follow(visitor.post("/sign-out", from_page="/career"))
    assert "You have signed out" in signed_out.text
    assert visitor.get("/career").status_code == 303
    # The sign-in cannot be continued anywhere: its refresh token was revoked.
    again = httpx.post(
        f"{platform.gateway}/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": held["refresh_token"]},
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_sign_in_comes_back_to_the_page_asked_for_and_never_leaves_the_site(
    visitor: Visitor, social_worker: SocialWorker
):
    asked = visitor.get("/career/next-step")
    assert asked.status_code == 303 and asked.headers["location"] == "/sign-in?next=/career/next-step"
    visitor.get(asked.headers["location"])
    answer = visitor.post(
        "/sign-in", {"username": social_worker.username, "password": social_worker.password, "next": "//evil.example"}
    )
    assert answer.headers["location"] == "/career"


def test_a_form_posted_without_its_token_or_with_another_sessions_changes_nothing(
    visitor: Visitor, social_worker: SocialWorker, platform: Platform
):
    visitor.sign_in(social_worker.username, social_worker.password)
    refused = visitor.http.post("/sign-out", data={})
    assert refused.status_code == 400 and "This form has expired" in refused.text
    stranger = Visitor(platform.gateway)
    stranger.get("/sign-in")
    forged = visitor.http.post("/sign-out", data={"csrf_token": stranger.csrf})
    stranger.close()
    assert forged.status_code == 400
    assert visitor.get("/career").status_code == 200  # still signed in


def test_a_sign_in_the_api_no_longer_accepts_becomes_the_sign_in_page(
    visitor: Visitor, social_worker: SocialWorker, platform: Platform
):
    visitor.sign_in(social_worker.username, social_worker.password)
    _reseal(visitor, platform, access_token="not-a-token", refresh_token="not-one-either")
    answer = visitor.get("/career")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in?next=/career")
    assert visitor.get("/career").status_code == 303  # the dead session is gone


def test_an_expiring_access_token_is_refreshed_without_the_person_noticing(
    visitor: Visitor, social_worker: SocialWorker, platform: Platform
):
    visitor.sign_in(social_worker.username, social_worker.password)
    before = _session_in(visitor, platform)
    _reseal(visitor, platform, access_expires_at=0)  # as if its 15 minutes were up
    assert visitor.get("/career").status_code == 200
    after = _session_in(visitor, platform)
    assert after["refresh_token"] != before["refresh_token"]  # rotated, and the new pair kept


def test_social_workers_signed_in_at_once_each_see_only_their_own_career(setup: Setup, platform: Platform):
    workers = setup.take(4)
    seen: dict[str, tuple[int, str]] = {}

    def use(worker: SocialWorker) -> None:
        person = Visitor(platform.gateway)
        try:
            person.sign_in(worker.username, worker.password)
            for _ in range(3):
                career = person.get("/career")
                step = person.get("/career/next-step")
                seen[worker.swe_number] = (max(career.status_code, step.status_code), text_of(career.text))
            person.follow(person.post("/sign-out"))
        finally:
            person.close()

    threads = [threading.Thread(target=use, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(seen) == sorted(worker.swe_number for worker in workers)
    for swe_number, (status, page) in seen.items():
        assert status == 200
        assert swe_number in page
        assert not any(other.swe_number in page for other in workers if other.swe_number != swe_number)


def test_each_answer_through_the_gateway_carries_one_date_and_one_server_header(visitor: Visitor):
    answer = visitor.get("/")
    assert len(answer.headers.get_list("date")) == 1 and len(answer.headers.get_list("server")) == 1


def test_an_address_edited_into_nonsense_is_a_page_not_found_page(visitor: Visitor):
    answer = visitor.get("/sign-in", params={"next": "/" + "x" * 600})  # longer than any page's address
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")
    assert title_of(answer.text).startswith("Page not found")


def test_pages_carry_no_crown_or_crest_which_belong_to_gov_uk(visitor: Visitor):
    page = visitor.get("/").text
    assert "govuk-footer__crown" not in page and "govuk-footer__copyright-logo" not in page
    assert "govuk-header__logo" not in page


def test_a_front_end_killed_mid_session_comes_back_and_the_person_is_still_signed_in(
    visitor: Visitor, social_worker: SocialWorker, platform: Platform
):
    import os
    import signal
    import time

    from tests.e2e.test_supervision import serving_pids

    visitor.sign_in(social_worker.username, social_worker.password)
    (pid,) = serving_pids(platform.ports["web"])
    os.kill(pid, signal.SIGKILL)
    while_down = visitor.get("/career")
    # The API does not depend on the front end: it answers throughout.
    assert httpx.get(f"{platform.gateway}/v1/careers/me", headers=social_worker.headers).status_code == 200
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and visitor.get("/career").status_code != 200:
        time.sleep(0.2)
    # Until it is back (the supervisor waits 0.5 s, then it starts): 503 with when to try again.
    assert while_down.status_code == 503 and int(while_down.headers["retry-after"]) >= 1
    again = visitor.get("/career")
    assert again.status_code == 200 and social_worker.swe_number in text_of(again.text)  # no new sign-in needed
    assert pid not in serving_pids(platform.ports["web"])
