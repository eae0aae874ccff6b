from collections.abc import Iterator

import pytest

from fieldreport.geo.gazetteer import Gazetteer, default_gazetteer_path
from fieldreport.pipeline import Extractor

# store_url: every store test runs on SQLite and PostgreSQL (see stores.py); feed_site: a news site on
# 127.0.0.1 (see feedsite.py).
pytest_plugins = ["stores", "feedsite"]


@pytest.fixture(scope="session")
def gazetteer() -> Iterator[Gazetteer]:
    """The real gazetteer that `make setup` built (GeoNames cities500 + admin1.json)."""
    gaz = Gazetteer(default_gazetteer_path())
    yield gaz
    gaz.close()


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """One extractor (spaCy model, actor dictionary, patterns, gazetteer) for the whole run."""
    return Extractor()
