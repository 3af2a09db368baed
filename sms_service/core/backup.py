"""Backups of the SQL store, and restoring one (`flask db backup PATH`, `flask db restore PATH`).

SQLite: SQLite's online backup API (https://www.sqlite.org/backup.html), page by page, while the
service keeps running: a consistent copy, WAL included, that is itself a SQLite file. Restoring
copies it back the same way, replacing every table's contents at once.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean` (the client tools, of a version at
least the server's, must be installed), limited to the schema the service's URL names in its
`search_path` when it names one. The password travels in PGPASSWORD, never on a command line.

A backup holds every phone number and name the service keeps (Kenya's Data Protection Act 2019:
store it encrypted, and keep it no longer than the data itself may be kept).
"""

import os
import re
import shutil
import sqlite3
import subprocess

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


def backup_database(url, path):
    """Write a backup of the database at `url` (a SQLAlchemy URL) to the file `path`; its size in bytes."""
    parsed = make_url(url)
    path = os.path.abspath(path)
    if parsed.get_backend_name() == "sqlite":
        if os.path.exists(path):
            os.remove(path)  # the backup API writes into a database: start from an empty file
        _sqlite_copy(_sqlite_file(parsed), path)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", path, *_pg_schema(parsed)], parsed)
    return os.path.getsize(path)


def restore_database(url, path):
    """Replace the contents of the database at `url` with the backup in `path`. Stop the web and
    the workers first: what they write meanwhile is lost."""
    parsed = make_url(url)
    if not os.path.isfile(path):
        raise BackupError(f"no backup file at {path}")
    if parsed.get_backend_name() == "sqlite":
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{path} is not a SQLite backup")
        _sqlite_copy(os.path.abspath(path), _sqlite_file(parsed))
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *_pg_schema(parsed),
              os.path.abspath(path)], parsed)


def _sqlite_file(parsed):
    if parsed.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return os.path.abspath(parsed.database)


def _sqlite_copy(source, target):
    source_connection = sqlite3.connect(source, timeout=30)
    target_connection = sqlite3.connect(target, timeout=30)
    try:
        source_connection.backup(target_connection)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup failed: {error}") from None
    finally:
        target_connection.close()
        source_connection.close()


def _pg_schema(parsed):
    """`--schema NAME` when the URL's options set a search_path (one schema of a shared database)."""
    found = re.search(r"search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)", str(parsed.query.get("options", "")))
    return ["--schema", found.group(1)] if found else []


def _run(command, parsed):
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client tools")
    libpq_url = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    environment = dict(os.environ, PGPASSWORD=parsed.password or os.environ.get("PGPASSWORD", ""))
    done = subprocess.run([*command, "--dbname", libpq_url], env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")
