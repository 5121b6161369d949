#!/usr/bin/env bash
# Back up Sori: the database (pg_dump custom format) and the private files (rsync).
#
#   sori-backup.sh DATABASE_URL PRIVATE_FILES_DIR BACKUP_DIR [KEEP_DAYS]
#
#   DATABASE_URL       postgres://user:pass@host:5432/name (as in /etc/sori/sori.env)
#   PRIVATE_FILES_DIR  letter PDFs, print batches, delivery packs (and media, if you
#                      pass the shared folder's parent)
#   BACKUP_DIR         where to write: BACKUP_DIR/db/sori-YYYYmmddTHHMMSSZ.dump and
#                      BACKUP_DIR/files/ (a mirror; deleted files go to
#                      BACKUP_DIR/files-deleted/<date>/ and age out with KEEP_DAYS)
#   KEEP_DAYS          dumps (and deleted files) older than this are removed; default 14
#
# Everything comes from the arguments, nothing from fixed paths, so a test can run it
# against a throw-away database and folders. Run daily from cron or a systemd timer as
# the sori user (docs/deploy.md, "Backups"); copy BACKUP_DIR to another machine or
# site: a backup on the database's own disk is not a backup.
set -euo pipefail

usage() {
    echo "usage: $0 DATABASE_URL PRIVATE_FILES_DIR BACKUP_DIR [KEEP_DAYS]" >&2
    exit 2
}

[[ $# -ge 3 && $# -le 4 ]] || usage
database_url=$1
files_dir=${2%/}
backup_dir=${3%/}
keep_days=${4:-14}
[[ $keep_days =~ ^[0-9]+$ ]] || { echo "KEEP_DAYS must be a number of days" >&2; exit 2; }
[[ -d $files_dir ]] || { echo "no folder at $files_dir" >&2; exit 1; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077 # dumps hold personal data: readable by the backup user only
mkdir -p "$backup_dir/db" "$backup_dir/files" "$backup_dir/files-deleted"

# The database: one consistent snapshot (pg_dump runs in one transaction), written
# under a temporary name and renamed when complete, so a half-written dump is never
# taken for a good one.
dump="$backup_dir/db/sori-$stamp.dump"
pg_dump --format=custom --compress=6 --no-owner --no-privileges \
    --file="$dump.partial" --dbname="$database_url"
# A dump that pg_restore cannot list is not a backup.
pg_restore --list "$dump.partial" >/dev/null
mv "$dump.partial" "$dump"

# The private files, after the dump: a file written meanwhile belongs to a row the
# dump may not have, which is harmless; the other way round (a row without its file)
# is what copying files first would risk.
rsync --archive --delete --backup --backup-dir="$backup_dir/files-deleted/$stamp" \
    "$files_dir/" "$backup_dir/files/"

# Keep KEEP_DAYS days.
find "$backup_dir/db" -maxdepth 1 -name 'sori-*.dump' -mtime +"$keep_days" -delete
find "$backup_dir/db" -maxdepth 1 -name 'sori-*.dump.partial' -mmin +1440 -delete
find "$backup_dir/files-deleted" -mindepth 1 -maxdepth 1 -type d -mtime +"$keep_days" \
    -exec rm -rf -- {} +

echo "backup $stamp: $(du -h "$dump" | cut -f1) database, files in $backup_dir/files"
