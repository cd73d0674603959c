"""Fixtures for the browser tests: the shipped sample site, built and served on
127.0.0.1, and a headless Chromium driven by Playwright, with axe-core at hand.

Requirements (CI installs them; a missing one FAILS the tests, it never skips them):

* Chromium from the OS:       apt-get install -y chromium        (/usr/bin/chromium)
* Playwright for Python:      pip install playwright             (never `playwright install`:
                                                                  the OS's Chromium is used)
* axe-core from npm:          npm install                        (in the repository root)

``JDIH_CHROMIUM`` may name another Chromium binary; ``JDIH_TEST_SITE`` an already built
site to test instead of building the sample (for debugging).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("JDIH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: end-to-end tests in headless Chromium (tests/browser/)")


def _missing_requirements() -> list[str]:
    missing = []
    if not CHROMIUM.is_file() and shutil.which(str(CHROMIUM)) is None:
        missing.append(f"Chromium is not at {CHROMIUM}: install it with `apt-get install -y chromium` "
                       "(or set JDIH_CHROMIUM to a Chromium binary)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append(f"Playwright for Python is missing: `{sys.executable} -m pip install playwright` "
                       "(do not run `playwright install`; the OS's Chromium is used)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core is missing ({AXE_JS}): run `npm install` in {REPO}")
    return missing


@pytest.fixture(scope="session")
def requirements() -> None:
    missing = _missing_requirements()
    if missing:
        pytest.fail("browser tests cannot run:\n  - " + "\n  - ".join(missing), pytrace=False)


# --------------------------------------------------------------------------- #
# The site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, requirements: None) -> Path:
    prebuilt = os.environ.get("JDIH_TEST_SITE")
    if prebuilt:  # for debugging the tests against a site built by hand
        return Path(prebuilt)
    out = tmp_path_factory.mktemp("site") / "output"
    proc = subprocess.run(
        [sys.executable, "-m", "jdih_build", "build", "--site", str(REPO), "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=600, check=False,
    )
    if proc.returncode != 0 or not (out / "index.html").is_file():
        pytest.fail(f"`jdih build` of the sample site failed (exit {proc.returncode}):\n"
                    f"{proc.stdout}\n{proc.stderr}", pytrace=False)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        pass


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- #
# The browser


@pytest.fixture(scope="session")
def browser(requirements: None) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - turn any launch problem into a clear failure
            pytest.fail(f"cannot start Chromium ({CHROMIUM}): {exc}", pytrace=False)
        yield instance
        instance.close()


@dataclass
class Problems:
    """Console errors, page errors, failed and off-site requests seen by one page."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.items.append(text)


def _watch(page: object, base_url: str, problems: Problems) -> None:
    local = urlsplit(base_url).netloc

    def on_console(message: object) -> None:
        if message.type == "error":
            problems.add(f"console error on {page.url}: {message.text}")

    def on_response(response: object) -> None:
        if response.status >= 400:
            problems.add(f"HTTP {response.status} for {response.url}")

    def on_route(route: object) -> None:
        # Only network requests are checked: the browser's own pages (e.g. its PDF
        # viewer, chrome-extension://...) and data:/blob: URLs are not the site's.
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ws", "wss") or parts.netloc == local:
            route.continue_()
        else:
            problems.add(f"request to another host blocked: {url}")
            route.abort()

    def on_request_failed(request: object) -> None:
        parts = urlsplit(request.url)
        # ERR_ABORTED: the page was left while the request was in flight; not the site's fault.
        if parts.scheme in ("http", "https") and parts.netloc == local and "ERR_ABORTED" not in (request.failure or ""):
            problems.add(f"request failed: {request.url} ({request.failure})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.add(f"page error on {page.url}: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    page.route("**/*", on_route)


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
def page(browser: object, base_url: str, problems: Problems) -> Iterator[object]:
    """A fresh page (1280x900). Any console error, page error, failed request or
    request to another host during the test fails it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url,
                                  locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    _watch(page, base_url, problems)
    yield page
    context.close()
    if problems.items:
        pytest.fail("errors while the page was open:\n  - " + "\n  - ".join(problems.items), pytrace=False)


@pytest.fixture
def new_page(browser: object, base_url: str, problems: Problems) -> Iterator[object]:
    """A factory of extra pages with other context options (viewport, JavaScript off, ...),
    watched like `page`."""
    contexts = []

    def make(**options: object) -> object:
        options.setdefault("base_url", base_url)
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        _watch(page, base_url, problems)
        return page

    yield make
    for context in contexts:
        context.close()


# --------------------------------------------------------------------------- #
# axe-core and screenshots


class Axe:
    @staticmethod
    def run(page: object) -> list[dict]:
        """Run axe-core on the current page and return its violations."""
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return result["violations"]

    @staticmethod
    def describe(violations: list[dict]) -> str:
        return describe_violations(violations)


@pytest.fixture(scope="session")
def axe(requirements: None) -> Axe:
    return Axe()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)
