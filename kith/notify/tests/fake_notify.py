"""A local stand-in for GOV.UK Notify's REST API, for tests and benchmarks.

A real HTTP server on 127.0.0.1 in a thread, speaking enough of Notify's v2
API for ``notifications-python-client``: sending email, texts and letters,
and looking notifications up by reference. ``mode`` says how it answers:

- ``ok``: 201 with a notification id (and the notification is recorded);
- ``down``: 503 to everything; ``rate_limited``: 429;
- ``bad_number``: 400 with Notify's error for a phone number not in use;
- ``slow``: records the notification, then answers after ``delay`` seconds
  (longer than the client waits: a timeout whose request did arrive).

``fail_next`` answers the next n requests with 503 whatever the mode.

``templates`` (template id to its type, subject and body, as Notify holds
them) is served by the get-template call; while it is not empty a send is
checked against it as Notify does: an unknown id, a template of another type
or a missing personalisation field is refused with Notify's 400 error.
``kith_templates(fake)`` fills it with a template for every name and channel
Kith sends, and returns the ids in ``NOTIFY_TEMPLATE_IDS``'s shape.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
API_KEY = f"kith_test-{SERVICE_ID}-3d844edf-8d35-48ac-975b-e847b4f122b0"


class FakeNotify:
    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 0.0
        self.fail_next = 0
        self.notifications: list[dict[str, Any]] = []
        self.templates: dict[str, dict[str, str]] = {}
        self.requests = 0
        # Every request's time (time.time()), and each notification's type
        # and day, to count them per minute and per day as Notify does.
        self.request_times: list[float] = []
        self.per_day: dict[tuple[str, str], int] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeNotify":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def busiest_minute(self) -> int:
        """The most requests in any 60 seconds (a sliding window)."""
        with self.lock:
            times = sorted(self.request_times)
        most = start = 0
        for end, moment in enumerate(times):
            while times[start] <= moment - 60:
                start += 1
            most = max(most, end - start + 1)
        return most

    def references(self) -> list[str]:
        with self.lock:
            return [n["reference"] for n in self.notifications]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped waiting

            def _error(self, status: int, kind: str, message: str) -> None:
                self._answer(
                    status,
                    {
                        "status_code": status,
                        "errors": [{"error": kind, "message": message}],
                    },
                )

            def _refused(self) -> bool:
                if not self.headers.get("Authorization", "").startswith("Bearer "):
                    self._error(403, "AuthError", "Unauthorized: no token")
                    return True
                with fake.lock:
                    fake.requests += 1
                    fake.request_times.append(time.time())
                    failing = fake.fail_next > 0
                    if failing:
                        fake.fail_next -= 1
                if failing or fake.mode == "down":
                    self._error(503, "ServiceUnavailable", "Notify is down")
                    return True
                if fake.mode == "rate_limited":
                    self._error(
                        429,
                        "RateLimitError",
                        "Exceeded rate limit for key type LIVE of 3000 requests "
                        "per 60 seconds",
                    )
                    return True
                return False

            def _template_refused(self, kind: str, payload: dict[str, Any]) -> bool:
                found = fake.templates.get(str(payload.get("template_id")))
                if found is None:
                    self._error(400, "BadRequestError", "Template not found")
                    return True
                if found["type"] != kind:
                    self._error(
                        400,
                        "BadRequestError",
                        f"{found['type']} template is not suitable for {kind} "
                        f"notification",
                    )
                    return True
                given = payload.get("personalisation") or {}
                missing = [field for field in placeholders(found) if field not in given]
                if missing:
                    self._error(
                        400,
                        "BadRequestError",
                        "Missing personalisation: " + ", ".join(missing),
                    )
                    return True
                return False

            def do_GET(self) -> None:
                if self._refused():
                    return
                parts = urlsplit(self.path)
                if parts.path.startswith("/v2/template/"):
                    template_id = parts.path.rsplit("/", 1)[-1]
                    found = fake.templates.get(template_id)
                    if found is None:
                        self._error(404, "NoResultFound", "No result found")
                    else:
                        self._answer(200, {"id": template_id, "version": 1, **found})
                    return
                if parts.path != "/v2/notifications":
                    self._error(404, "NoResultFound", "No result found")
                    return
                reference = parse_qs(parts.query).get("reference", [""])[0]
                with fake.lock:
                    found = [
                        n for n in fake.notifications if n["reference"] == reference
                    ]
                self._answer(200, {"notifications": found, "links": {}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                if self._refused():
                    return
                kind = self.path.rsplit("/", 1)[-1]
                if kind not in ("sms", "email", "letter"):
                    self._error(404, "NoResultFound", "No result found")
                    return
                if fake.mode == "bad_number" and kind == "sms":
                    self._error(
                        400,
                        "ValidationError",
                        "phone_number Not a UK mobile number",
                    )
                    return
                if fake.templates and self._template_refused(kind, payload):
                    return
                notification = {
                    "id": str(uuid.uuid4()),
                    "reference": payload.get("reference"),
                    "type": kind,
                    "template_id": payload.get("template_id"),
                    "to": payload.get("phone_number")
                    or payload.get("email_address")
                    or payload.get("personalisation", {}).get("address_line_1"),
                    "personalisation": payload.get("personalisation", {}),
                    "status": "created",
                }
                day = time.strftime("%Y-%m-%d")
                with fake.lock:
                    fake.notifications.append(notification)
                    fake.per_day[(day, kind)] = fake.per_day.get((day, kind), 0) + 1
                if fake.mode == "slow" or fake.delay:
                    time.sleep(fake.delay)
                self._answer(
                    201,
                    {
                        "id": notification["id"],
                        "reference": notification["reference"],
                        "content": {"body": "", "subject": ""},
                        "template": {"id": payload.get("template_id"), "version": 1},
                    },
                )

        return Handler


def placeholders(template: dict[str, str]) -> list[str]:
    """The ((fields)) of a Notify template, in order of first use."""
    from kith.notify.catalogue import notify_fields

    return notify_fields(template.get("subject", ""), template.get("body", ""))


def kith_templates(fake: FakeNotify) -> dict[str, dict[str, str]]:
    """Give ``fake`` a template for every name and channel Kith sends, with
    Kith's wording; return their ids as ``NOTIFY_TEMPLATE_IDS``."""
    from kith.notify.catalogue import sendable
    from kith.notify.docs import notify_syntax
    from kith.notify.templates_text import TEMPLATES

    ids: dict[str, dict[str, str]] = {}
    for name, channel in sendable():
        template_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kith:{name}:{channel}"))
        spec = TEMPLATES[name]
        fake.templates[template_id] = {
            "name": f"{name} ({channel})",
            "type": channel,
            "subject": "" if channel == "sms" else notify_syntax(spec["subject"]),
            "body": notify_syntax(spec["body"]),
        }
        ids.setdefault(name, {})[channel] = template_id
    return ids
