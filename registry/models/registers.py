"""Document types, registers (sổ) and the numbering sequences behind their numbers."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from recipients.models import Organization


class NotationSystem(models.TextChoices):
    PARTY = "party", _("Party (36-HD/VPTW)")
    STATE = "state", _("State (Decree 30/2020)")


class DocumentType(models.Model):
    """A kind of document with its name and abbreviation in each system.

    State công văn has no abbreviation in notations (state_abbreviation is
    empty); a type not used by a system has an empty name for it.
    """

    code = models.CharField(_("code"), max_length=10, unique=True)
    state_name = models.CharField(_("State name"), max_length=80, blank=True)
    state_abbreviation = models.CharField(_("State abbreviation"), max_length=10, blank=True)
    party_name = models.CharField(_("Party name"), max_length=80, blank=True)
    party_abbreviation = models.CharField(_("Party abbreviation"), max_length=10, blank=True)
    is_letter = models.BooleanField(
        _("is an official letter (công văn)"),
        default=False,
        help_text=_("Letters carry their subject as “V/v …” under the number instead of a centred title."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state_name="") | ~Q(party_name=""), name="document_type_used_by_a_system"
            ),
            models.CheckConstraint(
                condition=Q(party_name="") | ~Q(party_abbreviation=""),
                name="document_type_party_abbreviation_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.state_name or self.party_name}"

    def used_by(self, system: str) -> bool:
        return bool(self.party_name if system == NotationSystem.PARTY else self.state_name)

    def name_for(self, system: str) -> str:
        if system == NotationSystem.PARTY:
            return self.party_name or self.state_name
        return self.state_name or self.party_name

    def abbreviation_for(self, system: str) -> str:
        return self.party_abbreviation if system == NotationSystem.PARTY else self.state_abbreviation


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Calendar year")
    TERM = "term", _("Term (nhiệm kỳ)")


class SequenceScope(models.TextChoices):
    REGISTER = "register", _("One sequence for the whole register")
    DOC_TYPE = "doc_type", _("One sequence per document type")


class Register(models.Model):
    """A register book (sổ) of one organization and its numbering policy."""

    owner = models.ForeignKey(Organization, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="registers")
    name = models.CharField(_("name"), max_length=200)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    system = models.CharField(
        _("notation system"),
        max_length=10,
        choices=NotationSystem.choices,
        help_text=_("How numbers and notations are written."),
    )
    period_kind = models.CharField(_("numbering period"), max_length=10, choices=PeriodKind.choices)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(
        _("term end"), null=True, blank=True, help_text=_("Leave empty while the term is running.")
    )
    sequence_scope = models.CharField(
        _("sequence"), max_length=10, choices=SequenceScope.choices, default=SequenceScope.REGISTER
    )
    confidential_series = models.BooleanField(
        _("separate series for confidential documents"),
        default=False,
        help_text=_("Mật, Tối mật and Tuyệt mật documents get numbers of their own."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["owner__name", "direction", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="register_name_unique_per_owner"),
            models.CheckConstraint(condition=~Q(name=""), name="register_name_required"),
            models.CheckConstraint(
                condition=Q(period_kind="year", term_start__isnull=True, term_end__isnull=True)
                | Q(period_kind="term", term_start__isnull=False),
                name="register_term_dates_match_period",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="register_term_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def period_for(self, day: datetime.date) -> tuple[datetime.date, datetime.date | None] | None:
        """The numbering period containing `day`, or None when the day falls outside the register's term."""
        if self.period_kind == PeriodKind.YEAR:
            return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
        assert self.term_start is not None
        if day < self.term_start or (self.term_end is not None and day > self.term_end):
            return None
        return self.term_start, self.term_end


class Series(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CONFIDENTIAL = "confidential", _("Confidential")


class NumberSequence(models.Model):
    """The counter of one register, period, series and (optionally) document type.

    Issuing locks and increments this row in the transaction that gives the
    number, so a rolled-back issue gives its number back and no two documents
    share one.
    """

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="sequences"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), null=True, blank=True)
    series = models.CharField(_("series"), max_length=12, choices=Series.choices, default=Series.NORMAL)
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), null=True, blank=True, on_delete=models.PROTECT
    )
    last_number = models.PositiveIntegerField(_("last number given"), default=0)
    opening_number = models.PositiveIntegerField(
        _("numbers given before this system"),
        default=0,
        help_text=_("Numbers 1..N of this period were given in the paper register before the system took over."),
    )

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        ordering = ["register", "-period_start", "series", "doc_type__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "period_start", "series"],
                condition=Q(doc_type__isnull=True),
                name="number_sequence_unique_register_wide",
            ),
            models.UniqueConstraint(
                fields=["register", "period_start", "series", "doc_type"],
                condition=Q(doc_type__isnull=False),
                name="number_sequence_unique_per_type",
            ),
            models.CheckConstraint(condition=Q(last_number__gte=F("opening_number")), name="number_sequence_opening"),
        ]

    def __str__(self) -> str:
        parts = [str(self.register), self.period_label]
        if self.doc_type is not None:
            parts.append(self.doc_type.code)
        if self.series != Series.NORMAL:
            parts.append(str(self.get_series_display()))
        return " · ".join(parts)

    @property
    def period_label(self) -> str:
        if (
            self.period_end
            and (self.period_start.month, self.period_start.day) == (1, 1)
            and (self.period_end == datetime.date(self.period_start.year, 12, 31))
        ):
            return str(self.period_start.year)
        end = self.period_end.strftime("%d/%m/%Y") if self.period_end else "…"
        return f"{self.period_start:%d/%m/%Y}–{end}"
