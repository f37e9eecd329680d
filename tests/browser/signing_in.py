"""Signing in to the demo locality in Chromium, shared by every journey."""

import time
from datetime import UTC, datetime

import pyotp
from playwright.sync_api import expect

from kith.accounts.demo import DEMO_PASSWORD, demo_authenticator_secret

_LAST_STEP: dict[str, int] = {}


def forget_codes() -> None:
    """A fresh database has used no codes yet."""
    _LAST_STEP.clear()


def fresh_code(email: str) -> str:
    """A code from the demo authenticator for a time step not used yet: each
    step's code works once. Kith allows one step of clock drift, so a second
    sign-in within 30 seconds uses the next step's code instead of waiting;
    only a third waits."""
    totp = pyotp.TOTP(demo_authenticator_secret(email))
    while True:
        current = totp.timecode(datetime.now(UTC))
        for step in (current, current + 1):
            if step > _LAST_STEP.get(email, -1):
                _LAST_STEP[email] = step
                return totp.generate_otp(step)
        time.sleep(1)


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
