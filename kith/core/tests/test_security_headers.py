"""The Content-Security-Policy on every page, no inline script or style in
any template, and no copy kept of any page sent to a signed-in person.

The crawl walks Kith's URL map, so a new page is covered without anyone
remembering to add it here.
"""

import re
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver

import kith
from kith.accounts.models import Role
from kith.core.middleware import CONTENT_SECURITY_POLICY

KITH_DIR = Path(kith.__file__).parent
ROLES = [None, *Role.values]  # None: a visitor who has not signed in


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def _pages_without_arguments(role) -> list[str]:
    """Every address in the URL map that needs no id. The Django admin's
    pages are crawled for the administrator and visitors only: they are the
    same pages for everyone else (a sign-in form)."""
    pages = []
    for route in _routes(get_resolver().url_patterns):
        if any(char in route for char in "<(^$?\\"):
            continue
        if route == "healthz":
            continue  # for load balancers: JSON, answered before the headers
        if route.startswith("django-admin/") and role not in (None, Role.ADMIN):
            continue
        pages.append("/" + route)
    return pages


def test_the_policy_allows_only_kiths_own_files():
    directives = dict(
        part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";")
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("role", ROLES, ids=[role or "visitor" for role in ROLES])
def test_every_page_has_the_policy_and_signed_in_pages_are_not_stored(
    client, testford, role
):
    client.raise_request_exception = False
    if role:
        client.force_login(testford.by_role(role))
    pages = _pages_without_arguments(role)
    assert len(pages) > 50
    for path in [*pages, "/no-such-page/"]:
        response = client.get(path)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        if role:
            assert "no-store" in response["Cache-Control"], path
            assert response["Pragma"] == "no-cache", path


def test_record_pages_for_a_coordinator_are_not_stored(client, testford):
    client.force_login(testford.coordinator)
    response = client.get(f"/people/{testford.member.pk}/")
    assert response.status_code == 200
    assert testford.member.full_name in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_signing_in_answers_with_no_store(client, testford):
    response = client.post(
        "/sign-in/",
        {"email": testford.member.email, "password": "a-long-test-password"},
    )
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_visitors_may_be_stored(client, testford):
    # Nothing personal on them, so the browser's back button can use its copy.
    response = client.get("/accessibility/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_development_reports_the_policy_without_enforcing_it(client, db, settings):
    settings.DEBUG = True
    response = client.get("/accessibility/")
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == CONTENT_SECURITY_POLICY


INLINE = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on… event handler"),
    (re.compile(r"\shx-on", re.I), "an hx-on handler"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
]


def _templates() -> list[Path]:
    return sorted(KITH_DIR.glob("**/templates/**/*.html"))


def test_no_template_has_inline_script_or_style():
    templates = _templates()
    assert len(templates) > 50
    found = [
        f"{path.relative_to(KITH_DIR)}: {what}"
        for path in templates
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="module">import "x";</script>',
        "<style>p{}</style>",
        '<p style="color: red">',
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ],
)
def test_the_template_check_finds_each_kind_of_inline_code(snippet):
    assert any(pattern.search(snippet) for pattern, _ in INLINE)


def test_the_template_check_allows_script_files():
    snippet = '<script type="module" src="/static/x.js" data-x="y"></script>'
    assert not any(pattern.search(snippet) for pattern, _ in INLINE)
