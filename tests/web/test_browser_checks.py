"""The browser-test helpers can fail: axe-core, run through assert_accessible, names the WCAG rules a page
breaks and passes a GOV.UK-like one; tab_through follows keyboard focus; the browser_page fixture fails a
test that leaves a page it visited unchecked. Static pages (tests/web/pages/) from a loopback server."""

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.web.browser import (
    AccessibilityViolations,
    Focused,
    assert_accessible,
    axe_version,
    tab_through,
    track_navigations,
    untrack,
)

PAGES = Path(__file__).parent / "pages"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="module")
def static_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(PAGES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_axe_core_in_use_knows_wcag_2_2() -> None:
    assert tuple(int(part) for part in axe_version().split(".")[:2]) >= (4, 7)


def test_a_page_breaking_wcag_fails_naming_each_rule_its_impact_and_the_nodes(browser_page, static_site) -> None:
    browser_page.goto(f"{static_site}/inaccessible.html")
    with pytest.raises(AccessibilityViolations) as failure:
        assert_accessible(browser_page)
    assert {"image-alt", "label", "color-contrast"} <= set(failure.value.rule_ids)
    message = str(failure.value)
    assert "- image-alt (critical): Images must have alternative text" in message
    assert "at img: <img" in message and "at input: <input" in message and 'at p: <p class="faint">' in message
    assert "inaccessible.html" in message


def test_a_gov_uk_like_page_passes(browser_page, static_site) -> None:
    browser_page.goto(f"{static_site}/accessible.html")
    results = assert_accessible(browser_page)
    assert results["violations"] == [] and results["testEngine"]["version"] == axe_version()


def test_the_checks_see_the_page_as_it_is_now_not_as_it_loaded(browser_page, static_site) -> None:
    browser_page.goto(f"{static_site}/accessible.html")
    assert_accessible(browser_page)
    browser_page.evaluate("document.querySelector('label').remove()")
    with pytest.raises(AccessibilityViolations) as failure:
        assert_accessible(browser_page)
    assert failure.value.rule_ids == ["label"]


def test_tab_through_follows_keyboard_focus_in_order(browser_page, static_site) -> None:
    browser_page.goto(f"{static_site}/accessible.html")
    assert_accessible(browser_page)
    assert tab_through(browser_page) == [
        Focused("a", "Skip to main content"),
        Focused("a", "FutureSocial"),
        Focused("input", "Council"),
        Focused("button", "Continue"),
        Focused("a", "Accessibility statement"),
    ]
    assert tab_through(browser_page)[0] == Focused("a", "Skip to main content")  # again from the top


def test_tab_through_shows_a_field_with_no_label(browser_page, static_site) -> None:
    browser_page.goto(f"{static_site}/inaccessible.html")
    with pytest.raises(AccessibilityViolations):
        assert_accessible(browser_page)
    assert tab_through(browser_page) == [Focused("input", ""), Focused("button", "Continue")]


def test_a_page_visited_and_not_checked_is_noticed(browser, static_site) -> None:
    context = browser.new_context()
    try:
        opened = context.new_page()
        track_navigations(opened)
        opened.goto(f"{static_site}/accessible.html")
        assert_accessible(opened)
        opened.goto(f"{static_site}/inaccessible.html")
        assert untrack(opened) == [f"{static_site}/inaccessible.html"]
    finally:
        context.close()
