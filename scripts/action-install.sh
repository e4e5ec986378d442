#!/usr/bin/env bash
# The install steps of the claimlint GitHub Action (action.yml at the
# repository root):
#
#   action-install.sh resolve   what to build, and the cache key for it
#   action-install.sh install   build it with `cargo install --locked`
#                               unless the cache restored it; put it on PATH
#
# `resolve` reads INPUT_VERSION:
#   (empty)            the action's own source, $GITHUB_ACTION_PATH (the
#                      ref named in `uses: claimlint/claimlint@REF`), keyed
#                      on a hash of its files
#   X.Y.Z or vX.Y.Z    the repository's tag vX.Y.Z
#   a commit id        that commit (40 hex digits)
#   a branch name      the branch's current commit (git ls-remote)
# and writes `kind` (path, tag or rev), `ref`, `key` and `root` (the
# install folder, what actions/cache saves) to $GITHUB_OUTPUT. `install`
# reads them back from CLAIMLINT_KIND, CLAIMLINT_REF and CLAIMLINT_ROOT,
# and writes `claimlint` (the binary's path) to $GITHUB_OUTPUT.
set -euo pipefail

repository=${CLAIMLINT_REPOSITORY:-https://github.com/claimlint/claimlint}
cache_dir=${CLAIMLINT_CACHE_DIR:-$HOME/.cache/claimlint-action}

fail() {
    printf '::error title=claimlint::%s\n' "$1"
    exit 2
}

trim() {
    local value=$1
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    printf '%s' "$value"
}

resolve() {
    local version kind ref key
    version=$(trim "${INPUT_VERSION:-}")
    if [[ -z $version ]]; then
        local source=${GITHUB_ACTION_PATH:-}
        if [[ ! -f $source/crates/claimlint/Cargo.toml ]]; then
            fail "no claimlint source in GITHUB_ACTION_PATH (\"$source\"): set the version input"
        fi
        local hash
        hash=$(cd -- "$source" &&
            find Cargo.toml Cargo.lock crates -type f -print0 | LC_ALL=C sort -z |
            xargs -0 sha256sum | sha256sum | cut -c1-16)
        kind=path ref=$source key=source-$hash
    elif [[ $version =~ ^v?([0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?)$ ]]; then
        kind=tag ref=v${BASH_REMATCH[1]} key=v${BASH_REMATCH[1]}
    elif [[ $version =~ ^[0-9a-f]{40}$ ]]; then
        kind=rev ref=$version key=$version
    elif [[ $version != -* ]] && git check-ref-format --branch "$version" >/dev/null 2>&1; then
        local sha
        sha=$(git ls-remote --heads "$repository" "refs/heads/$version" | cut -f1) ||
            fail "cannot read the branches of $repository"
        if [[ ! $sha =~ ^[0-9a-f]{40}$ ]]; then
            fail "version \"$version\": no such tag or branch in $repository"
        fi
        kind=rev ref=$sha key=$sha
    else
        fail "version \"$version\" is not a version (X.Y.Z), a commit id or a branch"
    fi
    {
        printf 'kind=%s\n' "$kind"
        printf 'ref=%s\n' "$ref"
        printf 'key=%s\n' "$key"
        printf 'root=%s\n' "$cache_dir/$key"
    } >>"${GITHUB_OUTPUT:?}"
    printf 'claimlint: %s %s (cache key %s)\n' "$kind" "$ref" "$key"
}

install() {
    local kind=${CLAIMLINT_KIND:?} ref=${CLAIMLINT_REF:?} root=${CLAIMLINT_ROOT:?}
    if [[ -x $root/bin/claimlint ]]; then
        printf 'claimlint: restored from the cache (%s)\n' "$root"
    else
        if ! command -v cargo >/dev/null; then
            fail "cargo is not installed: add a Rust toolchain step (such as dtolnay/rust-toolchain@stable) before this action"
        fi
        case $kind in
            path) cargo install --locked --root "$root" --path "$ref/crates/claimlint" ;;
            tag) cargo install --locked --root "$root" --git "$repository" --tag "$ref" claimlint ;;
            rev) cargo install --locked --root "$root" --git "$repository" --rev "$ref" claimlint ;;
            *) fail "unknown source kind \"$kind\"" ;;
        esac
    fi
    "$root/bin/claimlint" --version
    printf '%s\n' "$root/bin" >>"${GITHUB_PATH:?}"
    printf 'claimlint=%s\n' "$root/bin/claimlint" >>"${GITHUB_OUTPUT:?}"
}

case ${1:-} in
    resolve) resolve ;;
    install) install ;;
    *) fail "usage: action-install.sh resolve|install" ;;
esac
