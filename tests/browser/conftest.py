"""Browser journeys: Playwright drives Debian's Chromium against a live server; axe-core checks every page."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_FILE_PATH, AxeResults

# Playwright's sync API runs an event loop in the test thread; the ORM calls in fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Only the violations come back: with every rule's passes too, each check carried the whole page's nodes to Python.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
AXE_RUN = f"axe.run({json.dumps(AXE_OPTIONS)})"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for candidate in (
        os.environ.get("CAREMARKET_CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Chromium is missing: install Debian's 'chromium' package (make test installs it when run as root).")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_FLAGS}


class Journey:
    """A person's way through the service. Every page it lands on is checked with axe (WCAG 2.2 A and AA)."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        results = AxeResults(self.page.evaluate(AXE_RUN))
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        # two elements with one id send a label, an error link or a skip link to the wrong one (axe 4 no longer
        # checks it): two forms on a page each need their own ids
        duplicates = self.page.evaluate(
            "() => { const seen = {}; for (const e of document.querySelectorAll('[id]')) "
            "{ seen[e.id] = (seen[e.id] || 0) + 1; } return Object.keys(seen).filter(k => seen[k] > 1); }"
        )
        assert duplicates == [], f"{self.page.url}: ids used twice: {duplicates}"
        self.checked.append(self.page.url)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def click(self, selector: str | None = None, *, role: str | None = None, name: str | None = None) -> None:
        target = self.page.get_by_role(role, name=name, exact=True) if role else self.page.locator(selector)
        with self.page.expect_navigation():
            target.first.click()
        self.check()

    def sign_in(self, email: str, password: str) -> None:
        self.goto("/account/sign-in/")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.click(role="button", name="Sign in")


@pytest.fixture
def journey(page, live_server, transactional_db):
    # axe-core loads with every page the browser opens, rather than being sent over on each check (a third of the
    # checks' time went on sending it)
    page.context.add_init_script(path=AXE_FILE_PATH)
    return Journey(page, live_server.url)
