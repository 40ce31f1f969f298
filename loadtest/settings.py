"""The load test's server settings: docreg's own (config.settings, read from the
environment as in production), with one change — passwords are hashed with
few rounds.

PBKDF2's 1.5 million rounds cost about a CPU-second per sign-in by design;
fifty simulated people signing in on a two-core machine would spend the
measured minute hashing passwords instead of working the registry. The
hasher has an algorithm name of its own, so a hash made here is refused by
any real installation.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from config.settings import *  # noqa: F403


class LoadTestPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "loadtest_pbkdf2_sha256"
    iterations = 1000


PASSWORD_HASHERS = ["loadtest.settings.LoadTestPasswordHasher"]
