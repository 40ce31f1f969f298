"""Every page of the main navigation, tried as a new user of each role would: log in, click each
menu link, the pages those lead to next (FOLLOW: a document, a register's book, an obligation, a
drill-down, a task and its receipt…) and the account link (password change), at a desktop and at
a phone width.

On each page: answered 200, no console error, uncaught exception or CSP violation, the page in
Vietnamese (`<html lang="vi">` and no English UI words left in what it shows or reads out), one
visible `<h1>`, the site's menu, nothing wider than the screen, and a label for every field; the
menu's labels each on one line. Each page leaves a screenshot per width under
var/test-artifacts/browser/<test>/. The problems of all pages are listed together at the end.

Also: the footer's language switch turns the pages into English and back; what a user may not
do or see (403, 404) still answers with a Vietnamese page of the site; and the watch on the
browser (conftest `problems`) does catch what these checks rely on.

One seeded database per test: a test per role goes through all of its pages at both widths."""

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, ViewportSize, expect

from core.navigation import MENUS, NavItem
from recipients.models import Role
from tests.browser.conftest import DESKTOP, PHONE, BrowserProblems, Screenshots, login, logout, vi

# The live server needs committed rows; transactional tests run after the others (pytest-django
# orders them by this mark), and the serialized rollback gives the next one the migrations' rows back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ACCOUNTS = {
    "clerk": ("vanthu", Role.CLERK),
    "leader": ("lanhdao", Role.LEADER),
    "reporter": ("huyen_rach_gia", Role.REPORTER),
    "admin": ("admin", Role.ADMIN),  # the superuser, of no organization: the clerk's menu and the admin
}
WIDTHS: dict[str, ViewportSize] = {"desktop": DESKTOP, "phone": PHONE}

# From a menu page, the pages one reaches next, as links (first match of each address pattern in
# the page's content) followed one after the other; each chain starts again from the menu page.
FOLLOW: dict[str, list[list[str]]] = {
    "/today/": [[r"^/documents/\d+/edit/$"]],
    "/documents/": [[r"^/documents/\d+/$"]],
    "/registers/": [[r"^/registers/\d+/\?year=\d{4}$"], [r"^/registers/imports/$"]],
    "/obligations/": [[r"^/obligations/\d+/$"]],
    "/compliance/": [[r"^/compliance/obligations/\d+/$"], [r"^/compliance/organizations/\d+/$"]],
    "/tasks/": [[r"^/tasks/\?show=all$", r"^/tasks/\d+/$", r"^/submissions/\d+/receipt/$"]],
}

# English words of the templates' UI that must not be left in a Vietnamese page (whole words,
# any case). The pages' data (organizations, subjects, names) is Vietnamese anyway.
ENGLISH_WORDS = (
    "Search",
    "Save",
    "Register",
    "Registers",
    "Submit",
    "Document",
    "Documents",
    "Due",
    "Status",
    "Cancel",
    "Export",
    "Log out",
    "Log in",
    "Obligation",
    "Obligations",
    "Pending",
    "Overdue",
    "Draft",
    "Issued",
    "Issue",
    "Next",
    "Previous",
    "Page",
    "Select",
    "Choose",
    "Today",
    "Reports",
    "Reporting",
    "Filter",
    "Apply",
    "Subject",
    "Incoming",
    "Outgoing",
    "Received",
    "Organization",
    "Organizations",
    "Password",
    "Change",
    "Language",
    "Skip to content",
    "Accepted",
    "Returned",
    "Late",
    "On time",
    "days left",
    "days late",
    "Compliance",
    "Progress",
    "Summary",
    "Download",
    "Upload",
    "Print",
    "Edit",
    "Add",
    "Remove",
    "None",
    "Nothing",
    "Showing",
    "results",
    "Required",
    "Optional",
    "Not Found",
    "Forbidden",
    "Server Error",
)
ENGLISH = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in ENGLISH_WORDS) + r")(?!\w)", re.IGNORECASE)

# What a page shows and reads out: its visible text, its title, and the text of attributes that
# screen readers and tooltips use.
PAGE_TEXT = """() => [
  document.title,
  document.body.innerText,
  ...[...document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")].flatMap(
    (el) => ["aria-label", "title", "placeholder", "alt"].map((name) => el.getAttribute(name) || "")),
].join("\\n")"""

# Fields a person fills in or chooses, without a label that names them.
UNLABELLED_FIELDS = """() => {
  const named = (el) => {
    if ([...(el.labels || [])].some((label) => label.textContent.trim())) return true;
    if ((el.getAttribute("aria-label") || "").trim()) return true;
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    return ids.some((id) => (document.getElementById(id)?.textContent || "").trim());
  };
  return [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => !["hidden", "submit", "button", "reset", "image"].includes(el.type))
    .filter((el) => !named(el))
    .map((el) => el.outerHTML.slice(0, 200));
}"""

