"""Reading fixtures/demo/*.json, shared by `seed_demo` and its obligations part.

The leading underscore keeps Django from listing this module as a command.
"""

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from core.text import nfc

DATA_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"

Record = dict[str, Any]


def load(name: str) -> Any:
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def one_line(value: str) -> str:
    """The form the services store single-line text in (NFC, spaces collapsed), for lookups."""
    return nfc(" ".join(value.split()))


def to_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def need[T](table: dict[str, T], key: str, what: str) -> T:
    """The row a JSON record refers to by key; a typo in the data fails the run, naming the key."""
    try:
        return table[key]
    except KeyError:
        raise CommandError(f"fixtures/demo: unknown {what} “{key}”.") from None


def pick[T](table: dict[str, T], key: str | None, what: str) -> T | None:
    """Like `need`, for references that may be absent."""
    return None if key is None else need(table, key, what)
