#!/usr/bin/env bash
# Validate docker-compose.yml offline against the Compose Specification schema.
set -euo pipefail
cd "$(dirname "$0")/.."
uv run --frozen check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
