# syntax=docker/dockerfile:1.12
# ctxsize as a container image: a static (musl) binary in an empty image.
#
#   docker build -t ctxsize .
#   docker run --rm -v "$PWD:/src" ctxsize /src
#   docker run --rm -v "$PWD:/src" -w /src ctxsize lint .
#
# The container runs as an unprivileged user (65532). ctxsize reads every entry it reports, as
# docker build does, so a context with entries only their owner may read (a 0700 directory)
# needs `--user "$(id -u):$(id -g)"`.

# Build stage. The official Rust image on Alpine: its native target is x86_64/aarch64 musl, so
# the binary is static without a cross toolchain (for linux/amd64 and linux/arm64 alike).
FROM rust:1.95.0-alpine3.22 AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY src src
# Cargo.toml names these targets explicitly; cargo reads them even to build only the binary.
COPY benches benches
COPY tests tests
# Registry and target directory are cache mounts: a rebuild after a source change recompiles
# only ctxsize. The binary is copied out of the cached target directory in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/build/target \
    RUSTFLAGS="-C target-feature=+crt-static" \
    cargo build --release --locked --bin ctxsize \
    && install -D -m 0755 target/release/ctxsize /out/ctxsize \
    && /out/ctxsize --version

# Final stage: nothing but the binary.
FROM scratch
COPY --from=build /out/ctxsize /ctxsize
USER 65532:65532
ENTRYPOINT ["/ctxsize"]
