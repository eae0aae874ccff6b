"""The map page in real headless Chromium, served by `fieldreport serve` over a store of the seed article."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from fieldreport.ingest import open_store
from fieldreport.model import Document
from fieldreport.pipeline import Extractor

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED_ARTICLE = Path(__file__).parent / "fixtures" / "seed" / "article.txt"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
VENDOR = Path(__file__).resolve().parents[1] / "src" / "fieldreport" / "web" / "vendor"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="needs Debian's chromium (/usr/bin/chromium); CI installs it")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(base_url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"fieldreport serve exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/api/events?limit=1", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise TimeoutError(f"fieldreport serve did not answer on {base_url} in {seconds} s")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert (VENDOR / "leaflet.js").is_file(), "run `make web` to vendor the page's assets"
    db = tmp_path_factory.mktemp("web") / "seed.db"
    document = Document(text=SEED_ARTICLE.read_text(encoding="utf-8"), published=date(2018, 1, 18),
                        outlet="Fars News Agency", origin=SEED_ARTICLE.name)
    with open_store(db) as store:
        store.save(document, Extractor().extract(document))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = db.with_suffix(".log")
    with log.open("wb") as log_file:
        server = subprocess.Popen([sys.executable, "-m", "fieldreport", "serve", "--db", str(db), "--host",
                                   "127.0.0.1", "--port", str(port)], stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(url, server, log)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def api_total(base_url: str, **params: str) -> int:
    response = httpx.get(f"{base_url}/api/events", params={"limit": "1000", **params})
    return response.json()["total"]


def shown_markers(page, expected: int) -> int:
    """Markers on the map once the page has drawn `expected` of them (or given up waiting)."""
    page.wait_for_function("n => document.getElementById('status').dataset.shown === String(n)", arg=expected,
                           timeout=10_000)
    return page.locator("path.event-marker").count()


def set_dates(page, start: str, end: str) -> None:
    page.fill("input[name=start]", start)
    page.fill("input[name=end]", end)
    page.dispatch_event("input[name=end]", "change")


def test_map_page_filters_and_shows_evidence(base_url: str, browser, tmp_path: Path) -> None:
    outside: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda route: keep_local(route, outside))
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(base_url)

    total = api_total(base_url)
    assert total > 5
    assert shown_markers(page, total) == total
    assert page.locator("#timeline .bar").count() >= 3
    dated = httpx.get(f"{base_url}/api/timeline", timeout=5).json()["total"]
    assert page.locator("#timeline-caption").inner_text().startswith(f"{dated} events per day")
    assert page.locator("footer").inner_text().count("GeoNames (CC BY 4.0)") == 1
    assert "Natural Earth" in page.locator("footer").inner_text()

    set_dates(page, "2018-01-19", "2018-01-31")
    assert shown_markers(page, 0) == 0
    on_17 = api_total(base_url, start="2018-01-17", end="2018-01-17")
    assert 0 < on_17 < total
    set_dates(page, "2018-01-17", "2018-01-17")
    assert shown_markers(page, on_17) == on_17

    brush_over_all_bars(page)
    assert page.input_value("input[name=start]") < "2018-01-17" < page.input_value("input[name=end]")
    assert shown_markers(page, total) == total

    page.locator("path.event-marker").last.click()
    page.wait_for_selector("#panel .evidence mark", timeout=10_000)
    assert "Fars News Agency" in page.locator("#panel").inner_text()
    assert page.locator("#panel dl").inner_text().startswith("event_date")

    page.check("input[name=territory]")
    page.fill("input[name=territory_date]", "2018-01-31")
    page.dispatch_event("input[name=territory_date]", "change")
    page.wait_for_timeout(500)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(tmp_path / "web.png"))
    shutil.copyfile(tmp_path / "web.png", ARTIFACTS / "web.png")
    assert not problems, problems
    assert not outside, f"the page asked for non-local resources: {outside}"


def brush_over_all_bars(page) -> None:
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, y, steps=5)
    page.mouse.move(box["x"] + box["width"] - 2, y, steps=5)
    page.mouse.up()


def keep_local(route, outside: list[str]) -> None:
    """Let the page reach our own server only; anything else is recorded and refused."""
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        outside.append(route.request.url)
        route.abort()


def test_api_docs_render_offline(base_url: str, browser) -> None:
    outside: list[str] = []
    page = browser.new_page()
    page.route("**/*", lambda route: keep_local(route, outside))
    page.goto(f"{base_url}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert "fieldreport" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-summary-path", has_text="/api/events").count() >= 1
    assert outside == []
    assert httpx.get(f"{base_url}/redoc").status_code == 404  # ReDoc would need a CDN
