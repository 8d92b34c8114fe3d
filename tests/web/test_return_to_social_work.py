"""The public Return to Social Work page: its enquiry form works signed out, what it sends is what the academy
then holds, and a bad or refused enquiry shows the error summary and records nothing."""

import uuid

import httpx
import pytest

from tests.e2e import journeys
from tests.e2e.harness import Platform
from tests.web.visitor import Visitor, text_of, title_of
from web.pages.returners import TOO_MANY

PAGE = "/return-to-social-work"


def enquirers(platform: Platform) -> dict[str, dict]:
    """Everyone at the enquiry stage by email, as the academy's staff see them."""
    answer = httpx.get(
        f"{platform.gateway}/v1/returners/applicants",
        params={"stage": "enquiry", "limit": 500},
        headers=journeys.admin_token(platform),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {applicant["email"]: applicant for applicant in answer.json()["items"]}


@pytest.fixture
def email() -> str:
    return f"returner-{uuid.uuid4().hex[:10]}@example.org"


def test_an_enquiry_sent_signed_out_is_recorded_and_confirmed_without_echoing_it(
    visitor: Visitor, platform: Platform, email: str
):
    page = visitor.get(PAGE)
    assert page.status_code == 200
    assert title_of(page.text) == "Return to social work – FutureSocial careers"
    enquiry = {"name": "Ada Returner", "email": email, "phone": "0121 496 0000", "region": "Coventry", "consent": "yes"}
    answer = visitor.post(PAGE, enquiry)
    assert answer.status_code == 303
    sent = visitor.follow(answer)
    assert title_of(sent.text) == "Enquiry sent – FutureSocial careers"
    assert "govuk-panel" in sent.text
    assert email not in sent.text and "Ada Returner" not in sent.text
    held = enquirers(platform)[email]
    assert (held["name"], held["phone"], held["region"]) == ("Ada Returner", "0121 496 0000", "Coventry")


def test_a_bad_enquiry_shows_the_error_summary_and_records_nothing(visitor: Visitor, platform: Platform, email: str):
    bad_email = email.replace("@", " at ")
    answer = visitor.post(PAGE, {"name": "", "email": bad_email, "phone": "call me"}, from_page=PAGE)
    assert answer.status_code == 400
    assert title_of(answer.text) == "Error: Return to social work – FutureSocial careers"
    for field in ("name", "email", "phone", "consent"):
        assert f'href="#{field}"' in answer.text
    text = text_of(answer.text)
    assert "Enter your full name" in text
    assert "Enter an email address in the correct format, like name@example.com" in text
    assert "Confirm that the academy may keep your details and contact you" in text
    assert f'value="{bad_email}"' in answer.text  # what they typed, kept to correct
    assert bad_email not in enquirers(platform) and email not in enquirers(platform)


def test_the_apis_rate_limit_shows_in_the_error_summary(visitor: Visitor, platform: Platform, email: str):
    enquiry = {"name": "Bea Returner", "email": email, "consent": "yes"}
    for _ in range(3):  # returners_enquiry_rate_per_email: 3 a day
        assert visitor.post(PAGE, enquiry, from_page=PAGE).status_code == 303
    refused = visitor.post(PAGE, enquiry, from_page=PAGE)
    assert refused.status_code == 429
    assert title_of(refused.text).startswith("Error: ")
    assert 'href="#email"' in refused.text
    assert TOO_MANY in text_of(refused.text)
    assert enquirers(platform)[email]["enquiry_count"] == 3


def test_an_enquiry_without_the_form_token_records_nothing(visitor: Visitor, platform: Platform, email: str):
    visitor.get(PAGE)
    answer = visitor.http.post(PAGE, data={"name": "Cy Forged", "email": email, "consent": "yes"})
    assert answer.status_code == 400
    assert "This form has expired" in text_of(answer.text)
    assert email not in enquirers(platform)
