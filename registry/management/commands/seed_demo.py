"""`manage.py seed_demo [--password P]`: the demo directory, registers, documents, accounts,
deliveries and reporting obligations.

The data lives in fixtures/demo/*.json, keyed by short names such as "kg.btgtu". Everything is
written through the services with the `admin` superuser as actor, so a demo database has the
audit trail of a real one. Each row is looked up by its natural key before it is created
(organization: name and parent; group and register: owner and name; document: register and
subject; account: username; obligation: document and title), so a second run writes nothing.
Passwords are set when an account is created, and on existing accounts only when --password is
given; nothing else of an existing account changes, its clearance included. Deliveries,
obligations and reports are seeded by _seed_obligations.
"""

import datetime
import hashlib
from collections import Counter
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.functional import cached_property

from core.errors import DomainError
from recipients.models import Clearance, Organization, RecipientGroup, Role, User
from recipients.services import group_create, organization_create, user_create, user_set_password
from registry.management.commands._seed_common import Record, load, need, one_line, pick, to_date
from registry.management.commands._seed_obligations import ObligationSeeder
from registry.models import Document, DocumentType, Register
from registry.services import (
    AddresseeInput,
    DistributionInput,
    ReferenceInput,
    document_create_draft,
    document_issue,
    register_create,
    register_set_opening_number,
)

DEFAULT_PASSWORD = "docreg-demo"
DRAFT_FIELDS = ("signer_name", "signer_title", "signer_authority", "drafting_unit")


class Seeder:
    """One run: the rows found or created so far, keyed as in the JSON files."""

    def __init__(self, password: str | None) -> None:
        self.password = password
        self.organizations: dict[str, Organization] = {}
        self.groups: dict[str, RecipientGroup] = {}
        self.registers: dict[str, Register] = {}
        self.documents: dict[str, Document] = {}
        self.passwords_set: dict[str, str] = {}
        self.created: Counter[str] = Counter()

    def run(self) -> list[User]:
        users = load("users")
        self.admin = self.superuser(users["superuser"])
        for section in load("organizations").values():
            for record in section:
                self.organization(record)
        for record in load("groups"):
            self.group(record)
        for record in load("registers"):
            self.register(record)
        for record in load("documents"):
            self.document(record)
        accounts = [self.admin, *(self.account(record) for record in users["accounts"])]
        # Last: receipts are recorded by the districts' accounts, and obligations notify them.
        ObligationSeeder(
            admin=self.admin,
            organizations=self.organizations,
            groups=self.groups,
            documents=self.documents,
            accounts={user.username: user for user in accounts},
            created=self.created,
        ).run(load("obligations"))
        return accounts

    @cached_property
    def password_hash(self) -> str:
        """One hash for every demo account. Hashing is slow on purpose (seconds
        each), and a salt derived from the password makes a rerun recognise an
        unchanged password by comparing hashes instead of hashing again."""
        password = self.password or DEFAULT_PASSWORD
        salt = hashlib.sha256(f"docreg-demo:{password}".encode()).hexdigest()[:22]
        return make_password(password, salt=salt)

    def superuser(self, record: Record) -> User:
        user = User.objects.filter(username=record["username"]).first()
        if user is not None:
            if not user.is_superuser:
                raise CommandError(f"The account “{user.username}” exists but is not a superuser; rename it first.")
            self.reset_password(user, actor=user)
            return user
        user = user_create(
            actor=None,
            username=record["username"],
            password_hash=self.password_hash,
            organization=None,
            role=Role.ADMIN,
            superuser=True,
            full_name=record.get("full_name", ""),
            job_title=record.get("job_title", ""),
        )
        self.passwords_set[user.username] = self.password or DEFAULT_PASSWORD
        self.created["accounts"] += 1
        return user

    def account(self, record: Record) -> User:
        user = User.objects.select_related("organization").filter(username=record["username"]).first()
        if user is not None:
            self.reset_password(user, actor=self.admin)
            return user
        user = user_create(
            actor=self.admin,
            username=record["username"],
            password_hash=self.password_hash,
            organization=need(self.organizations, record["organization"], "organization"),
            role=record["role"],
            full_name=record.get("full_name", ""),
            job_title=record.get("job_title", ""),
            clearance=record.get("clearance", Clearance.NORMAL),
        )
        self.passwords_set[user.username] = self.password or DEFAULT_PASSWORD
        self.created["accounts"] += 1
        return user

    def reset_password(self, user: User, *, actor: User) -> None:
        """Only an explicit --password touches an existing account, and only when it differs,
        so rerunning `make run` keeps passwords people changed."""
        if self.password is None or user.password == self.password_hash:
            return
        user_set_password(user=user, actor=actor, password_hash=self.password_hash)
        self.passwords_set[user.username] = self.password

    def organization(self, record: Record) -> None:
        parent = pick(self.organizations, record["parent"], "organization")
        name = one_line(record["name"])
        found = Organization.objects.filter(name=name, parent=parent).first()
        if found is None:
            found = organization_create(
                actor=self.admin,
                name=name,
                short_name=record["short_name"],
                abbreviation=record["abbreviation"],
                system=record["system"],
                level=record["level"],
                parent=parent,
                header_name=record["header_name"],
                header_parent_name=record["header_parent_name"],
                place=record["place"],
                active_from=to_date(record.get("active_from")),
            )
            self.created["organizations"] += 1
        self.organizations[record["key"]] = found

    def group(self, record: Record) -> None:
        owner = need(self.organizations, record["owner"], "organization")
        name = one_line(record["name"])
        found = RecipientGroup.objects.filter(owner=owner, name=name).first()
        if found is None:
            found = group_create(
                actor=self.admin,
                owner=owner,
                name=name,
                description=record.get("description", ""),
                members=[need(self.organizations, key, "organization") for key in record["members"]],
            )
            self.created["groups"] += 1
        self.groups[record["key"]] = found

    def register(self, record: Record) -> None:
        owner = need(self.organizations, record["owner"], "organization")
        name = one_line(record["name"])
        found = Register.objects.filter(owner=owner, name=name).first()
        if found is None:
            found = register_create(
                actor=self.admin,
                owner=owner,
                name=name,
                direction=record["direction"],
                period_kind=record.get("period_kind"),
                term_start=to_date(record.get("term_start")),
                sequence_scope=record.get("sequence_scope"),
                description=record.get("description", ""),
            )
            self.created["registers"] += 1
        self.registers[record["key"]] = found

    def document(self, record: Record) -> None:
        """A draft, or an example issued with its real number: the paper register's last
        number is recorded first, so issuing continues from it on the printed date."""
        register = need(self.registers, record["register"], "register")
        subject = one_line(record["subject"])
        found = Document.objects.filter(register=register, subject=subject).first()
        if found is not None:
            self.documents[record["key"]] = found
            return
        doc_type = DocumentType.objects.get(code=record["doc_type"])
        issue = record.get("issue")
        if issue is not None:
            issued_on = datetime.date.fromisoformat(issue["issued_on"])
            register_set_opening_number(
                register=register,
                actor=self.admin,
                day=issued_on,
                last_number=issue["paper_last_number"],
                doc_type=doc_type,
            )
        document = document_create_draft(
            register=register,
            actor=self.admin,
            doc_type=doc_type,
            subject=subject,
            body="\n".join(record["body"]),
            addressees=[self.addressee(line) for line in record.get("addressees", [])],
            distribution=[self.distribution_line(line) for line in record["distribution"]],
            references=[self.reference(line) for line in record.get("references", [])],
            **{field: record[field] for field in DRAFT_FIELDS if field in record},
        )
        if issue is not None:
            document = document_issue(document=document, actor=self.admin, issued_on=issued_on)
            if document.notation != issue["notation"]:
                raise CommandError(f"“{subject}” was issued as {document.notation}, not {issue['notation']}.")
        self.documents[record["key"]] = document
        self.created["documents"] += 1

    def addressee(self, line: Record) -> AddresseeInput:
        return AddresseeInput(
            organization=pick(self.organizations, line.get("organization"), "organization"),
            group=pick(self.groups, line.get("group"), "group"),
            text=line.get("text", ""),
        )

    def distribution_line(self, line: Record) -> DistributionInput:
        return DistributionInput(
            kind=line.get("kind", ""),
            organization=pick(self.organizations, line.get("organization"), "organization"),
            group=pick(self.groups, line.get("group"), "group"),
            text=line.get("text", ""),
            purpose=line.get("purpose", ""),
        )

    def reference(self, line: Record) -> ReferenceInput:
        return ReferenceInput(
            relation=line["relation"],
            target=pick(self.documents, line.get("target"), "document"),
            notation=line.get("notation", ""),
            issued_on=to_date(line.get("issued_on")),
            issuer_name=line.get("issuer_name", ""),
        )