# Menu labels broken over several lines (each line of a wrapped text is a rectangle of its own).
WRAPPED_MENU_LABELS = """() => [...document.querySelectorAll(".site-nav a")].filter((link) => {
  const range = document.createRange();
  range.selectNodeContents(link);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1;
}).map((link) => link.textContent.trim())"""

# Elements that stick out to the right of the window (horizontal scrolling of the whole page).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`
      + ` right=${Math.round(el.getBoundingClientRect().right)}`);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide};
}"""


def menu(role: str) -> list[tuple[str, str]]:
    """The role's menu as the page must show it: (path, Vietnamese label)."""
    items: tuple[NavItem, ...] = MENUS[ACCOUNTS[role][1]]
    with translation.override("vi"):
        return [(reverse(item.url_name), str(item.label)) for item in items]


def page_faults(page: Page, problems: BrowserProblems, response: Any, where: str, *, status: int = 200) -> list[str]:
    """Everything wrong with the page the browser shows, each prefixed with where it was."""
    assert response is not None, f"{where}: no response"
    assert response.status == status, f"{where}: answered {response.status}, not {status}"
    page.wait_for_load_state("load")
    faults = [*problems.found]
    problems.found.clear()
    if page.locator("html").get_attribute("lang") != "vi":
        faults.append(f'<html lang="{page.locator("html").get_attribute("lang")}">')
    if page.locator(".site-header .site-nav").count() != 1:
        faults.append("no menu: the page is not one of the site's pages")
    headings = page.locator("h1")
    if headings.count() != 1 or not headings.first.is_visible():
        faults.append(f"{headings.count()} <h1> instead of one visible <h1>")
    unlabelled = page.evaluate(UNLABELLED_FIELDS)
    if unlabelled:
        faults.append("fields without a label: " + "; ".join(unlabelled))
    english = sorted({match.group(0) for match in ENGLISH.finditer(page.evaluate(PAGE_TEXT))})
    if english:
        faults.append(f"English left in the Vietnamese page: {english}")
    overflow = page.evaluate(OVERFLOW)
    if overflow["scrollWidth"] > overflow["innerWidth"] + 1:
        faults.append(f"wider than the screen: {overflow}")
    return [f"{where}: {fault}" for fault in faults]


def origin(page: Page) -> str:
    return re.sub(r"^(https?://[^/]+).*$", r"\1", page.url)


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def open_menu(page: Page, index: int, expected: list[tuple[str, str]], where: str) -> Any:
    """Clicks the menu's item `index`, after checking the menu is the role's, in its order."""
    links = page.locator(".site-nav").get_by_role("link")
    expect(links, where).to_have_text([label for _path, label in expected])
    with page.expect_navigation() as navigation:
        links.nth(index).click()
    assert page.url.endswith(expected[index][0]), f"{where}: went to {page.url}"
    expect(links.nth(index), where).to_have_attribute("aria-current", "page")
    return navigation.value


def follow(page: Page, pattern: str, where: str) -> Any:
    """Clicks the first link of the page's content whose address matches, and returns the answer
    to it (a page, or the partial htmx swaps in and pushes the address of); None without a link."""
    hrefs: list[str] = page.eval_on_selector_all("main a[href]", "links => links.map((a) => a.getAttribute('href'))")
    href = next((href for href in hrefs if re.search(pattern, href)), None)
    if href is None:
        return None
    target = origin(page) + href
    with page.expect_response(lambda response: response.url == target) as answer:
        page.locator(f"main a[href='{href}']").first.click()
    page.wait_for_url(target)
    page.wait_for_load_state("load")
    assert answer.value.status < 400, f"{where}: {href} answered {answer.value.status}"
    return answer.value


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_menu_page(role: str, page: Page, problems: BrowserProblems, screenshot: Screenshots) -> None:
    username, _role = ACCOUNTS[role]
    expected = menu(role)
    login(page, username)
    # A user lands on the first page of their menu.
    expect(page).to_have_url(re.compile(re.escape(expected[0][0]) + "$"))
    faults: list[str] = []
    for width_name, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        for index, (path, label) in enumerate(expected):
            where = f"{role} at {width_name} width, menu item {index + 1} “{label}” ({path})"
            response = open_menu(page, index, expected, where)
            faults += page_faults(page, problems, response, where)
            screenshot(page, f"{width_name}-{slug(path)}")
            if index == 0:
                # The header is the same on every page: its menu reads as one line per label.
                wrapped = page.evaluate(WRAPPED_MENU_LABELS)
                if wrapped:
                    faults.append(f"{role} at {width_name} width: menu labels broken over several lines: {wrapped}")
            for number, chain in enumerate(FOLLOW.get(path, [])):
                if number:
                    open_menu(page, index, expected, where)
                for pattern in chain:
                    step = f"{role} at {width_name} width, from {page.url.removeprefix(origin(page))}"
                    response = follow(page, pattern, step)
                    if response is None:
                        faults.append(f"{step}: no link to {pattern}")
                        break
                    here = page.url.removeprefix(origin(page))
                    faults += page_faults(page, problems, response, f"{step} to {here}")
                    screenshot(page, f"{width_name}-{slug(here)}")
        where = f"{role} at {width_name} width, the password page"
        with page.expect_navigation() as navigation:
            page.locator(".site-header").get_by_role("link", name=vi("Password"), exact=True).click()
        assert page.url.endswith(reverse("password_change")), where
        faults += page_faults(page, problems, navigation.value, where)
        screenshot(page, f"{width_name}-password")
    logout(page)
    assert not faults, f"{len(faults)} problems in the pages of the {role}:\n  " + "\n  ".join(faults)


