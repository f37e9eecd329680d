"""Checking the API's answers against the Open Referral UK 3.0 schemas.

Each answer is checked against the schema that the served API description
(/openreferral/openapi.json) names for that path and status, so the test
proves both that the answer complies and that the description matches it.
The description's references to the published schemas
(https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/...)
are read from the copies in kith/openreferral/schema/: no network.

JSON Schema Draft 2020-12 with format checking. ``uri`` and ``date-time``
are checked here by Kith's own rules (RFC 3986 and RFC 3339), so the result
is the same whether or not jsonschema's optional format packages are
installed.
"""

import json
import re
from datetime import datetime
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from kith.openreferral.openapi import SCHEMA_BASE, SCHEMA_DIR

OPENAPI_URI = "urn:kith:openreferral:openapi"

# RFC 3986 absolute URI: scheme ":" then characters a URI may hold (percent
# escapes allowed, no spaces, quotes or angle brackets).
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(_URI.match(value)) and not re.search(r"%(?![0-9A-Fa-f]{2})", value)

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _RFC3339.match(value):
            return False
        datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
        return True

    return checker


def _retrieve(uri: str) -> Resource:
    if uri.startswith(SCHEMA_BASE):
        path = SCHEMA_DIR / uri[len(SCHEMA_BASE) :]
        if path.is_file():
            contents = json.loads(path.read_text(encoding="utf-8"))
            return Resource.from_contents(contents, default_specification=DRAFT202012)
    raise NoSuchResource(ref=uri)


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class ApiSchemas:
    """Validators for the answers described by one API description."""

    def __init__(self, description: dict[str, Any]) -> None:
        self.description = description
        resource = Resource.from_contents(
            description, default_specification=DRAFT202012
        )
        self.registry: Registry = Registry(retrieve=_retrieve).with_resource(  # type: ignore[call-arg]
            OPENAPI_URI, resource
        )
        self.checker = format_checker()

    def validator(self, schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(
            schema, registry=self.registry, format_checker=self.checker
        )

    def for_response(self, path: str, status: int) -> jsonschema.Draft202012Validator:
        """The validator for GET ``path``'s answer with ``status``, as the
        description gives it (a KeyError if it gives none)."""
        response = self.description["paths"][path]["get"]["responses"][str(status)]
        assert "application/json" in response["content"]
        ref = "#/" + _pointer(
            "paths", path, "get", "responses", str(status), "content",
            "application/json", "schema",
        )  # fmt: skip
        return self.validator({"$ref": OPENAPI_URI + ref})

    def for_file(self, name: str) -> jsonschema.Draft202012Validator:
        """The validator for one of the standard's schema files."""
        return self.validator({"$ref": SCHEMA_BASE + name})

    def check(self, path: str, status: int, body: Any) -> None:
        """Raise with every problem listed if ``body`` does not comply."""
        problems = sorted(
            self.for_response(path, status).iter_errors(body), key=lambda e: e.path
        )
        if problems:
            raise AssertionError(
                f"GET {path} ({status}) does not comply:\n"
                + "\n".join(f"  at {list(e.path)}: {e.message}" for e in problems[:20])
            )


def nulls(value: Any, where: str = "") -> list[str]:
    """Where in ``value`` a null, an empty string or an empty list is sent
    (the standard leaves an optional field out rather than send it empty).
    Required strings the standard names may be empty, so are not listed."""
    found = []
    if value is None or value == []:
        found.append(where or "/")
    elif isinstance(value, dict):
        for key, item in value.items():
            if item == "" and key not in ("description",):
                found.append(f"{where}/{key}")
            found.extend(nulls(item, f"{where}/{key}"))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found.extend(nulls(item, f"{where}/{n}"))
    return found
