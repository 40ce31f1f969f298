"""Received documents an incoming register book lists twice, or that the
organization has already registered (by hand, or from a delivery): the same
number and notation from the same sender, as registry.services.incoming_duplicates
tells them apart when a clerk registers one (Decree 30, Appendix VI: the
system warns about these). A book kept on paper beside the system often holds
documents already registered; they are imported as the book says, and named
in the report's notices so the clerk can check them.
"""

from collections import defaultdict

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import fold
from recipients.models import Organization
from registry.models import Direction, Document
from registry.notation import Notation

# Notices named one by one; the rest are counted.
LISTED = 20
# Notations asked of the database at a time.
CHUNK = 500

_SenderKey = tuple[str, int | str]


def _sender_keys(sender_id: int | None, name: str) -> set[_SenderKey]:
    """How a sender is recognised: by its organization, or by its folded name."""
    keys: set[_SenderKey] = {("name", fold(name))} if name else set()
    if sender_id is not None:
        keys.add(("id", sender_id))
    return keys


class ReceivedDuplicates:
    """Collects the book's received documents row by row, then tells which
    repeat one another or one already registered."""

    def __init__(self, owner: Organization) -> None:
        self.owner = owner
        # The documents this import writes come after: they are not duplicates of themselves.
        self.last_existing = Document.objects.aggregate(last=Max("pk"))["last"] or 0
        self.rows: dict[str, list[tuple[int, set[_SenderKey], str]]] = defaultdict(list)

    def add(self, row: int, notation: Notation, sender: Organization | None, sender_name: str) -> None:
        name = sender.name if sender is not None else sender_name
        keys = _sender_keys(sender.pk if sender is not None else None, name)
        self.rows[notation.format()].append((row, keys, name))

    def notices(self) -> list[str]:
        return self._repeated() + self._registered()

    def _repeated(self) -> list[str]:
        groups: list[tuple[list[int], str, str]] = []
        for notation, rows in self.rows.items():
            seen: list[tuple[set[_SenderKey], list[int], str]] = []
            for row, keys, name in rows:
                same = next((group for group in seen if group[0] & keys), None)
                if same is None:
                    seen.append((set(keys), [row], name))
                else:
                    same[0].update(keys)
                    same[1].append(row)
            groups.extend((group[1], notation, group[2]) for group in seen if len(group[1]) > 1)
        groups.sort()
        notices = [
            _("Rows %(rows)s are the same received document: %(notation)s from %(sender)s.")
            % {"rows": ", ".join(map(str, rows)), "notation": notation, "sender": sender or "—"}
            for rows, notation, sender in groups[:LISTED]
        ]
        return notices + self._more(len(groups))

    def _registered(self) -> list[str]:
        found: list[tuple[int, str, str, Document]] = []
        notations = list(self.rows)
        for start in range(0, len(notations), CHUNK):
            registered = (
                Document.objects.filter(
                    direction=Direction.INCOMING,
                    register__owner=self.owner,
                    notation__in=notations[start : start + CHUNK],
                    pk__lte=self.last_existing,
                )
                .select_related("register")
                .order_by("pk")
            )
            for document in registered:
                keys = _sender_keys(document.issuer_id, document.issuer_name)
                for row, row_keys, name in self.rows.get(document.notation, ()):
                    if row_keys & keys:
                        found.append((row, document.notation, name, document))
        found.sort(key=lambda match: (match[0], match[3].pk))
        notices = [
            _(
                "Row %(row)d: %(notation)s from %(sender)s was already received, arrival number %(arrival)s "
                "in “%(register)s”."
            )
            % {
                "row": row,
                "notation": notation,
                "sender": sender or "—",
                "arrival": document.arrival_number if document.arrival_number is not None else "—",
                "register": document.register.name,
            }
            for row, notation, sender, document in found[:LISTED]
        ]
        return notices + self._more(len(found))

    @staticmethod
    def _more(count: int) -> list[str]:
        if count <= LISTED:
            return []
        more = count - LISTED
        return [ngettext("… and %(count)d more like it.", "… and %(count)d more like these.", more) % {"count": more}]
