#!/usr/bin/env bash
# Everything CI runs: infrastructure up (when not already running), lint, types, schema drift,
# all tests; then stops only the infrastructure this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
INFRA=(uv run --frozen python scripts/infra.py)

started_infra=0
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] && ! "${INFRA[@]}" status >/dev/null 2>&1; then
  echo "==> starting local Kafka and PostgreSQL"
  "${INFRA[@]}" up
  started_infra=1
fi
stop_infra() {
  if [[ $started_infra == 1 ]]; then
    echo "==> stopping the infrastructure this run started"
    "${INFRA[@]}" down || true
  fi
}
trap stop_infra EXIT

if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  eval "$("${INFRA[@]}" env)"
  export TICKETING_INFRA=local  # fault tests may stop and start this broker
fi

step() { echo; echo "==> $*"; }
step "ruff (lint and format)"
uv run --frozen ruff check .
uv run --frozen ruff format --check .
step "mypy"
uv run --frozen mypy libs/common/src services/*/src
step "each workspace member installs and imports on its own (no undeclared dependency)"
for member in ticketing-common:ticketing_common.entrypoints intake:intake.__main__ \
    triage:triage.__main__ sla-timer:sla_timer.__main__ escalation:escalation.__main__ \
    reporting:reporting.__main__; do
  if ! uv run --frozen --isolated --no-dev --quiet --package "${member%%:*}" \
      python -c "import ${member#*:}"; then
    echo "  ${member%%:*} does not import on its own: declare its dependencies" >&2
    exit 1
  fi
  echo "  ${member%%:*} ok"
done
step "event schemas match the models"
uv run --frozen python -m ticketing_common.schemas check
step "Kubernetes manifests (drift, Kubernetes 1.33 schemas, kustomization)"
uv run --frozen python scripts/render_k8s.py check
if [[ -x scripts/check-compose.sh ]]; then
  step "docker-compose.yml against the compose specification"
  bash scripts/check-compose.sh
fi
step "pytest (unit, integration, end to end, fault)"
uv run --frozen pytest -p no:cacheprovider "$@"
