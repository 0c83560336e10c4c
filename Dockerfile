# One recipe for every service image, built from the repository root:
#   docker build --build-arg SERVICE=intake -t ticketing/intake .
# The image holds only that service and libs/common (`uv sync --package`), so a dependency the
# service forgot to declare fails here. Roles are chosen by the command:
#   python -m intake api | relay | migrate   (consumer and timer where the service has them)
FROM python:3.11-slim AS build
ARG SERVICE
RUN pip install --no-cache-dir "uv==0.13.9"
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY libs/common libs/common
COPY services services
RUN test -n "$SERVICE" && uv sync --frozen --no-dev --package "$SERVICE" \
    && python -m compileall -q libs/common/src services/*/src  # read-only root FS in pods

FROM python:3.11-slim
ARG SERVICE
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 CONTRACTS_PATH=/app/config/contracts.yaml
WORKDIR /app
COPY --from=build /app /app
COPY config config
RUN useradd --system --uid 10001 ticketing && echo "$SERVICE" | tr - _ > /app/.module
USER 10001
ENTRYPOINT ["/bin/sh", "-c", "exec python -m \"$(cat /app/.module)\" \"$@\"", "--"]
CMD ["api"]
