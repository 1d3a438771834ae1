#!/usr/bin/env bash
# Measures issue #5's write path against a real server (release build) on a fresh database:
# write throughput with and without contention beside a read baseline (bench/writes.py), and
# what each write costs in history (bytes of revisions and dataset_versions per version).
# Usage: scripts/with-db bench/writes.sh   (needs curl, psql and python3; prints figures)
set -euo pipefail
cd "$(dirname "$0")/.."
bench_name=writes
port="${BENCH_PORT:-18182}"
# shellcheck source=bench/lib.sh
source bench/lib.sh

size() {
  psql -XAtq "$url" -c "select pg_total_relation_size('revisions') + pg_total_relation_size('dataset_versions'),
    (select count(*) from revisions), (select max(version) from dataset_versions),
    (select coalesce(sum(pg_column_size(r.*)), 0) from revisions r where version > 1)"
}
IFS='|' read -r bytes0 revs0 version0 _ <<<"$(size)"
echo "server RSS before: $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") KiB"
BENCH_PORT=$port DURAND_TOKEN=$token python3 bench/writes.py 2>/dev/null
echo "server RSS after: $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") KiB"
psql -Xq "$url" -c "vacuum analyze revisions, dataset_versions" >/dev/null
IFS='|' read -r bytes1 revs1 version1 rowbytes <<<"$(size)"
writes=$((version1 - version0))
echo "history: $writes versions, $((revs1 - revs0)) revisions; revisions + dataset_versions grew by $(( (bytes1 - bytes0) / 1024 )) KiB on disk (tables, TOAST, indexes)"
echo "per write: $(( (bytes1 - bytes0) / writes )) bytes on disk, $(( rowbytes / (revs1 - revs0) )) bytes of revision row (before + after documents of one claim, compressed)"
