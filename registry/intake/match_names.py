"""Names of bodies as words to compare, and the directory of bodies and recipient groups they
are compared with (read once per call of registry.intake.matching.intake_suggestions).

Names are compared as sets of folded words (core.text.fold: no case, no diacritics), after
abbreviations are spelt out (``UBND`` → ủy ban nhân dân, ``BTG TU`` and ``BTGTU`` → ban tuyên
giáo tỉnh ủy, and every abbreviation of the directory that stands for one name, such as
``STTTT``). Rare words weigh more than common ones (``nội vụ`` more than ``tỉnh``), and
the score is the weighted F-measure of the words shared (Directory.similarity).
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core.text import fold, nfc
from recipients.models import Organization, RecipientGroup
from registry.intake.suggestions import GROUP, ORGANIZATION

# Abbreviations of the administrative language, spelt out. Keys are matched as written
# (capitals, with Đ): "TU" is Tỉnh ủy, but "TƯ" (as in SỞ TƯ PHÁP) is a word. Words made of
# several of them ("BTGTU", "VPTU", "UBKTTU") are split into them.
ABBREVIATIONS: dict[str, str] = {
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "HDND": "hội đồng nhân dân",
    "MTTQ": "mặt trận tổ quốc",
    "UBMTTQ": "ủy ban mặt trận tổ quốc",
    "TU": "tỉnh ủy",
    "HU": "huyện ủy",
    "TW": "trung ương",
    "BCH": "ban chấp hành",
    "BTV": "ban thường vụ",
    "BTG": "ban tuyên giáo",
    "BDV": "ban dân vận",
    "BTC": "ban tổ chức",
    "BNC": "ban nội chính",
    "UBKT": "ủy ban kiểm tra",
    "VP": "văn phòng",
    "ĐU": "đảng ủy",
    "ĐUK": "đảng ủy khối",
    "ĐBQH": "đại biểu quốc hội",
    "ĐĐBQH": "đoàn đại biểu quốc hội",
    "STTTT": "sở thông tin và truyền thông",
    "TTTT": "thông tin và truyền thông",
    "TP": "thành phố",
    "TX": "thị xã",
    "HCM": "hồ chí minh",
    "TPHCM": "thành phố hồ chí minh",
    "HN": "hà nội",
    "LĐLĐ": "liên đoàn lao động",
    "HLHPN": "hội liên hiệp phụ nữ",
    "HND": "hội nông dân",
    "HCCB": "hội cựu chiến binh",
}
# These are spelt out however they are written ("Tp.HCM", "Ubnd").
CASE_FREE = frozenset({"TP", "TX", "UBND", "HĐND", "TPHCM"})
# Words that tell bodies apart by nothing ("các", "và" …): they weigh next to nothing.
STOPWORDS = frozenset({"cac", "va", "cua", "o", "ve", "cho", "voi"})
STOPWORD_WEIGHT = 0.1
# Place names weigh at least this much, however many bodies of that place there are.
PLACE_WEIGHT = 3.0

_WORD = re.compile(r"[^\W_]+")


# --- words ------------------------------------------------------------------------------


def _spelt(text: str) -> tuple[str, ...]:
    return tuple(fold(text).split())


_STATIC: dict[str, tuple[str, ...]] = {key: _spelt(value) for key, value in ABBREVIATIONS.items()}
_SHORTEST_PIECE = 2
_LONGEST_COMPOUND = 12  # "UBMTTQTPHCM"; longer words are not split (nor searched at length)


def _split_abbreviation(word: str) -> tuple[str, ...] | None:
    """A word made of known abbreviations ("BTGTU" = BTG + TU), spelt out; None otherwise.
    Longest pieces first, and every piece at least two letters long."""
    if word in _STATIC:
        return _STATIC[word]
    if len(word) > _LONGEST_COMPOUND:
        return None
    for end in range(len(word) - _SHORTEST_PIECE, _SHORTEST_PIECE - 1, -1):
        head = word[:end]
        if head in _STATIC:
            rest = _split_abbreviation(word[end:])
            if rest is not None:
                return _STATIC[head] + rest
    return None


class Words:
    """Turns names into folded words, spelling abbreviations out."""

    def __init__(self, directory_abbreviations: Mapping[str, tuple[str, ...]]) -> None:
        self.directory = directory_abbreviations

    def expand(self, word: str) -> tuple[str, ...] | None:
        upper = word.upper()
        if not (word == upper and len(word) >= _SHORTEST_PIECE) and upper not in CASE_FREE:
            return None
        if upper in CASE_FREE:
            return _STATIC[upper]
        return _split_abbreviation(word) or self.directory.get(word)

    def __call__(self, text: str) -> tuple[str, ...]:
        words: list[str] = []
        for word in _WORD.findall(nfc(text)):
            words.extend(self.expand(word) or fold(word).split())
        return tuple(words)


def _directory_abbreviations(organizations: Iterable[Organization]) -> dict[str, tuple[str, ...]]:
    """The directory's abbreviations that stand for one name ("STTTT" for Sở Thông tin và
    Truyền thông, in whichever province), spelt out; shared ones ("TU", "VP") are left out."""
    plain = Words({})
    names: dict[str, set[tuple[str, ...]]] = {}
    for organization in organizations:
        abbreviation = organization.abbreviation.strip()
        if len(abbreviation) >= _SHORTEST_PIECE and abbreviation == abbreviation.upper():
            names.setdefault(abbreviation, set()).add(plain(organization.short_name or organization.name))
    return {
        abbreviation: next(iter(spelt))
        for abbreviation, spelt in names.items()
        if len(spelt) == 1 and abbreviation not in _STATIC and next(iter(spelt))
    }


# --- the directory, read once per call ---------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One way a body is written: its words in order, and as a set."""

    label: str  # why a match on it counts: "full name", "short name" …
    words: tuple[str, ...]
    bag: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bag", frozenset(self.words))

    @property
    def compact(self) -> str:
        return "".join(self.words)


