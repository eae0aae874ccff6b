"""Reading RSS and Atom feeds: feedparser lists a feed's entries, each entry's article page is fetched
and its text taken out with trafilatura (as an HTML file's is, by `documents.document_from_html`).

A feed is an http(s) address or a local .rss, .atom or .xml file. A document read from a feed has the
entry's link as its id, so a feed read again gives the same ids and a caller can leave entries it
already holds without fetching their pages. Like `documents.read_documents`, nothing here raises for
bad input: an unreachable feed or page, or one that is not what it should be, is an InputError.
"""

from __future__ import annotations

import calendar
import dataclasses
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from trafilatura.utils import decode_file

from fieldreport.documents import MAX_BYTES, document_from_html, format_megabytes, optional_str
from fieldreport.errors import InputError
from fieldreport.model import Document

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
FETCH_TIMEOUT = 20.0  # seconds to connect and between bytes; a server slower than that is unreachable
USER_AGENT = "fieldreport/0.1 (feed reader)"


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: the article's address (the document's id), its title and date as the feed gives them."""

    url: str
    title: str | None
    published: date | None
    feed: str


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def is_feed_file(path: Path) -> bool:
    return path.suffix.lower() in FEED_SUFFIXES


def fetch(url: str, timeout: float = FETCH_TIMEOUT) -> tuple[bytes, str | None] | InputError:
    """The body of `url` (at most MAX_BYTES) and the character set its headers name, or why there is none."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        return InputError(f"{url}: HTTP {exc.code} {exc.reason}")
    except urllib.error.URLError as exc:
        return InputError(f"{url}: unreachable ({getattr(exc.reason, 'strerror', None) or exc.reason})")
    except TimeoutError:
        return InputError(f"{url}: unreachable (no answer within {timeout:g} s)")
    except (OSError, ValueError) as exc:
        return InputError(f"{url}: unreachable ({exc})")
    if len(body) > MAX_BYTES:
        return InputError(f"{url}: over the {format_megabytes(MAX_BYTES)} limit")
    return body, charset


def read_feed(source: str) -> list[FeedEntry | InputError] | InputError:
    """The entries of the feed at `source` (an address or a file), in the feed's order; an entry without a
    link is an InputError in its place. The whole feed is an InputError when it cannot be had or is no feed."""
    if is_url(source):
        fetched = fetch(source)
        if isinstance(fetched, InputError):
            return fetched
        data = fetched[0]
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            return InputError(f"{source}: cannot read ({exc.strerror or exc})")
    parsed = feedparser.parse(data)  # bytes: given a str, feedparser would take it for an address
    if not parsed.version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        return InputError(f"{source}: not an RSS or Atom feed" + (f" ({problem})" if problem else ""))
    return [feed_entry(source, number, entry) for number, entry in enumerate(parsed.entries, start=1)]


def feed_entry(source: str, number: int, entry: dict) -> FeedEntry | InputError:
    link = optional_str(entry.get("link"))
    if link is None or not is_url(link):
        return InputError(f"{source}: entry {number} has no http(s) link to its article")
    return FeedEntry(url=link, title=optional_str(entry.get("title")), published=entry_date(entry), feed=source)


def entry_date(entry: dict) -> date | None:
    """The entry's publication (else update) date; feedparser gives it as a UTC struct_time."""
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if not moment:
        return None
    return datetime.fromtimestamp(calendar.timegm(moment), tz=UTC).date()


def document_from_entry(entry: FeedEntry, published: date | None = None,
                        outlet: str | None = None) -> Document | InputError:
    """The entry's article, fetched and cleaned; dated by the feed, else by the page, else `published`."""
    fetched = fetch(entry.url)
    if isinstance(fetched, InputError):
        return fetched
    body, charset = fetched
    html = page_text(body, charset)
    document = document_from_html(entry.url, html, entry.published, outlet, url=entry.url)
    if isinstance(document, InputError):
        return document
    return dataclasses.replace(document, id=entry.url, title=entry.title or document.title,
                               published=document.published or published)


def page_text(body: bytes, charset: str | None) -> str:
    """The page decoded with the character set its headers name, else as trafilatura guesses it."""
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_file(body)
