"""What validating a register file needs from the database, each read once per
import: the document types, the organizations senders are matched to, and the
counters (NumberSequence) the file's numbers belong to with the numbers their
documents already carry."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from core.text import fold
from recipients.models import Organization
from registry.models import Document, DocumentType, NotationSystem, NumberSequence
from registry.notation import Notation
from registry.services.numbering import SequenceKey, sequence_id


class DocumentTypes:
    """The document types by abbreviation and by name, in both systems."""

    def __init__(self) -> None:
        types = list(DocumentType.objects.all())
        self.by_state = {t.state_abbreviation: t for t in types if t.state_abbreviation}
        self.by_party = {t.party_abbreviation: t for t in types if t.party_abbreviation}
        self.letter = next((t for t in types if t.is_letter and t.state_name), None)
        # Folded names as words, longest first: “Quy chế” before “Quy”.
        named = {(tuple(fold(name).split()), t.pk): t for t in types for name in (t.state_name, t.party_name) if name}
        self.names = sorted(((words, t) for (words, _pk), t in named.items()), key=lambda item: -len(item[0]))
        self.longest = len(self.names[0][0]) if self.names else 0

    @property
    def state_abbreviations(self) -> frozenset[str]:
        return frozenset(self.by_state)

    def for_notation(self, notation: Notation) -> DocumentType | None:
        """The type a notation names; a State notation without one is a công văn
        (as registry.services.content.doc_type_for_notation reads it)."""
        if notation.system == NotationSystem.STATE:
            return self.by_state.get(notation.type_abbr) if notation.type_abbr else self.letter
        return self.by_party.get(notation.type_abbr)

    def leading_name(self, text: str) -> tuple[DocumentType | None, str]:
        """The type whose name `text` starts with (“Kế hoạch tổ chức …”), and the
        text after that name; (None, text) when it starts with none."""
        words = text.split(" ")
        folded = fold(" ".join(words[: self.longest])).split(" ")
        for name, doc_type in self.names:
            if tuple(folded[: len(name)]) == name:
                return doc_type, " ".join(words[len(name) :])
        return None, text


class Senders:
    """Organizations by folded name, short name and official code; a name two
    organizations share matches neither."""

    def __init__(self) -> None:
        index: dict[str, set[int]] = defaultdict(set)
        organizations = Organization.objects.only(
            "id", "name", "short_name", "code", "system", "header_name", "header_parent_name"
        )
        self.by_id = {organization.pk: organization for organization in organizations}
        for organization in self.by_id.values():
            for name in (organization.name, organization.short_name, organization.code):
                if name.strip():
                    index[fold(name)].add(organization.pk)
        self.index = {key: next(iter(ids)) for key, ids in index.items() if len(ids) == 1}

    def match(self, name: str) -> Organization | None:
        found = self.index.get(fold(name))
        return None if found is None else self.by_id[found]


@dataclass
class Counter:
    """One NumberSequence as the import sees it."""

    key: SequenceKey
    id: int | None
    last_number: int
    taken: set[int]  # numbers documents already carry
    claimed: dict[int, int] = field(default_factory=dict)  # number → the file's row that carries it

    @cached_property
    def label(self) -> str:
        return str(NumberSequence(**self.key.lookup(), period_end=self.key.period_end))


class SequenceBook:
    """The counters a file's rows draw on, found by their key when first met.

    With `create` each counter is created when missing (as issuing does) and
    locked until the import's transaction ends, so no clerk can issue a number
    from it while the import writes; without, a missing counter is empty.
    `arrivals` reads arrival numbers instead of document numbers."""

    def __init__(self, *, create: bool, arrivals: bool) -> None:
        self.create = create
        self.arrivals = arrivals
        self.counters: list[Counter] = []
        self._slots: dict[tuple[datetime.date, str, int | None], int] = {}

    def slot(self, key: SequenceKey) -> int:
        lookup = (key.period_start, key.series, key.doc_type.pk if key.doc_type else None)
        found = self._slots.get(lookup)
        if found is None:
            found = self._slots[lookup] = len(self.counters)
            self.counters.append(self._load(key))
        return found

    def _load(self, key: SequenceKey) -> Counter:
        sequences = NumberSequence.objects.order_by()
        pk: int | None
        if self.create:
            pk = sequence_id(key)
            last_number = sequences.select_for_update().filter(pk=pk).values_list("last_number", flat=True).get()
        else:
            row = sequences.filter(**key.lookup()).values_list("id", "last_number").first()
            pk, last_number = row if row is not None else (None, 0)
        number, link = ("arrival_number", "arrival_sequence_id") if self.arrivals else ("number", "sequence_id")
        taken = set(Document.objects.filter(**{link: pk}).values_list(number, flat=True)) if pk else set()
        return Counter(key=key, id=pk, last_number=last_number, taken=taken)

    def claim(self, slot: int, number: int, row: int) -> str | None:
        """Records that `row` carries `number`; the reason it may not, if any."""
        counter = self.counters[slot]
        if number in counter.taken:
            values = {"number": number, "sequence": counter.label}
            if self.arrivals:
                return _("Arrival number %(number)d is already taken in %(sequence)s.") % values
            return _("Number %(number)d is already taken in %(sequence)s.") % values
        earlier = counter.claimed.setdefault(number, row)
        if earlier != row:
            values = {"number": number, "sequence": counter.label, "row": earlier}
            if self.arrivals:
                return _("Arrival number %(number)d of %(sequence)s is also in row %(row)d.") % values
            return _("Number %(number)d of %(sequence)s is also in row %(row)d.") % values
        return None
