"""config/garbage.py: a server process collects cyclic garbage between requests."""

import gc
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path

from django.conf import settings
from django.core.signals import request_finished

from config import garbage


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _collections(work) -> list[int]:
    """The generations the collector collected while `work` ran, automatic collections off."""
    collected: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "stop":
            collected.append(info["generation"])

    enabled = gc.isenabled()
    gc.disable()
    gc.callbacks.append(record)
    try:
        work()
    finally:
        gc.callbacks.remove(record)
        if enabled:
            gc.enable()
    return collected


def test_each_finished_request_collects_its_cycles_and_every_hundredth_all_generations():
    """GIVEN a cycle a request left, automatic collections off
    WHEN requests finish (the handler settle() connects to request_finished)
    THEN the cycle is gone after the first; each finish collects the young generations, and
    one finish in FULL_EVERY all of them."""
    left = _Cycle()
    alive = weakref.ref(left)
    del left

    def finish_requests() -> None:
        garbage.collect_after_request(signal=request_finished, sender=None)
        assert alive() is None
        for _ in range(garbage.FULL_EVERY - 1):
            garbage.collect_after_request(signal=request_finished, sender=None)

    generations = _collections(finish_requests)
    assert len(generations) == garbage.FULL_EVERY
    assert sorted(generations) == [1] * (garbage.FULL_EVERY - 1) + [2]


def test_a_server_process_settles_once_the_application_is_loaded():
    """GIVEN a fresh process
    WHEN it loads the WSGI application, as gunicorn does
    THEN the application is frozen out of collections, a young collection waits for
    YOUNG_THRESHOLD allocations, and finished requests collect."""
    probe = (
        "import gc, json, weakref, config.wsgi; from config import garbage; "
        "from django.core.signals import request_finished\n"
        "class Cycle: pass\n"
        "left = Cycle(); left.me = left; alive = weakref.ref(left); del left\n"
        "request_finished.send(sender=None)\n"
        "print(json.dumps([gc.get_freeze_count(), gc.get_threshold(), alive() is None]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(settings.BASE_DIR),
        env=env,
    )
    frozen, thresholds, collected = json.loads(done.stdout.strip().splitlines()[-1])
    assert frozen > 10_000
    assert thresholds == [garbage.YOUNG_THRESHOLD, *garbage.OLDER_THRESHOLDS]
    assert collected
