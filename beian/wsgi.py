"""WSGI entry point (gunicorn beian.wsgi): Beian is served over WSGI, see dependencies.md."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")
application = get_wsgi_application()
