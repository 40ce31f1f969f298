"""The acceptance flow of issue 6, through the pages only, in Vietnamese (the default):

a) the clerk writes a plan whose body states a reporting deadline, addressed to three district
   committees chosen with the search picker, saves it and issues it;
b) from the document page creates the reporting obligation from that deadline;
c) one district's reporter finds it under "Việc cần báo cáo", sends a PDF and gets the receipt;
d) the leader sees on the compliance dashboard one organization reported and two still to come,
   and opens the obligation.

After seeding, everything is typed and clicked in the browser; each step leaves a screenshot
under var/test-artifacts/browser/<test>/ and must raise no browser problem."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from core.time import office_today
from tests.browser.conftest import BrowserProblems, Screenshots, field, login, logout, vi

# The live server needs committed rows; transactional tests run after the others (pytest-django
# orders them by this mark), and the serialized rollback gives the next one the migrations' rows back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The three district committees the plan goes to: what the clerk types (no diacritics), and the
# name the directory shows; the reporter of the first one answers.
DISTRICTS = [
    ("hon dat", "Huyện ủy Hòn Đất"),
    ("tan hiep", "Huyện ủy Tân Hiệp"),
    ("go quao", "Huyện ủy Gò Quao"),
]
REPORTER = "huyen_hon_dat"
SUBJECT = "Kế hoạch tuyên truyền kỷ niệm 80 năm Ngày Tổng tuyển cử đầu tiên bầu Quốc hội Việt Nam"
# A minimal PDF: the upload check reads the content (the %PDF- signature), not the file name.
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer\n<<>>\n%%EOF\n"


def vi_count(singular: str, plural: str, number: int, **values: object) -> str:
    """A Vietnamese ngettext/blocktranslate-count message, its placeholders filled in."""
    with translation.override("vi"):
        text = translation.ngettext(singular, plural, number)
    assert text not in (singular, plural), f"No Vietnamese translation for {singular!r}"
    return text % values


def day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def notice(page: Page, kind: str = "success") -> Locator:
    return page.locator(f".messages .notice--{kind}")


def check_step(page: Page, problems: BrowserProblems, screenshot: Screenshots, name: str) -> None:
    """The end of a step: its screenshot, and nothing wrong in the browser so far."""
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    screenshot(page, name)
    problems.check(name)


@pytest.mark.slow
def test_plan_obligation_report_compliance(
    page: Page, problems: BrowserProblems, screenshot: Screenshots, tmp_path: Path
) -> None:
    today = office_today()
    stated = today + datetime.timedelta(days=10)
    due = stated - datetime.timedelta(days=1)  # "trước ngày X": the day before X is the last day on time
    days_left = (due - today).days
    deadline_sentence = f"gửi báo cáo về Ban Tuyên giáo Tỉnh ủy trước ngày {day(stated)}"
    body = (
        "Ban Thường vụ các huyện ủy, thành ủy chỉ đạo tổ chức tuyên truyền sâu rộng trong cán bộ, "
        "đảng viên và nhân dân về ý nghĩa lịch sử của cuộc Tổng tuyển cử.\n"
        f"Các huyện ủy, thành ủy tổ chức thực hiện Kế hoạch này và {deadline_sentence}."
    )

    # a) The clerk writes the plan, picks the addressees, saves and issues it.
    login(page, "vanthu")
    expect(page).to_have_url(re.compile(r"/today/$"))
    nav = page.locator(".site-nav")
    nav.get_by_role("link", name=vi("New outgoing"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("New outgoing document"))
    expect(nav.get_by_role("link", name=vi("New outgoing"), exact=True)).to_have_attribute("aria-current", "page")
    check_step(page, problems, screenshot, "clerk-new-outgoing")

    page.get_by_label(field(vi("Document type"))).select_option(label="Kế hoạch (KH)")
    page.get_by_label(field(vi("Subject (trích yếu)"))).fill(SUBJECT)
    page.get_by_label(field(vi("Body"))).fill(body)
    search = page.get_by_label(field(vi("Search organizations and groups")))
    chosen = page.locator("#addressees-chosen")
    for typed, name in DISTRICTS:
        search.fill("")
        search.press_sequentially(typed, delay=30)
        results = page.locator("#addressees-results")
        add = results.get_by_role("button", name=re.compile(rf":\s*{re.escape(name)}$"))
        expect(add).to_be_visible()
        add.click()
        expect(chosen.get_by_label(name, exact=True)).to_be_checked()
    expect(chosen.locator("input[type=checkbox]:checked")).to_have_count(len(DISTRICTS))
    page.get_by_label(field(vi("Signer's title"))).fill("PHÓ TRƯỞNG BAN")
    page.get_by_label(field(vi("Signer's name"))).fill("Đỗ Minh Tuấn")
    page.get_by_label(field(vi("Drafting unit"))).fill("TTTT")
    check_step(page, problems, screenshot, "clerk-plan-filled-in")

    page.get_by_role("button", name=vi("Save draft")).click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    expect(notice(page)).to_contain_text(vi("The draft is saved. It gets its number when it is issued."))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Draft (not numbered yet)"))
    expect(page.locator(".document-subject")).to_have_text(SUBJECT)
    addressees = page.locator("#content-heading").locator("..").locator("ul.document-lines").first
    for _typed, name in DISTRICTS:
        expect(addressees).to_contain_text(name)
    document_url = page.url
    check_step(page, problems, screenshot, "clerk-draft-saved")

    page.get_by_role("button", name=vi("Issue: give it its number")).click()
    expect(page).to_have_url(document_url)
    issued = notice(page).locator(".issued-number")
    expect(issued).to_have_text(re.compile(r"^Số \d+-KH/BTGTU$"))
    notation = issued.inner_text().removeprefix("Số ")
    expect(page.get_by_role("heading", level=1)).to_have_text(notation)
    expect(notice(page)).to_contain_text(day(today))
    check_step(page, problems, screenshot, "clerk-plan-issued")

    # b) The obligation from the deadline the plan states, for the three districts (pre-ticked).
    page.get_by_role("link", name=vi("Create reporting obligations")).click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/obligations/new/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("New reporting obligations"))
    proposal = page.locator("#proposal-1")
    expect(proposal.locator("blockquote")).to_contain_text(deadline_sentence)
    expect(proposal).to_contain_text(day(due))
    expect(proposal.get_by_label(field(vi("Create this obligation")))).to_be_checked()
    expect(proposal.get_by_label(field(vi("Due date")))).to_have_value(due.isoformat())
    for _typed, name in DISTRICTS:
        expect(proposal.get_by_label(name, exact=True)).to_be_checked()
    expect(proposal.locator("input[type=checkbox][name$='-organizations']:checked")).to_have_count(len(DISTRICTS))
    title = proposal.get_by_label(field(vi("What must be reported"))).input_value()
    assert deadline_sentence in title
    check_step(page, problems, screenshot, "clerk-obligation-proposed")

    page.get_by_role("button", name=vi("Create the ticked obligations")).click()
    expect(page).to_have_url(re.compile(r"/obligations/\d+/$"))
    expect(notice(page)).to_contain_text(
        vi_count("%(count)d reporting obligation created.", "%(count)d reporting obligations created.", 1, count=1)
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assignments = page.locator("article.assignment")
    expect(assignments).to_have_count(len(DISTRICTS))
    left = vi_count("%(days)s day left", "%(days)s days left", days_left, days=days_left)
    for _typed, name in DISTRICTS:
        card = assignments.filter(has=page.get_by_role("heading", name=name, exact=True))
        expect(card.locator(".badge")).to_have_text(vi("Not yet due"))
        expect(card.locator(".assignment__due")).to_contain_text(day(due))
        expect(card.locator(".assignment__due")).to_contain_text(left)
    obligation_id = re.search(r"/obligations/(\d+)/$", page.url).group(1)  # type: ignore[union-attr]
    check_step(page, problems, screenshot, "clerk-obligation-created")
    logout(page)

    # c) The district's reporter answers it.
    login(page, REPORTER)
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Reports asked of your organization"))
    expect(page.locator(".site-nav [aria-current=page]")).to_have_text(vi("To report"))
    task = page.locator("article.task").filter(has=page.get_by_role("link", name=title, exact=True))
    expect(task).to_have_count(1)
    expect(task.locator(".badge")).to_have_text(vi("Not yet reported"))
    expect(task.locator(".task__when")).to_have_text(left)
    expect(task.locator("time")).to_have_text(day(due))
    expect(task).to_contain_text(notation)
    check_step(page, problems, screenshot, "reporter-tasks")

    task.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("blockquote")).to_contain_text(deadline_sentence)
    report = tmp_path / "bao-cao-tuyen-truyen.pdf"
    report.write_bytes(PDF)
    page.get_by_label(field(vi("Report files"))).set_input_files(report)
    page.get_by_label(field(vi("Number and notation of your report"))).fill("15-BC/HU")
    page.get_by_label(field(vi("Note"))).fill("Báo cáo kết quả tuyên truyền của Huyện ủy Hòn Đất.")
    check_step(page, problems, screenshot, "reporter-report-filled-in")

    page.locator("form.submit__form").get_by_role("button", name=vi("Send the report")).click()
    expect(page).to_have_url(re.compile(r"/submissions/\d+/receipt/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Report received"))
    arrival = page.locator(".receipt__number")
    expect(arrival).to_have_text(re.compile(r"^\d+$"))
    arrival_number = arrival.inner_text()
    expect(notice(page)).to_have_text(
        vi("Your report was received: arrival number %(number)s.") % {"number": arrival_number}
    )
    expect(page.locator(".receipt")).to_contain_text(vi("On time"))
    expect(page.locator(".receipt")).to_contain_text("bao-cao-tuyen-truyen.pdf")
    expect(page.locator(".receipt")).to_contain_text("15-BC/HU")
    expect(page.locator(".receipt__note")).to_have_text("Báo cáo kết quả tuyên truyền của Huyện ủy Hòn Đất.")
    check_step(page, problems, screenshot, "reporter-receipt")
    logout(page)

    # d) The leader's dashboard: one of the three has reported, two have not yet.
    login(page, "lanhdao")
    expect(page).to_have_url(re.compile(r"/compliance/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Reporting compliance"))
    row = page.locator("#obligations tbody tr").filter(has=page.get_by_role("link", name=title, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(notation)
    expect(row).to_contain_text(day(due))
    expect(row.locator(".legend")).to_contain_text(f"{vi('Reported on time')}: 1")
    expect(row.locator(".legend")).to_contain_text(f"{vi('Not yet due')}: 2")
    expect(row.get_by_role("img")).to_have_attribute("aria-label", re.compile(rf"{vi('Not yet due')}: 2"))
    check_step(page, problems, screenshot, "leader-dashboard")

    row.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/compliance/obligations/{obligation_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    organizations = page.locator("#organizations-heading").locator("..").locator("tbody tr")
    expect(organizations).to_have_count(len(DISTRICTS))
    reported = organizations.filter(has=page.get_by_role("link", name=DISTRICTS[0][1], exact=True))
    expect(reported.locator(".badge")).to_have_text(vi("Reported on time"))
    expect(reported).to_contain_text("15-BC/HU")
    expect(reported).to_contain_text(arrival_number)
    for _typed, name in DISTRICTS[1:]:
        waiting = organizations.filter(has=page.get_by_role("link", name=name, exact=True))
        expect(waiting.locator(".badge")).to_have_text(vi("Not yet due"))
    check_step(page, problems, screenshot, "leader-obligation")
