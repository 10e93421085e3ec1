# syntax=docker/dockerfile:1
# Build stage: the locked dependencies (hash-checked wheels, no compiler), then newsbot itself.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements.lock ./
RUN pip install --require-hashes --only-binary=:all: -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-deps .

# Final stage: the virtualenv (prompts ship inside the package) and a non-root user; nothing else.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 newsbot
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1
USER 10001
WORKDIR /home/newsbot
# Both process kinds (`newsbot run`, `newsbot worker`) refresh the heartbeat file this reads; with
# METRICS_PORT set it asks their /healthz instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 CMD ["newsbot", "healthcheck"]
CMD ["newsbot", "run"]
