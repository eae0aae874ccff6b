"""fieldreport: conflict news to ACLED-style event data, offline, with evidence for every field."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fieldreport")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
