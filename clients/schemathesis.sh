#!/usr/bin/env bash
# Contract step: fuzzes the live server against openapi/openapi.json with schemathesis (every
# check, every phase, every operation, a fixed seed). Any failure is a bug in the server or
# the spec: fix it there, never here.
#
# Needs DURAND_BASE_URL and DURAND_SPEC (scripts/contract sets them). Tunables:
#   DURAND_SCHEMATHESIS_EXAMPLES  test cases per operation and phase (default 250)
#   DURAND_SCHEMATHESIS_SEED      the seed (default 20260227)
#   DURAND_SCHEMATHESIS_WORKERS   concurrent workers (default 2)
# Reports (the JSON run report and a pytest file reproducing failures) go to
# .contract/schemathesis/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${DURAND_BASE_URL:?the live server, e.g. http://127.0.0.1:8080}"
: "${DURAND_SPEC:?the absolute path of openapi/openapi.json}"
source "$root/clients/python/venv.sh"

reports="$root/.contract/schemathesis"
rm -rf "$reports"
mkdir -p "$reports"
log="$reports/output.txt"

# The hooks teach the generator the rules no OpenAPI schema can state: for reads, issued
# cursors, from <= to, bbox min <= max, distinct list items; for writes, references to
# records that exist, fresh ids, dates whose parts agree, figures whose value agrees with
# their qualifier, and the current ETag in If-Match; see the file. clients/schemathesis.toml
# holds the key (DURAND_TOKEN, from scripts/contract) and the one check setting.
: "${DURAND_TOKEN:?an API key with scope write (scripts/contract makes one)}"
export SCHEMATHESIS_HOOKS="$root/clients/python/schemathesis_hooks.py"
status=0
# From the reports directory, so whatever schemathesis and hypothesis keep lands there.
(cd "$reports" && schemathesis --config-file "$root/clients/schemathesis.toml" run "$DURAND_SPEC" \
    --url "$DURAND_BASE_URL" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "${DURAND_SCHEMATHESIS_EXAMPLES:-250}" \
    --seed "${DURAND_SCHEMATHESIS_SEED:-20260227}" \
    --workers "${DURAND_SCHEMATHESIS_WORKERS:-2}" \
    --generation-database none \
    --request-timeout 30 \
    --no-color \
    --report json,pytest \
    --report-dir "$reports" \
    --report-json-path "$reports/report.json" \
    >"$log" 2>&1) || status=$?

# The summary and failure details, without the progress lines.
sed -n '/^=* \(FAILURES\|ERRORS\|WARNINGS\|SUMMARY\) =*$/,$p' "$log"

python - "$reports/report.json" "$DURAND_SPEC" "$status" <<'PY'
import json, sys
report_path, spec_path, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    report = json.load(open(report_path))
except OSError:
    print(f"contract: schemathesis FAILED to run (exit {status}); see .contract/schemathesis/output.txt")
    sys.exit(1)
spec = json.load(open(spec_path))
in_spec = sum(len(item) for item in spec["paths"].values())
ops, cases = report["operations"], report["test_cases"]
failures = cases["unique_failures"] + len(report["errors"])
print(f"contract: schemathesis {ops['tested']} operations, {cases['generated']} test cases, {failures} failures")
problems = []
if ops["tested"] != in_spec or ops["skipped"] or ops["errored"]:
    problems.append(f"{ops['tested']} of {in_spec} operations tested ({ops['skipped']} skipped, {ops['errored']} errored)")
if not report["complete"]:
    problems.append(f"stopped early: {report['stop_reason']}")
for problem in problems:
    print(f"contract: schemathesis {problem}")
sys.exit(1 if failures or problems or status else 0)
PY
