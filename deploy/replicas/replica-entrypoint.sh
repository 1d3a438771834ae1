#!/bin/sh
# Entrypoint of the read replica: on first start (empty data directory) it copies the
# primary with `pg_basebackup -R`, which also writes standby.signal and primary_conninfo,
# so PostgreSQL starts as a hot standby streaming from the primary. Then it hands over to
# the official image's entrypoint, which finds an initialised directory and just runs
# PostgreSQL as user postgres. LISTEN/NOTIFY is not delivered on a standby.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    tries=0
    until PGPASSWORD="$REPLICATION_PASSWORD" gosu postgres pg_basebackup \
        --host="$PRIMARY_HOST" --username=replicator --pgdata="$PGDATA" \
        --write-recovery-conf --wal-method=stream --checkpoint=fast; do
        tries=$((tries + 1))
        if [ "$tries" -ge 30 ]; then
            echo "replica: no base backup from $PRIMARY_HOST after 30 tries" >&2
            exit 1
        fi
        echo "replica: waiting for $PRIMARY_HOST ($tries)" >&2
        find "$PGDATA" -mindepth 1 -delete
        sleep 2
    done
fi
exec docker-entrypoint.sh "$@"
