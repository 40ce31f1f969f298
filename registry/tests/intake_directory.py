"""The directories and helpers the intake suggestion tests share
(test_intake_matching.py, test_intake_suggestions.py): the demo directory of
seed_demo, a small Kiên Giang directory, and intakes written by hand."""

import datetime
from pathlib import Path
from typing import Any

from recipients.models import Role
from registry.intake import read_document
from registry.intake.matching import (
    IntakeSuggestions,
)
from registry.intake.result import Intake, empty_intake
from registry.management.commands._seed_common import load
from registry.management.commands.seed_demo import Seeder
from registry.models import Direction
from registry.services import document_register_incoming
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory

# The examples of ../shared/examples, as the repository keeps them for its tests.
EXAMPLES = Path(__file__).parent / "intake_samples" / "examples"
API = "/api/v1/intake/suggestions/"


def example(name: str) -> Intake:
    path = EXAMPLES / name
    return read_document(path.read_text(encoding="utf-8"), source=path.name)


def demo_directory():
    """The demo directory of seed_demo (fixtures/demo): organizations and recipient groups, by key."""
    seeder = Seeder(None)
    seeder.admin = UserFactory(organization=None, role=Role.ADMIN, is_superuser=True, username="root")
    for section in load("organizations").values():
        for record in section:
            seeder.organization(record)
    for record in load("groups"):
        seeder.group(record)
    return seeder


def kien_giang_directory():
    province = OrganizationFactory(
        name="Ủy ban nhân dân tỉnh Kiên Giang",
        short_name="UBND tỉnh Kiên Giang",
        abbreviation="UBND",
        header_name="ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG",
        header_parent_name="",
        place="Kiên Giang",
    )
    council = OrganizationFactory(
        name="Hội đồng nhân dân tỉnh Kiên Giang", abbreviation="HĐND", header_parent_name="", place="Kiên Giang"
    )
    party = OrganizationFactory(
        name="Tỉnh ủy Kiên Giang", abbreviation="TU", system="party", header_parent_name="", place="Kiên Giang"
    )
    board = OrganizationFactory(
        name="Ban Tuyên giáo Tỉnh ủy Kiên Giang",
        short_name="Ban Tuyên giáo Tỉnh ủy",
        abbreviation="BTGTU",
        system="party",
        parent=party,
        header_name="BAN TUYÊN GIÁO",
        header_parent_name="TỈNH ỦY KIÊN GIANG",
    )
    district = OrganizationFactory(
        name="Huyện ủy Giồng Riềng",
        abbreviation="HU",
        system="party",
        level="district",
        parent=party,
        header_parent_name="ĐẢNG BỘ TỈNH KIÊN GIANG",
        place="Giồng Riềng",
    )
    media = OrganizationFactory(
        name="Sở Thông tin và Truyền thông tỉnh Kiên Giang",
        short_name="Sở Thông tin và Truyền thông",
        abbreviation="STTTT",
        parent=province,
        header_name="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    )
    justice = OrganizationFactory(
        name="Sở Tư pháp tỉnh Kiên Giang", short_name="Sở Tư pháp", abbreviation="STP", parent=province
    )
    return {
        "province": province,
        "council": council,
        "party": party,
        "board": board,
        "district": district,
        "media": media,
        "justice": justice,
    }


def outsider_clerk():
    """A clerk of a body of no place, so that the user's own province does not decide."""
    return UserFactory(organization=OrganizationFactory(name="Cơ quan thử", place="", header_parent_name=""))


def kien_giang_registers(kien_giang):
    board = kien_giang["board"]
    elsewhere = OrganizationFactory(name="Sở Nội vụ tỉnh Sóc Trăng", place="Sóc Trăng")
    return {
        "clerk": UserFactory(organization=board, role=Role.CLERK),
        "incoming": RegisterFactory(owner=board, name="Sổ văn bản đến", direction=Direction.INCOMING),
        "other_clerk": UserFactory(organization=elsewhere, role=Role.CLERK),
        "other_incoming": RegisterFactory(owner=elsewhere, name="Sổ đến", direction=Direction.INCOMING),
        "other_outgoing": RegisterFactory(owner=elsewhere, name="Sổ đi"),
    }


def intake_of(**fields: Any) -> Intake:
    intake = empty_intake("test.txt")
    intake.update(fields)  # type: ignore[typeddict-item]
    return intake


def issuer(name: str | None, parent: str | None = None, **fields: Any) -> Intake:
    return intake_of(issuer={"name": name, "parent": parent}, **fields)


def names(candidates) -> list[str]:
    return [candidate.name for candidate in candidates]


def entry_for(suggestions: IntakeSuggestions, text: str, listing: str = "addressees"):
    return next(entry for entry in getattr(suggestions, listing) if entry.text == text)


def received(register, clerk, notation: str, sender: str, subject: str = "Chỉ thị về công tác tuyên truyền"):
    return document_register_incoming(
        register=register,
        actor=clerk,
        notation=notation,
        sender_name=sender,
        subject=subject,
        confirm_duplicate=True,
        issued_on=datetime.date(2021, 6, 4),
    )
