# The two commands a newcomer needs: `make run` and `make test` (see README.md).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT_PACKAGES := slapd ldap-utils chromium fonts-noto-cjk gettext
APT_PACKAGES += redis-server
APT_PACKAGES += openssl
APT_PACKAGES += unicode-data kanjidic-xml
# Electronic approvals: an embeddable TrueType Japanese font for the decided-document PDF
# (`make run` installs it too).
RUN_APT_PACKAGES := fonts-ipaexfont-gothic
APT_PACKAGES += $(RUN_APT_PACKAGES)
# Signed decided PDFs: poppler's pdfsig and NSS's certutil verify them in the tests.
APT_PACKAGES += poppler-utils libnss3-tools
# pysaml2 signs and verifies SAML assertions with xmlsec1 (intranet/sso/).
APT_PACKAGES += xmlsec1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench bench-quick demo migrate venv system-deps run-deps apt-install messages clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# The benchmarks also need the load generator (the `bench` extra).
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $(BENCH_STAMP)

migrate: venv
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py create_demo_signing_certificate
	$(PY) manage.py load_demo_data

## Serve the intranet with demo data on http://$(HOST):$(PORT); links in e-mails and
## the Wagtail Site follow it (BASE_URL, unless set in the environment)
run demo: export BASE_URL ?= http://$(HOST):$(PORT)
run: run-deps demo
	$(PY) manage.py devserver $(HOST):$(PORT)

## Lint, migrations check and the whole test suite (installs slapd/chromium when root)
test: venv system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=intranet.settings.test $(PY) manage.py compile_translations
	DJANGO_SETTINGS_MODULE=intranet.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Benchmarks (bench/*.py); `make bench-quick` runs the short cases
bench: $(BENCH_STAMP)
	@for module in $$(ls bench/*.py | xargs -n1 basename | sed 's/\.py$$//' | grep -v '^_'); do \
		echo "== bench.$$module"; $(PY) -m bench.$$module || exit 1; done

bench-quick: $(BENCH_STAMP)
	@for module in $$(ls bench/*.py | xargs -n1 basename | sed 's/\.py$$//' | grep -v '^_'); do \
		echo "== bench.$$module --quick"; $(PY) -m bench.$$module --quick || exit 1; done

## Regenerate the English catalogues (no file locations, so branches merge cleanly)
messages: venv
	for app in intranet directory workflows spaces; do \
		(cd $$app && ../$(PY) ../manage.py makemessages -l en --no-location --no-obsolete); done
	$(PY) manage.py compile_translations

## Debian packages the tests need; installed when missing and we are root.
system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)" REQUIRED=$(CI)

## What `make run` needs from Debian (the PDF's embeddable font): installed where it can
## be (root with apt-get), else a warning; the PDF page then says so too.
run-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(RUN_APT_PACKAGES)" REQUIRED=

apt-install:
	@missing=""; \
	for pkg in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $$missing >/dev/null; } || \
		{ echo "Could not install:$$missing"; [ "$(REQUIRED)" != true ] || exit 1; }; \
	else \
		echo "Missing Debian packages:$$missing (not root: install them with apt-get)"; \
		[ "$(REQUIRED)" != true ] || exit 1; \
	fi

clean:
	rm -rf var/test-media var/test.sqlite3* .pytest_cache
