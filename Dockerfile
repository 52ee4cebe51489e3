# habilis production image, in two stages.
#
#   docker build -t habilis .
#
# The binary applies its migrations when it starts (`habilis serve`).

# ---------- Stage 1: build ----------
FROM rust:1-bookworm AS builder

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates
COPY migrations ./migrations
COPY static ./static
COPY providers ./providers
COPY benches ./benches

RUN cargo build --release --locked \
    && strip target/release/habilis

# ---------- Stage 2: run ----------
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system habilis \
    && useradd --system --gid habilis --home-dir /app --no-create-home --shell /usr/sbin/nologin habilis

COPY --from=builder /build/target/release/habilis /usr/local/bin/habilis
COPY --from=builder --chown=root:root /build/providers /app/providers

WORKDIR /app

ENV HABILIS_ENV=prod \
    HABILIS_BIND=0.0.0.0:8080 \
    HABILIS_PROVIDERS_DIR=/app/providers

USER habilis

EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1

CMD ["habilis", "serve"]
