"""Browser-test helpers: the system Chromium driven by Playwright, axe-core's WCAG 2.2 AA rules on a page,
and the order keyboard focus takes through it.

Chromium is Debian's (`apt-get install chromium chromium-driver`), found through FUTURESOCIAL_CHROMIUM or on
PATH; Playwright never downloads a browser of its own. axe-core is the axe.min.js that axe-playwright-python
ships; this module injects it and runs it itself (axe_version() says which it is).
"""

import functools
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_MISSING = "browser tests not run: Chromium not found (apt-get install chromium chromium-driver)"
REQUIRE_BROWSER = "FUTURESOCIAL_REQUIRE_BROWSER"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the accessibility target (wcag22aa needs axe-core 4.7 or later).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def find_chromium() -> str | None:
    """FUTURESOCIAL_CHROMIUM when set (a path, or a name on PATH), else chromium or chromium-browser on PATH."""
    named = os.environ.get("FUTURESOCIAL_CHROMIUM")
    if named:
        return shutil.which(named)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_required() -> bool:
    return os.environ.get(REQUIRE_BROWSER, "").strip().lower() in {"1", "true", "yes"}


@functools.cache
def axe_script() -> str:
    """axe.min.js, read when first needed: the plugin loads this module in every run, browser or not."""
    from axe_playwright_python.base import AXE_FILE_PATH

    return Path(AXE_FILE_PATH).read_text(encoding="utf-8")


def axe_version() -> str:
    return re.search(r"axe v([\d.]+)", axe_script()[:200]).group(1)  # type: ignore[union-attr]


class AccessibilityViolations(AssertionError):
    """axe-core found WCAG A or AA violations; `violations` is axe's own list."""

    def __init__(self, url: str, violations: list[dict[str, Any]]) -> None:
        self.url = url
        self.violations = violations
        self.rule_ids = [violation["id"] for violation in violations]
        super().__init__(describe_violations(url, violations))


def describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [
        f"{len(violations)} accessibility violation(s) on {url} (axe-core {axe_version()}, {', '.join(WCAG_TAGS)}):"
    ]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
    return "\n".join(lines)


def run_axe(page, tags: tuple[str, ...] = WCAG_TAGS) -> dict[str, Any]:
    """axe-core's results for the page as it is now, limited to rules carrying one of `tags`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())  # evaluated through the DevTools protocol, so a page's CSP does not block it
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options)", options)


def assert_accessible(page, tags: tuple[str, ...] = WCAG_TAGS) -> dict[str, Any]:
    """Fail, listing every violation's rule id, impact, help and nodes, unless axe finds none; returns axe's
    results. Also marks the page as checked for the `browser_page` fixture (which fails a test that leaves a page it
    visited unchecked)."""
    results = run_axe(page, tags)
    _mark_checked(page)
    if results["violations"]:
        raise AccessibilityViolations(page.url, results["violations"])
    return results


# The `browser_page` fixture records each main-frame navigation here; assert_accessible clears it.
_unchecked: dict[int, list[str]] = {}


def track_navigations(page) -> list[str]:
    unchecked = _unchecked.setdefault(id(page), [])

    def navigated(frame) -> None:
        if frame == page.main_frame and frame.url != "about:blank":
            unchecked.append(frame.url)

    page.on("framenavigated", navigated)
    return unchecked


def untrack(page) -> list[str]:
    return _unchecked.pop(id(page), [])


def _mark_checked(page) -> None:
    if id(page) in _unchecked:
        _unchecked[id(page)].clear()


@dataclass(frozen=True)
class Focused:
    """One stop of keyboard focus: the element's tag and the name a person would know it by."""

    tag: str
    label: str


_DESCRIBE_FOCUS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const seen = (window.__futuresocialTabbed = window.__futuresocialTabbed || []);
  if (seen.includes(el)) return {repeat: true};
  seen.push(el);
  const text = s => (s || '').replace(/\\s+/g, ' ').trim();
  let label = text(el.getAttribute('aria-label'));
  if (!label && el.getAttribute('aria-labelledby')) {
    label = text(el.getAttribute('aria-labelledby').split(/\\s+/)
      .map(id => document.getElementById(id)).filter(Boolean).map(n => n.innerText).join(' '));
  }
  if (!label && el.labels && el.labels.length) label = text([...el.labels].map(n => n.innerText).join(' '));
  if (!label && el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA' && el.tagName !== 'SELECT') {
    label = text(el.innerText);
  }
  if (!label) label = text(el.getAttribute('value') || el.getAttribute('title') || el.getAttribute('alt'));
  return {tag: el.tagName.toLowerCase(), label};
}
"""

# Focus a throwaway element at the very start of the body and remove it: the next Tab starts from the top.
_FOCUS_FROM_TOP = """
() => {
  window.__futuresocialTabbed = [];
  if (document.activeElement) document.activeElement.blur();
  const start = document.createElement('span');
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
  start.remove();
}
"""


def tab_through(page, limit: int = 200) -> list[Focused]:
    """Press Tab from the top of the page until focus leaves the page or comes back round, and return each
    element focused on the way, in order. Journey tests assert on it that keyboard-only use works."""
    page.evaluate(_FOCUS_FROM_TOP)
    stops: list[Focused] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        described = page.evaluate(_DESCRIBE_FOCUS)
        if described is None or described.get("repeat"):
            return stops
        stops.append(Focused(described["tag"], described["label"]))
    raise AssertionError(f"focus never left {page.url} in {limit} presses of Tab (a keyboard trap?): {stops[-5:]}")
