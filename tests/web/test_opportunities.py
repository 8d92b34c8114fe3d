"""The region's opportunities in the front end: browsing with filters and pages, and a social worker registering
and withdrawing interest, each checked against the API's own answer."""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest

from tests.e2e import journeys
from tests.e2e.harness import Platform
from tests.e2e.journeys import Setup, SocialWorker
from tests.web.visitor import Visitor, text_of, title_of
from web.pages.opportunities import PAGE_SIZE

OPPORTUNITIES = "/v1/careers/opportunities"
BIRMINGHAM, COVENTRY, DUDLEY = "330", "331", "332"
_LINK = re.compile(r'href="/opportunities/([0-9a-f-]{36})"')


@dataclass
class Posted:
    """Opportunities posted for the module: a run-unique word in every title, the levels they are for."""

    run: str
    levels: list[str]
    pathway: tuple[str, str]  # a level with pathways, and one of them
    birmingham: list[dict]
    coventry: list[dict]
    dudley: list[dict]


def post(gateway: str, headers: dict[str, str], **opportunity) -> dict:
    answer = httpx.post(f"{gateway}{OPPORTUNITIES}", json=opportunity, headers=headers, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def posted(platform: Platform, setup: Setup) -> Posted:
    """Birmingham's HR posts two (one per level); the academy posts three for Coventry (both levels, and one on a
    pathway) and enough for Dudley to need a second page; each closes on its own day, so the order is known."""
    framework = httpx.get(f"{platform.gateway}/v1/careers/framework", headers=setup.admin_headers, timeout=30).json()
    levels = [level["code"] for level in sorted(framework["levels"], key=lambda level: level["rank"])][1:3]
    branching = next(level for level in framework["levels"] if level["pathways"])
    pathway = (branching["code"], branching["pathways"][0]["code"])
    run = uuid.uuid4().hex[:8]
    today = date.today()

    def one(headers: dict[str, str], title: str, level: str, days: int, council: str | None = None, **more) -> dict:
        body = {"kind": "secondment", "title": f"{title} {run}", "level": level, "description": "Six months.\nHybrid."}
        body |= {"closing_on": str(today + timedelta(days=days))} | ({"council": council} if council else {})
        return post(platform.gateway, headers, **body, **more)

    hr = journeys.hr_token(platform)
    birmingham = [one(hr, "Birmingham first", levels[0], 30), one(hr, "Birmingham second", levels[1], 10)]
    coventry = [one(setup.admin_headers, "Coventry", levels[0], 20, COVENTRY)]
    coventry.append(one(setup.admin_headers, "Coventry pathway", pathway[0], 25, COVENTRY, pathway=pathway[1]))
    coventry.append(one(setup.admin_headers, "Coventry second", levels[1], 15, COVENTRY))
    dudley = [one(setup.admin_headers, f"Dudley {n}", levels[0], 40 + n, DUDLEY) for n in range(PAGE_SIZE + 2)]
    return Posted(run, levels, pathway, birmingham, coventry, dudley)


def titles_on(page: str) -> list[str]:
    """The opportunities' titles the list shows, in its order."""
    return re.findall(r'href="/opportunities/[0-9a-f-]{36}">([^<]+)</a>', page)


def api_titles(gateway: str, headers: dict[str, str], **filters: str) -> list[str]:
    answer = httpx.get(f"{gateway}{OPPORTUNITIES}", params={**filters, "limit": 500}, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return [opportunity["title"] for opportunity in answer.json()["items"]]


def registrations(platform: Platform, opportunity_id: str, by_academy: bool = False) -> list[dict]:
    """Who registered interest, as Birmingham's HR sees it (another council's: as the academy does)."""
    answer = httpx.get(
        f"{platform.gateway}{OPPORTUNITIES}/{opportunity_id}/registrations",
        headers=journeys.admin_token(platform) if by_academy else journeys.hr_token(platform),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


@pytest.fixture
def signed_in(visitor: Visitor, social_worker: SocialWorker) -> Visitor:
    """A social worker of their own, for a test that registers interest."""
    visitor.sign_in(social_worker.username, social_worker.password)
    return visitor


@dataclass
class Reader:
    visitor: Visitor
    worker: SocialWorker


@pytest.fixture(scope="module")
def reader(platform: Platform, setup: Setup) -> Iterator[Reader]:
    """One social worker signed in for the tests that only read."""
    worker = setup.take(1)[0]
    visitor = Visitor(platform.gateway)
    visitor.sign_in(worker.username, worker.password)
    yield Reader(visitor, worker)
    visitor.close()


def test_filtering_by_council_shows_that_councils_opportunities_as_the_api_lists_them(
    reader: Reader, posted: Posted, setup: Setup
):
    page = reader.visitor.get("/opportunities", params={"council": BIRMINGHAM})
    assert page.status_code == 200
    shown = titles_on(page.text)
    assert shown == api_titles(setup.gateway, reader.worker.headers, council=BIRMINGHAM)
    ours = [title for title in shown if posted.run in title]
    assert ours == [f"Birmingham second {posted.run}", f"Birmingham first {posted.run}"]  # closing soonest first
    assert '<option value="330" selected>' in page.text


def test_filtering_by_council_and_level_narrows_to_the_matching_ones(reader: Reader, posted: Posted, setup: Setup):
    filters = {"council": BIRMINGHAM, "level": posted.levels[1]}
    page = reader.visitor.get("/opportunities", params=filters)
    shown = titles_on(page.text)
    assert shown == api_titles(setup.gateway, reader.worker.headers, **filters)
    assert f"Birmingham second {posted.run}" in shown
    assert f"Birmingham first {posted.run}" not in shown
    assert f"Coventry second {posted.run}" not in shown  # the same level, another council


def test_filtering_by_pathway_shows_only_that_pathways_opportunities(reader: Reader, posted: Posted, setup: Setup):
    page = reader.visitor.get("/opportunities", params={"pathway": posted.pathway[1]})
    shown = titles_on(page.text)
    assert shown == api_titles(setup.gateway, reader.worker.headers, pathway=posted.pathway[1])
    assert [title for title in shown if posted.run in title] == [f"Coventry pathway {posted.run}"]


def test_a_pathway_the_chosen_level_does_not_have_shows_the_error_beside_the_filter(reader: Reader, posted: Posted):
    page = reader.visitor.get("/opportunities", params={"level": posted.levels[0], "pathway": posted.pathway[1]})
    assert page.status_code == 400
    assert title_of(page.text).startswith("Error: ")
    assert 'href="#pathway"' in page.text
    assert "pathway: choose another pathway, or any pathway" in text_of(page.text)
    assert titles_on(page.text) == []


def test_a_long_list_is_paged_keeping_its_filters(reader: Reader, posted: Posted, setup: Setup):
    everything = api_titles(setup.gateway, reader.worker.headers, council=DUDLEY)
    first = reader.visitor.get("/opportunities", params={"council": DUDLEY})
    assert titles_on(first.text) == everything[:PAGE_SIZE]
    assert 'href="/opportunities?council=332&amp;page=2"' in first.text
    second = reader.visitor.get("/opportunities", params={"council": DUDLEY, "page": "2"})
    assert titles_on(second.text) == everything[PAGE_SIZE : 2 * PAGE_SIZE]
    assert f"Dudley {PAGE_SIZE + 1} {posted.run}" in titles_on(second.text)


def test_a_filter_value_that_is_not_offered_is_ignored_not_an_error(reader: Reader, posted: Posted):
    odd = {"council": "../x", "level": "nonsense" * 20, "page": "-3"}
    page = reader.visitor.get("/opportunities", params=odd)
    assert page.status_code == 200
    assert f"Birmingham first {posted.run}" in titles_on(page.text)


def test_registering_and_withdrawing_interest_shows_on_the_page_and_to_the_council(
    signed_in: Visitor, social_worker: SocialWorker, posted: Posted, platform: Platform
):
    opportunity = posted.birmingham[0]
    path = f"/opportunities/{opportunity['id']}"
    page = signed_in.get(path)
    assert title_of(page.text) == f"{opportunity['title']} – FutureSocial careers"
    assert "Register your interest" in text_of(page.text)

    answer = signed_in.post(f"{path}/interest", {"note": "I could start in March."})
    assert answer.status_code == 303
    page = signed_in.follow(answer)
    assert "You have registered your interest." in text_of(page.text)
    assert "You have registered interest in this opportunity" in text_of(page.text)
    notes = {entry["swe_number"]: entry["note"] for entry in registrations(platform, opportunity["id"])}
    assert notes.get(social_worker.swe_number) == "I could start in March."
    listed = signed_in.get("/opportunities", params={"council": BIRMINGHAM})
    assert "Interest registered" in text_of(listed.text)

    answer = signed_in.post(f"{path}/withdraw", {})
    assert answer.status_code == 303
    page = signed_in.follow(answer)
    assert "You have withdrawn your interest." in text_of(page.text)
    assert "Register your interest" in text_of(page.text)
    assert social_worker.swe_number not in [entry["swe_number"] for entry in registrations(platform, opportunity["id"])]


def test_a_note_too_long_shows_the_error_and_registers_nothing(signed_in: Visitor, posted: Posted, platform: Platform):
    opportunity = posted.coventry[0]
    path = f"/opportunities/{opportunity['id']}"
    answer = signed_in.post(f"{path}/interest", {"note": "x" * 1001}, from_page=path)
    assert answer.status_code == 400
    assert title_of(answer.text).startswith("Error: ")
    assert 'href="#note"' in answer.text
    assert "Your note must be 1,000 characters or fewer" in text_of(answer.text)
    assert registrations(platform, opportunity["id"], by_academy=True) == []


def test_an_opportunity_closed_since_the_page_was_read_registers_nothing_and_says_it_closed(
    signed_in: Visitor, social_worker: SocialWorker, posted: Posted, platform: Platform
):
    hr = journeys.hr_token(platform)
    closing = str(date.today() + timedelta(days=5))
    opportunity = post(
        platform.gateway,
        hr,
        kind="vacancy",
        title=f"Closing {posted.run}",
        level=posted.levels[0],
        closing_on=closing,
        description="Soon gone.",
    )
    path = f"/opportunities/{opportunity['id']}"
    signed_in.get(path)
    yesterday = {"closing_on": str(date.today() - timedelta(days=1))}
    closed = httpx.patch(
        f"{platform.gateway}{OPPORTUNITIES}/{opportunity['id']}", json=yesterday, headers=hr, timeout=30
    )
    assert closed.status_code == 200, closed.text
    answer = signed_in.post(f"{path}/interest", {"note": "Too late?"})
    assert answer.status_code == 303
    page = signed_in.follow(answer)
    assert "This opportunity closed on" in text_of(page.text)
    assert 'name="note"' not in page.text
    assert registrations(platform, opportunity["id"]) == []


def test_registering_without_the_form_token_changes_nothing(
    signed_in: Visitor, social_worker: SocialWorker, posted: Posted, platform: Platform
):
    opportunity = posted.birmingham[1]
    answer = signed_in.http.post(f"/opportunities/{opportunity['id']}/interest", data={"note": "forged"})
    assert answer.status_code == 400
    assert "This form has expired" in text_of(answer.text)
    assert social_worker.swe_number not in [entry["swe_number"] for entry in registrations(platform, opportunity["id"])]
    page = signed_in.get(f"/opportunities/{opportunity['id']}")
    assert "Register your interest" in text_of(page.text)


def test_a_missing_opportunity_is_a_page_not_found(reader: Reader):
    for path in (f"/opportunities/{uuid.uuid4()}", "/opportunities/not-an-id"):
        answer = reader.visitor.get(path)
        assert answer.status_code == 404
        assert title_of(answer.text) == "Page not found – FutureSocial careers"
    answer = reader.visitor.post(f"/opportunities/{uuid.uuid4()}/withdraw", {}, from_page="/opportunities")
    assert answer.status_code == 404


def test_academy_staff_see_the_list_and_how_many_registered_without_a_form(
    visitor: Visitor, platform: Platform, posted: Posted
):
    visitor.sign_in(platform.username, platform.password)
    page = visitor.get("/opportunities", params={"council": COVENTRY})
    assert f"Coventry {posted.run}" in titles_on(page.text)
    detail = visitor.get(f"/opportunities/{posted.coventry[0]['id']}")
    assert "Registered interest" in text_of(detail.text)
    assert 'name="note"' not in detail.text


def test_signed_out_the_list_asks_for_sign_in(visitor: Visitor):
    answer = visitor.get("/opportunities")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=/opportunities")
