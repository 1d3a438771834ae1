#!/usr/bin/env bash
# Measures what issue #3 promises, against a real server on a fresh database:
#  - the share of 304s in a newsroom-style polling loop (conditional GETs with the last ETag),
#  - the server's memory while streaming the NDJSON export, for the bundled dataset and for
#    a synthetic one 1,000 times larger (claims copied under new ids), to show it stays flat.
# Usage: scripts/with-db bench/caching-and-export.sh   (needs curl and psql; prints figures)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?run me through scripts/with-db}"
server="${DATABASE_URL%/*}"
db="durand_bench_$$"
url="$server/$db"
port="${BENCH_PORT:-18181}"
cargo build --quiet --release
bin=target/release/durand
psql -Xq "$server/postgres" -c "drop database if exists $db" 2>/dev/null || true
DATABASE_URL="$url" DURAND_ADDR="127.0.0.1:$port" DURAND_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn "$bin" serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; psql -Xq "$server/postgres" -c "drop database if exists $db with (force)" 2>/dev/null' EXIT
start=$(date +%s%N)
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
echo "startup to ready (create db, migrate, load dataset): $(( ($(date +%s%N) - start) / 1000000 )) ms"
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
base="http://127.0.0.1:$port"

polls=${POLLS:-300}
etag=""; n304=0; n200=0
for _ in $(seq "$polls"); do
  code=$(curl -s -o /dev/null -D /tmp/bench-h.$$ -w '%{http_code}' -H "If-None-Match: ${etag:-none}" "$base/v1/claims?kind=casualties")
  [ "$code" = 304 ] && n304=$((n304+1)) || n200=$((n200+1))
  etag=$(grep -i '^etag:' /tmp/bench-h.$$ | cut -d' ' -f2 | tr -d '\r')
done
rm -f /tmp/bench-h.$$
echo "polling loop: $polls conditional GETs, $n304 answered 304 ($(( 100 * n304 / polls ))%), $n200 answered 200"
echo "RSS idle after polling: $(rss) KiB"

export_peak() {
  local peak=0 r
  curl -s "$base/v1/export" -o /tmp/bench-export.$$ &
  local cpid=$!
  while kill -0 $cpid 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.01; done
  echo "$peak $(wc -l < /tmp/bench-export.$$) $(stat -c %s /tmp/bench-export.$$)"
  rm -f /tmp/bench-export.$$
}
read -r peak lines bytes <<<"$(export_peak)"
echo "export, bundled dataset: $lines lines, $bytes bytes, server peak RSS $peak KiB"
psql -Xq "$url" -c "insert into claims (id, claimant_id, kind, status, incident_id, made_start, made_end, made_precision, doc)
  select c.id || '-copy-' || g, c.claimant_id, c.kind, c.status, c.incident_id, c.made_start, c.made_end, c.made_precision,
         jsonb_set(c.doc, '{id}', to_jsonb(c.id || '-copy-' || g))
  from claims c, generate_series(1, 1000) g where c.id not like '%-copy-%'"
read -r peak lines bytes <<<"$(export_peak)"
echo "export, 1,000x the claims: $lines lines, $bytes bytes, server peak RSS $peak KiB"
