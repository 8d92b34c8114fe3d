"""Where Chromium is missing, browser tests are deselected (not skipped) and the run says so in one plain
line; with FUTURESOCIAL_REQUIRE_BROWSER=1, as in CI, the run fails instead. Each case is a real pytest run
in a subprocess with no Chromium on its PATH."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.browser import CHROMIUM_MISSING

PROJECT = Path(__file__).resolve().parents[2]

EXAMPLE = """
import pytest

def test_plain():
    pass

@pytest.mark.browser
def test_marked():
    pass

def test_using_the_page(browser_page):
    browser_page.set_content("<html lang='en'><title>t</title><main><h1>Hi</h1></main></html>")
    from tests.web.browser import assert_accessible
    assert_accessible(browser_page)
"""

UNCHECKED = """
from tests.web.browser import assert_accessible

PAGE = "data:text/html,<html lang='en'><title>t</title><main><h1>Hi</h1></main></html>"

def test_checks_every_page(browser_page):
    browser_page.goto(PAGE)
    assert_accessible(browser_page)

def test_leaves_a_page_unchecked(browser_page):
    browser_page.goto(PAGE)
    assert_accessible(browser_page)
    browser_page.goto(PAGE + "<!-- again -->")
"""


def run_pytest(
    tmp_path: Path, *args: str, chromium: bool, example: str = EXAMPLE, **env: str
) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider --strict-markers\n")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.web.browser_plugin"]\n')
    (tmp_path / "test_example.py").write_text(example)
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("FUTURESOCIAL_", "PYTEST"))}
    environment["PYTHONPATH"] = str(PROJECT)
    if not chromium:
        empty = tmp_path / "bin"
        empty.mkdir(exist_ok=True)
        environment["PATH"] = str(empty)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["one process", "xdist"])
def test_without_chromium_browser_tests_are_deselected_and_the_run_says_so(tmp_path, xdist) -> None:
    run = run_pytest(tmp_path, *xdist, chromium=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{CHROMIUM_MISSING}: 2 deselected" in run.stdout.splitlines()
    assert "1 passed" in run.stdout and "skipped" not in run.stdout


def test_without_chromium_a_run_that_requires_the_browser_fails(tmp_path) -> None:
    run = run_pytest(tmp_path, chromium=False, FUTURESOCIAL_REQUIRE_BROWSER="1")
    assert run.returncode != 0
    assert CHROMIUM_MISSING in run.stdout + run.stderr
    assert "passed" not in run.stdout


def test_a_chromium_named_that_is_not_there_counts_as_missing(tmp_path) -> None:
    run = run_pytest(tmp_path, chromium=True, FUTURESOCIAL_CHROMIUM=str(tmp_path / "no-such-chromium"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{CHROMIUM_MISSING}: 2 deselected" in run.stdout.splitlines()


@pytest.mark.browser
def test_with_chromium_browser_tests_run_and_nothing_is_said(tmp_path) -> None:
    run = run_pytest(tmp_path, chromium=True, FUTURESOCIAL_REQUIRE_BROWSER="1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout and "not run" not in run.stdout


def test_ci_installs_chromium_when_missing_and_requires_it_before_the_tests() -> None:
    script = (PROJECT / ".ci" / "run").read_text()
    install = script.index("apt-get install -y -qq chromium chromium-driver")
    require = script.index("export FUTURESOCIAL_REQUIRE_BROWSER=1")
    assert "if [ ! -x /usr/bin/chromium ]" in script
    assert install < require < script.index("make --no-print-directory test")


@pytest.mark.browser
def test_a_browser_test_that_leaves_a_page_it_visited_unchecked_fails(tmp_path) -> None:
    run = run_pytest(tmp_path, chromium=True, example=UNCHECKED)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 passed, 1 error" in run.stdout  # the test itself passed; its teardown failed
    assert "ERROR at teardown of test_leaves_a_page_unchecked" in run.stdout
    assert "visited without assert_accessible after loading: data:text/html" in run.stdout
