# syntax=docker/dockerfile:1
# Builds ctxsize into a small image: docker run --rm -v "$PWD:/ctx" ctxsize /ctx
FROM rust:1-slim AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY src src
COPY benches benches
COPY tests tests
RUN cargo install --locked --path . --root /out

FROM debian:bookworm-slim
COPY --from=build /out/bin/ctxsize /usr/local/bin/ctxsize
ENTRYPOINT ["ctxsize"]
