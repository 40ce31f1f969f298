"""Browser tests: the pages in the system Chromium, driven by Playwright, against a live server.

What is set up here:

- the whole directory skips, saying why, when /usr/bin/chromium is missing (Playwright's own
  browser download is never used);
- Playwright runs only while this package's tests run: its sync API keeps an asyncio loop marked
  as running in the main thread, so Django refuses ORM calls there (SynchronousOnlyOperation).
  DJANGO_ALLOW_ASYNC_UNSAFE is set for that time only, and Playwright is stopped at the end of the
  package, so tests collected after these see neither the loop nor the variable;
- the pages are served by pytest-django's `live_server` (transactional database) with the demo
  data of `manage.py seed_demo`, which every test seeds afresh (about a second: passwords are
  hashed with the tests' fast hasher);
- the browser speaks Vietnamese (Accept-Language vi-VN), as the offices' browsers do, and lives
  in the office's time zone;
- `problems` fails a test on a console error, an uncaught exception in the page, a Content
  Security Policy violation, a response ≥ 500, or a 4xx response the test did not expect;
- `screenshot(page, name)` saves full-page PNGs under
  var/test-artifacts/browser/<test name>/<NN-name>.png (DOCREG_ARTIFACTS_DIR replaces
  var/test-artifacts), the artifacts the acceptance flow leaves behind;
- `login(page, username)` and `logout(page)` go through the real login form and header button.
"""

import io
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections
from django.utils import translation
from playwright.sync_api import (
    Browser,
    BrowserType,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    ViewportSize,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = "needs Chromium at /usr/bin/chromium (Debian package chromium)"
HERE = Path(__file__).resolve().parent

# The password every demo account gets in these tests.
PASSWORD = "Mật-khẩu-trình-duyệt-1"

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 740}

# Reported by the page itself: Chromium also logs these to the console, but the event says
# exactly which directive refused what, whatever the console wording.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content-Security-Policy violation: ${event.violatedDirective}`
    + ` refused ${event.blockedURI || "inline code"} at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of [45]\d\d")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test here is marked `browser` (`-m "not browser"` leaves them out); without the
    system Chromium they skip, with the reason."""
    skip = None if CHROMIUM.exists() else pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)
            if skip is not None:
                item.add_marker(skip)


def vi(message: str) -> str:
    """The Vietnamese the pages show for an English msgid; a missing translation fails the test,
    since every page must read in Vietnamese by default."""
    with translation.override("vi"):
        text = translation.gettext(message)
    assert text != message, f"No Vietnamese translation for {message!r}"
    return text


def field(label: str) -> re.Pattern[str]:
    """A form field's label as the page writes it: the text, then the required mark if any."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


# ------------------------------------------------------------------ Playwright for this package only


@pytest.fixture(scope="package")
def _orm_beside_playwright() -> Iterator[None]:
    """Django may use the ORM in the test thread while Playwright's loop is marked as running there
    (test code, seeding, the transactional database's flush); the variable goes away with the loop."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def playwright(_orm_beside_playwright: None, django_db_setup: None) -> Iterator[Playwright]:
    """pytest-playwright's, but stopped when this package's tests are done (its own lives as long
    as the session and would leave the loop running for every test collected after these).

    While the loop runs, Django hands the main thread other connection objects (its connections
    are thread-critical asgiref Locals, kept per context once a loop runs): they get the copy of
    the migrated database that the test database's creation left on the first ones, so that the
    serialized rollback of the transactional tests can put it back."""
    serialized = {
        alias: connections[alias]._test_serialized_contents  # type: ignore[attr-defined]
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    pw = sync_playwright().start()
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright) -> BrowserType:
    return playwright.chromium


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """The system Chromium. Playwright starts it without the setuid sandbox already (its default
    chromium_sandbox=False), which is what running as root needs; no extra arguments."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args: dict[str, Any], browser_type: BrowserType) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server: Any) -> dict[str, Any]:
    return {
        "base_url": live_server.url,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": DESKTOP,
    }


# ------------------------------------------------------------------ the application under test


@pytest.fixture
def demo(
    django_db_serialized_rollback: None, transactional_db: Any, live_server: Any, settings: Any, tmp_path: Path
) -> str:
    """The demo data (organizations, registers, documents, accounts, obligations), seeded through
    the services; uploaded files go to a temporary folder. Returns the accounts' password.

    The live server needs committed rows, hence the transactional database; its flush after each
    test would also take the document types the migrations insert, which the serialized rollback
    puts back for the next test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())
    return PASSWORD


class BrowserProblems:
    """What went wrong in the pages a test drives: console errors, uncaught exceptions, CSP
    violations, server errors and unexpected 4xx responses, each with the page it happened on."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.expected_statuses: set[int] = set()

    def watch(self, page: Page) -> Page:
        page.add_init_script(CSP_LISTENER)
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.found.append(f"uncaught exception on {page.url}: {error}"))
        page.on("response", self._response)
        return page

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.found.append(f"CSP violation on {page.url}: {text}")
            return
        if message.type != "error":
            return
        if FAILED_LOAD.search(text):
            # An answer ≥ 400: the response listener judges it, knowing its address and what the
            # test expects.
            return
        self.found.append(f"console error on {page.url}: {text}")

    def _response(self, response: Response) -> None:
        status = response.status
        if status >= 500:
            self.found.append(f"server error {status} for {response.request.method} {response.url}")
        elif status >= 400 and status not in self.expected_statuses:
            self.found.append(f"unexpected {status} for {response.request.method} {response.url}")

    @contextmanager
    def expecting(self, *statuses: int) -> Iterator[None]:
        """Within the block these 4xx answers are what the test asks for."""
        before = set(self.expected_statuses)
        self.expected_statuses.update(statuses)
        try:
            yield
        finally:
            self.expected_statuses = before

    def check(self, where: str = "") -> None:
        """Fails the test with everything found so far."""
        if self.found:
            found, self.found = self.found, []
            pytest.fail(f"Browser problems{f' ({where})' if where else ''}:\n  " + "\n  ".join(found))


@pytest.fixture
def problems() -> Iterator[BrowserProblems]:
    watcher = BrowserProblems()
    yield watcher
    watcher.check("at the end of the test")


@pytest.fixture
def page(context: Any, problems: BrowserProblems, demo: str) -> Page:
    """pytest-playwright's page, watched for problems, on the seeded live server."""
    context.set_default_timeout(10_000)
    return problems.watch(context.new_page())


# ------------------------------------------------------------------ artifacts


def artifacts_root() -> Path:
    configured = os.environ.get("DOCREG_ARTIFACTS_DIR", "").strip()
    base = Path(configured) if configured else Path(django_settings.BASE_DIR) / "var" / "test-artifacts"
    return base / "browser"


class Screenshots:
    """Full-page PNGs of one test, numbered in the order taken."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[Path] = []
        shutil.rmtree(folder, ignore_errors=True)

    def __call__(self, page: Page, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
        path = self.folder / f"{len(self.taken) + 1:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshots:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    return Screenshots(artifacts_root() / name)


# ------------------------------------------------------------------ signing in and out


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login form, as a person would, and waits for the landing page."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button").click()
    assert "/accounts/login/" not in page.url, f"{username} could not log in: {page.locator('main').inner_text()}"


def logout(page: Page) -> None:
    """The header's log-out button (a POST form); the login page comes back."""
    with page.expect_navigation():
        page.locator(".site-header").get_by_role("button", name=vi("Log out")).click()
    assert "/accounts/login/" in page.url, page.url
    assert page.locator(".site-nav").count() == 0
