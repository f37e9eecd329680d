"""The demo server (`kith run`, development mode) shows Kith's own 404 and
500 pages, never Django's technical pages that list every URL, while still
serving static files and keeping the demo's conveniences."""

import subprocess
import sys
import textwrap

from kith.cli import ROOT, _environment

SCRIPT = textwrap.dedent(
    """
    import os
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    print("DEBUG", settings.DEBUG, "DEMO", settings.KITH_DEMO)
    print("SECURE", getattr(settings, "SESSION_COOKIE_SECURE", False))
    missing = client.get("/no-such-page/")
    print("404", missing.status_code)
    print("KITH404", "Page not found" in missing.content.decode())
    print("URLCONF", "URLconf" in missing.content.decode())
    static = client.get("/static/kith/print.css")
    print("STATIC", static.status_code)
    # Break the database under the running site: the next page fails.
    connection.close()
    os.remove(settings.DATABASES["default"]["NAME"])
    broken = client.get("/")
    print("500", broken.status_code)
    print("SORRY", "Sorry, there is a problem" in broken.content.decode())
    print("TRACEBACK", "Traceback" in broken.content.decode())
    """
)


def _demo_environment(monkeypatch, tmp_path) -> dict[str, str]:
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "KITH_DEBUG",
        "KITH_DEMO",
        "KITH_TRACEBACKS",
        "PYTEST_VERSION",
    ):
        monkeypatch.delenv(name, raising=False)
    env = _environment()
    env["KITH_VAR_DIR"] = str(tmp_path)
    return env


def _run(env, *args):
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_demo_server_shows_kiths_own_404_and_500_pages(monkeypatch, tmp_path):
    env = _demo_environment(monkeypatch, tmp_path)
    assert env["KITH_DEBUG"] == "1" and env["KITH_DEMO"] == "1"
    migrated = _run(env, "manage.py", "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    result = _run(env, "-c", SCRIPT)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["DEBUG"] == "False DEMO True"
    # Still development: cookies over plain HTTP.
    assert lines["SECURE"] == "False"
    assert lines["404"] == "404"
    assert lines["KITH404"] == "True"
    assert lines["URLCONF"] == "False"
    assert lines["STATIC"] == "200"
    assert lines["500"] == "500"
    assert lines["SORRY"] == "True"
    assert lines["TRACEBACK"] == "False"


def test_development_without_the_demo_keeps_djangos_debug_pages(monkeypatch, tmp_path):
    env = _demo_environment(monkeypatch, tmp_path)
    env["KITH_DEMO"] = "0"
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.DEBUG, s.KITH_DEMO)"
    result = _run(env, "-c", code)
    assert result.stdout.split() == ["True", "False"], result.stderr
    env["KITH_DEMO"] = "1"
    env["KITH_TRACEBACKS"] = "1"
    result = _run(env, "-c", code)
    assert result.stdout.split() == ["True", "True"], result.stderr
    # Outside development there is no demo, whatever KITH_DEMO says.
    env = {key: value for key, value in env.items() if key != "KITH_TRACEBACKS"}
    env.update(KITH_DEBUG="0", SECRET_KEY="x" * 50)
    result = _run(env, "-c", code)
    assert result.stdout.split() == ["False", "False"], result.stderr
