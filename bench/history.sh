#!/usr/bin/env bash
# Measures issue #10's history as row versions against a real server (release build) on a
# fresh database: what one write adds to the history tables (bytes per write, for a small and
# for a large record), and what reading past versions costs in disk, relations and connections
# (it should cost nothing). Usage: scripts/with-db bench/history.sh   (needs curl, psql, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=history
port="${BENCH_PORT:-18183}"
writes="${BENCH_WRITES:-50}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
base="http://127.0.0.1:$port/v1"

history_bytes() {
  psql -XAtq "$url" -c "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c
    join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'history' and c.relkind = 'r'"
}
patch() { # patch <path> <json>
  local etag
  etag=$(curl -sI "$base/$1" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
  curl -sf -o /dev/null -X PATCH "$base/$1" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/merge-patch+json' -H "If-Match: $etag" -d "$2"
}
measure() { # measure <label> <path> <field>
  psql -Xq "$url" -c "vacuum history.claims, history.incidents" >/dev/null
  local before after
  before=$(history_bytes)
  for i in $(seq 1 "$writes"); do patch "$2" "{\"$3\": \"Edited for the history benchmark, pass $i.\"}"; done
  psql -Xq "$url" -c "vacuum history.claims, history.incidents" >/dev/null
  after=$(history_bytes)
  echo "$1: $writes writes added $(( (after - before) / 1024 )) KiB to history, $(( (after - before) / writes )) bytes per write"
}
measure "a claim (one row and its child rows)" "claims/ttp-claimed-bajaur-assault" statement
measure "an incident with four places" "incidents/pakistan-strikes-on-taliban-2026-02-27" summary

versions=$(curl -sf "$base/dataset" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
state() {
  psql -XAtq "$url" -c "select pg_database_size(current_database()),
    (select count(*) from pg_class), (select count(*) from pg_namespace where nspname ~ '^asof_'),
    (select count(*) from pg_stat_activity where datname = current_database())"
}
IFS='|' read -r size0 rels0 copies0 conns0 <<<"$(state)"
start=$(date +%s.%N)
for v in $(seq 1 "$versions"); do
  curl -sf -o /dev/null "$base/claims?as_of=$v&limit=500"
  curl -sf -o /dev/null "$base/export?as_of=$v"
done
seq 1 "$versions" | xargs -P 16 -I{} curl -sf -o /dev/null "$base/incidents?as_of={}&format=geojson"
elapsed=$(python3 -c "import time; print(round(time.time() - $start, 2))")
IFS='|' read -r size1 rels1 copies1 conns1 <<<"$(state)"
echo "reading all $versions versions ($((versions * 3)) requests, 16 at a time for the last third) took ${elapsed} s:"
echo "  database size $(( size0 / 1024 )) KiB -> $(( size1 / 1024 )) KiB; relations $rels0 -> $rels1; asof_* schemas $copies0 -> $copies1; connections $conns0 -> $conns1"
