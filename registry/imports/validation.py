"""The checks every row of a register file passes, shared by the command's
fast path and the admin's import-export resource.

A row is read the way the services read what a clerk types: text through the
services' own field cleaners (NFC, trimmed, control characters refused,
lengths), notations through registry.notation, numbers against the counter
they belong to (registry.services.numbering.sequence_key). Every problem of a
row is reported, each under its column.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.text import clean_text
from recipients.models import Organization
from registry.imports.columns import Header, is_blank
from registry.imports.duplicates import ReceivedDuplicates
from registry.imports.lookups import DocumentTypes, Senders, SequenceBook
from registry.imports.report import RowError
from registry.intake.header import SUBJECT_LABEL
from registry.models import Direction, DistributionEntry, Document, DocumentType, NotationSystem, Register
from registry.notation import MAX_NUMBER, Notation, NotationError, parse_notation
from registry.services.content import CLEANERS, MAX_COUNT
from registry.services.numbering import sequence_key

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WHOLE_NUMBER = re.compile(r"\d+")
# “Nơi nhận” lines: one per line or “;”, each without its leading dash.
_LINE_BREAKS = re.compile(r"[;\n\r]+")
_LINE_BULLET = re.compile(r"^[-–+•*]\s*")
DISTRIBUTION_TEXT_MAX = DistributionEntry._meta.get_field("text").max_length or 500
MAX_DISTRIBUTION_LINES = 100
NOTATION_MAX = Document._meta.get_field("notation").max_length or 120


def cell_text(value: Any) -> str:
    """A cell as the text it shows: 12 for 12.0, dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def cell_date(value: Any) -> datetime.date:
    """A real Excel date (or date and time), or text dd/mm/yyyy, d/m/yyyy,
    dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd; ValueError says what is wrong."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value).strip()
    found = _DAY_MONTH_YEAR.fullmatch(text)
    parts = (found.group(3), found.group(2), found.group(1)) if found else None
    if parts is None and (iso := _ISO_DATE.fullmatch(text)):
        parts = (iso.group(1), iso.group(2), iso.group(3))
    if parts is None:
        raise ValueError(_("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": text})
    try:
        return datetime.date(*(int(part) for part in parts))
    except ValueError:
        raise ValueError(_("“%(value)s” is not a real date.") % {"value": text}) from None


def cell_number(value: Any, maximum: int) -> int:
    """A whole number from 1 to `maximum`, as a number cell or as text."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = cell_text(value).strip()
        number = int(text) if _WHOLE_NUMBER.fullmatch(text) and len(text) <= len(str(maximum)) else None
    if number is None or not 1 <= number <= maximum:
        raise ValueError(
            _("“%(value)s” is not a whole number from 1 to %(max)d.") % {"value": cell_text(value), "max": maximum}
        )
    return number


@dataclass(slots=True)
class ValidRow:
    """A row that passed every check, with what its document is made of.
    `slot` is its counter in the SequenceBook: the number's for outgoing rows,
    the arrival number's for incoming ones."""

    row: int
    slot: int
    doc_type: DocumentType
    system: str
    notation: Notation | None
    subject: str
    issued_on: datetime.date | None
    signer_name: str = ""
    distribution: tuple[str, ...] = ()
    file_copy_holder: str = ""
    copies: int | None = None
    transferred_on: datetime.date | None = None
    receipt_signature: str = ""
    note: str = ""
    arrival_number: int | None = None
    received_on: datetime.date | None = None
    sender: Organization | None = None
    sender_name: str = ""
    handling_unit: str = ""


class _Row:
    """One row's cells being read; every failure is kept under its column."""

    def __init__(self, number: int, cells: Mapping[str, Any], header: Header) -> None:
        self.number = number
        self.cells = cells
        self.header = header
        self.errors: list[RowError] = []

    def fail(self, key: str, message: str) -> None:
        self.errors.append(RowError(row=self.number, column=self.header.label(key), message=message, field=key))

    def blank(self, key: str) -> bool:
        return is_blank(self.cells.get(key))

    def required(self, key: str) -> bool:
        if self.blank(key):
            self.fail(key, _("This column must be filled in."))
            return False
        return True

    def text(self, key: str, cleaner: str | None = None) -> str:
        """The cell cleaned by the services' cleaner of field `cleaner` (default: `key`)."""
        try:
            return str(CLEANERS[cleaner or key](cell_text(self.cells.get(key))))
        except DomainError as error:
            self.fail(key, error.message)
            return ""

    def line(self, key: str, max_length: int) -> str:
        """The cell as one line of text, for values no service cleaner covers."""
        try:
            return clean_text(cell_text(self.cells.get(key)), label=self.header.label(key), max_length=max_length)
        except DomainError as error:
            self.fail(key, error.message)
            return ""

    def date(self, key: str, *, required: bool = False, today: datetime.date) -> datetime.date | None:
        if (required and not self.required(key)) or self.blank(key):
            return None
        try:
            day = cell_date(self.cells[key])
        except ValueError as error:
            self.fail(key, str(error))
            return None
        if day > today:
            self.fail(key, _("%(date)s is in the future.") % {"date": day.strftime("%d/%m/%Y")})
            return None
        return day

    def integer(self, key: str, *, maximum: int, required: bool = False) -> int | None:
        if (required and not self.required(key)) or self.blank(key):
            return None
        try:
            return cell_number(self.cells[key], maximum)
        except ValueError as error:
            self.fail(key, str(error))
            return None


