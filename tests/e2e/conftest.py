"""Browser tests: the app served on a local port, driven by Playwright in Debian's Chromium.

Never downloads a browser. Chromium missing: skipped locally, a failure under CI=true.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _BufferedResponses:
    """Reads each response whole and closes it before sending, and counts requests in flight.

    The browser drops connections it no longer needs (e.g. a stylesheet while navigating); the
    development server then never closes the file being sent, which warnings-as-errors reports.
    The count lets the server wait for the requests it is still answering when a test ends:
    the next test's reset truncates every table, and PostgreSQL deadlocks a TRUNCATE against a
    late request's SELECT (and the late request's connection would outlive its test).
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app
        self.in_flight = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.in_flight += 1
        try:
            iterable = self.wsgi_app(environ, start_response)
            try:
                return [b"".join(iterable)]
            finally:
                if hasattr(iterable, "close"):
                    iterable.close()
        finally:
            with self.idle:
                self.in_flight -= 1
                self.idle.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.in_flight == 0, timeout=timeout)


@contextmanager
def serving(app) -> Iterator[str]:
    """`app` on 127.0.0.1 at a free port, in a thread; yields its base URL. On the way out it
    stops accepting and waits for the requests still being answered."""
    responses = _BufferedResponses(app)
    server = make_server("127.0.0.1", 0, responses, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        if not responses.wait_until_idle(timeout=30):
            raise RuntimeError("the test server was still answering requests 30 s after the test")


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app on 127.0.0.1 at a free port; yields its base URL."""
    app.config["RATELIMIT_ENABLED"] = False
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh browser context (no cookies) whose requests to any other host are recorded
    and refused: pages must work with no internet."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    outside_requests: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith((live_server, "data:", "blob:")):
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.outside_requests = outside_requests
    page.base_url = live_server
    yield page
    context.close()


@pytest.fixture
def open_offline(browser) -> Iterator:
    """`open_offline(path, width, height)`: a page showing a file from disk, as from a USB
    stick at a venue: every request but the file's own (`file:`, `data:`, `blob:`) is refused
    and recorded in `page.refused`; script errors land in `page.errors`, dialogs in
    `page.dialogs` (dismissed)."""
    contexts = []

    def open_file(path, width: int = 1024, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        refused: list[str] = []

        def offline(route) -> None:
            url = route.request.url
            if url.startswith(("file:", "data:", "blob:")):
                route.continue_()
            else:
                refused.append(url)
                route.abort()

        context.route("**/*", offline)
        page = context.new_page()
        page.refused, page.errors, page.dialogs = refused, [], []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri())
        return page

    yield open_file
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(app, page):
    """`sign_in(user)`: the browser context gets a session cookie signed by the app itself,
    as if the user had signed in through the form (works whatever the sign-in page does)."""

    def sign(user) -> None:
        serializer = app.session_interface.get_signing_serializer(app)
        value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
        page.context.add_cookies([{
            "name": app.config["SESSION_COOKIE_NAME"],
            "value": value,
            "url": page.base_url,
        }])

    return sign
