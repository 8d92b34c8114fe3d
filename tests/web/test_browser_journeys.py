"""The front end in Chromium, against the real processes, through the gateway: each journey by keyboard alone,
and axe-core (WCAG 2.2 AA) on every page it visits. Runs wherever Chromium is found (tests/web/browser_plugin.py)."""

from tests.e2e.harness import Platform
from tests.e2e.journeys import SocialWorker
from tests.web.browser import assert_accessible, tab_through

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
