from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class OrganizationSystem(models.TextChoices):
    PARTY = "party", _("Party")
    STATE = "state", _("State")
    FRONT = "front", _("Fatherland Front and mass organizations")
    PRESS = "press", _("Press")
    ENTERPRISE = "enterprise", _("Enterprise")


class OrganizationLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    OTHER = "other", _("Other")


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active_on(self, day: Any) -> "OrganizationQuerySet":
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=day)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=day)
        )


class Organization(models.Model):
    """A body that issues, receives or must answer documents.

    Names change and bodies merge; documents therefore copy the names they
    printed (see registry.Document) instead of reading them from here later.
    """

    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    abbreviation = models.CharField(
        _("notation abbreviation"),
        max_length=30,
        help_text=_("Used in document notations, e.g. BTGTU, STTTT, TU, UBND."),
    )
    code = models.CharField(_("official code"), max_length=40, blank=True)
    system = models.CharField(_("system"), max_length=12, choices=OrganizationSystem.choices)
    level = models.CharField(_("level"), max_length=12, choices=OrganizationLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    header_name = models.CharField(
        _("name in document header"),
        max_length=255,
        blank=True,
        help_text=_("As printed at the top left, e.g. SỞ THÔNG TIN VÀ TRUYỀN THÔNG."),
    )
    header_parent_name = models.CharField(
        _("parent line in document header"),
        max_length=255,
        blank=True,
        help_text=_("The body printed above it, e.g. UBND TỈNH KIÊN GIANG; empty for none."),
    )
    place = models.CharField(
        _("place name for the date line"), max_length=80, blank=True, help_text=_("e.g. Kiên Giang")
    )
    email = models.EmailField(_("email"), blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("The body that took over after a merger or renaming."),
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="organization_code_unique"),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_from__isnull=True) | Q(active_to__gte=F("active_from")),
                name="organization_active_range",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")), name="organization_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | ~Q(successor=F("id")), name="organization_not_own_successor"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="organization_name_required"),
            models.CheckConstraint(condition=~Q(abbreviation=""), name="organization_abbreviation_required"),
        ]
        indexes = [models.Index(fields=["abbreviation"])]

    def __str__(self) -> str:
        return self.name

    @property
    def notation_system(self) -> str:
        """Party bodies number 'NUMBER-TYPE/ISSUER'; everyone else follows Decree 30."""
        return "party" if self.system == OrganizationSystem.PARTY else "state"

    @property
    def printed_header_name(self) -> str:
        return self.header_name or self.name.upper()


class RecipientGroup(models.Model):
    """A named list of organizations used in addressee lists, such as
    "Ủy ban nhân dân các huyện, thành phố"; it stands for its members at the
    moment a document is sent."""

    name = models.CharField(_("name"), max_length=255)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="recipient_groups",
        help_text=_("The organization whose documents use this group."),
    )
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Organization, verbose_name=_("members"), through="RecipientGroupMember", related_name="member_of_groups"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("recipient group")
        verbose_name_plural = _("recipient groups")
        ordering = ["owner__name", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="recipient_group_name_unique_per_owner"),
            models.CheckConstraint(condition=~Q(name=""), name="recipient_group_name_required"),
        ]

    def __str__(self) -> str:
        return self.name


class RecipientGroupMember(models.Model):
    group = models.ForeignKey(
        RecipientGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="group_memberships"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "organization"], name="recipient_group_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.organization}"


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    LEADER = "leader", _("Leader")
    REPORTER = "reporter", _("Reporter")
    ADMIN = "admin", _("Administrator")


class Clearance(models.TextChoices):
    """How secret a document a user may read. The values are those of
    registry.Confidentiality, in rising order: each level includes the ones
    before it."""

    NORMAL = "normal", _("None (normal documents only)")
    CONFIDENTIAL = "confidential", "Mật"
    SECRET = "secret", "Tối mật"
    TOP_SECRET = "top_secret", "Tuyệt mật"

    @classmethod
    def up_to(cls, level: str) -> tuple[str, ...]:
        """The levels a clearance of `level` covers, lowest first."""
        values = list(cls.values)
        return tuple(values[: values.index(level) + 1])


class User(AbstractUser):
    """A person working for one organization in one role."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.REPORTER)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    clearance = models.CharField(
        _("clearance"),
        max_length=12,
        choices=Clearance.choices,
        default=Clearance.NORMAL,
        help_text=_(
            "The most secret documents this person may see: Mật, Tối mật or Tuyệt mật, each including the "
            "levels below it. Without clearance only normal documents are shown. Superusers see everything."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(role="admin") | Q(is_superuser=True),
                name="user_organization_required_unless_admin",
            ),
            models.CheckConstraint(condition=Q(clearance__in=Clearance.values), name="user_clearance_known"),
        ]

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def cleared_levels(self) -> tuple[str, ...] | None:
        """The confidentiality levels this user may read; None for every level (superusers)."""
        if self.is_superuser:
            return None
        return Clearance.up_to(self.clearance if self.clearance in Clearance.values else Clearance.NORMAL)

    def is_cleared_for(self, level: str) -> bool:
        """Whether the user may see documents of confidentiality `level`."""
        levels = self.cleared_levels
        return levels is None or level in levels

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK and self.organization_id is not None
