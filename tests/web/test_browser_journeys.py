"""The front end in Chromium, against the real processes, through the gateway: each journey by keyboard alone,
and axe-core (WCAG 2.2 AA) on every page it visits. Runs wherever Chromium is found (tests/web/browser_plugin.py)."""

import csv
import io
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx

from tests.e2e import journeys
from tests.e2e.harness import Platform
from tests.e2e.journeys import Setup, SocialWorker
from tests.web.browser import assert_accessible, tab_through
from web.formats import EVIDENCE_KINDS

_FOCUSED_LABEL = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  const text = s => (s || '').replace(/\\s+/g, ' ').trim();
  if (el.labels && el.labels.length) return text([...el.labels].map(n => n.innerText).join(' '));
  return text(el.innerText || el.value || el.getAttribute('aria-label'));
}
"""


def tab_to(page, label: str, limit: int = 80) -> None:
    """Press Tab until the focused element is the one a person knows by `label` (its label or its text)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED_LABEL)
        if focused == label or focused.startswith(label):
            return
        seen.append(focused)
    raise AssertionError(f"{label!r} cannot be reached by keyboard on {page.url}; Tab went to {seen[:20]}")


def follow_by_enter(page) -> None:
    """Press Enter on the focused link or button and wait for the page it leads to, then check it."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)


def visit(page, url: str) -> None:
    page.goto(url)
    assert_accessible(page)


def sign_in_by_keyboard(page, gateway: str, username: str, password: str) -> None:
    visit(page, gateway + "/")
    tab_to(page, "Sign in")  # the start button
    follow_by_enter(page)
    tab_to(page, "Username")
    page.keyboard.type(username)
    tab_to(page, "Password")
    page.keyboard.type(password)
    follow_by_enter(page)


def test_a_social_worker_by_keyboard_signs_in_sees_their_level_and_next_step_and_signs_out(
    browser_page, platform: Platform, social_worker: SocialWorker
):
    page = browser_page
    sign_in_by_keyboard(page, platform.gateway, "nobody-at-all", "wrong password")
    assert page.title().startswith("Error: Sign in")
    # The error summary takes focus and links to the field.
    assert page.evaluate("document.activeElement.className").startswith("govuk-error-summary")

    sign_in_by_keyboard(page, platform.gateway, social_worker.username, social_worker.password)
    assert page.url.endswith("/career")
    assert page.title() == "Your career – FutureSocial careers"
    assert page.get_by_text(social_worker.swe_number).is_visible()
    assert page.locator("h1").count() == 1
    stops = [stop.label for stop in tab_through(page)]
    assert stops[0] == "Skip to main content" and "Sign out" in stops

    tab_to(page, "See what your next level needs")
    follow_by_enter(page)
    assert page.url.endswith("/career/next-step")
    assert page.locator(".govuk-summary-list__key").count() >= 1

    tab_to(page, "Sign out")
    follow_by_enter(page)
    assert page.url.endswith("/sign-in")
    assert page.get_by_text("You have signed out.").is_visible()
    visit(page, platform.gateway + "/career")  # signed out: back to the sign-in page, asked to come back
    assert "/sign-in?next=/career" in page.url


def type_into(page, label: str, text: str) -> None:
    tab_to(page, label)
    page.keyboard.type(text)


def type_date(page, when: date) -> None:
    for part, value in (("Day", when.day), ("Month", when.month), ("Year", when.year)):
        type_into(page, part, str(value))


def choose_radio(page, first: str, wanted: str) -> None:
    """A radio group is one Tab stop: reach it, then the arrow keys move to (and choose) the option wanted."""
    tab_to(page, first)
    for _ in range(12):
        if page.evaluate(_FOCUSED_LABEL) == wanted:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {wanted!r} after {first!r}")


def press(page, label: str) -> None:
    """Reach a link or button by keyboard, press Enter, and check the page it leads to."""
    tab_to(page, label)
    follow_by_enter(page)


def test_a_social_worker_by_keyboard_logs_cpd_applies_to_progress_and_registers_interest(
    browser_page, platform: Platform, setup: Setup, social_worker: SocialWorker
):
    page, today = browser_page, date.today()
    run = uuid.uuid4().hex[:6]
    opportunity = httpx.post(
        f"{platform.gateway}/v1/careers/opportunities",
        headers=journeys.hr_token(platform),
        json={"kind": "secondment", "title": f"Practice educator secondment {run}", "level": setup.progression_level,
              "closing_on": str(today + timedelta(days=20)), "description": "Six months."},
        timeout=30,
    )  # fmt: skip
    assert opportunity.status_code == 201, opportunity.text
    sign_in_by_keyboard(page, platform.gateway, social_worker.username, social_worker.password)

    # CPD: a record logged, and the year's status shows it.
    press(page, "CPD")
    press(page, "Add a CPD record")
    type_into(page, "What was the activity?", f"Court skills {run}")
    tab_to(page, "Kind of activity")
    page.keyboard.type("Course")
    type_date(page, today)
    type_into(page, "Hours", "3.5")
    tab_to(page, "I reflected on this activity with a peer")
    page.keyboard.press("Space")
    press(page, "Add record")
    assert page.url.split("?")[0].endswith("/cpd")
    assert page.get_by_role("cell", name=f"Court skills {run}", exact=True).is_visible()
    mine = httpx.get(f"{platform.gateway}/v1/careers/me/cpd", headers=social_worker.headers, timeout=30).json()
    assert any(record["title"] == f"Court skills {run}" for record in mine["items"])

    # Progression: started from the next step, each kind of evidence added and attached, submitted.
    press(page, "Your career")
    press(page, "See what your next level needs")
    press(page, "Start an application")
    for kind in setup.evidence_kinds:
        press(page, "Add new evidence to your portfolio and attach it")
        choose_radio(page, next(iter(EVIDENCE_KINDS.values())), EVIDENCE_KINDS[kind])
        type_into(page, "Title", f"{EVIDENCE_KINDS[kind]} {run}")
        type_date(page, today)
        press(page, "Add evidence")
    press(page, "Submit application")
    assert page.get_by_text("Submitted", exact=True).first.is_visible()
    applications = httpx.get(f"{platform.gateway}/v1/careers/me/applications", headers=social_worker.headers).json()
    assert [item["state"] for item in applications["items"]] == ["submitted"]

    # Opportunities: found, interest registered.
    press(page, "Opportunities")
    press(page, f"Practice educator secondment {run}")
    type_into(page, "Note to the council (optional)", "I could start in the spring.")
    press(page, "Register interest")
    assert page.get_by_text("You have registered interest in this opportunity.").is_visible()
    registrations = httpx.get(
        f"{platform.gateway}/v1/careers/opportunities/{opportunity.json()['id']}/registrations",
        headers=journeys.hr_token(platform),
    ).json()
    assert [item["swe_number"] for item in registrations["items"]] == [social_worker.swe_number]

    press(page, "Sign out")
    assert page.url.endswith("/sign-in")


def test_academy_staff_by_keyboard_open_the_regional_page_and_download_a_table(
    browser_page, platform: Platform, setup: Setup
):
    page = browser_page
    sign_in_by_keyboard(page, platform.gateway, platform.username, platform.password)
    assert "/region" in page.url and page.title().startswith("Workforce measures")
    assert page.locator("img.app-chart, img[src*='turnover.svg']").count() == 1
    tab_to(page, "Download all the workforce measures")
    with page.expect_download() as downloading:
        page.keyboard.press("Enter")
    download = downloading.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    shown_year = rows[0]["Census year"]
    assert f"census year {shown_year}" in page.locator("main").inner_text()
    assert "Birmingham" in {row["Area"] for row in rows}  # the council with records, as the page's table has it
    for label in ("Retention and where leavers went", "Moves between councils"):
        press(page, label)


def test_every_page_and_its_error_states_pass_axe(browser_page, platform: Platform, social_worker: SocialWorker):
    page, gateway = browser_page, platform.gateway
    for path in ("/", "/return-to-social-work", "/no-such-page"):
        visit(page, gateway + path)
    press(page, "Go to the start page")
    visit(page, gateway + "/return-to-social-work")
    press(page, "Send enquiry")  # empty: the error summary and messages
    assert page.title().startswith("Error:")
    sign_in_by_keyboard(page, gateway, social_worker.username, social_worker.password)
    for path in ("/career/next-step", "/cpd", "/cpd/new", "/applications", "/evidence", "/evidence/new"):
        visit(page, gateway + path)
    press(page, "Add evidence")  # empty: errors
    assert page.title().startswith("Error:")
    visit(page, gateway + "/opportunities")
    visit(page, gateway + "/region")  # not for a social worker: the 403 page
    assert page.title().startswith("You cannot see this page")
    visit(page, gateway + "/applications/00000000-0000-0000-0000-000000000000")  # nobody's: not found
    assert page.title().startswith("Page not found")
    page.context.clear_cookies()  # the session gone: a form posted now has lost its token
    visit(page, gateway + "/cpd")
    assert "/sign-in" in page.url


def test_academy_staff_see_the_planning_page_and_its_error_state_pass_axe(
    browser_page, platform: Platform, setup: Setup
):
    page = browser_page
    sign_in_by_keyboard(page, platform.gateway, platform.username, platform.password)
    visit(page, platform.gateway + "/region/planning")
    assert page.title().startswith("Rankings, retention curves and projections")
    assert page.locator("img.app-chart").count() >= 1
    visit(page, platform.gateway + "/region/planning?measure=happiness")  # the error summary and message
    assert page.title().startswith("Error:")
