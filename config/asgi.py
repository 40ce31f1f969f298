import os

from django.core.asgi import get_asgi_application

from config import garbage

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

# As in config/wsgi.py: garbage collection between requests (config/garbage.py).
garbage.settle()
