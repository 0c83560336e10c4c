#!/usr/bin/env bash
# `make run`: infrastructure up, migrations, every service's API and workers, demo traffic.
# Ctrl-C stops the services; the infrastructure keeps running (`make infra-down` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
uv run --frozen python scripts/infra.py up
eval "$(uv run --frozen python scripts/infra.py env)"
exec uv run --frozen python scripts/stack.py --demo "$@"
