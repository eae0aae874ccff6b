from collections.abc import Iterator

import pytest

from fieldreport.geo.gazetteer import Gazetteer, default_gazetteer_path

# store_url: every store test runs on SQLite and PostgreSQL (see store_backends.py).
pytest_plugins = ["store_backends"]


@pytest.fixture(scope="session")
def gazetteer() -> Iterator[Gazetteer]:
    """The real gazetteer that `make setup` built (GeoNames cities500 + admin1.json)."""
    gaz = Gazetteer(default_gazetteer_path())
    yield gaz
    gaz.close()
