"""Test data factories. They write rows directly; behaviour under test goes
through the services."""

from typing import Any

import factory

from recipients.models import Organization, RecipientGroup, RecipientGroupMember, Role, User
from registry.models import DocumentType, PeriodKind, Register, SequenceScope

PASSWORD = "Mật-khẩu-thử-1"


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    abbreviation = factory.Sequence(lambda n: f"STN{n}")
    system = "state"
    level = "province"
    place = "Kiên Giang"
    header_parent_name = "UBND TỈNH KIÊN GIANG"


class PartyOrganizationFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Ban Thử nghiệm {n} Tỉnh ủy")
    abbreviation = factory.Sequence(lambda n: f"BTN{n}TU")
    system = "party"
    header_parent_name = "TỈNH ỦY KIÊN GIANG"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CLERK
    last_name = "Nguyễn Văn An"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class RegisterFactory(factory.django.DjangoModelFactory[Register]):
    class Meta:
        model = Register

    owner = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Sổ văn bản đi {n}")
    direction = "outgoing"
    system = factory.LazyAttribute(lambda o: o.owner.notation_system)
    period_kind = PeriodKind.YEAR
    sequence_scope = SequenceScope.REGISTER


class RecipientGroupFactory(factory.django.DjangoModelFactory[RecipientGroup]):
    class Meta:
        model = RecipientGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Nhóm nhận {n}")
    owner = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def members(obj: RecipientGroup, create: bool, extracted: Any, **kwargs: Any) -> None:
        for position, organization in enumerate(extracted or []):
            RecipientGroupMember.objects.create(group=obj, organization=organization, position=position)


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)
