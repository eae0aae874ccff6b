from collections.abc import Iterator

import pytest

from fieldreport.gazetteer import Gazetteer, default_gazetteer_path


@pytest.fixture(scope="session")
def gazetteer() -> Iterator[Gazetteer]:
    """The real gazetteer that `make setup` built (GeoNames cities500 + admin1.json)."""
    gaz = Gazetteer(default_gazetteer_path())
    yield gaz
    gaz.close()
