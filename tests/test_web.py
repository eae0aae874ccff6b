"""The map page in real headless Chromium, served by `fieldreport serve` over a store of the seed article."""

import itertools
import os
import random
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
from stores import synthetic_events

from fieldreport.ingest import open_store
from fieldreport.model import Document
from fieldreport.pipeline import Extractor

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED_ARTICLE = Path(__file__).parent / "fixtures" / "seed" / "article.txt"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
VENDOR = Path(__file__).resolve().parents[1] / "src" / "fieldreport" / "web" / "vendor"
LARGE = 100_000
REVIEWER_TOKEN = "tok-amal-5e1"
MAX_EVENT_RADIUS, MAX_CELL_RADIUS = 14, 26  # app.js
STROKE = 3  # a marker's box may exceed its diameter by its stroke

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
    db = tmp_path_factory.mktemp("web") / "seed.db"
    document = Document(text=SEED_ARTICLE.read_text(encoding="utf-8"), published=date(2018, 1, 18),
                        outlet="Fars News Agency", origin=SEED_ARTICLE.name)
    with open_store(db) as store:
        store.save(document, Extractor().extract(document))
    yield from serving(db, "--reviewer", f"amal:{REVIEWER_TOKEN}")


@pytest.fixture(scope="module")
def large_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of LARGE synthetic events over Syria, some with hundreds of dead."""
    db = tmp_path_factory.mktemp("web-large") / "large.db"
    with open_store(db) as store:
        rows = synthetic_events(LARGE, random.Random(15))
        while batch := list(itertools.islice(rows, 10_000)):
            store.bulk_insert_canonical(batch)
    yield from serving(db)


def serving(db: Path, *options: str) -> Iterator[str]:
    """`fieldreport serve` over `db` on a free loopback port, for as long as the caller iterates."""
    assert (VENDOR / "leaflet.js").is_file(), "run `make web` to vendor the page's assets"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = db.with_suffix(".log")
    with log.open("wb") as log_file:
        command = [sys.executable, "-m", "fieldreport", "serve", "--db", str(db), "--host", "127.0.0.1", "--port",
                   str(port), *options]
        server = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
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


def test_the_map_draws_with_the_colours_of_the_stylesheet(base_url: str, browser) -> None:
    """Colours are style.css's custom properties: restyled there, the legend and the markers follow."""
    def restyled(route) -> None:
        css = httpx.get(route.request.url, timeout=5).text
        route.fulfill(body=css + "\n:root { --type-battles: #123456; --type-other: #654321; }",
                      content_type="text/css")

    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.route("**/style.css", restyled)
    page.goto(base_url)
    total = api_total(base_url)
    assert shown_markers(page, total) == total
    swatches = page.eval_on_selector_all(".legend div", "rows => rows.filter(row => row.querySelector('i'))"
                                         ".map(row => [row.textContent, getComputedStyle(row.querySelector('i'))"
                                         ".backgroundColor])")
    assert swatches[0] == ["Battles", "rgb(18, 52, 86)"] and len(swatches) == 6
    assert all(colour.startswith("rgb(") for _, colour in swatches)
    events = httpx.get(f"{base_url}/api/events", params={"limit": "1000"}, timeout=5).json()["events"]
    battles = sum(1 for event in events if event["event_type"] == "Battles")
    fills = page.eval_on_selector_all("path.event-marker", "paths => paths.map(p => p.getAttribute('fill'))")
    assert fills.count("#123456") == battles and battles
    assert not problems, problems


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


def test_a_correction_made_in_the_panel_is_kept_after_a_reload(base_url: str, browser) -> None:
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(base_url)
    total = api_total(base_url)
    shown_markers(page, total)
    page.fill("#reviewer-token", REVIEWER_TOKEN)
    page.dispatch_event("#reviewer-token", "change")
    page.click("#panel")  # out of the token field: keys typed there are text, not shortcuts

    page.keyboard.press("n")  # the first unreviewed event of the queue
    page.wait_for_selector("#review-form")
    event_id = page.evaluate("currentEvent.id")
    page.fill("#review-form input[name=fatalities]", "17")
    page.click("#review-form button[type=submit]")
    page.wait_for_function("document.querySelector('#panel h3').textContent === 'Review: corrected'")

    page.reload()
    shown_markers(page, total)
    page.locator(f"path.event-marker[data-event-id='{event_id}']").dispatch_event("click")  # under its neighbours
    page.wait_for_selector("#review-form")
    assert page.input_value("#review-form input[name=fatalities]") == "17"
    assert "amal: fatalities" in page.locator("#panel .audit").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"))

    page.keyboard.press("n")
    page.wait_for_function("id => currentEvent && currentEvent.id !== id", arg=event_id)
    page.keyboard.press("x")
    page.wait_for_function("document.querySelector('#panel h3').textContent === 'Review: rejected'")
    assert api_total(base_url) == total - 1
    reviewed = httpx.get(f"{base_url}/api/events", params={"review": "corrected"}).json()["events"]
    assert [(event["id"], event["fatalities"]) for event in reviewed] == [(event_id, 17)]
    assert not problems, problems


def test_map_stays_readable_at_100k_events(large_url: str, browser, tmp_path: Path) -> None:
    outside: list[str] = []
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda route: keep_local(route, outside))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(large_url)

    status = page.locator("#status")
    settled(page, "cells")
    assert status.get_attribute("data-total") == str(LARGE)
    cells = page.locator(".cell-marker")
    assert cells.count() > 10
    assert sum(int(text) for text in cells.all_inner_texts()) == int(status.get_attribute("data-in-view"))
    assert largest_box(cells) <= 2 * MAX_CELL_RADIUS + STROKE

    timeline = httpx.get(f"{large_url}/api/timeline", timeout=30).json()
    page.wait_for_function("n => document.getElementById('timeline-caption').textContent.startsWith(n + ' ')",
                           arg=str(LARGE), timeout=30_000)
    assert timeline["total"] == api_total(large_url) == LARGE
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-100k.png"))

    cells.first.click()
    settled(page, "events")
    markers = page.locator("path.event-marker")
    in_view = int(status.get_attribute("data-in-view"))
    assert 0 < markers.count() == int(status.get_attribute("data-shown")) == min(in_view, 1000)
    assert largest_box(markers) <= 2 * MAX_EVENT_RADIUS + STROKE
    assert not problems, problems
    assert not outside, f"the page asked for non-local resources: {outside}"


def settled(page, mode: str) -> None:
    """Wait until the map has drawn its view in `mode` ('cells' or 'events') and asks for nothing more."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("mode => { const status = document.getElementById('status');"
                           " return status.dataset.mode === mode && !('busy' in status.dataset); }",
                           arg=mode, timeout=30_000)
    page.wait_for_timeout(300)  # the map waits 150 ms after a move before it asks for the new view
    page.wait_for_load_state("networkidle")


def largest_box(locator) -> float:
    """The widest or tallest on-screen box among the elements `locator` finds."""
    return max(max(box["width"], box["height"]) for box in
               (locator.nth(index).bounding_box() for index in range(locator.count())))


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
