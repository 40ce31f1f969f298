import os

from django.core.wsgi import get_wsgi_application

from config import garbage

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Garbage collection between requests, the loaded application frozen out of it (config/garbage.py).
garbage.settle()
