"""A worker killed in the middle of a batch loses nothing and sends nothing
twice: real worker processes, a real database of their own, a fake Notify."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from kith.notify.tests.fake_notify import API_KEY, FakeNotify, kith_templates

ROOT = Path(__file__).resolve().parents[3]
CRASH_DATABASE = "kith_notify_crash"


def _environment(tmp_path: Path, fake: FakeNotify) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        KITH_DEBUG="1",
        KITH_DEMO="0",
        KITH_VAR_DIR=str(tmp_path),
        KITH_LOG_LEVEL="WARNING",
        # Texts are not held for the night, whatever time the test runs.
        KITH_NOTIFY_QUIET_FROM_HOUR="0",
        KITH_NOTIFY_QUIET_UNTIL_HOUR="0",
        NOTIFY_API_KEY=API_KEY,
        NOTIFY_BASE_URL=fake.url,
        NOTIFY_TIMEOUT_SECONDS="5",
        NOTIFY_TEMPLATE_IDS=json.dumps(kith_templates(fake)),
        PYTHONPATH=str(ROOT),
    )
    if env.get("DATABASE_URL"):
        import psycopg
        from psycopg import sql

        parts = urlsplit(env["DATABASE_URL"])
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(CRASH_DATABASE)
                )
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(CRASH_DATABASE))
            )
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{CRASH_DATABASE}"))
    return env


def _run(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "kith.notify.tests.outbox_process", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def _wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.05)


@pytest.fixture
def fake():
    fake = FakeNotify().start()
    yield fake
    fake.stop()


def test_killing_the_worker_mid_batch_loses_nothing_and_duplicates_nothing(
    tmp_path, fake
):
    env = _environment(tmp_path, fake)
    _run(env, "setup")
    _run(env, "queue", "40")
    fake.delay = 0.05  # each text takes a moment: the worker is mid-batch
    worker = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: len(fake.notifications) >= 10)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    before = dict(json.loads(_run(env, "report")))
    assert "sending" in before.values()  # it died holding a batch
    assert len(fake.notifications) < 40
    fake.delay = 0
    _run(env, "sweep")
    after = json.loads(_run(env, "report"))
    assert {status for _ref, status in after} == {"sent"}
    references = fake.references()
    assert sorted(references) == sorted(ref for ref, _status in after)
    assert len(references) == len(set(references)) == 40
