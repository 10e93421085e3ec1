# syntax=docker/dockerfile:1
# Build stage: install newsbot and its dependencies into a virtualenv (wheels only, no compiler).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --upgrade pip && pip install .

# Final stage: the virtualenv (prompts ship inside the package) and a non-root user; nothing else.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 newsbot
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1
USER newsbot
WORKDIR /home/newsbot
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 CMD ["newsbot", "healthcheck"]
CMD ["newsbot", "run"]
