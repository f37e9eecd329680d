"""Structured logs: one JSON line per record, with the request's id, the
locality and the user by number, and nothing that could identify a person."""

import json
import logging

import pytest
from django.urls import reverse

from kith.core.context import context_updated
from kith.core.logging import JsonFormatter
from tests.factories import UserFactory


def _record(message="%s happened", args=("Something",), name="kith.test", **extra):
    record = logging.LogRecord(name, logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_a_line_is_json_with_the_context_by_number():
    with context_updated(request_id="abc12345", locality_id=3, user_id=7, job="x"):
        line = json.loads(JsonFormatter().format(_record(route="help:ask")))
    assert line["message"] == "Something happened"
    assert line["level"] == "INFO" and line["logger"] == "kith.test"
    assert (line["request_id"], line["locality_id"], line["user_id"]) == (
        "abc12345",
        3,
        7,
    )
    assert line["job"] == "x" and line["route"] == "help:ask"
    assert line["time"].endswith("+00:00")


def test_an_exception_is_logged_by_type_and_frames_not_its_message():
    try:
        raise ValueError("Key (email)=(joan@example.org) already exists.")
    except ValueError:
        record = _record()
        record.exc_info = __import__("sys").exc_info()
    text = JsonFormatter().format(record)
    line = json.loads(text)
    assert line["exception"] == "ValueError"
    assert any("test_logging.py" in frame for frame in line["frames"])
    assert "joan@example.org" not in text


def test_djangos_request_lines_lose_the_path_and_the_request_object():
    record = _record(
        "%s: %s",
        ("Not Found", "/sign-in/code/secret-token/"),
        name="django.request",
        request=object(),
        status_code=404,
    )
    text = JsonFormatter().format(record)
    line = json.loads(text)
    assert line["message"] == "Not Found" and line["status_code"] == 404
    assert "secret-token" not in text and "request" not in line


@pytest.mark.django_db
def test_each_request_has_an_id_and_one_access_line_without_the_path(client, caplog):
    user = UserFactory()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="kith.request"):
        response = client.get(
            reverse("accounts:your_details") + "?q=Joan+Smith",
            HTTP_X_REQUEST_ID="from-the-proxy-1",
        )
    assert response["X-Request-ID"] == "from-the-proxy-1"
    (access,) = [r for r in caplog.records if r.name == "kith.request"]
    assert access.route == "accounts:your_details"
    assert access.status == response.status_code and access.user_id == user.pk
    assert access.duration_ms >= 0
    assert "Joan" not in JsonFormatter().format(access)


@pytest.mark.django_db
def test_a_request_id_that_is_not_sane_is_replaced(client):
    response = client.get("/privacy/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32
