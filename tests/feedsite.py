"""A news site on 127.0.0.1 for the feed tests: an RSS feed, an Atom feed and their article pages,
served by a real HTTP server in a thread (`feed_site` fixture). The articles are written for the tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ARTICLES = {
    "/news/maseh.html": ("Syrian army takes Maseh in southern Aleppo", (
        "Field sources confirmed on Wednesday that the Syrian Army troops captured the village of Maseh in "
        "Southern Aleppo after heavy clashes with the militants.",
        "The army men also seized the nearby hill of Tal Maseh and pushed on towards the town of Abu Dhuhur, "
        "the sources said, adding that dozens of militants were killed in the fighting.",
        "Engineering units were clearing the village of mines and explosive devices left behind by the "
        "retreating gunmen, a military source told reporters in Aleppo.",
    )),
    "/news/harasta.html": ("Shelling hits Harasta", (
        "Government artillery shelled the town of Harasta in Eastern Ghouta on Tuesday, killing four "
        "civilians, according to local medics.",
        "Residents said the shells fell on a market street in the morning, when it was crowded with people "
        "buying bread and vegetables before the curfew.",
        "Rescue workers pulled two children from the rubble of a collapsed building, the medics said, and "
        "the wounded were taken to a field hospital on the edge of the town.",
    )),
    "/news/idlib.html": ("Air strikes on Idlib countryside", (
        "Warplanes carried out air strikes on the village of Kafr Nabl in southern Idlib on Monday, "
        "monitors said, destroying several houses.",
        "There were no immediate reports of casualties, but families were seen leaving the village towards "
        "the Turkish border in cars and on foot.",
        "The strikes came a day after rebels shelled government positions near Khan Shaykhun, the monitors "
        "added, without giving further details.",
    )),
}


def article_page(title: str, paragraphs: tuple[str, ...]) -> str:
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>{title} | Levant Wire</title>"
            f'<meta charset="utf-8"></head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f"<article><h1>{title}</h1>\n{body}\n</article><footer>© Levant Wire. All rights reserved.</footer>"
            "</body></html>")


def rss_feed(base: str, paths: list[str]) -> str:
    dates = ["Wed, 17 Jan 2018 09:30:00 GMT", "Tue, 16 Jan 2018 14:05:00 GMT", "Mon, 15 Jan 2018 08:00:00 GMT"]
    items = "".join(f"<item><title>{ARTICLES.get(path, ('Missing page',))[0]}</title><link>{base}{path}</link>"
                    f"<guid>{base}{path}</guid><pubDate>{dates[i % len(dates)]}</pubDate></item>"
                    for i, path in enumerate(paths))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Levant Wire</title>'
            f"<link>{base}/</link><description>News from the region</description>{items}</channel></rss>")


def atom_feed(base: str, paths: list[str]) -> str:
    entries = "".join(f"<entry><title>{ARTICLES[path][0]}</title><link href=\"{base}{path}\"/>"
                      f"<id>{base}{path}</id><updated>2018-01-15T08:00:00Z</updated></entry>" for path in paths)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Levant Wire</title><id>{base}/</id><updated>2018-01-17T09:30:00Z</updated>{entries}</feed>")


@dataclass
class FeedSite:
    """The site's address and what it serves: path -> (content type, body); any other path is a 404."""

    base: str
    routes: dict[str, tuple[str, str]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def handler_for(site: FeedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            site.requests.append(self.path)
            if self.path not in site.routes:
                self.send_error(404, "Not Found")
                return
            content_type, body = site.routes[self.path]
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            pass

    return Handler


@pytest.fixture
def feed_site() -> Iterator[FeedSite]:
    """An RSS feed at /feed.rss (the three articles and one link that is a 404), an Atom feed at
    /feed.atom (two of the articles) and the article pages."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    site = FeedSite(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = handler_for(site)
    for path, (title, paragraphs) in ARTICLES.items():
        site.routes[path] = ("text/html; charset=utf-8", article_page(title, paragraphs))
    site.routes["/feed.rss"] = ("application/rss+xml", rss_feed(site.base, [*ARTICLES, "/news/gone.html"]))
    site.routes["/feed.atom"] = ("application/atom+xml", atom_feed(site.base, list(ARTICLES)[:2]))
    site.routes["/about.html"] = ("text/html", article_page("About us", ("We report the news.",)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join()


def unreachable_url() -> str:
    """An address on 127.0.0.1 where nothing listens (a port just bound and released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.rss"
