"""`manage.py backup` and `manage.py restore`: everything comes back, files
included, or nothing changes."""

import datetime
import hashlib
import io
import json
import struct
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from core.backup.load import empty_tables
from core.backup.scope import EXCLUDED, SEEDED, backed_up_models
from core.models import AuditEvent
from dispatch.models import Submission
from dispatch.services import (
    delivery_acknowledge,
    delivery_register,
    document_dispatch,
    obligation_create,
    submission_create,
    submission_review,
)
from recipients.models import Organization, Role, User
from registry.models import Attachment, Direction, Document, NumberSequence, PeriodKind, SequenceScope
from registry.services import (
    AddresseeInput,
    DistributionInput,
    ReferenceInput,
    attachment_add,
    document_create_draft,
    document_issue,
    document_register_incoming,
    document_withdraw,
)
from tests.factories import PartyOrganizationFactory, RecipientGroupFactory, RegisterFactory, UserFactory, doc_type

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PLAN_PDF = b"%PDF-1.7\n% ke hoach\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
REPORT_PDF = b"%PDF-1.7\n% bao cao huyen\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=HCM)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def dataset(db):
    """A province committee's year: a plan issued with addressees, distribution
    and a PDF, dispatched, received and registered by a district; a letter
    withdrawn; a draft; an incoming report; an obligation answered with a file
    and returned; a merged body whose successor came later; a token, an auth
    group with a permission."""
    province = PartyOrganizationFactory(name="Tỉnh ủy Tiền Giang", abbreviation="TU", header_parent_name="")
    clerk = UserFactory(username="vanthu_tu", organization=province, role=Role.CLERK, email="vanthu@example.vn")
    UserFactory(username="lanhdao_tu", organization=province, role=Role.LEADER)
    districts = [
        PartyOrganizationFactory(name=name, abbreviation="HU", level="district", parent=province)
        for name in ("Thành ủy Mỹ Tho", "Huyện ủy Cái Bè")
    ]
    reporter = UserFactory(username="huyen_my_tho", organization=districts[0], role=Role.REPORTER)
    district_clerk = UserFactory(username="vanthu_my_tho", organization=districts[0], role=Role.CLERK)
    # An older row pointing to a newer one: restoring in id order alone would break it.
    merged = PartyOrganizationFactory(name="Huyện ủy Cai Lậy (cũ)", abbreviation="HU", level="district")
    merged.successor = PartyOrganizationFactory(name="Thị ủy Cai Lậy", abbreviation="TU", level="district")
    merged.save()
    group = RecipientGroupFactory(name="Cấp ủy huyện", owner=province, members=districts)
    outgoing = RegisterFactory(
        owner=province,
        name="Sổ văn bản đi",
        period_kind=PeriodKind.TERM,
        term_start=datetime.date(2020, 10, 15),
        sequence_scope=SequenceScope.DOC_TYPE,
    )
    incoming = RegisterFactory(owner=province, name="Sổ văn bản đến", direction=Direction.INCOMING, system="party")
    RegisterFactory(owner=districts[0], name="Sổ đến", direction=Direction.INCOMING, system="party")

    with time_machine.travel(at(2023, 4, 28), tick=False):
        plan = document_issue(
            document=document_create_draft(
                register=outgoing,
                actor=clerk,
                doc_type=doc_type("KH"),
                subject="Tổng kết 35 năm thực hiện Bản tin Thông tin sinh hoạt chi bộ",
                body="Gởi báo cáo về Ban Thường vụ Tỉnh ủy trước ngày 01/12/2023.",
                signer_authority="T/M BAN THƯỜNG VỤ",
                addressees=[AddresseeInput(organization=districts[0]), AddresseeInput(group=group)],
                distribution=[DistributionInput(kind="as_above"), DistributionInput(text="Lưu VPTU")],
            ),
            actor=clerk,
        )
        attachment_add(
            document=plan, actor=clerk, upload=SimpleUploadedFile("ke-hoach.pdf", PLAN_PDF), description="Bản ký"
        )
        letter = document_issue(
            document=document_create_draft(
                register=outgoing,
                actor=clerk,
                doc_type=doc_type("CV"),
                subject="Góp ý dự thảo",
                signer_name="Nguyễn Văn Bình",
                addressees=[AddresseeInput(text="Các huyện ủy")],
                references=[ReferenceInput(relation="implements", target=plan)],
            ),
            actor=clerk,
        )
        document_withdraw(document=letter, actor=clerk, reason="Thu hồi để sửa trích yếu")
        document_create_draft(register=outgoing, actor=clerk, doc_type=doc_type("TB"), subject="Thông báo (dự thảo)")
        delivery = document_dispatch(document=plan, actor=clerk).deliveries[0]
        delivery_acknowledge(delivery=delivery, actor=reporter)
        delivery_register(delivery=delivery, actor=district_clerk)
        document_register_incoming(
            register=incoming, actor=clerk, subject="Báo cáo tình hình", notation="12-BC/HU", sender=districts[1]
        )
        obligation = obligation_create(
            document=plan,
            actor=clerk,
            title="Báo cáo tổng kết",
            due_on=datetime.date(2023, 11, 30),
            organizations=districts,
        )
    with time_machine.travel(at(2023, 11, 28), tick=False):
        submission = submission_create(
            obligation=obligation,
            actor=reporter,
            files=[SimpleUploadedFile("bao-cao.pdf", REPORT_PDF)],
            note="Báo cáo của Thành ủy",
        )
        submission_review(submission=submission, actor=clerk, decision="returned", reason="Bổ sung số liệu")

    Token.objects.create(user=clerk)
    editors = Group.objects.create(name="Biên tập")
    editors.permissions.add(Permission.objects.get(codename="change_document"))
    clerk.groups.add(editors)
    reporter.user_permissions.add(Permission.objects.get(codename="view_obligation"))
    return {"clerk": clerk, "outgoing": outgoing, "plan": plan}


