"""What an import found: every bad row with its reasons, the counts, and notices.

Row numbers are the spreadsheet's own (the number Excel shows at the left of
the row, or the record's line in a CSV file); row 0 stands for the file as a
whole. Messages are translated when they are made, in the active language.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason a row (or, with row 0, the file) was refused. `column` is
    the column's header as the register prints it, `field` its name here."""

    row: int
    column: str
    message: str
    field: str = ""

    def describe(self) -> str:
        if self.row == 0:
            return self.message
        if self.column:
            return _("Row %(row)d, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True, slots=True)
class SequenceResult:
    """A counter the import wrote numbers into: the highest imported number
    and the counter before and after, so the next number given is last_number + 1."""

    sequence: str
    highest: int
    last_number_before: int
    last_number: int


@dataclass
class ImportReport:
    register: str
    filename: str
    dry_run: bool
    rows: int = 0
    imported: int = 0
    header_row: int | None = None
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # Senders in “Tác giả” that matched no organization: the name as written → its rows.
    unmatched_senders: dict[str, list[int]] = field(default_factory=dict)
    sequences: list[SequenceResult] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors if error.row})

    def outcome(self) -> str:
        """One sentence saying what happened."""
        values = {"rows": self.rows, "file": self.filename, "register": self.register}
        if self.refused:
            count = len(self.bad_rows)
            if not count:
                return _("Nothing was imported from “%(file)s”.") % values
            return ngettext(
                "Nothing was imported from “%(file)s”: %(count)d row has errors.",
                "Nothing was imported from “%(file)s”: %(count)d rows have errors.",
                count,
            ) % {**values, "count": count}
        if self.dry_run:
            return (
                ngettext(
                    "Checked %(rows)d row of “%(file)s”: it can be imported into “%(register)s”. "
                    "Nothing was written (dry run).",
                    "Checked %(rows)d rows of “%(file)s”: all can be imported into “%(register)s”. "
                    "Nothing was written (dry run).",
                    self.rows,
                )
                % values
            )
        return ngettext(
            "Imported %(count)d document from “%(file)s” into “%(register)s”.",
            "Imported %(count)d documents from “%(file)s” into “%(register)s”.",
            self.imported,
        ) % {**values, "count": self.imported}

    def lines(self) -> list[str]:
        """The outcome, every error, the counters and the notices, one per line."""
        lines = [self.outcome()]
        lines.extend(error.describe() for error in self.errors)
        lines.extend(
            _("%(sequence)s: numbers up to %(highest)d imported; the next number given is %(next)d.")
            % {"sequence": result.sequence, "highest": result.highest, "next": result.last_number + 1}
            for result in self.sequences
        )
        lines.extend(self.notices)
        return lines
