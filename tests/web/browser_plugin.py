"""The `browser` marker and the browser fixtures, registered from tests/conftest.py.

A test that is marked `browser`, or that uses the `browser` or `browser_page` fixture, runs in the system Chromium.
Where no Chromium is found those tests are deselected, not skipped, and the run ends with one plain line
saying so; with FUTURESOCIAL_REQUIRE_BROWSER=1 (CI) a missing Chromium fails the run instead.

Each test module gets its own browser (Playwright's sync API holds an asyncio loop open while it runs, and
other modules' tests call asyncio.run: under `--dist loadfile` a module's tests run together, so a browser
per module is closed before the next module's first test) and each test a fresh context.
"""

from collections.abc import Iterator

import pytest

from tests.web.browser import (
    CHROMIUM_MISSING,
    REQUIRE_BROWSER,
    browser_required,
    find_chromium,
    track_navigations,
    untrack,
)

BROWSER_FIXTURES = {"browser", "browser_page"}
_DESELECTED = pytest.StashKey[int]()
_REPORT = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: runs in the system Chromium; deselected where none is found (tests/web/browser.py)"
    )
    config.stash[_DESELECTED] = 0
    if browser_required() and find_chromium() is None and not hasattr(config, "workerinput"):
        raise pytest.UsageError(f"{CHROMIUM_MISSING}, and {REQUIRE_BROWSER}=1 requires them")


def is_browser_test(item: pytest.Item) -> bool:
    if item.get_closest_marker("browser") is not None:
        return True
    return bool(BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_tests = [item for item in items if is_browser_test(item)]
    for item in browser_tests:
        if item.get_closest_marker("browser") is None:
            item.add_marker("browser")
    if not browser_tests or find_chromium() is not None:
        return
    items[:] = [item for item in items if not is_browser_test(item)]
    config.hook.pytest_deselected(items=browser_tests)
    config.stash[_DESELECTED] = len(browser_tests)
    if hasattr(config, "workeroutput"):  # an xdist worker: the controller prints the summary
        config.workeroutput["browser_tests_deselected"] = len(browser_tests)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """xdist's controller: every worker collects every test, so each reports the same count."""
    deselected = getattr(node, "workeroutput", {}).get("browser_tests_deselected", 0)
    node.config.stash[_DESELECTED] = max(node.config.stash.get(_DESELECTED, 0), deselected)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    deselected = config.stash.get(_DESELECTED, 0)
    if deselected:
        terminalreporter.write_line(f"{CHROMIUM_MISSING}: {deselected} deselected", yellow=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    item.stash.setdefault(_REPORT, {})[report.when] = report
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Headless system Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    assert executable, CHROMIUM_MISSING
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser, request: pytest.FixtureRequest) -> Iterator:
    """A page in a fresh context (no cookies or storage from another test). A test that passes must have run
    assert_accessible on every page it navigated to after its last navigation there: axe-core sees every
    page a browser test visits."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    track_navigations(opened)
    try:
        yield opened
        unchecked = untrack(opened)
        call = request.node.stash.get(_REPORT, {}).get("call")
        if unchecked and call is not None and call.passed:
            pytest.fail(
                "visited without assert_accessible after loading: " + ", ".join(dict.fromkeys(unchecked)),
                pytrace=False,
            )
    finally:
        untrack(opened)
        context.close()