@pytest.mark.slow
def test_language_switch(page: Page, problems: BrowserProblems, screenshot: Screenshots) -> None:
    """The footer's switch turns the pages into English and back; the menu follows."""
    login(page, "lanhdao")
    nav = page.locator(".site-nav").get_by_role("link")
    expect(nav).to_have_text([label for _path, label in menu("leader")])
    with translation.override("en"):
        english_menu = [str(item.label) for item in MENUS[Role.LEADER]]
    assert english_menu != [label for _path, label in menu("leader")]
    landing = page.url

    page.get_by_label(vi("Language"), exact=True).select_option("en")
    with page.expect_navigation():
        page.locator(".language-form").get_by_role("button").click()
    assert page.url == landing, "the switch brings the user back to the same page"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav).to_have_text(english_menu)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reporting compliance")
    expect(page.locator(".site-header").get_by_role("button")).to_have_text("Log out")
    screenshot(page, "english")
    problems.check("after switching to English")

    # Other pages stay in English until switched back.
    with page.expect_navigation():
        nav.nth(1).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language", exact=True).select_option("vi")
    with page.expect_navigation():
        page.locator(".language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(nav).to_have_text([label for _path, label in menu("leader")])
    screenshot(page, "vietnamese-again")


@pytest.mark.slow
def test_refusals_are_pages_of_the_site(page: Page, problems: BrowserProblems, screenshot: Screenshots) -> None:
    """What a user may not do or see still answers with a page of the site, in Vietnamese, with the
    menu to go on from: a clerk's page opened by a district reporter (403), and an address of
    nothing they can see (404, e.g. an old link)."""
    login(page, "huyen_rach_gia")
    faults: list[str] = []
    with problems.expecting(403):
        response = page.goto("/today/")
        faults += page_faults(page, problems, response, "a reporter on the clerk's day (/today/)", status=403)
        expect(page.locator("main")).to_contain_text(
            vi("These pages are for the clerks (văn thư) who keep the registers.")
        )
    screenshot(page, "forbidden")
    with problems.expecting(404):
        response = page.goto("/documents/999999999/")
        faults += page_faults(
            page, problems, response, "a document that does not exist (/documents/999999999/)", status=404
        )
    screenshot(page, "not-found")
    problems.check("refusals")
    assert not faults, f"{len(faults)} problems in the refusals:\n  " + "\n  ".join(faults)


def test_the_watch_catches_what_it_must(page: Page, problems: BrowserProblems) -> None:
    """The checks above rely on `problems`: it must see a CSP violation, an uncaught exception, a
    console error, a server error and an unexpected 4xx, and let an expected 4xx through."""
    page.goto("/accounts/login/")
    assert not problems.found
    page.evaluate("document.body.setAttribute('style', 'color: red')")  # an inline style: refused
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
    }""")
    assert page.evaluate("window.inlineRan === undefined"), "the policy let an inline script run"
    page.evaluate("setTimeout(() => { throw new Error('boom in the page'); })")
    page.evaluate("console.error('an error in the console')")
    page.route("**/broken/", lambda route: route.fulfill(status=500, body="broken"))
    page.goto("/broken/")
    with problems.expecting(404):
        page.goto("/missing-but-expected/")
    page.goto("/missing/")
    page.wait_for_timeout(200)
    found = "\n".join(problems.found)
    problems.found.clear()
    for expected in (
        "CSP violation",
        "style-src",
        "script-src",
        "uncaught exception",
        "boom in the page",
        "console error",
        "an error in the console",
        "server error 500 for GET",
        "/broken/",
        "unexpected 404 for GET",
        "/missing/",
    ):
        assert expected in found, f"{expected!r} not reported in:\n{found}"
    assert "/missing-but-expected/" not in found, found
