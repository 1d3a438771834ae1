#!/bin/sh
# Run once by the official postgres image when it initialises the primary's data directory
# (/docker-entrypoint-initdb.d): a role for streaming replication, and a pg_hba entry letting
# it connect for replication from the compose network with its password. The image's own
# `host all all all scram-sha-256` line does not match replication connections.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v pw="$REPLICATION_PASSWORD" <<'SQL'
create role replicator with replication login password :'pw';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
