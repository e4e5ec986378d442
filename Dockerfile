# claimlint in a container:
#
#   docker build -t claimlint .
#   docker run --rm -v "$PWD:/work" claimlint posts/
#
# The working directory is /work, so paths relative to the mounted folder
# are linted (and its .claimlint.yaml applies), and absolute ones such as
# /work/posts work too. With no argument, the whole folder is linted.
# The image holds no git, so `--since REF` exits 2 ("--since needs git");
# for changed-lines mode, run the binary where the repository's git is
# (the GitHub Action in action.yml does).
# Podman reads this file as it is (podman build -t claimlint .).

# Build: the release binary, from the locked dependency versions.
ARG RUST_VERSION=1
FROM docker.io/library/rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates crates
RUN cargo build --locked --release -p claimlint \
    && install -D -m 0755 target/release/claimlint /out/claimlint

# Run: the binary alone, on a minimal Debian 12 with the C runtime it links,
# as an unprivileged user. To let it write (--fix, --write-baseline, init)
# files owned by you, run it as you: docker run --user "$(id -u):$(id -g)" …
FROM gcr.io/distroless/cc-debian12:nonroot
LABEL org.opencontainers.image.title="claimlint" \
      org.opencontainers.image.description="Flag misleading health claims in Markdown, HTML and plain-text content" \
      org.opencontainers.image.source="https://github.com/claimlint/claimlint" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /out/claimlint /usr/local/bin/claimlint
COPY LICENSE-MIT LICENSE-APACHE /usr/share/doc/claimlint/
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/claimlint"]
CMD ["."]
