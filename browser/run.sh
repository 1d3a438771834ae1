#!/usr/bin/env bash
# The browser stage (`make browser`): Durand's HTML pages in headless Chromium, driven by
# playwright-core (browser/package-lock.json) with Node's test runner. The browser is Debian's
# /usr/bin/chromium (or DURAND_CHROMIUM): none is downloaded.
#
# Usage: browser/run.sh [command...]
#
# Run through scripts/with-db (the Makefile does): it starts `durand serve` on a fresh
# database and a free port, reaches it as http://durand.test:<port> (a host name other than
# localhost, mapped to 127.0.0.1 inside Chromium only), runs browser/tests/*.test.mjs and the
# tools' own unit tests (browser/lib/*.test.mjs), and cleans up. With a command (`make
# budget`: node browser/budget.mjs; `make screenshots`: node browser/screenshots.mjs), runs
# that instead, against the same server, with the same environment: DURAND_BROWSER_BASE,
# DURAND_BROWSER_LOCAL, DURAND_CHROMIUM, and DURAND_BROWSER_BIN (the binary serving).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?run me through scripts/with-db (make browser does)}"

chromium="${DURAND_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
    echo "browser: no Chromium at $chromium (Debian: apt-get install chromium)" >&2
    exit 1
fi
export DURAND_CHROMIUM="$chromium"

server="${DATABASE_URL%/*}"
db="durand_browser_$$"
bin="${DURAND_BIN:-${CARGO_TARGET_DIR:-target}/debug/durand}"
log=$(mktemp -t durand-browser.XXXXXX)

# Built (a no-op when up to date) unless DURAND_BIN names a binary: a stale one would test
# old code.
[ -n "${DURAND_BIN:-}" ] || cargo build --quiet --bin durand

# The tools, from the lock file, unless already installed from this very lock file.
lock=browser/package-lock.json
stamp=browser/node_modules/.durand-lock.sha256
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    if ! PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix browser --ignore-scripts \
        --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
        cat "$log" >&2
        echo "browser: npm ci failed ($lock)" >&2
        exit 1
    fi
    echo "$want" >"$stamp"
fi

# A free port from 18400 on.
port=18400
while (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

DATABASE_URL="$server/$db" DURAND_ADDR="127.0.0.1:$port" DURAND_RATE_LIMIT_PER_MINUTE=0 \
    RUST_LOG=warn "$bin" serve >"$log" 2>&1 &
pid=$!
cleanup() {
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if command -v psql >/dev/null 2>&1; then
        psql -Xq "$server/postgres" -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
    fi
    rm -f "$log"
}
trap cleanup EXIT

for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "browser: the server did not start" >&2; exit 1; }
    sleep 0.1
done
echo "browser: server on 127.0.0.1:$port, reached as durand.test:$port; $("$chromium" --version 2>/dev/null)"

[ "$#" -gt 0 ] || set -- node --test browser/tests/*.test.mjs browser/lib/*.test.mjs
status=0
DURAND_BROWSER_BASE="http://durand.test:$port" DURAND_BROWSER_LOCAL="http://127.0.0.1:$port" \
    DURAND_BROWSER_BIN="$bin" "$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "server log (last 50 lines):"
    tail -n 50 "$log"
fi
exit "$status"
