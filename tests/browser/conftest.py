"""Playwright driving Debian's chromium (/usr/bin/chromium); never a downloaded browser."""

import os
import shutil

import pytest
from django.db import connections

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 375, "height": 740}

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told the code is really synchronous, which it is here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    # One browser per test: while Playwright's event loop runs, Django's connection handler
    # keys connections by async context, and the test database's serialized contents (for
    # serialized_rollback) would be lost to the tests that follow.
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `scripts/bootstrap tools`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        # Close the connections opened while Playwright's loop ran, or PostgreSQL refuses to
        # drop the test database at the end ("being accessed by other users").
        connections.close_all()


@pytest.fixture
def phone(browser):
    """A page in a 375-px-wide phone viewport, with touch."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def desk(browser):
    """A page in a desktop window (the admin)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
