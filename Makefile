# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup setup-dev migrate seed messages clean stack backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files make pip run again only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --if-empty

run: seed
	@echo ""
	@echo "  Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo "  Demo logins: beilin, yanta (district officials), lawyers (law-firm industry committee),"
	@echo "               staff (organisation department), leader (read-only), admin (Django admin)"
	@echo "  Password:    $$($(BIN)/python -c 'import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xian_partybuild.settings.local"); import django; django.setup(); from django.conf import settings; print(settings.DEMO_PASSWORD)')"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production stack: gunicorn, a Celery worker and beat (Procfile, run by
# honcho), with the production settings. Needs the production environment:
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL
# (README, "Running in production"). Ctrl-C stops all three.
PROD := DJANGO_SETTINGS_MODULE=xian_partybuild.settings.production PATH="$(CURDIR)/$(BIN):$$PATH"
stack: setup
	$(PROD) $(BIN)/python manage.py migrate --noinput
	$(PROD) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(PROD) $(BIN)/honcho start -f Procfile

# pg_dump / pg_restore of DATABASE_URL's database (custom format): FILE=path.
backup: setup
	$(BIN)/python manage.py backup --output "$(FILE)"
restore: setup
	$(BIN)/python manage.py restore --input "$(FILE)"

lint: setup-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

test: setup-dev lint
	$(BIN)/python -m pytest

messages: setup-dev
	cd $(CURDIR) && $(BIN)/python manage.py makemessages -l zh_Hans -i ".venv/*" -i "staticfiles/*"
	$(BIN)/python manage.py compilemessages -l zh_Hans -i ".venv"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
