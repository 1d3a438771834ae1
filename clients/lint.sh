#!/usr/bin/env bash
# Contract step: lints the spec with Spectral (clients/.spectral.yaml, `spectral:oas`) and
# Redocly (clients/redocly.yaml, `recommended`). Passes only with zero errors and zero
# warnings: a rule that does not fit Durand is switched off in its ruleset file, with why.
set -uo pipefail
cd "$(dirname "$0")/.."
: "${DURAND_SPEC:=$PWD/openapi/openapi.json}"

bash clients/npm-ci.sh || exit 1
bin=clients/node_modules/.bin
out=$(mktemp -d -t durand-lint.XXXXXX)
trap 'rm -rf "$out"' EXIT
status=0

# Counts problems by severity in a linter's JSON report: "<errors> <warnings> <other>".
count() {
    node -e '
        const [file, tool] = process.argv.slice(1);
        const report = JSON.parse(require("fs").readFileSync(file, "utf8"));
        const problems = tool === "spectral" ? report : report.problems;
        const level = (p) => tool === "spectral"
            ? ["error", "warn", "info", "hint"][p.severity]
            : p.severity;
        const n = (s) => problems.filter((p) => level(p) === s).length;
        console.log(n("error"), n("warn"), problems.length - n("error") - n("warn"));
    ' "$1" "$2"
}

# Spectral: human report on stdout, JSON for the counts.
"$bin/spectral" lint --ruleset clients/.spectral.yaml "$DURAND_SPEC" --fail-severity=warn \
    --quiet --format stylish --format json --output.json "$out/spectral.json"
spectral_rc=$?
if [ -s "$out/spectral.json" ]; then
    read -r errors warnings others < <(count "$out/spectral.json" spectral)
    echo "contract: spectral $errors errors, $warnings warnings"
    [ "$spectral_rc" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$warnings" -eq 0 ] || status=1
else
    echo "contract: spectral did not run (exit $spectral_rc)"
    status=1
fi

# Redocly: JSON for the counts; the readable report only when there is something to read.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
"$bin/redocly" lint --config clients/redocly.yaml --format=json "$DURAND_SPEC" \
    >"$out/redocly.json" 2>"$out/redocly.err"
redocly_rc=$?
if node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).totals' \
    "$out/redocly.json" 2>/dev/null; then
    read -r errors warnings others < <(count "$out/redocly.json" redocly)
    if [ "$redocly_rc" -ne 0 ] || [ "$errors" -ne 0 ] || [ "$warnings" -ne 0 ]; then
        "$bin/redocly" lint --config clients/redocly.yaml "$DURAND_SPEC" 2>&1 | grep -v '^$'
        status=1
    fi
    echo "contract: redocly $errors errors, $warnings warnings"
else
    cat "$out/redocly.err" >&2
    echo "contract: redocly did not run (exit $redocly_rc)"
    status=1
fi

exit "$status"
