#!/usr/bin/env bash
# Make sure a PostgreSQL server runs on 127.0.0.1 with a `banpum` role and database, installing
# Debian's package when it is missing. Prints the DATABASE_URL to use on its last line.
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    echo "installing PostgreSQL (Debian package)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')

as_postgres() { su postgres -c "$*" ; }
as_postgres "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='banpum'\"" | grep -q 1 \
    || as_postgres "psql -p $port -qc \"CREATE ROLE banpum LOGIN CREATEDB PASSWORD 'banpum'\"" >&2
as_postgres "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname='banpum'\"" | grep -q 1 \
    || as_postgres "createdb -p $port -O banpum banpum" >&2

echo "postgres://banpum:banpum@127.0.0.1:$port/banpum"
