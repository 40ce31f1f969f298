"""Domain events, sent only once the transaction that caused them commits, so
listeners never act on a write that was rolled back."""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("docreg.events")

# Receivers get `event` (a dotted name such as "document.issued") and `payload`.
domain_event = Signal()


def send_event_on_commit(event: str, **payload: Any) -> None:
    def _send() -> None:
        logger.debug("event %s %s", event, payload)
        domain_event.send(sender=None, event=event, payload=payload)

    transaction.on_commit(_send)
