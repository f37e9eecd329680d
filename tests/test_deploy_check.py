"""docs/deploy.md's first deployment, followed to the letter by
scripts/deploy-check: production settings, migrate, collectstatic, the
deployment checks, the first administrator, postcodes, gunicorn, and pages,
the stylesheets and their images fetched over HTTP.

It runs on the suite's database server: SQLite in a temporary folder, or a new
database beside the suite's when DATABASE_URL names PostgreSQL.
"""

import os
import re
import subprocess
import sys
import types
from importlib.machinery import SourceFileLoader
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "deploy-check"


def _deploy_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=600,
        # As CI and a person run it: none of pytest's environment (with it,
        # Django's settings module is set and test mode is on).
        env={
            k: v
            for k, v in os.environ.items()
            if k in {"PATH", "HOME", "LANG", "TMPDIR", "DATABASE_URL"}
        },
        check=False,
    )


def test_the_documented_first_deployment_serves_pages():
    result = _deploy_check()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for step in [
        "$ python manage.py migrate",
        "$ python manage.py collectstatic --noinput",
        "$ python manage.py check --deploy --fail-level WARNING",
        "$ python manage.py notify_check",
        "Every Notify template Kith sends is right",
        "$ python manage.py createsuperuser",
        "$ python manage.py import_postcodes ",
        "$ gunicorn kith.wsgi --bind 127.0.0.1:",
        "$ python manage.py locality_create --actor admin@example.gov.uk ",
        "Created Southwark Circle (southwark-circle) with 2 wards; invited "
        "ada@example.org as its coordinator.",
        'GET /healthz: 200 {"status": "ok", "database": "ok"}',
        "GET /: 200",
        "GET /static/govuk/govuk-frontend.min.",
        "GET /places/localities/southwark-circle/colour-1d70b8.css: 200 text/css",
        "GET /static/govuk/images/govuk-crest.",
        "every step worked",
    ]:
        assert step in output, f"{step!r} missing from:\n{output}"


def _load_script() -> types.ModuleType:
    loader = SourceFileLoader("deploy_check", str(SCRIPT))
    module = types.ModuleType(loader.name)
    module.__file__ = str(SCRIPT)
    loader.exec_module(module)
    return module


def test_the_check_reads_every_step_from_the_page():
    module = _load_script()
    steps = module.documented_steps()
    assert steps[0].startswith("pip install -r requirements.txt")
    assert "python manage.py collectstatic --noinput" in steps
    assert "gunicorn kith.wsgi --bind 0.0.0.0:8000 --workers 4" in steps
    # The first locality, added from the command line once Kith runs.
    assert steps[-1].startswith("python manage.py locality_create --actor ")
    # Without their comments (a colour such as "#1d70b8" is no comment).
    assert all(re.search(r"\s#", step) is None for step in steps)


def test_the_readme_gives_the_same_steps(tmp_path):
    module = _load_script()
    readme = (ROOT / "README.md").read_text()
    production = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    page = tmp_path / "readme.md"
    page.write_text("## First deployment\n" + re.sub(r"(?m)^  ", "", production))
    assert module.documented_steps(page) == module.documented_steps()


def test_a_step_that_fails_fails_the_check(tmp_path):
    page = tmp_path / "deploy.md"
    page.write_text(
        "# Running Kith\n\n## First deployment\n\n```sh\n"
        "python manage.py no_such_command   # a step that cannot work\n"
        "gunicorn kith.wsgi --bind 0.0.0.0:8000 --workers 4\n```\n"
    )
    result = _deploy_check("--doc", str(page))
    assert result.returncode == 1
    assert "FAILED: 'python manage.py no_such_command' failed" in result.stdout
    assert "Unknown command" in result.stdout
    assert "gunicorn kith.wsgi" not in result.stdout
