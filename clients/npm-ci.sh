#!/usr/bin/env bash
# Installs the contract stage's Node tools (clients/package-lock.json) into
# clients/node_modules with `npm ci`, unless they are already installed from this very lock
# file. Quiet on success; prints npm's output when it fails. Sourced or run from the repo root.
set -euo pipefail

lock=clients/package-lock.json
stamp=clients/node_modules/.durand-lock.sha256
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log=$(mktemp -t durand-npm-ci.XXXXXX)
    # --ignore-scripts: the only install script in the tree is @scarf/scarf's usage
    # telemetry (pulled in by Spectral); nothing needs building.
    if ! SCARF_ANALYTICS=false npm ci --prefix clients --ignore-scripts --no-audit --no-fund \
        --loglevel=error >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "contract: npm ci failed (clients/package-lock.json)" >&2
        exit 1
    fi
    rm -f "$log"
    echo "$want" >"$stamp"
fi
