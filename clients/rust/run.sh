#!/usr/bin/env bash
# Contract step: generates a Rust client from the spec with openapi-generator (`-g rust`: the
# default library, reqwest, async; crate `openapi`) into clients/rust/generated (never
# committed), builds clients/rust/check against it, and runs it: every GET operation through the
# client against the live server, with and without as_of.
#
# Default generator settings. The checker depends on the generated crate without its default
# feature, native-tls (openssl-sys: OpenSSL's headers); the server is plain http. Crates come from
# crates.io at the versions in the committed clients/rust/check/Cargo.lock (--locked: a lock file
# that no longer fits the generated Cargo.toml fails the step instead of being rewritten). The
# build (debug) goes to .contract/rust-target, kept between runs.
#
# Not a step of scripts/contract: every other operation passes (23/23 without as_of, 20/20 with
# it, in one run), but export lines and change-feed entries do not decode. The generator makes
# ExportLine and FeedChange serde internally tagged enums (#[serde(tag = "type")]); serde takes
# the tag out of the object before it decodes the variant, and each variant struct requires the
# tag as a field of its own: "missing field `type`". With the tag left out of `required` the Rust
# client decodes them, but Redocly then warns that the oneOf's members overlap (a value without
# its tag matches several) and openapi-generator's Java and Go generators call each variant
# "incorrect": the spec keeps the tag required. A Rust user decodes a line by its `type` into
# the variant's struct (ClaimLine, ...), which does carry it.
#
# Needs DURAND_BASE_URL and DURAND_SPEC (scripts/contract sets both) and cargo.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${DURAND_BASE_URL:?the live server, e.g. http://127.0.0.1:8080}"
: "${DURAND_SPEC:?the absolute path of openapi/openapi.json}"
command -v cargo >/dev/null 2>&1 || { echo "contract: rust needs cargo"; exit 1; }
source "$here/../openapi-generator/venv.sh"

gen="$here/generated"
rm -rf "$gen"
mkdir -p "$gen"
# Tests and docs are not generated (nothing here builds or reads them).
if ! openapi-generator-cli generate -g rust -i "$DURAND_SPEC" -o "$gen/client" \
    --global-property apiTests=false,modelTests=false,apiDocs=false,modelDocs=false \
    >"$gen/generate.log" 2>&1; then
    cat "$gen/generate.log"
    echo "contract: rust: openapi-generator FAILED"
    exit 1
fi
# A new warning fails the step, after the program has run.
new_warnings=0
bash "$here/../openapi-generator/warnings.sh" rust "$gen/generate.log" || new_warnings=1

export CARGO_TARGET_DIR="$root/.contract/rust-target"
started=$(date +%s)
if ! cargo build --quiet --locked --manifest-path "$here/check/Cargo.toml" >"$gen/build.log" 2>&1; then
    head -c 6000 "$gen/build.log"
    echo "contract: rust: the generated client (or check/src/main.rs) does not build"
    exit 1
fi
echo "contract: rust client generated and built in $(( $(date +%s) - started )) s: $(find "$gen/client/src" -name '*.rs' | wc -l) files, $(rustc --version | cut -d' ' -f1-2)"

"$CARGO_TARGET_DIR/debug/durand-contract-check" "$DURAND_BASE_URL" "$DURAND_SPEC" || exit 1
[ "$new_warnings" -eq 0 ] || { echo "contract: rust: openapi-generator logged a new warning (above)"; exit 1; }
