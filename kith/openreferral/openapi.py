"""The API description Kith serves: the standard's openapi.json, corrected.

The Open Referral UK 3.0 openapi.json (kept unchanged in ``schema/``) has
slips that its publishers list, and it does not describe Kith's extensions
or the errors Kith answers with. ``openapi_description()`` builds the copy
Kith serves from it, one named correction at a time, so that the file served
says exactly what the API does. The tests validate every answer against the
schema this description names for it.
"""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from kith.openreferral.params import DAY_NAMES, PER_PAGE_DEFAULT, PER_PAGE_MAX

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
#: Where the schemas are published; the description's references use it.
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"

_TIME = {
    "type": "string",
    "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
    "description": "A time of day, 24-hour clock, HH:MM or HH:MM:SS (local time).",
}
_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "What was wrong, in plain words."},
        "parameter": {
            "type": "string",
            "description": "The query or path parameter at fault, when there is one.",
        },
    },
}

# Kith's own parameters, not in the standard's description of /services.
_EXTENSIONS = {
    "modified_after": {
        "name": "modified_after",
        "in": "query",
        "required": False,
        "description": (
            "Kith extension. Return only services changed on or after this "
            "date and time (RFC 3339, e.g. 2026-01-31T09:00:00Z; a date alone "
            "means its start, UK time)."
        ),
        "schema": {"type": "string"},
    },
}


def _load(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


@cache
def standard_description() -> dict[str, Any]:
    """The standard's openapi.json, as published."""
    return _load("openapi.json")


def _fix_taxonomy_term_operation_ids(doc: dict[str, Any]) -> None:
    # Slip: the list and the single term have each other's operationId.
    paths = doc["paths"]
    paths["/taxonomy_terms"]["get"]["operationId"] = "getPaginatedListOfTaxonomyTerms"
    paths["/taxonomy_terms/{id}"]["get"]["operationId"] = "getTaxonomyTermById"
    paths["/taxonomy_terms"]["get"]["description"] = (
        "Paginated listing of taxonomy terms."
    )


def _fix_service_at_location_schema(doc: dict[str, Any]) -> None:
    # Slip: the single service_at_location pointed at the service schema.
    content = doc["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    content["content"]["application/json"]["schema"] = {
        "$ref": SCHEMA_BASE + "compiled/service_at_location.json"
    }
    doc["paths"]["/service_at_locations/{id}"]["parameters"][0]["description"] = (
        "The id of the service_at_location that the request is intended to retrieve."
    )


def _fix_time_parameters(doc: dict[str, Any]) -> None:
    # Slip: "time" is not a JSON Schema type.
    parameters = doc["components"]["parameters"]
    for name in ("start_time", "end_time"):
        parameters[name]["schema"] = dict(_TIME)
    # Slip: "datetime" is not a JSON Schema format (the format is date-time).
    parameters["modified_after"]["schema"] = {"type": "string"}


def _fix_services_description(doc: dict[str, Any]) -> None:
    # Slip: the list's description was copied from the single service's.
    doc["paths"]["/services"]["get"]["description"] = (
        "Retrieve paginated listings of services that only have one-to-one "
        "fields in them."
    )


def _state_paging(doc: dict[str, Any]) -> None:
    """Say what page and per_page accept and that every paging field is sent."""
    parameters = doc["components"]["parameters"]
    parameters["page"]["schema"] = {"type": "integer", "minimum": 1, "default": 1}
    parameters["per_page"]["schema"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": PER_PAGE_MAX,
        "default": PER_PAGE_DEFAULT,
    }
    parameters["per_page"]["description"] += (
        f" At most {PER_PAGE_MAX}; a larger number is refused."
    )
    page = doc["components"]["schemas"]["Page"]
    page["required"] = [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ]
    page["properties"]["contents"] = {"type": "array"}


def _state_filters(doc: dict[str, Any]) -> None:
    """Say how Kith reads the filters the standard leaves open."""
    parameters = doc["components"]["parameters"]
    parameters["taxonomy_term_id"]["schema"] = {"type": "string", "format": "uuid"}
    parameters["taxonomy_id"]["schema"] = {"type": "string", "format": "uuid"}
    parameters["minimum_age"]["schema"] = {"type": "integer", "minimum": 0}
    parameters["maximum_age"]["schema"] = {"type": "integer", "minimum": 0}
    parameters["day"]["schema"] = {
        "type": "string",
        "enum": sorted(DAY_NAMES),
    }
    parameters["day"]["description"] += (
        " A day as in a schedule's byday (MO, TU, WE, TH, FR, SA, SU)."
    )
    parameters["postcode"]["description"] = (
        "A UK postcode, to check coverage: only services whose service areas "
        "cover it (they serve its ward, or one of their locations is within "
        "their radius of it), and services with no service area, are "
        "returned. An unknown postcode is refused."
    )
    parameters["proximity"]["schema"] = {"type": "integer", "minimum": 1}
    parameters["proximity"]["description"] = (
        "With postcode: return only services with a location within this "
        "many metres of the postcode's centre, nearest first."
    )


def _add_extensions(doc: dict[str, Any]) -> None:
    """Kith's extensions to /services: postcode and proximity (which the
    standard gives /service_at_locations) and modified_after."""
    doc["components"]["parameters"].update(copy.deepcopy(_EXTENSIONS))
    parameters = doc["paths"]["/services"]["get"]["parameters"]
    for name in ("postcode", "proximity", "modified_after"):
        parameters.append({"$ref": f"#/components/parameters/{name}"})


def _add_errors(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Error"] = _ERROR
    bad = {
        "description": (
            "A query or path parameter was not understood: an unknown "
            "parameter, a page before the first, too many per page, an id "
            "that is not a UUID."
        ),
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }
    missing = {
        "description": "Nothing published has that id.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }
    for path, item in doc["paths"].items():
        responses = item["get"]["responses"]
        responses["400"] = copy.deepcopy(bad)
        if path.endswith("{id}"):
            responses["404"] = copy.deepcopy(missing)


def openapi_description(*, base_url: str) -> dict[str, Any]:
    """The description served at ``base_url``/openapi.json: the standard's,
    with its slips corrected and Kith's extensions and errors added."""
    doc = copy.deepcopy(standard_description())
    _fix_taxonomy_term_operation_ids(doc)
    _fix_service_at_location_schema(doc)
    _fix_time_parameters(doc)
    _fix_services_description(doc)
    _state_paging(doc)
    _state_filters(doc)
    _add_extensions(doc)
    _add_errors(doc)
    doc["servers"] = [{"url": base_url.rstrip("/")}]
    doc["info"]["description"] += (
        ". Served by Kith for one locality's directory: read-only, open, no key. "
        "Only entries a coordinator has checked are published."
    )
    return doc


def operation_parameters(doc: dict[str, Any], path: str) -> set[str]:
    """The names of the query parameters ``doc`` lists for GET ``path``."""
    parameters = doc["paths"][path]["get"].get("parameters", [])
    names = set()
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = doc["components"]["parameters"][
                parameter["$ref"].split("/")[-1]
            ]
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return names
