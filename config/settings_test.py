"""Settings for the test suite: the production settings, as the environment
makes them, with what the test client cannot do turned off.

pytest loads these (pyproject.toml) before any test module or conftest is
imported, so even an application built at import time sees them.
"""

from config.settings import *  # noqa: F403

# The test client speaks plain HTTP; redirecting it to HTTPS would answer every
# request with a 301. The secure cookie flags and HSTS stay as configured.
SECURE_SSL_REDIRECT = False

# Static files from the source folders, as under DEBUG: no collectstatic, no
# manifest to look names up in. Uploads keep the storage the environment chose.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each test starts from an empty cache (the root conftest clears it), so login
# failure counters and the like never carry over between tests; a process-local
# cache makes that clearing safe even where REDIS_URL names a shared server.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
