#!/usr/bin/env bash
# Builds the playground (web/build.sh) and runs its browser tests: Debian's
# chromium, headless, driven by playwright-core against web/dist served on
# 127.0.0.1, every finding checked against the claimlint command's JSON.
# Installs chromium (apt-get) and playwright-core (npm ci) if missing.
# Screenshots are kept in web/test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium > /dev/null; then
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium > /dev/null
fi

bash web/build.sh
# The command the tests compare the page with.
cargo build --locked -p claimlint
(cd web && npm ci --no-audit --no-fund --loglevel=error)
rm -rf web/test-results
cd web && node --test tests/playground.test.mjs
