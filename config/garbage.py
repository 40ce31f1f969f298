"""Cyclic garbage collection in a server process: between requests, not in them.

CPython's collector starts a young collection every 2,000 net allocations of
container objects, and a middle one every tenth of those. A request of the
API allocates tens of thousands (query expressions, model instances, form
fields, serializers), most of them alive until it ends, so collections set
off in the middle of it walk all it holds: on a page of fifty search results
among a million documents, a middle collection took 5–7 ms and came every
few requests, and objects that happened to be alive then were moved to the
oldest generation, whose collections took 30–60 ms. Once a request has
ended, almost nothing of it is alive: the same collections cost little, and
nobody is waiting.

`settle()`, called once the application is loaded (config/wsgi.py,
config/asgi.py, the benchmarks):
- freezes what is loaded (modules, models, URL patterns, translations): it
  lives as long as the process, and no collection walks it again;
- leaves a young collection to YOUNG_THRESHOLD net allocations, more than a
  request usually makes (large imports and exports still set some off);
- collects the young generations when a request has finished (Django's
  request_finished, sent once the response has been sent), and every
  generation after each FULL_EVERY requests.
"""

import gc
import itertools
from typing import Any

from django.core.signals import request_finished

YOUNG_THRESHOLD = 100_000
FULL_EVERY = 100
# CPython's own: a middle collection every 10 young ones, a full one every 10 middle ones.
OLDER_THRESHOLDS = (10, 10)

_finished = itertools.count(1)


def settle() -> None:
    """Freezes the loaded application and moves collections between requests (see the module)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
    request_finished.connect(collect_after_request, dispatch_uid="config.garbage.collect_after_request")


def collect_after_request(**kwargs: Any) -> None:
    """request_finished: what the request left in cycles, and now and then all generations."""
    gc.collect(2 if next(_finished) % FULL_EVERY == 0 else 1)