def snapshot():
    """Every backed-up row, with content types and permissions by name (their
    ids belong to the database), and every stored file's bytes."""
    content_types = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    permissions = {p.pk: (*content_types[p.content_type_id], p.codename) for p in Permission.objects.all()}
    rows = {}
    for model in backed_up_models():
        fields = model._meta.local_concrete_fields
        names = {}
        for field in fields:
            if field.is_relation and field.related_model is ContentType:
                names[field.attname] = content_types
            elif field.is_relation and field.related_model is Permission:
                names[field.attname] = permissions
        rows[model._meta.label_lower] = [
            tuple(
                names[f.attname].get(value) if f.attname in names else value
                for f, value in zip(fields, row, strict=True)
            )
            for row in model._base_manager.order_by("pk").values_list(*(f.attname for f in fields))
        ]
    files = {}
    for name in Attachment.objects.values_list("file", flat=True):
        with default_storage.open(name, "rb") as file:
            files[name] = file.read()
    return rows, files


def backup(path):
    out = io.StringIO()
    call_command("backup", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def restore(path, *args):
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rewrite(source, target, changes):
    """Copies an archive, replacing members (bytes) or dropping them (None); CRCs stay valid."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = changes.get(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)


def test_backup_holds_every_table_but_the_regenerated_and_ephemeral_ones():
    labels = {model._meta.label_lower for model in backed_up_models()}
    assert set(EXCLUDED) == {
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "django_tasks_database.dbtaskresult",
    }
    every = {
        m._meta.label_lower for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy
    }
    assert labels == every - set(EXCLUDED)
    assert {
        "core.auditevent",
        "authtoken.token",
        "auth.group",
        "auth.group_permissions",
        "recipients.user_groups",
        "recipients.user_user_permissions",
        "admin.logentry",
        "registry.numbersequence",
        "registry.attachment",
        "dispatch.submission",
    } <= labels
    assert labels >= SEEDED


def test_round_trip_over_a_changed_database_brings_everything_back(dataset, tmp_path, media):
    """GIVEN a backup of a working database
    WHEN documents are numbered, users added and files lost afterwards, and the backup is restored with --force
    THEN every row of every table and every file is as it was, and numbering goes on from the restored counters."""
    rows, files = snapshot()
    # The dataset reaches every table that matters, so comparing them means something.
    for label in ["core.auditevent", "registry.document", "registry.documentaddressee", "registry.distributionentry"]:
        assert rows[label], label
    for label in ["registry.attachment", "dispatch.submission", "dispatch.delivery", "authtoken.token"]:
        assert rows[label], label
    assert len(files) == 2
    archive = tmp_path / "docreg.zip"
    output = backup(archive)
    assert "2 files" in output

    clerk, outgoing = dataset["clerk"], dataset["outgoing"]
    document_issue(
        document=document_create_draft(
            register=outgoing, actor=clerk, doc_type=doc_type("KH"), subject="Kế hoạch mới", signer_name="B"
        ),
        actor=clerk,
    )
    UserFactory(username="nguoi_moi", organization=clerk.organization)
    for name in files:
        default_storage.delete(name)

    output = restore(archive, "--force")

    assert snapshot() == (rows, files)
    assert f"core.auditevent: {len(rows['core.auditevent'])}" in output
    assert "2 files" in output
    assert not User.objects.filter(username="nguoi_moi").exists()
    sequence = NumberSequence.objects.get(register=outgoing, doc_type=doc_type("KH"))
    assert sequence.last_number == 1
    again = document_issue(
        document=document_create_draft(
            register=outgoing, actor=clerk, doc_type=doc_type("KH"), subject="Kế hoạch 2", signer_name="B"
        ),
        actor=clerk,
    )
    assert again.number == 2
    assert again.pk == max(row[0] for row in rows["registry.document"]) + 1
    assert Organization.objects.create(name="Mới", abbreviation="M", system="state", level="other").pk > max(
        row[0] for row in rows["recipients.organization"]
    )


def test_restore_into_an_empty_database_and_back_up_again_gives_the_same_archive(dataset, tmp_path):
    """GIVEN a backup, and a database emptied as a new one is (document types left by the migration)
    WHEN the archive is restored without --force and then backed up again
    THEN the rows and files are the same, and both archives carry the same data byte for byte."""
    rows, files = snapshot()
    first = tmp_path / "first.zip"
    backup(first)
    empty_tables([m for m in backed_up_models() if m._meta.label_lower not in SEEDED])
    for name in files:
        default_storage.delete(name)
    assert not Document.objects.exists()

    restore(first)

    assert snapshot() == (rows, files)
    second = tmp_path / "second.zip"
    backup(second)
    with zipfile.ZipFile(first) as one, zipfile.ZipFile(second) as two:
        assert one.namelist() == two.namelist()
        for name in one.namelist():
            if name != "manifest.json":
                assert one.read(name) == two.read(name), name
        manifest = json.loads(one.read("manifest.json"))
    assert manifest["format"] == "docreg-backup"
    assert manifest["format_version"] == 1
    assert manifest["database"]["vendor"] in {"sqlite", "postgresql"}
    assert manifest["latest_migrations"]["registry"].startswith("00")
    assert {t["model"]: t["count"] for t in manifest["models"]}["core.auditevent"] == len(rows["core.auditevent"])
    assert manifest["files"]["count"] == 2


def test_a_database_in_use_is_refused_without_force(dataset, tmp_path):
    archive = tmp_path / "docreg.zip"
    backup(archive)
    AuditEvent.objects.create(action="test.later")
    before = snapshot()

    with pytest.raises(CommandError, match=r"in use .*--force"):
        restore(archive)

    assert snapshot() == before


def _flip_byte_in(archive: Path, member: str) -> None:
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
    data = bytearray(archive.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    data[start + 5] ^= 0xFF
    archive.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncated", "not a docreg backup or is damaged"),
        ("flipped file byte", "is damaged"),
        ("table edited", "data/registry.document.jsonl does not match its checksum"),
        ("file replaced", "does not match its checksum"),
        ("table dropped", "data/core.auditevent.jsonl is missing"),
        ("not a backup", "has no manifest.json"),
    ],
)
def test_a_damaged_archive_changes_nothing(dataset, tmp_path, damage, message):
    """GIVEN a backup, then later changes to the database
    WHEN a damaged copy of the archive is restored with --force
    THEN the command says what is wrong, and the database and files are as they were."""
    archive = tmp_path / "docreg.zip"
    backup(archive)
    AuditEvent.objects.create(action="test.later")
    before = snapshot()
    with zipfile.ZipFile(archive) as zf:
        stored = next(name for name in zf.namelist() if name.startswith("files/"))
    damaged = tmp_path / "damaged.zip"
    if damage == "truncated":
        damaged.write_bytes(archive.read_bytes()[:-200])
    elif damage == "flipped file byte":
        damaged.write_bytes(archive.read_bytes())
        _flip_byte_in(damaged, stored)
    elif damage == "table edited":
        with zipfile.ZipFile(archive) as zf:
            text = zf.read("data/registry.document.jsonl").decode()
        assert "Tổng kết 35 năm" in text
        rewrite(archive, damaged, {"data/registry.document.jsonl": text.replace("Tổng kết", "Tong ket").encode()})
    elif damage == "file replaced":
        rewrite(archive, damaged, {stored: b"%PDF-1.7 something else"})
    elif damage == "table dropped":
        rewrite(archive, damaged, {"data/core.auditevent.jsonl": None})
    else:
        rewrite(archive, damaged, {"manifest.json": None})

    with pytest.raises(CommandError, match=message):
        restore(damaged, "--force")

    assert snapshot() == before


def test_rows_that_do_not_fit_together_roll_everything_back(dataset, tmp_path):
    """GIVEN an archive whose checksums are right but where a document points to a register it does not hold
    WHEN it is restored with --force
    THEN the foreign keys are found broken at the end and nothing changes."""
    archive = tmp_path / "docreg.zip"
    backup(archive)
    before = snapshot()
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    # An archive made by someone who also fixed up the checksum: the only guard left is the database.
    table = next(t for t in manifest["models"] if t["model"] == "registry.register")
    with zipfile.ZipFile(archive) as zf:
        lines = zf.read(table["member"]).decode().splitlines(keepends=True)
    kept = "".join(lines[1:]).encode()
    table["count"] -= 1
    table["sha256"] = hashlib.sha256(kept).hexdigest()
    broken = tmp_path / "broken.zip"
    rewrite(archive, broken, {table["member"]: kept, "manifest.json": json.dumps(manifest).encode()})

    with pytest.raises(CommandError, match="do not fit together"):
        restore(broken, "--force")

    assert snapshot() == before


def test_an_archive_from_other_migrations_is_refused_with_what_to_do(dataset, tmp_path):
    archive = tmp_path / "docreg.zip"
    backup(archive)
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))

    newer = json.loads(json.dumps(manifest))
    newer["migrations"]["registry"].append("0999_from_the_future")
    newer_archive = tmp_path / "newer.zip"
    rewrite(archive, newer_archive, {"manifest.json": json.dumps(newer).encode()})
    with pytest.raises(CommandError, match=r"lacks migrations .*registry\.0999_from_the_future.*manage\.py migrate"):
        restore(newer_archive, "--force")

    older = json.loads(json.dumps(manifest))
    dropped = older["migrations"]["dispatch"].pop()
    older["latest_migrations"]["dispatch"] = older["migrations"]["dispatch"][-1]
    older_archive = tmp_path / "older.zip"
    rewrite(archive, older_archive, {"manifest.json": json.dumps(older).encode()})
    with pytest.raises(CommandError, match=rf"had not: dispatch\.{dropped}.*manage\.py migrate dispatch "):
        restore(older_archive, "--force")

    other_format = json.loads(json.dumps(manifest))
    other_format["format_version"] = 2
    other_archive = tmp_path / "other.zip"
    rewrite(archive, other_archive, {"manifest.json": json.dumps(other_format).encode()})
    with pytest.raises(CommandError, match="format 2"):
        restore(other_archive, "--force")


def test_backup_refuses_when_stored_files_are_missing_unless_told(dataset, tmp_path):
    submission = Submission.objects.get()
    name = submission.incoming_document.attachments.get().file.name
    default_storage.delete(name)
    archive = tmp_path / "docreg.zip"

    with pytest.raises(CommandError, match=rf"missing from storage: {name}"):
        backup(archive)
    assert not archive.exists()
    assert list(tmp_path.glob("*.partial")) == []

    call_command("backup", str(archive), "--allow-missing-files", stdout=io.StringIO(), stderr=io.StringIO())
    with zipfile.ZipFile(archive) as zf:
        entries = [json.loads(line) for line in zf.read("files.jsonl").splitlines()]
    assert [e["name"] for e in entries if e.get("missing")] == [name]
    err = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=io.StringIO(), stderr=err)
    assert "still missing" in err.getvalue()
