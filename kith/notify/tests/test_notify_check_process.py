"""``manage.py notify_check`` as run at deployment and by CI, in its own
process against the fake Notify: the old shape of NOTIFY_TEMPLATE_IDS stops
it before it starts, a wrong-type template makes it exit 1."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kith.notify.catalogue import template_id
from kith.notify.tests.fake_notify import API_KEY, FakeNotify, kith_templates

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fake():
    fake = FakeNotify().start()
    yield fake
    fake.stop()


def manage(env, *args):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_notify_check_in_a_deployment(tmp_path, fake, settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DATABASE_URL", None)  # its own SQLite database under tmp_path
    ids = kith_templates(fake)
    env.update(
        KITH_DEBUG="1",
        KITH_VAR_DIR=str(tmp_path),
        KITH_LOG_LEVEL="WARNING",
        NOTIFY_API_KEY=API_KEY,
        NOTIFY_BASE_URL=fake.url,
        NOTIFY_TEMPLATE_IDS=json.dumps({"welcome": ids["welcome"]["email"]}),
        PYTHONPATH=str(ROOT),
    )
    refused = manage(env, "notify_check")
    assert refused.returncode != 0
    assert "kith.notify.E001" in refused.stderr
    assert "one id per channel" in refused.stderr

    env["NOTIFY_TEMPLATE_IDS"] = json.dumps(ids)
    assert manage(env, "migrate", "--verbosity", "0").returncode == 0
    right = manage(env, "notify_check")
    assert right.returncode == 0, right.stderr
    assert "Every Notify template Kith sends is right" in right.stdout

    settings.NOTIFY_TEMPLATE_IDS = ids
    fake.templates[template_id("visit_reminder", "letter")]["type"] = "sms"
    wrong = manage(env, "notify_check")
    assert wrong.returncode == 1
    assert "visit_reminder by letter: wrong_type" in wrong.stdout
