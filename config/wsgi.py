import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The loaded application (modules, models, URL patterns, translations) lives as
# long as the process. Frozen, it is left out of the cyclic garbage
# collector's full collections, which would otherwise walk it again each time:
# a pause of tens of milliseconds in whichever request sets one off.
gc.freeze()
