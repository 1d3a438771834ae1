#!/usr/bin/env bash
# Rebuilds src/pages/region.json from the pinned world-atlas package (see vendor.mjs).
# Not part of CI: the output is committed, and the pages read only that file.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
node vendor.mjs
