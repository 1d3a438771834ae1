#!/usr/bin/env bash
# Contract step: generates a Go client from the spec with openapi-generator (`-g go`: package
# openapi, module github.com/GIT_USER_ID/GIT_REPO_ID) into clients/go/generated (never
# committed), builds main.go against it, and runs it: every GET operation through the client
# against the live server, with and without as_of.
#
# Default settings but one: useOneOfDiscriminatorLookup=true, so that a oneOf (export lines,
# change-feed entries) is decoded by the spec's discriminator. By default the client tries every
# variant and checks each with gopkg.in/validator.v2, which is not to be had here but from
# Debian (golang-gopkg-validator.v2-dev), and with it (measured) both fail: "data failed to
# match schemas in oneOf(ExportLine): Data.Author: unsupported type" (the generator puts the
# referenced id's pattern on a NullableString as a `regexp` tag, which validator.v2 cannot
# apply), and for a delete (record null) "data matches more than one schema in
# oneOf(FeedChange)" (the variants' one-value `resource` enums are not checked). With the lookup
# the generated module needs only the standard library (its go.mod requires nothing), so it
# builds offline: no module proxy (GOPROXY=off), no checksum database, the toolchain at hand
# (Debian 12's Go 1.19; the generated go.mod asks for 1.23, which Go 1.19 does not enforce, and
# GOTOOLCHAIN=local stops a newer go from downloading one).
#
# Needs DURAND_BASE_URL and DURAND_SPEC (scripts/contract sets both) and Go (Debian: golang-go;
# .ci/run installs it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${DURAND_BASE_URL:?the live server, e.g. http://127.0.0.1:8080}"
: "${DURAND_SPEC:?the absolute path of openapi/openapi.json}"
command -v go >/dev/null 2>&1 || { echo "contract: go needs Go (Debian: golang-go)"; exit 1; }
source "$here/../openapi-generator/venv.sh"

gen="$here/generated"
rm -rf "$gen"
mkdir -p "$gen"
# Tests and docs are not generated: the tests need testify, and neither is built here.
if ! openapi-generator-cli generate -g go -i "$DURAND_SPEC" -o "$gen/client" \
    --global-property apiTests=false,modelTests=false,apiDocs=false,modelDocs=false \
    --additional-properties=useOneOfDiscriminatorLookup=true \
    >"$gen/generate.log" 2>&1; then
    cat "$gen/generate.log"
    echo "contract: go: openapi-generator FAILED"
    exit 1
fi
# A new warning fails the step, after the program has run.
new_warnings=0
bash "$here/../openapi-generator/warnings.sh" go "$gen/generate.log" || new_warnings=1

export GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local GOWORK=off
if ! (cd "$here" && go build -o "$gen/check" .) >"$gen/build.log" 2>&1; then
    head -c 4000 "$gen/build.log"
    echo "contract: go: the generated client (or main.go) does not build"
    exit 1
fi
echo "contract: go client generated and built: $(find "$gen/client" -maxdepth 1 -name '*.go' | wc -l) files, $(go version | cut -d' ' -f3)"

"$gen/check" "$DURAND_BASE_URL" "$DURAND_SPEC" || exit 1
[ "$new_warnings" -eq 0 ] || { echo "contract: go: openapi-generator logged a new warning (above)"; exit 1; }