class Command(BaseCommand):
    help = (
        "Creates the demo organizations, recipient groups, registers, example documents, accounts, "
        "deliveries and reporting obligations with their reports (idempotent) and prints the accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help=(
                f"Password for the demo accounts (default for new accounts: {DEFAULT_PASSWORD}). "
                "Given explicitly, it is also set on existing demo accounts."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str | None = options["password"]
        if password is not None and not password.strip():
            raise CommandError("--password must not be empty.")
        seeder = Seeder(password)
        try:
            with transaction.atomic():
                accounts = seeder.run()
        except DomainError as exc:
            raise CommandError(f"Nothing was seeded: {exc.message}") from exc
        if seeder.created:
            self.stdout.write("Created: " + ", ".join(f"{n} {what}" for what, n in seeder.created.items()) + ".")
        else:
            self.stdout.write("The demo data is already there; nothing was created.")
        self.write_accounts(accounts, seeder.passwords_set)

    def write_accounts(self, accounts: list[User], passwords: dict[str, str]) -> None:
        rows = [("username", "role", "clearance", "organization", "password")]
        rows += [
            (
                user.username,
                user.role,
                "all" if user.is_superuser else user.clearance,
                user.organization.name if user.organization else "—",
                passwords.get(user.username, "(unchanged)"),
            )
            for user in accounts
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
        for *padded, last in rows:
            self.stdout.write(
                "  ".join([*(value.ljust(width) for value, width in zip(padded, widths, strict=True)), last])
            )
