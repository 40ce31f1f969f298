"""The intake corpus: realistic documents beyond the examples (intake_samples/corpus/*.txt), each
with its expected intake object written by hand (*.json), and the field-by-field measure of how
many the parser reads right.

Every top-level key of the CONTRACT's intake object counts as one field of one document; lists
(addressees, distribution, references, deadlines, warnings) and the nested objects (issuer,
signer) are compared whole. Run as a script for the table:

    .venv/bin/python registry/tests/intake_corpus.py [-v]
"""

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "intake_samples" / "corpus"
# The keys of the intake object, in the CONTRACT's order; each is one field of the measure.
FIELDS = (
    "source",
    "system",
    "issuer",
    "number",
    "symbol",
    "notation",
    "doc_type",
    "urgency",
    "confidentiality",
    "place",
    "date",
    "subject",
    "addressees",
    "distribution",
    "signer",
    "references",
    "deadlines",
    "warnings",
)
CONTRACT_KEYS = list(FIELDS)


def check_shape(result: dict[str, Any]) -> None:
    """Asserts that ``result`` is a whole intake object of the CONTRACT's types, JSON-ready, and
    that the guard against bugs in read_document never had to step in."""
    assert list(result) == CONTRACT_KEYS
    for key in ("system", "symbol", "notation", "doc_type", "urgency", "confidentiality", "place", "date", "subject"):
        assert result[key] is None or isinstance(result[key], str), key
    assert result["number"] is None or isinstance(result["number"], int)
    assert set(result["issuer"]) == {"name", "parent"}
    assert set(result["signer"]) == {"name", "title", "authority"}
    assert all(value is None or isinstance(value, str) for value in [*result["issuer"].values()])
    assert all(value is None or isinstance(value, str) for value in [*result["signer"].values()])
    for key in ("addressees", "distribution", "warnings"):
        assert all(isinstance(item, str) and item for item in result[key]), key
    assert all(set(item) == {"notation", "date", "issuer"} for item in result["references"])
    assert all(set(item) == {"date", "kind", "text"} for item in result["deadlines"])
    assert all(item["kind"] in {"before", "by", "during"} for item in result["deadlines"])
    json.dumps(result)
    assert not any("unexpected error" in warning for warning in result["warnings"])


def corpus_paths() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def read_text(path: Path) -> str:
    """The file's text as it is, line endings included (one document is CRLF on purpose)."""
    return path.read_bytes().decode("utf-8")


def expected(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return result


@dataclass
class Miss:
    document: str
    field: str
    expected: Any
    got: Any


@dataclass
class Measure:
    documents: int = 0
    right: dict[str, int] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.documents * len(FIELDS)

    @property
    def right_total(self) -> int:
        return sum(self.right.values())

    @property
    def accuracy(self) -> float:
        return self.right_total / self.total if self.total else 0.0

    def field_accuracy(self, name: str) -> float:
        return self.right.get(name, 0) / self.documents if self.documents else 0.0

    def table(self, *, verbose: bool = False) -> str:
        lines = [f"{'field':<16} right/{self.documents}"]
        lines += [f"{name:<16} {self.right.get(name, 0):>3}  {self.field_accuracy(name):6.1%}" for name in FIELDS]
        lines.append(f"{'overall':<16} {self.right_total}/{self.total}  {self.accuracy:6.1%}")
        if verbose:
            for miss in self.misses:
                lines.append(f"\n{miss.document} {miss.field}:\n  expected {miss.expected!r}\n  got      {miss.got!r}")
        else:
            lines += [f"  miss: {miss.document} {miss.field}" for miss in self.misses]
        return "\n".join(lines)


def measure(read: Callable[..., Mapping[str, Any]]) -> Measure:
    """Reads every corpus document with ``read(text, source=name)`` and counts its right fields."""
    result = Measure(right=dict.fromkeys(FIELDS, 0))
    for path in corpus_paths():
        truth = expected(path)
        got = read(read_text(path), source=path.name)
        result.documents += 1
        for name in FIELDS:
            if got.get(name) == truth[name]:
                result.right[name] += 1
            else:
                result.misses.append(Miss(path.name, name, truth[name], got.get(name)))
    return result


if __name__ == "__main__":
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from registry.intake import read_document

    print(measure(read_document).table(verbose="-v" in sys.argv))
