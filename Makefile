# Two commands for a fresh machine: `make run` (whole system + demo traffic) and `make test`
# (everything CI runs). Infrastructure comes from scripts/infra.py (no Docker needed).
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(HOME)/.local/bin:$(PATH)
# Every service role is its own Python process; caching bytecode keeps their start-up quick.
unexport PYTHONDONTWRITEBYTECODE
INFRA := uv run --frozen python scripts/infra.py

.PHONY: help setup infra-up infra-down infra-status lint typecheck schemas schemas-check test run bench bench-pipeline

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

setup: ## install uv (from PyPI) and the locked workspace
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	uv sync --frozen --all-packages

infra-up: setup ## start Kafka (KRaft) and PostgreSQL locally, create topics
	$(INFRA) up

infra-down: ## stop what infra-up started
	$(INFRA) down

infra-status: ## show whether Kafka and PostgreSQL answer
	$(INFRA) status

lint: setup ## ruff
	uv run --frozen ruff check .
	uv run --frozen ruff format --check .

typecheck: setup ## mypy
	uv run --frozen mypy libs/common/src services/*/src

schemas: setup ## regenerate JSON Schemas and the AsyncAPI document from the event models
	uv run --frozen python -m ticketing_common.schemas write

schemas-check: setup ## fail when committed schemas drift from the models
	uv run --frozen python -m ticketing_common.schemas check

test: setup ## set up everything, run lint, types and all tests, stop what it started
	bash scripts/test.sh

run: setup ## infrastructure, migrations, every service, demo traffic
	bash scripts/run.sh

bench: setup ## Kafka ceiling benchmark (needs infra-up)
	uv run --frozen python bench/kafka_ceiling.py

bench-pipeline: setup ## whole-system latency and throughput at several rates (needs infra-up)
	uv run --frozen python bench/pipeline.py
