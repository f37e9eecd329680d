"""/metrics: the operator's figures, only for the holder of the token, and
counts only (no one's name, number or message)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kith.notify.metrics import metrics_text
from kith.notify.models import JobRun, Message
from tests.factories import LocalityFactory

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token-for-tests"


def _message(locality, status, channel="sms", **fields):
    return Message.objects.create(
        to="07700900123",
        channel=channel,
        template="welcome",
        locality=locality,
        status=status,
        personalisation={"name": "Private Person"},
        **fields,
    )


def _sample(text: str, name: str, **labels: str) -> float:
    inner = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    wanted = f"{name}{{{inner}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{wanted} is not in the figures:\n{text}")


def test_without_a_token_set_the_address_does_not_exist(client, settings):
    settings.KITH_METRICS_TOKEN = ""
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404


def test_a_wrong_or_missing_token_is_refused(client, settings):
    settings.KITH_METRICS_TOKEN = TOKEN
    assert client.get(reverse("metrics")).status_code == 401
    wrong = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer " + TOKEN[:-1])
    assert wrong.status_code == 401
    assert client.post(reverse("metrics")).status_code == 405


def test_the_figures_count_the_outbox_queue_and_jobs_and_name_no_one(client, settings):
    settings.KITH_METRICS_TOKEN = TOKEN
    locality = LocalityFactory()
    now = timezone.now()
    _message(locality, Message.Status.QUEUED, created_at=now - timedelta(minutes=10))
    _message(locality, Message.Status.SENDING, channel="email")
    _message(locality, Message.Status.FAILED, failed_at=now)
    _message(locality, Message.Status.HELD, channel="letter")
    _message(locality, Message.Status.SENT, sent_at=now)
    JobRun.objects.create(
        job="reminders",
        slot="2026-12-07",
        status=JobRun.Status.DONE,
        started_at=now - timedelta(seconds=42),
        finished_at=now,
    )
    JobRun.objects.create(
        job="renewals", slot="2026-12-07", status=JobRun.Status.FAILED
    )
    JobRun.objects.create(
        job="renewals",
        slot="2026-12-06",
        status=JobRun.Status.FAILED,
        enqueued_at=now - timedelta(days=2),
    )
    DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kith.notify.tasks.send",
        queue_name="default",
        backend_name="default",
        run_after=now - timedelta(minutes=1),
    )

    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert _sample(text, "kith_up") == 1
    assert _sample(text, "kith_outbox_backlog", channel="sms") == 1
    assert _sample(text, "kith_outbox_backlog", channel="email") == 1
    assert _sample(text, "kith_outbox_oldest_queued_seconds") >= 600
    assert _sample(text, "kith_messages_failed", channel="sms", status="failed") == 1
    assert _sample(text, "kith_messages_failed", channel="letter", status="held") == 1
    assert _sample(text, "kith_job_last_duration_seconds", job="reminders") == 42
    # Only the failure in the last 24 hours counts.
    assert _sample(text, "kith_job_failed_runs_24h", job="renewals") == 1
    assert _sample(text, "kith_tasks_queued", queue="default") == 1
    assert _sample(text, "kith_tasks_oldest_waiting_seconds") >= 0
    assert "07700900123" not in text and "Private Person" not in text


def test_every_sample_line_is_in_the_text_format():
    text = metrics_text()
    for line in text.splitlines():
        if line.startswith("#"):
            assert line.split()[1] in {"HELP", "TYPE"}
            continue
        name, value = line.rsplit(" ", 1)
        assert name.startswith("kith_")
        float(value)
