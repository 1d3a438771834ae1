#!/usr/bin/env bash
# Contract step: validates the spec, generates a Python SDK from it with openapi-python-client
# (into clients/python/generated, never committed), and runs check_client.py, which calls
# every operation (writes with DURAND_TOKEN) through that SDK against the live server.
#
# Needs DURAND_BASE_URL and DURAND_SPEC (scripts/contract sets them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${DURAND_BASE_URL:?the live server, e.g. http://127.0.0.1:8080}"
: "${DURAND_SPEC:?the absolute path of openapi/openapi.json}"
source "$here/venv.sh"
log=$(mktemp -t durand-python.XXXXXX)
trap 'rm -f "$log"' EXIT

# (a) The spec is valid OpenAPI 3.1.
if ! openapi-spec-validator "$DURAND_SPEC" >"$log" 2>&1; then
    cut -c1-2000 "$log"
    echo "contract: openapi-spec-validator INVALID"
    exit 1
fi
echo "contract: openapi-spec-validator valid"

# (b) The SDK, generated as docs/API.md tells a user to (`openapi-python-client generate --url
# .../v1/openapi.json`, default settings: package durand_client from the spec's title) and used
# as generated: no patch. The generator warns for each piece it cannot generate; the only one
# expected is the NDJSON export (it knows no application/x-ndjson; check_client.py decodes those
# lines with the SDK's models).
rm -rf "$here/generated"
if ! openapi-python-client generate --url "$DURAND_BASE_URL/v1/openapi.json" \
    --output-path "$here/generated" >"$log" 2>&1; then
    cat "$log"
    echo "contract: openapi-python-client FAILED"
    exit 1
fi
python - "$log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
warnings = re.findall(r"^WARNING (.+?)\n\s*\n?(.+?)$", text, re.M)
expected = ("parsing GET /v1/export within dataset.", "Unsupported content_type application/x-ndjson")
unexpected = [w for w in warnings if not (w[0] == expected[0] and expected[1] in w[1])]
for where, what in unexpected:
    print(f"openapi-python-client: {where} {what}")
if "Warning(s) encountered" in text and not warnings:
    print(text)
    sys.exit(1)
sys.exit(1 if unexpected else 0)
PY
models=$(find "$here/generated/durand_client/models" -name '*.py' ! -name '__init__.py' | wc -l)
ops=$(find "$here/generated/durand_client/api" -name '*.py' ! -name '__init__.py' | wc -l)
echo "contract: openapi-python-client $(openapi-python-client --version | grep -o '[0-9.]*$') generated durand_client: $ops operations, $models models"

# (c) Every GET operation, through the SDK.
python "$here/check_client.py" "$DURAND_BASE_URL" "$DURAND_SPEC"
