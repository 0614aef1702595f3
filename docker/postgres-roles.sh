#!/bin/sh
# Run once by the postgres image when it creates its data folder (docker-entrypoint-initdb.d): the
# tables' owner, which migrates, and the service's own login, which the owner grants what it needs.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$PEEL_OWNER_PASSWORD" -v service_password="$PEEL_SERVICE_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
create role peel_owner login password :'owner_password';
create role peel_service login password :'service_password';
alter database :"db" owner to peel_owner;
SQL
