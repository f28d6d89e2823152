# The platform's commands. `make test` is THE test command (CI runs exactly that).
#
#   make run                      the whole platform on fixed ports (gateway :8000), Ctrl-C stops it;
#                                 loads the demo content on fresh databases (QM_DEMO=0: never)
#   make demo                     (re)load every service's demo content into the running `make run`
#   make test                     every test: libs, gateway, services, cross-service (tests/)
#   make token ROLES=admin ORG=.. a staff JWT from the .devstack keys (also SUB=, TTL=)
#   make key SCOPES=feedback:submit  an API key for the running `make run` stack
#   make bench                    benchmarks against `make run`'s settings (never part of `make test`)
#   make lint                     byte-compile everything and validate docker-compose.yml
#
# The virtualenv (.venv) is (re)installed whenever constraints.txt or a pyproject.toml changes,
# and recreated when it is missing or was made by another Python.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.qm-installed
PROJECTS := libs/servicekit libs/contracts gateway services/goals services/feedback services/audit services/awards devstack
EDITABLES := -e 'libs/servicekit[test]' -e 'services/feedback[test]' -e 'services/awards[test]' $(foreach p,$(filter-out libs/servicekit services/feedback services/awards,$(PROJECTS)),-e $(p))
PIP_FLAGS ?= -q --disable-pip-version-check

# Never import the checkout's top-level folders (gateway/, devstack/, ...) as namespace packages.
export PYTHONSAFEPATH := 1

# A venv made by another interpreter (or broken) is stale: force a reinstall.
WANT_PY := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
HAVE_PY := $(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifneq ($(WANT_PY),$(HAVE_PY))
VENV_STALE := FORCE
endif

.PHONY: run demo test token key bench lint install status help FORCE
.DEFAULT_GOAL := help

help:
	@sed -n '1,14p' Makefile | sed 's/^# \{0,1\}//'

install: $(STAMP)

$(STAMP): Makefile constraints.txt $(addsuffix /pyproject.toml,$(PROJECTS)) $(VENV_STALE)
	@if [ "$(WANT_PY)" != "$(HAVE_PY)" ]; then \
	  echo "creating $(VENV) with $(PYTHON) $(WANT_PY)"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); \
	fi
	$(PY) -m pip install $(PIP_FLAGS) -c constraints.txt $(EDITABLES)
	@touch $@

run: $(STAMP)
	$(PY) -m devstack run

demo: $(STAMP)
	$(PY) -m devstack demo

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

ROLES ?= admin
token: $(STAMP)
	@$(PY) -m devstack token --roles '$(ROLES)' $(if $(ORG),--org '$(ORG)') $(if $(SUB),--sub '$(SUB)') $(if $(TTL),--ttl '$(TTL)')

key: $(STAMP)
	@$(PY) -m devstack key $(if $(SCOPES),--scopes '$(SCOPES)') $(if $(ACTOR),--actor '$(ACTOR)') $(if $(ORG),--org '$(ORG)')

status: $(STAMP)
	@$(PY) -m devstack status

bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(PY) -m compileall -q libs gateway services devstack tests $(wildcard bench)
	$(PY) -m devstack check-compose docker-compose.yml

FORCE:
