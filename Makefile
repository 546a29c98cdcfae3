# Beian — the two commands: `make run` (demo) and `make test` (everything CI checks).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint check schema openapi pytest pytest-pg bench-ci clean messages

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Translations (docs/i18n.md; needs GNU gettext): extract the strings of every catalogue (locale/ and the apps'
# locale/ directories), then compile the .mo files, which are committed so that `make run` needs no gettext.
messages: install
	$(PY) manage.py makemessages -l en --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=bench \
	  --ignore=tests --ignore=scripts -v 0
	$(PY) manage.py compilemessages --ignore=.venv -v 0

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py load_demo
	@echo ""
	@echo "Beian is at http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs, admin: /admin/)"
	@echo ""
	$(PY) scripts/serve.py --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

check: install
	BEIAN_ENV=test $(PY) manage.py check --fail-level WARNING
	BEIAN_ENV=test $(PY) manage.py makemigrations --check --dry-run

openapi: install
	BEIAN_ENV=test $(PY) manage.py export_openapi > docs/openapi.json

schema: install
	BEIAN_ENV=test $(PY) manage.py export_openapi > $(VENV)/openapi.generated.json
	diff -u docs/openapi.json $(VENV)/openapi.generated.json || \
	  (echo "docs/openapi.json is out of date: run 'make openapi' and commit it." && exit 1)

pytest: install
	$(BIN)/pytest -n 2 -q

# Tests that depend on the database engine, again on PostgreSQL (BEIAN_TEST_DATABASE_URL).
pytest-pg: install
	$(PY) scripts/pg_tests.py

test: lint check schema pytest pytest-pg

clean:
	rm -rf $(VENV) var
