"""Browser journeys: Playwright driving Debian's Chromium, with axe-core.

They need /usr/bin/chromium (Debian's `chromium` package; .ci/run installs
it). Without it they are skipped with that reason, except on CI, where a
missing browser is a failure.
"""

import functools
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("KITH_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium package to run "
            f"browser journeys"
        )
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls made by the tests themselves are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Chromium enforces each page's Content-Security-Policy and fires this event
# for whatever it refuses; the init script listens from each page's start.
_LISTEN_FOR_CSP_VIOLATIONS = (
    "document.addEventListener('securitypolicyviolation', (e) => "
    "window.kithCspViolation(`${location.pathname}: ${e.violatedDirective} "
    "refused ${e.blockedURI || 'inline code'} (${e.sourceFile}:${e.lineNumber})`));"
)


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser refused under the Content-Security-Policy during a
    journey; every journey ends with none."""
    return []


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")

    def report(text: str) -> None:
        csp_violations.append(text)

    context.expose_function("kithCspViolation", report)
    context.add_init_script(_LISTEN_FOR_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert csp_violations == [], "the Content-Security-Policy refused something"


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return WCAG 2.2 A/AA violations."""
    # Evaluated rather than added as a <script>: the page's
    # Content-Security-Policy refuses inline scripts, and Playwright's own
    # evaluation is not subject to it.
    page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: "
        "tags}})",
        WCAG_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [node["target"] for node in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


@pytest.fixture
def check_accessibility():
    checked: list[str] = []

    def check(page):
        violations = axe_violations(page)
        checked.append(page.url)
        assert violations == [], f"{page.url}: {violations}"

    check.checked = checked
    return check


@pytest.fixture
def demo(transactional_db):
    """The demo locality, loaded afresh for each journey."""
    from kith.site.demo import demo_load
    from tests.browser.signing_in import forget_codes

    demo_load()
    forget_codes()
