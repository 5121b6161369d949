#!/usr/bin/env bash
# Restore a Sori backup into a NEW database, check it, and only then say how to switch.
#
#   sori-restore.sh ADMIN_URL NEW_DATABASE DUMP_FILE [FILES_BACKUP PRIVATE_FILES_DIR]
#
#   ADMIN_URL          postgres://postgres@host:5432/postgres: a role that may CREATE
#                      DATABASE (the restored database is owned by it; pass
#                      --owner via RESTORE_OWNER=sori to give it to Sori's role)
#   NEW_DATABASE       name of the database to create, e.g. sori_restored_20261202;
#                      it must not exist: this script never overwrites a database
#   DUMP_FILE          a .dump written by sori-backup.sh
#   FILES_BACKUP       optional: BACKUP_DIR/files from sori-backup.sh ...
#   PRIVATE_FILES_DIR  ... copied into this (empty or new) folder
#
# Steps: create NEW_DATABASE, pg_restore into it, run a check query (petitions,
# signatures, the newest signature), and print the counts. The switch is a separate,
# deliberate step (printed at the end): point DATABASE_URL (and PRIVATE_FILES_DIR) at
# the restored copies and restart, or rename the databases. Keeping the old database
# until the restored one is confirmed is the point of restoring beside it.
#
# Everything comes from the arguments, so a test can restore into a throw-away
# database; run it once a quarter for real (docs/deploy.md, "A tested restore").
set -euo pipefail

usage() {
    echo "usage: $0 ADMIN_URL NEW_DATABASE DUMP_FILE [FILES_BACKUP PRIVATE_FILES_DIR]" >&2
    exit 2
}

[[ $# -eq 3 || $# -eq 5 ]] || usage
admin_url=$1
new_db=$2
dump=$3
files_backup=${4:-}
files_dir=${5:-}
owner=${RESTORE_OWNER:-}

[[ $new_db =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "NEW_DATABASE: lower-case letters, digits, _" >&2; exit 2; }
[[ -f $dump ]] || { echo "no dump at $dump" >&2; exit 1; }
pg_restore --list "$dump" >/dev/null

# The same server, another database: replace the path of ADMIN_URL.
base=${admin_url%%\?*}
query=""
[[ $admin_url == *\?* ]] && query="?${admin_url#*\?}"
new_url="${base%/*}/$new_db$query"

exists=$(printf "SELECT 1 FROM pg_database WHERE datname = :'name';\n" |
    psql --no-psqlrc --tuples-only --no-align --dbname="$admin_url" --set=name="$new_db")
if [[ -n $exists ]]; then
    echo "database $new_db exists already: choose a new name" >&2
    exit 1
fi

echo "creating $new_db"
if [[ -n $owner ]]; then
    createdb --maintenance-db="$admin_url" --owner="$owner" "$new_db"
else
    createdb --maintenance-db="$admin_url" "$new_db"
fi

echo "restoring $dump"
restore_args=(--dbname="$new_url" --exit-on-error --no-owner --no-privileges)
[[ -n $owner ]] && restore_args+=(--role="$owner")
pg_restore "${restore_args[@]}" "$dump"

echo "checking"
printf '%s\n' \
    "SELECT 'petitions', count(*) FROM petitions_petition" \
    "UNION ALL SELECT 'signatures', count(*) FROM petitions_signature" \
    "UNION ALL SELECT 'confirmed signatures', count(*) FROM petitions_signature WHERE status = 'confirmed'" \
    "UNION ALL SELECT 'letters', count(*) FROM letters_letter" \
    "UNION ALL SELECT 'migrations', count(*) FROM django_migrations;" \
    "SELECT 'newest signature', coalesce(max(created_at)::text, 'none') FROM petitions_signature;" |
    psql --no-psqlrc --tuples-only --no-align --field-separator=': ' \
        --set=ON_ERROR_STOP=1 --dbname="$new_url"

petitions=$(psql --no-psqlrc --tuples-only --no-align --dbname="$new_url" \
    --command="SELECT count(*) FROM petitions_petition" </dev/null)
if [[ $petitions -eq 0 ]]; then
    echo "the restored database has no petitions: not switching to it" >&2
    exit 1
fi

if [[ -n $files_backup ]]; then
    [[ -d $files_backup ]] || { echo "no folder at $files_backup" >&2; exit 1; }
    mkdir -p "$files_dir"
    if [[ -n $(ls -A "$files_dir") ]]; then
        echo "$files_dir is not empty: restore the files into a new folder" >&2
        exit 1
    fi
    rsync --archive "${files_backup%/}/" "${files_dir%/}/"
    echo "files restored into $files_dir ($(find "$files_dir" -type f | wc -l) files)"
fi

cat <<EOF

Restored into $new_db. To switch Sori to it:
  1. stop the writers: systemctl stop sori-beat sori-worker sori-web  (every node)
  2. in /etc/sori/sori.env set DATABASE_URL=.../$new_db${files_dir:+ and PRIVATE_FILES_DIR=$files_dir}
  3. on one node: sori-manage migrate (applies migrations newer than the dump)
  4. start them again: systemctl start sori-web sori-worker (and sori-beat on its node)
  5. check /healthz?full=1, then keep the old database until you are sure.
EOF