@dataclass
class DirectoryEntry:
    """A body or group of the directory, with the ways it is written."""

    kind: str
    id: int
    name: str
    context: str
    variants: list[Variant]
    organization: Organization | None = None
    group: RecipientGroup | None = None


class Directory:
    def __init__(self, organizations: list[Organization], groups: list[RecipientGroup]) -> None:
        self.organizations = {organization.pk: organization for organization in organizations}
        abbreviations = _directory_abbreviations(organizations)
        self.words = Words(abbreviations)
        # An abbreviation names a body only when every body using it has the same name.
        self.telling = set(abbreviations)
        self.entries: list[DirectoryEntry] = []
        for organization in organizations:
            self.entries.append(self._organization_entry(organization))
        for group in groups:
            variants = [Variant("group", self.words(group.name))]
            self.entries.append(
                DirectoryEntry(
                    GROUP, group.pk, group.name, group.owner.name, [v for v in variants if v.words], group=group
                )
            )
        self.places = {
            word for organization in organizations for word in self.words(organization.place) if organization.place
        }
        self._weigh()
        self._index()

    def _organization_entry(self, organization: Organization) -> DirectoryEntry:
        texts = [
            ("full name", organization.name),
            ("short name", organization.short_name),
            ("header", organization.header_name),
        ]
        if organization.header_name.strip() and organization.header_parent_name.strip():
            texts.append(("header", f"{organization.header_name} {organization.header_parent_name}"))
        if organization.abbreviation in self.telling:
            texts.append(("abbreviation", organization.abbreviation))
        variants: list[Variant] = []
        seen: set[tuple[str, ...]] = set()
        for label, text in texts:
            words = self.words(text) if text.strip() else ()
            if words and words not in seen:
                seen.add(words)
                variants.append(Variant(label, words))
        parent = organization.parent
        return DirectoryEntry(
            ORGANIZATION,
            organization.pk,
            organization.name,
            parent.name if parent else "",
            variants,
            organization=organization,
        )

    def _weigh(self) -> None:
        """Inverse document frequency over the directory; place names weigh at least PLACE_WEIGHT."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            for word in {word for variant in entry.variants for word in variant.words}:
                counts[word] = counts.get(word, 0) + 1
        total = max(len(self.entries), 1)
        self.unknown_weight = 1.0 + math.log(total + 1)
        self.weights = {word: 1.0 + math.log((total + 1) / (count + 1)) for word, count in counts.items()}
        for word in self.places:
            self.weights[word] = max(self.weights.get(word, self.unknown_weight), PLACE_WEIGHT)
        for word in STOPWORDS:
            self.weights[word] = STOPWORD_WEIGHT
        self.common = {word for word, count in counts.items() if count > max(10, total * 0.3)}

    def weight(self, word: str) -> float:
        return self.weights.get(word, self.unknown_weight)

    def _index(self) -> None:
        self.by_word: dict[str, set[int]] = {}
        self.by_compact: dict[str, set[int]] = {}
        for position, entry in enumerate(self.entries):
            for variant in entry.variants:
                self.by_compact.setdefault(variant.compact, set()).add(position)
                for word in variant.words:
                    self.by_word.setdefault(word, set()).add(position)

    def near(self, texts: Sequence[tuple[tuple[str, ...], float]]) -> set[int]:
        """The entries worth scoring: those sharing a telling word with a reading of the text,
        having all its common words ("tỉnh ủy"), or written the same without spaces."""
        found: set[int] = set()
        for words, _factor in texts:
            for word in words:
                if word not in self.common:
                    found |= self.by_word.get(word, set())
            common = [self.by_word.get(word, set()) for word in words if word in self.common]
            if common:
                found |= set.intersection(*common)
            found |= self.by_compact.get("".join(words), set())
        return found

    def similarity(self, words: tuple[str, ...], variant: Variant, optional: frozenset[str]) -> float:
        """The weighted F-measure of the words shared; the same letters without spaces is 1.
        Optional words of the variant (the document's place) count only when written."""
        if not words:
            return 0.0
        if "".join(words) == variant.compact:
            return 1.0
        bag = frozenset(words)
        common = bag & variant.bag
        if not common:
            return 0.0
        shared = sum(self.weight(word) for word in common)
        precision = shared / sum(self.weight(word) for word in bag)
        required = variant.bag - (optional - bag)
        recall = shared / sum(self.weight(word) for word in required) if required else 1.0
        return 2 * precision * recall / (precision + recall)

    def best_variant(
        self, texts: Sequence[tuple[tuple[str, ...], float]], entry: DirectoryEntry, optional: frozenset[str]
    ) -> tuple[float, Variant | None]:
        """The best score of any reading of the text (times its factor) against any variant."""
        best: tuple[float, Variant | None] = (0.0, None)
        for words, factor in texts:
            for variant in entry.variants:
                score = factor * self.similarity(words, variant, optional)
                if score > best[0]:
                    best = (score, variant)
        return best

    def ancestors(self, organization: Organization) -> list[Organization]:
        """The organization and the bodies above it, nearest first (a cycle stops the walk)."""
        chain: list[Organization] = []
        current: Organization | None = organization
        while current is not None and current not in chain:
            chain.append(current)
            current = self.organizations.get(current.parent_id) if current.parent_id else None
        return chain
