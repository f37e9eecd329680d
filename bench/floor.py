"""The floor bench/pages.py measures Kith's pages against: the least a Django
page can be. One view, one query (the first locality's name) on the same
database as Kith, a tiny template, no middleware, no sessions.

Served the same way as Kith (gunicorn, the same workers) by bench/pages.py:

    gunicorn floor:application --chdir bench

Reads DATABASE_URL (PostgreSQL) or KITH_VAR_DIR (SQLite, kith.sqlite3 in
it) as Kith's settings do. Not part of Kith.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf import settings

if os.environ.get("DATABASE_URL"):
    _DATABASE = dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
else:
    _DATABASE = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(os.environ["KITH_VAR_DIR"]) / "kith.sqlite3"),
        "OPTIONS": {"timeout": 20},
    }

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("SECRET_KEY", "floor-not-secret"),
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        DATABASES={"default": _DATABASE},
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        USE_TZ=True,
    )

from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

_TEMPLATE = (
    "<!doctype html><html lang='en'><head><title>{{ name }}</title></head>"
    "<body><h1>{{ name }}</h1><p>{{ count }}</p></body></html>"
)


def floor(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM places_locality ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    template = engines["django"].from_string(_TEMPLATE)
    return HttpResponse(template.render({"name": row[0] if row else "", "count": 1}))


urlpatterns = [path("", floor)]

application = get_wsgi_application()
