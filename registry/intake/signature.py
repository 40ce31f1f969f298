"""The bottom of a document: the "Nơi nhận" distribution list and the signature block.

The bottom starts at the first "Nơi nhận:" or authority label ("TM.", "KT.", "T/M" ...)
after the body, or at an upper-case title that a signature follows ("TRƯỞNG BAN" above
"(đã ký)" or a name). Its two columns come in either order, so the signature block is read
from the cells the distribution list leaves: the authority lines in order make the chain
("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"), the first other upper-case line is the title
("PHÓ CHỦ TỊCH"), and a capitalised name is the signer.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from registry.intake.lines import DISTRIBUTION_LABEL, Cell, Kind, classify, collapse, looks_like_name
from registry.intake.lists import read_list

# The commonest Vietnamese family names: an upper-case line starting with one, under the title,
# is the signer's name printed in capitals ("NGUYỄN VĂN AN"), not a second title.
_FAMILY_NAMES = frozenset(
    {
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Lâm",
        "Trương",
        "Đinh",
        "Mai",
        "Tô",
        "Thái",
        "Châu",
        "Lương",
        "Đào",
        "Cao",
        "Hà",
        "Quách",
        "Triệu",
        "Tạ",
        "Trịnh",
        "Đoàn",
        "Văn",
        "Kiều",
        "Thân",
        "Hứa",
        "Lưu",
        "La",
        "Tăng",
        "Giang",
        "Chu",
        "Diệp",
        "Từ",
        "Kim",
        "Danh",
        "Thạch",
    }
)
# What the signature column may put on the "Nơi nhận:" line when a converter flattens it.
_SIGNATURE_KINDS = frozenset({Kind.AUTHORITY, Kind.UPPER, Kind.TYPE_NAME, Kind.SIGNED})
_SIGNATURE_REACH = 3  # non-blank cells after a title within which a signature or name shows it is one


@dataclass
class TailReading:
    distribution: list[str] = field(default_factory=list)
    name: str | None = None
    title: str | None = None
    chain: list[str] = field(default_factory=list)

    @property
    def authority(self) -> str | None:
        return " / ".join(self.chain) or None

    @property
    def found(self) -> bool:
        return bool(self.name or self.title or self.chain)


def _signature_follows(cells: Sequence[Cell], index: int) -> bool:
    following = [cell.kind for cell in cells[index + 1 :] if cell.kind is not Kind.BLANK][:_SIGNATURE_REACH]
    return not following or Kind.SIGNED in following or Kind.NAME in following


def find_tail(cells: Sequence[Cell], start: int) -> int:
    """Index of the first cell of the bottom part (len(cells) when there is none)."""
    for index in range(start, len(cells)):
        kind = cells[index].kind
        if kind in (Kind.DISTRIBUTION, Kind.AUTHORITY, Kind.SIGNED):
            return index
        if kind is Kind.UPPER and _signature_follows(cells, index):
            return index
    last = next((index for index in range(len(cells) - 1, start - 1, -1) if cells[index].kind is not Kind.BLANK), None)
    if last is not None and cells[last].kind is Kind.NAME and last > start:
        return last  # a name alone under the body's closing "./."
    return len(cells)


class _Signature:
    """Collects the signature block from the cells of the bottom part, in order."""

    def __init__(self, reading: TailReading) -> None:
        self.reading = reading
        self.signed = False  # past "(đã ký)": a name printed in capitals is the signer, not a title

    def _capitalised_name(self, text: str) -> bool:
        """Whether an upper-case line is the signer's name rather than the title."""
        if not looks_like_name(text.title()):
            return False
        return self.signed or (self.reading.title is not None and text.split()[0].title() in _FAMILY_NAMES)

    def take(self, cell: Cell) -> None:
        reading, text = self.reading, collapse(cell.text)
        if cell.kind is Kind.AUTHORITY:
            reading.chain.append(text)
        elif cell.kind is Kind.SIGNED:
            self.signed = True
        elif cell.kind is Kind.NAME or (cell.kind is Kind.UPPER and self._capitalised_name(text)):
            reading.name = reading.name or text
        elif cell.kind in (Kind.UPPER, Kind.TYPE_NAME) and reading.title is None and reading.name is None:
            reading.title = text


def read_tail(cells: Sequence[Cell], start: int) -> TailReading:
    """Distribution and signature from cells[start:]."""
    reading = TailReading()
    signature = _Signature(reading)
    index = start
    while index < len(cells):
        cell = cells[index]
        if cell.kind is Kind.DISTRIBUTION:
            label = DISTRIBUTION_LABEL.match(cell.text)
            rest = label.group("rest").strip() if label else ""
            flattened = classify(rest) if rest else Kind.BLANK
            if flattened in _SIGNATURE_KINDS:  # "Nơi nhận: CHỦ TỊCH": the other column, flattened
                signature.take(Cell(cell.line, rest, flattened, cell.column + 1))
                rest = ""
            listed = read_list(cells, index + 1, rest)
            reading.distribution.extend(listed.entries)
            for beside in listed.beside:
                signature.take(cells[beside])
            index = listed.end
            continue
        signature.take(cell)
        index += 1
    return reading
