"""The load test's simulated people (run by loadtest/run.py; see README, Load test).

Clerks list, search and read documents, draft and issue documents and
dispatch them; leaders read the compliance dashboards and document lists;
district reporters read their obligations and inbox and answer with a small
PDF. Each simulated person has an account of its own (loadtest/seed.py) and
signs in once, through POST /api/v1/auth/token/.

The server runs with loadtest/settings.py, whose cheap password hash keeps
the sign-ins from dominating the run.

Environment: LOADTEST_ACCOUNTS (the JSON file seed.py wrote) and
LOADTEST_PASSWORD.
"""

import json
import os
import random
from typing import Any

from locust import HttpUser, between, task

with open(os.environ["LOADTEST_ACCOUNTS"], encoding="utf-8") as _file:
    ACCOUNTS: dict[str, list[str]] = json.load(_file)
PASSWORD = os.environ["LOADTEST_PASSWORD"]
# Each simulated person takes the next account of its role: no two sign in as one.
_unused = {role: iter(usernames) for role, usernames in ACCOUNTS.items()}

REPORT_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
# Picks what to read or answer next; not a secret.
rng = random.Random()  # noqa: S311
SEARCHES = ["tuyên truyền", "ke hoach", "nghi quyet", "báo cáo", "Chỉ thị", "tong ket"]


def _problem(response: Any) -> str:
    if response.status_code == 0:  # no HTTP answer: the connection failed
        return f"no answer: {response.error!r}"
    return f"{response.status_code}: {response.text[:200]}"


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        username = next(_unused[self.role])  # StopIteration: seed.py made fewer accounts than users
        token = self.post("/api/v1/auth/token/", "auth: token", 200, json={"username": username, "password": PASSWORD})
        if token is None:
            raise RuntimeError(f"{username} could not sign in")
        self.client.headers["Authorization"] = f"Token {token['token']}"
        self.me = self.get("/api/v1/me/", "me")

    def get(self, path: str, name: str, **params: Any) -> Any:
        with self.client.get(path, params=params or None, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(_problem(response))
                return {}
            return response.json()

    def post(self, path: str, name: str, expect: int, **kwargs: Any) -> Any:
        with self.client.post(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != expect:
                response.failure(_problem(response))
                return None
            return response.json()


class Clerk(Person):
    role = "clerk"
    weight = 5

    def on_start(self) -> None:
        super().on_start()
        organization = self.me["organization"]["id"]
        registers = self.get("/api/v1/registers/", "registers: list", direction="outgoing")["results"]
        self.register = next(r["id"] for r in registers if r["owner"] == organization and r["is_active"])
        districts = self.get("/api/v1/organizations/", "organizations: list", level="district")["results"]
        self.recipients = [o["id"] for o in districts[:10]]
        self.document_ids: list[int] = []

    @task(4)
    def list_documents(self) -> None:
        page = self.get("/api/v1/documents/", "documents: list", register=self.register, page=rng.randint(1, 5))
        self.document_ids = [d["id"] for d in page.get("results", [])] or self.document_ids

    @task(2)
    def search_documents(self) -> None:
        self.get("/api/v1/documents/", "documents: search", q=rng.choice(SEARCHES))

    @task(3)
    def read_document(self) -> None:
        if self.document_ids:
            self.get(f"/api/v1/documents/{rng.choice(self.document_ids)}/", "documents: detail")

    @task(2)
    def draft_issue_and_dispatch(self) -> None:
        draft = self.post(
            "/api/v1/documents/",
            "documents: create draft",
            201,
            json={
                "register": self.register,
                "doc_type": "CV",
                "subject": "Đề nghị báo cáo số liệu phục vụ thử tải",
                "body": "Đề nghị các đơn vị báo cáo.",
                "signer_name": "Đỗ Minh Tuấn",
                "signer_title": "PHÓ TRƯỞNG BAN",
                "addressees": [{"organization": o} for o in rng.sample(self.recipients, 2)],
            },
        )
        if draft is None:
            return
        issued = self.post(f"/api/v1/documents/{draft['id']}/issue/", "documents: issue", 200, json={})
        if issued is not None and rng.random() < 0.5:
            self.post(
                f"/api/v1/documents/{draft['id']}/dispatch/", "documents: dispatch", 200, json={"channel": "electronic"}
            )


class Leader(Person):
    role = "leader"
    weight = 2

    @task(3)
    def compliance(self) -> None:
        self.get("/api/v1/compliance/", "compliance: rows")

    @task(2)
    def compliance_by_obligation(self) -> None:
        self.get("/api/v1/compliance/obligations/", "compliance: obligations")

    @task(2)
    def compliance_by_organization(self) -> None:
        self.get("/api/v1/compliance/organizations/", "compliance: organizations")

    @task(2)
    def overdue(self) -> None:
        self.get("/api/v1/compliance/overdue/", "compliance: overdue")

    @task(2)
    def documents(self) -> None:
        self.get("/api/v1/documents/", "documents: list", direction="outgoing")

    @task(1)
    def notifications(self) -> None:
        self.get("/api/v1/notifications/", "notifications: list")


class Reporter(Person):
    role = "reporter"
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        rows = self.get("/api/v1/compliance/", "compliance: rows")["results"]
        # Nobody accepts reports during the run, so these stay open to answer.
        self.open_obligations = [row["obligation"] for row in rows if row["status"] != "accepted"]

    @task(4)
    def obligations(self) -> None:
        self.get("/api/v1/obligations/", "obligations: list")

    @task(2)
    def inbox(self) -> None:
        self.get("/api/v1/deliveries/", "deliveries: inbox", mine="true")

    @task(2)
    def own_status(self) -> None:
        self.get("/api/v1/compliance/", "compliance: rows")

    @task(1)
    def submit_report(self) -> None:
        if not self.open_obligations:
            return
        obligation = rng.choice(self.open_obligations)
        self.post(
            f"/api/v1/obligations/{obligation}/submissions/",
            "submissions: submit",
            201,
            files={"file": ("bao-cao.pdf", REPORT_PDF, "application/pdf")},
            data={"note": "Báo cáo gửi trong thử tải"},
        )
