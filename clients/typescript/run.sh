#!/usr/bin/env bash
# Contract step: generates TypeScript types from the spec (openapi-typescript), type-checks
# and builds client.ts against them (tsc, strict), and runs it with Node against the live
# server: every operation in the spec (writes with DURAND_TOKEN), with value checks (see client.ts).
#
# Needs DURAND_BASE_URL and DURAND_SPEC (scripts/contract sets both).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DURAND_BASE_URL:?the server to call, e.g. http://127.0.0.1:8080}"
: "${DURAND_SPEC:?the absolute path of openapi/openapi.json}"

bash clients/npm-ci.sh
bin=clients/node_modules/.bin
dir=clients/typescript
gen=$dir/generated

rm -rf "$gen"
mkdir -p "$gen"
# --empty-objects-unknown: a schema that is just `type: object` (the served spec itself) is
# any object, not an object without properties.
if ! "$bin/openapi-typescript" "$DURAND_SPEC" --output "$gen/schema.d.ts" \
    --empty-objects-unknown >"$gen/openapi-typescript.log" 2>&1; then
    cat "$gen/openapi-typescript.log"
    echo "contract: typescript: openapi-typescript could not generate types from the spec"
    exit 1
fi
echo "contract: typescript types generated: $(grep -c '^    "/' "$gen/schema.d.ts") paths"

if ! "$bin/tsc" --noEmit -p "$dir"; then
    echo "contract: typescript: client.ts does not type-check against the generated types"
    exit 1
fi
"$bin/tsc" -p "$dir"

node "$gen/out/client.js"
