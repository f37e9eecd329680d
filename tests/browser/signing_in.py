"""Signing in to the demo locality in Chromium, shared by every journey."""

import time

import pyotp
from playwright.sync_api import expect

from kith.accounts.demo import DEMO_PASSWORD, demo_authenticator_secret

_LAST_CODE: dict[str, str] = {}


def fresh_code(email: str) -> str:
    """A code from the demo authenticator that has not been used yet: each
    code works once, so a second sign-in in the same 30 seconds waits."""
    totp = pyotp.TOTP(demo_authenticator_secret(email))
    while totp.now() == _LAST_CODE.get(email):
        time.sleep(1)
    _LAST_CODE[email] = totp.now()
    return _LAST_CODE[email]


def sign_in(page, email: str) -> None:
    """Sign in as a demo login (staff confirm with the authenticator) and
    land on the home page."""
    page.context.clear_cookies()
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if "authenticator" in page.url:
        page.get_by_label("Code from your authenticator app").fill(fresh_code(email))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
