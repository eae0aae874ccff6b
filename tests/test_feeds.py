"""RSS and Atom feeds read from a real HTTP server on 127.0.0.1, pages cleaned by trafilatura."""

from datetime import date

from feedsite import ARTICLES, unreachable_url

from fieldreport.errors import InputError
from fieldreport.feeds import FeedEntry, document_from_entry, read_feed
from fieldreport.model import Document


def test_an_rss_feed_lists_its_entries_with_links_titles_and_dates(feed_site):
    entries = read_feed(feed_site.url("/feed.rss"))
    assert [entry.url for entry in entries] == [feed_site.url(path) for path in
                                                ("/news/maseh.html", "/news/harasta.html", "/news/idlib.html",
                                                 "/news/gone.html")]
    assert entries[0].title == "Syrian army takes Maseh in southern Aleppo"
    assert [entry.published for entry in entries[:3]] == [date(2018, 1, 17), date(2018, 1, 16), date(2018, 1, 15)]


def test_an_atom_feed_is_read_the_same_way(feed_site):
    entries = read_feed(feed_site.url("/feed.atom"))
    assert [entry.title for entry in entries] == ["Syrian army takes Maseh in southern Aleppo",
                                                  "Shelling hits Harasta"]
    assert entries[1].published == date(2018, 1, 15)


def test_a_feed_file_on_disk_is_read(tmp_path, feed_site):
    feed = tmp_path / "wire.rss"
    feed.write_text(feed_site.routes["/feed.rss"][1], encoding="utf-8")
    assert len(read_feed(str(feed))) == 4


def test_an_entry_page_is_fetched_and_cleaned_into_a_document_whose_id_is_its_link(feed_site):
    entry = read_feed(feed_site.url("/feed.rss"))[0]
    document = document_from_entry(entry, outlet="Levant Wire")
    assert isinstance(document, Document)
    assert document.id == document.url == feed_site.url("/news/maseh.html")
    assert document.text.split("\n")[:2] == ["Syrian army takes Maseh in southern Aleppo",
                                             ARTICLES["/news/maseh.html"][1][0]]
    assert "All rights reserved" not in document.text and "Home" not in document.text
    assert document.published == date(2018, 1, 17) and document.outlet == "Levant Wire"


def test_the_feed_date_wins_and_published_is_the_default(feed_site):
    undated = FeedEntry(url=feed_site.url("/news/harasta.html"), title=None, published=None, feed="test")
    document = document_from_entry(undated, published=date(2018, 1, 20))
    assert document.published == date(2018, 1, 20)
    assert document.title.startswith("Shelling hits Harasta")


def test_a_missing_page_is_an_error_naming_it(feed_site):
    entry = read_feed(feed_site.url("/feed.rss"))[3]
    error = document_from_entry(entry)
    assert isinstance(error, InputError)
    assert str(error) == f"{feed_site.url('/news/gone.html')}: HTTP 404 Not Found"


def test_an_unreachable_feed_is_one_error():
    url = unreachable_url()
    error = read_feed(url)
    assert isinstance(error, InputError)
    assert str(error).startswith(f"{url}: unreachable (") and "\n" not in str(error)


def test_a_page_that_is_no_feed_is_an_error(feed_site):
    error = read_feed(feed_site.url("/about.html"))
    assert isinstance(error, InputError)
    assert "not an RSS or Atom feed" in str(error)
