# Shared by the bench scripts (source it): builds the release binary, makes a fresh database
# named after the caller, creates a write key, serves on $port with rate limiting off, and
# cleans up on exit. Sets: server, url, bin, token, pid. Needs DATABASE_URL (scripts/with-db).
: "${DATABASE_URL:?run me through scripts/with-db}"
: "${bench_name:?set bench_name before sourcing bench/lib.sh}"
: "${port:?set port before sourcing bench/lib.sh}"
server="${DATABASE_URL%/*}"
db="durand_bench_${bench_name}_$$"
url="$server/$db"
cargo build --quiet --release
bin=target/release/durand
psql -Xq "$server/postgres" -c "drop database if exists $db" 2>/dev/null || true
DATABASE_URL="$url" "$bin" migrate >/dev/null 2>&1
token=$(DATABASE_URL="$url" RUST_LOG=warn "$bin" keys create --name bench --scope write | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
DATABASE_URL="$url" DURAND_ADDR="127.0.0.1:$port" DURAND_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn "$bin" serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; psql -Xq "$server/postgres" -c "drop database if exists $db with (force)" 2>/dev/null' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
