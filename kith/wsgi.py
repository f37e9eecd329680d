"""WSGI entry point: `gunicorn kith.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
application = get_wsgi_application()

# Everything loaded by now (Django, Kith's code, settings) lives as long as
# the worker: out of the garbage collector's sight, the oldest generation's
# collections no longer walk it, and a page no longer now and then waits
# 50 ms for one (measured by bench/pages.py).
gc.collect()
gc.freeze()