class RowValidator:
    """Checks the rows of one file for one register, remembering what earlier
    rows claimed so a number used twice is caught with the row it repeats."""

    def __init__(self, *, register: Register, header: Header, sequences: SequenceBook, today: datetime.date) -> None:
        self.register = register
        self.header = header
        self.sequences = sequences
        self.today = today
        self.types = DocumentTypes()
        self.senders = Senders() if register.direction == Direction.INCOMING else None
        self.state_abbreviations = self.types.state_abbreviations
        self.owner_abbreviation = register.owner.abbreviation
        # Rows whose notation names another issuer than the owner: abbreviation → rows.
        self.other_issuers: dict[str, list[int]] = defaultdict(list)
        self.unmatched_senders: dict[str, list[int]] = defaultdict(list)
        incoming = register.direction == Direction.INCOMING
        self.received = ReceivedDuplicates(register.owner) if incoming else None

    def validate(self, number: int, cells: Mapping[str, Any]) -> ValidRow | list[RowError]:
        row = _Row(number, cells, self.header)
        valid = self._outgoing(row) if self.register.direction == Direction.OUTGOING else self._incoming(row)
        if row.errors or valid is None:
            return row.errors
        if self.received is not None and valid.notation is not None:
            self.received.add(valid.row, valid.notation, valid.sender, valid.sender_name)
        return valid

    def _subject(self, row: _Row, doc_type: DocumentType | None) -> str:
        """The trích yếu without the type's name the register prints before it, nor “V/v”."""
        subject = row.text("subject") if row.required("subject") else ""
        rest = subject
        if doc_type is not None:
            named, after = self.types.leading_name(subject)
            if named is not None and named.pk == doc_type.pk and after:
                rest = after.lstrip(" :-–")
                rest = rest if SUBJECT_LABEL.match(rest) else rest[:1].upper() + rest[1:]
        return SUBJECT_LABEL.sub("", rest, count=1) or rest or subject

    def _notation(self, row: _Row, system: str | None) -> Notation | None:
        text = row.line("notation", NOTATION_MAX)
        if not text:
            return None
        try:
            return parse_notation(text, system=system, state_types=self.state_abbreviations)
        except NotationError as error:
            row.fail("notation", str(error))
            return None

    def _type_of(self, row: _Row, notation: Notation) -> DocumentType | None:
        doc_type = self.types.for_notation(notation)
        unknown = notation.type_abbr
        if (
            self.register.direction == Direction.OUTGOING
            and notation.system == NotationSystem.STATE
            and not notation.type_abbr
            and notation.issuer != self.owner_abbreviation
            and notation.unit == self.owner_abbreviation
        ):
            # 15/ABC-STTTT in the register of STTTT: ABC was meant as the type.
            doc_type, unknown = None, notation.issuer
        if doc_type is None:
            row.fail("notation", _("“%(type)s” is not a known document type abbreviation.") % {"type": unknown})
        elif not doc_type.used_by(notation.system):
            row.fail(
                "notation",
                _("“%(type)s” is not a document type of the %(system)s system.")
                % {"type": doc_type.name_for(notation.system), "system": NotationSystem(notation.system).label},
            )
            return None
        return doc_type

    def _outgoing(self, row: _Row) -> ValidRow | None:
        notation = self._notation(row, self.register.system) if row.required("notation") else None
        doc_type = self._type_of(row, notation) if notation else None
        issued_on = row.date("issued_on", required=True, today=self.today)
        if notation and notation.year and issued_on and notation.year != issued_on.year:
            row.fail(
                "notation",
                _("The notation carries the year %(year)d but the document is dated %(date)s.")
                % {"year": notation.year, "date": issued_on.strftime("%d/%m/%Y")},
            )
        subject = self._subject(row, doc_type)
        signer_name = row.text("signer_name")
        distribution = self._distribution(row)
        file_copy_holder = row.text("file_copy_holder")
        copies = row.integer("copies", maximum=MAX_COUNT)
        transferred_on = row.date("transferred_on", today=self.today)
        receipt_signature = row.text("receipt_signature")
        note = row.text("note")
        if notation is None or doc_type is None or issued_on is None:
            return None
        slot = self._slot(row, "issued_on", issued_on, doc_type)
        if slot >= 0:
            self._claim(row, "notation", slot, notation.number)
        if notation.issuer != self.owner_abbreviation:
            self.other_issuers[notation.issuer].append(row.number)
        return ValidRow(
            row=row.number,
            slot=slot,
            doc_type=doc_type,
            system=self.register.system,
            notation=notation,
            subject=subject,
            issued_on=issued_on,
            signer_name=signer_name,
            distribution=distribution,
            file_copy_holder=file_copy_holder,
            copies=copies,
            transferred_on=transferred_on,
            receipt_signature=receipt_signature,
            note=note,
        )

    def _incoming(self, row: _Row) -> ValidRow | None:
        received_on = row.date("received_on", required=True, today=self.today)
        arrival_number = row.integer("arrival_number", maximum=MAX_NUMBER, required=True)
        sender_name = row.text("sender", "issuer_name") if row.required("sender") else ""
        sender = self.senders.match(sender_name) if self.senders and sender_name else None
        notation = self._notation(row, None)
        doc_type = self._type_of(row, notation) if notation else None
        if notation is None and row.blank("notation") and not row.blank("subject"):
            # No notation: the type is the name the subject starts with (“Kế hoạch …”).
            doc_type = self.types.leading_name(cell_text(row.cells["subject"]).strip())[0]
            if doc_type is None:
                row.fail(
                    "subject",
                    _(
                        "The document type cannot be told: give the number and notation, "
                        "or start the subject with the type's name (e.g. “Kế hoạch …”)."
                    ),
                )
        issued_on = row.date("issued_on", today=self.today)
        if issued_on and received_on and issued_on > received_on:
            row.fail("issued_on", _("The document cannot be dated after it arrived."))
        subject = self._subject(row, doc_type)
        transferred_on = row.date("transferred_on", today=self.today)
        receipt_signature = row.text("receipt_signature")
        note = row.text("note")
        handling_unit = row.text("handling_unit")
        if sender_name and sender is None:
            self.unmatched_senders[sender_name].append(row.number)
        if doc_type is None or received_on is None or arrival_number is None:
            return None
        # As register_incoming: the sender's system, unless the type is not one of it.
        system = notation.system if notation else (sender.notation_system if sender else self.register.system)
        if not doc_type.used_by(system):
            system = (NotationSystem.STATE if doc_type.state_name else NotationSystem.PARTY).value
        slot = self._slot(row, "received_on", received_on, None)
        self._claim(row, "arrival_number", slot, arrival_number)
        return ValidRow(
            row=row.number,
            slot=slot,
            doc_type=doc_type,
            system=system,
            notation=notation,
            subject=subject,
            issued_on=issued_on,
            transferred_on=transferred_on,
            receipt_signature=receipt_signature,
            note=note,
            arrival_number=arrival_number,
            received_on=received_on,
            sender=sender,
            sender_name=sender_name,
            handling_unit=handling_unit,
        )

    def _slot(self, row: _Row, key: str, day: datetime.date, doc_type: DocumentType | None) -> int:
        try:
            sequence = sequence_key(register=self.register, day=day, confidentiality="normal", doc_type=doc_type)
        except DomainError as error:  # outside the register's term
            row.fail(key, error.message)
            return -1
        return self.sequences.slot(sequence)

    def _claim(self, row: _Row, key: str, slot: int, number: int) -> None:
        problem = self.sequences.claim(slot, number, row.number)
        if problem:
            row.fail(key, problem)

    def _distribution(self, row: _Row) -> tuple[str, ...]:
        """“Nơi nhận” as its lines, kept as text."""
        if row.blank("distribution"):
            return ()
        label = self.header.label("distribution")
        lines = []
        for part in _LINE_BREAKS.split(cell_text(row.cells["distribution"])):
            try:
                line = clean_text(part, label=label, max_length=DISTRIBUTION_TEXT_MAX)
            except DomainError as error:
                row.fail("distribution", error.message)
                return ()
            line = _LINE_BULLET.sub("", line).rstrip(" ;,.")
            if line:
                lines.append(line)
        if len(lines) > MAX_DISTRIBUTION_LINES:
            row.fail(
                "distribution",
                _("%(count)d lines; at most %(max)d are allowed.")
                % {"count": len(lines), "max": MAX_DISTRIBUTION_LINES},
            )
        return tuple(lines)

    def notices(self) -> list[str]:
        """What the clerk should know though nothing is wrong: notations naming
        another issuer than the owner, senders kept as written, received
        documents listed twice or already registered (registry.imports.duplicates)."""
        notices = [
            ngettext(
                "%(count)d row carries the issuer abbreviation “%(abbreviation)s”, not the register owner's "
                "“%(owner)s”: row %(rows)s.",
                "%(count)d rows carry the issuer abbreviation “%(abbreviation)s”, not the register owner's "
                "“%(owner)s”: rows %(rows)s.",
                len(rows),
            )
            % {
                "count": len(rows),
                "abbreviation": abbreviation,
                "owner": self.owner_abbreviation,
                "rows": row_list(rows),
            }
            for abbreviation, rows in self.other_issuers.items()
        ]
        notices.extend(
            _("“%(name)s” matches no known organization and is kept as the sender's name: rows %(rows)s.")
            % {"name": name, "rows": row_list(rows)}
            for name, rows in self.unmatched_senders.items()
        )
        if self.received is not None:
            notices.extend(self.received.notices())
        return notices


def row_list(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(row) for row in rows[:limit])
    return shown + (" …" if len(rows) > limit else "")
