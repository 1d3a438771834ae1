# syntax=docker/dockerfile:1
#
# Build:  docker build -t durand .
# Run:    docker run --rm -p 8080:8080 -e DATABASE_URL=postgres://... durand
# (or `docker compose up`, see docker-compose.yml)

# ---- build -----------------------------------------------------------------
# Pinned to the crate's rust-version (Cargo.toml); bookworm to match the
# runtime image's glibc.
FROM rust:1.88-bookworm AS builder
WORKDIR /app

# Queries are checked against the committed .sqlx/ data: no database needed.
ENV SQLX_OFFLINE=true \
    CARGO_TERM_COLOR=never

COPY . .
RUN cargo build --release --locked --bin durand

# ---- runtime ---------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --user-group --uid 10001 \
        --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin durand

# The binary embeds the migrations and the dataset: nothing else to copy.
COPY --from=builder /app/target/release/durand /usr/local/bin/durand

USER durand
ENV DURAND_ADDR=0.0.0.0:8080
EXPOSE 8080

# Liveness only: is the port accepting TCP connections? Uses bash's
# /dev/tcp (bash is part of debian-slim) rather than installing curl, and
# reads the port from DURAND_ADDR. The generous start period covers the
# migrations and dataset load that `serve` runs at startup.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", ": > /dev/tcp/127.0.0.1/${DURAND_ADDR##*:}"]

ENTRYPOINT ["durand"]
CMD ["serve"]
