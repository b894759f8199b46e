"""Backup and restore of the site's state: one tar archive with the database dump, the media
files and manifest.json, encrypted and authenticated as a whole with BACKUP_KEY
(core/backup_crypto.py; docs/operations.md, "Backups"). Archives and a restored SQLite file are
written 0600: they hold password hashes, sessions, TOTP seeds and citizens' contact data.

Archive members:

* ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite,
  a copy made with the sqlite3 online backup API, consistent while the site writes);
* ``media/<path>`` for every file under MEDIA_ROOT (none when media live in an S3 bucket: the
  object store keeps those, and the manifest says so);
* ``manifest.json``, written last so that it describes exactly the bytes written before it:
  format version, creation time, database vendor, Django/Wagtail/Python versions, applied
  migrations, the row count of every table, and the sha256 and size of the dump and of every
  media file.

Django has no backup command and Wagtail none either (dumpdata is neither consistent nor
complete: no search index rows, no sequences), so this module is the project's own. The row
counts are taken in the same snapshot as the dump (PostgreSQL: an exported snapshot handed to
``pg_dump --snapshot``; SQLite: counted in the copy itself), so restore can verify them exactly.
"""

import hashlib
import io
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

import django
import wagtail
from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient
from django.utils import timezone

from core import backup_crypto, pagecache

FORMAT = "county-site-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
ARCHIVE_PATTERN = re.compile(r"^county-site-(\d{8}-\d{6})\.tar(\.gz)?(\.enc)?$")
ENCRYPTED_SUFFIX = ".enc"
PRIVATE = 0o600  # archives, decrypted copies and a restored SQLite file: the owner only
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message (Chinese) says why."""


# --- helpers shared by backup and restore ----------------------------------------------------


def backup_key():
    """The key bytes of BACKUP_KEY; BackupError (Chinese) when it is missing or malformed."""
    try:
        return backup_crypto.parse_key(getattr(settings, "BACKUP_KEY", ""))
    except backup_crypto.ArchiveKeyError as error:
        raise BackupError(str(error)) from None


def _private_file(path):
    """A new file at `path` that only its owner may read or write (O_EXCL: never an existing
    one, whose mode we would not control)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE), "wb")


def default_output_dir():
    return Path(os.environ.get("BACKUP_DIR") or "backups")


def s3_bucket():
    """The bucket when STORAGES["default"] is S3 object storage (django-storages), else None."""
    default = settings.STORAGES.get("default", {})
    backend = default.get("BACKEND", "")
    if "s3" not in backend.lower():
        return None
    options = default.get("OPTIONS", {})
    return options.get("bucket_name") or getattr(settings, "AWS_STORAGE_BUCKET_NAME", "") or "?"


def _sha256_file(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _pg_command(program, settings_dict, *arguments):
    """Command line and environment for a PostgreSQL client program, from the connection
    settings. Django's own psql client builder decides -U/-h/-p and puts the password, SSL and
    service options in the child's environment (PGPASSWORD …), never on the command line."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"找不到 PostgreSQL 客户端程序 {program}，请安装 postgresql-client。")
    args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    args = args[1:]
    name = settings_dict.get("NAME")
    if name and args and args[-1] == name:
        args = args[:-1]
    child_env = {**os.environ, **(env or {})}
    timeout = settings_dict.get("OPTIONS", {}).get("connect_timeout")
    if timeout:
        child_env["PGCONNECT_TIMEOUT"] = str(timeout)
    dbname = [f"--dbname={name}"] if name else []
    return [executable, *arguments, *args, *dbname], child_env


def _run(command, env, what):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what}失败（退出码 {result.returncode}）：{detail}")
    return result


def _count_rows(cursor, tables, quote):
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (introspected names)
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_tables(cursor):
    """Every table of a SQLite file, virtual (FTS) and their shadow tables included; only
    SQLite's own bookkeeping (sqlite_sequence, sqlite_stat*) is left out."""
    cursor.execute(
        "SELECT name FROM sqlite_master"
        " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_quote(name):
    return '"' + name.replace('"', '""') + '"'


def _migrations(cursor, tables, quote):
    if "django_migrations" not in tables:
        return []
    cursor.execute(f"SELECT app, name FROM {quote('django_migrations')} ORDER BY app, name")  # noqa: S608
    return [[app, name] for app, name in cursor.fetchall()]


# --- backup ----------------------------------------------------------------------------------


def _dump_postgresql(path):
    """pg_dump in a snapshot of our own; the row counts come from the same snapshot."""
    connection = connections.create_connection("default")  # a connection of our own
    try:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = connection.introspection.table_names(cursor)
            counts = _count_rows(cursor, tables, connection.ops.quote_name)
            migrations = _migrations(cursor, tables, connection.ops.quote_name)
            command, env = _pg_command(
                "pg_dump",
                connection.settings_dict,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={path}",
            )
            _run(command, env, "pg_dump 导出数据库")
            cursor.execute("COMMIT")
    finally:
        connection.close()
    return counts, migrations


def _dump_sqlite(path):
    """The sqlite3 online backup API: a consistent copy while other processes write."""
    connection = connections["default"]
    connection.ensure_connection()
    if connection.is_in_memory_db():
        # The test suite's shared in-memory database: a second connection would wait forever on
        # the table locks of the test's open transaction, so copy through the connection itself.
        source = None
        connection.connection.backup(target := sqlite3.connect(path))
    else:
        # A connection of our own: in WAL mode it reads a consistent snapshot while others write.
        source = connection.get_new_connection(connection.get_connection_params())
        target = sqlite3.connect(path)
    try:
        if source is not None:
            source.backup(target)
        cursor = target.cursor()
        tables = _sqlite_tables(cursor)
        counts = _count_rows(cursor, tables, _sqlite_quote)
        migrations = _migrations(cursor, tables, _sqlite_quote)
    finally:
        target.close()
        if source is not None:
            source.close()
    return counts, migrations


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(tar, name, path):
    with open(path, "rb") as file:
        stat = os.fstat(file.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o644
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": reader.size}


def _media_files(root):
    """(relative POSIX path, absolute path) of every regular file under root, sorted;
    symbolic links and special files are skipped (returned separately)."""
    files, skipped = [], []
    if not root.is_dir():
        return files, skipped
    for folder, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(folder) / filename
            relative = path.relative_to(root).as_posix()
            if pagecache.is_stamp_file(path):
                continue  # the page cache's generation stamp: process state, not a file of ours
            if path.is_symlink() or not path.is_file():
                skipped.append(relative)
            else:
                files.append((relative, path))
    return files, skipped


def archive_name(moment=None):
    moment = timezone.localtime(moment)
    return f"county-site-{moment:%Y%m%d-%H%M%S}.tar"


def create_backup(output_dir=None, *, keep=None, compress=False, log=lambda message: None):
    """Write one archive into output_dir and return (path, manifest). keep: afterwards remove
    all but the newest `keep` archives of ours in output_dir."""
    if keep is not None and keep < 1:
        raise BackupError("--keep 至少为 1（保留的备份份数）。")
    connection = connections["default"]
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"不支持备份 {vendor} 数据库，只支持 PostgreSQL 和 SQLite。")
    key = backup_key()
    output_dir = Path(output_dir or default_output_dir())
    output_dir.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    final = output_dir / (archive_name(created) + (".gz" if compress else "") + ENCRYPTED_SUFFIX)
    if final.exists():
        raise BackupError(f"备份文件 {final} 已存在（同一秒内的第二次备份），请稍后再试。")
    bucket = s3_bucket()
    member = DATABASE_MEMBERS[vendor]

    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output_dir) as work:
        dump = Path(work) / member
        log(f"正在导出 {VENDOR_NAMES[vendor]} 数据库……")
        if vendor == "postgresql":
            counts, migrations = _dump_postgresql(dump)
        else:
            counts, migrations = _dump_sqlite(dump)

        # Written under a temporary name and renamed when complete: a backup that failed half-way
        # never looks like an archive (nor counts for --keep).
        partial = Path(work) / final.name
        with _private_file(partial) as encrypted:
            writer = backup_crypto.EncryptingWriter(encrypted, key)
            # tarfile (and gzip) write into the encrypting stream; nothing unencrypted is stored.
            with tarfile.open(fileobj=writer, mode="w:gz" if compress else "w") as tar:
                database = {
                    "vendor": vendor,
                    "file": member,
                    **_add_file(tar, member, dump),
                    "tables": counts,
                    "migrations": migrations,
                }
                media_files = {}
                if bucket:
                    log(
                        f"媒体文件存放在对象存储桶 {bucket} 中，由对象存储自身备份"
                        "（请开启版本控制或跨区域复制）；本次只备份数据库。"
                    )
                    skipped = []
                else:
                    root = Path(settings.MEDIA_ROOT)
                    files, skipped = _media_files(root)
                    log(f"正在打包媒体文件（{root}，{len(files)} 个）……")
                    for relative, path in files:
                        media_files[relative] = _add_file(tar, MEDIA_PREFIX + relative, path)
                    for relative in skipped:
                        log(f"跳过非普通文件（符号链接等）：{relative}")
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.localtime(created).isoformat(timespec="seconds"),
                    "versions": {
                        "django": django.__version__,
                        "wagtail": wagtail.__version__,
                        "python": platform.python_version(),
                    },
                    "database": database,
                    "media": {
                        "storage": "s3" if bucket else "filesystem",
                        "bucket": bucket or "",
                        "files": media_files,
                        "skipped": skipped,
                    },
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(created.timestamp())
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))
            writer.finish()
            encrypted.flush()
            os.fsync(encrypted.fileno())
        os.replace(partial, final)
    if keep:
        for removed in prune_archives(output_dir, keep):
            log(f"已删除较早的备份：{removed.name}")
    return final, manifest


def prune_archives(output_dir, keep):
    """Remove all but the newest `keep` archives named like ours; other files are left alone."""
    ours = sorted(
        (path for path in Path(output_dir).iterdir() if ARCHIVE_PATTERN.match(path.name)),
        key=lambda path: ARCHIVE_PATTERN.match(path.name).group(1),
    )
    removed = ours[:-keep] if keep else []
    for path in removed:
        path.unlink()
    return removed


# --- restore ---------------------------------------------------------------------------------


def _safe_relative(name):
    """A media path from the manifest, refused if it could leave MEDIA_ROOT."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or name != str(path):
        raise BackupError(f"备份清单中的媒体文件路径不安全：{name!r}，拒绝恢复。")
    return path


def _hash_member(tar, member):
    digest = hashlib.sha256()
    size = 0
    file = tar.extractfile(member)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def decrypt_archive(path, work):
    """Decrypt the archive at `path` into a private file in the folder `work` and return that
    file's path, every chunk authenticated with BACKUP_KEY first. A wrong key, an archive that
    is not encrypted, or one changed in any byte is refused with a Chinese message."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    key = backup_key()
    if not backup_crypto.is_encrypted(path):
        raise BackupError(
            f"{path.name} 不是加密的备份归档（未加密的归档无法证明未被篡改），拒绝恢复。"
        )
    plain = Path(work) / "archive.tar"
    with _private_file(plain) as destination:
        try:
            backup_crypto.decrypt(path, destination, key)
        except backup_crypto.ArchiveKeyError as error:
            raise BackupError(str(error)) from None
        except backup_crypto.ArchiveTampered as error:
            raise BackupError(
                f"{path.name} 已被篡改或损坏：{error}没有做任何改动，拒绝恢复。"
            ) from None
    return plain


def read_archive(path, display_name=None):
    """Open the (decrypted) archive, read manifest.json and check that every member is what the
    manifest says (names, sizes, sha256) before anything is touched. Returns (tar, manifest)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    name = display_name or path.name
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 (returned to the caller, who closes it)
        members = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{name} 不是完整的备份归档（{error}），拒绝恢复。") from None
    try:
        by_name = {}
        for member in members:
            if not member.isfile():
                raise BackupError(f"归档中含有非普通文件 {member.name!r}，拒绝恢复。")
            if member.name in by_name:
                raise BackupError(f"归档中 {member.name!r} 出现了两次，拒绝恢复。")
            by_name[member.name] = member
        if MANIFEST not in by_name:
            raise BackupError(f"{name} 中没有 {MANIFEST}，不是本站的备份，拒绝恢复。")
        try:
            manifest = json.loads(tar.extractfile(by_name[MANIFEST]).read())
        except (ValueError, tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{MANIFEST} 无法读取（{error}），拒绝恢复。") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{name} 不是本站的备份（清单格式不符），拒绝恢复。")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"备份格式版本 {manifest.get('format_version')!r} 不受支持"
                f"（本程序支持版本 {FORMAT_VERSION}），拒绝恢复。"
            )
        database = manifest["database"]
        expected = {database["file"]: database}
        for relative, entry in manifest["media"]["files"].items():
            expected[MEDIA_PREFIX + str(_safe_relative(relative))] = entry
        missing = sorted(set(expected) - set(by_name))
        extra = sorted(set(by_name) - set(expected) - {MANIFEST})
        if missing:
            raise BackupError(f"归档缺少 {len(missing)} 个文件（如 {missing[0]}），拒绝恢复。")
        if extra:
            raise BackupError(
                f"归档含有清单之外的 {len(extra)} 个文件（如 {extra[0]}），拒绝恢复。"
            )
        damaged = []
        for name, entry in expected.items():
            sha256, size = _hash_member(tar, by_name[name])
            if sha256 != entry["sha256"] or size != entry["size"]:
                damaged.append(name)
        if damaged:
            raise BackupError(
                f"归档已损坏：{len(damaged)} 个文件的校验值与清单不符（如 {damaged[0]}），"
                "没有做任何改动，拒绝恢复。"
            )
    except BackupError:
        tar.close()
        raise
    except (KeyError, TypeError, AttributeError) as error:
        tar.close()
        raise BackupError(f"{MANIFEST} 内容不完整（缺少 {error}），拒绝恢复。") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        tar.close()
        raise BackupError(f"{name} 已损坏（{error}），没有做任何改动，拒绝恢复。") from None
    return tar, manifest


def _target_tables(connection):
    """Tables in the target database (an empty list for an empty one)."""
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        if not connection.is_in_memory_db() and (
            not Path(name).exists() or Path(name).stat().st_size == 0
        ):
            return []
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _check_target_empty(connection):
    tables = _target_tables(connection)
    if tables:
        with connection.cursor() as cursor:
            rows = sum(_count_rows(cursor, tables, connection.ops.quote_name).values())
        shown = "、".join(sorted(tables)[:5])
        raise BackupError(
            f"目标数据库 {connection.settings_dict['NAME']} 不是空的：已有 {len(tables)} 张表"
            f"（{shown}……），共 {rows} 行。恢复只写入空数据库，以免覆盖现有数据；"
            "请新建一个空数据库并让 DATABASE_URL 指向它后再恢复。"
        )
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        raise BackupError("目标是内存中的 SQLite 数据库，无法恢复到其中。")


def _media_plan(tar, manifest):
    """[(member name, target path)] to write, and the number already present and identical.
    Refuses before anything is written when a file exists with other content."""
    files = manifest["media"]["files"]
    if manifest["media"]["storage"] == "s3" or not files:
        return [], 0
    if s3_bucket():
        raise BackupError(
            f"本站的媒体文件配置在对象存储桶 {s3_bucket()} 中，本命令只把媒体文件恢复到磁盘："
            "请先在不设置 AWS_STORAGE_BUCKET_NAME 的情况下恢复到 DJANGO_MEDIA_ROOT，再同步到桶中。"
        )
    root = Path(settings.MEDIA_ROOT)
    if root.exists() and not root.is_dir():
        raise BackupError(f"媒体目录 {root} 不是文件夹，拒绝恢复。")
    plan, same, conflicts = [], 0, []
    for relative, entry in sorted(files.items()):
        target = root.joinpath(*_safe_relative(relative).parts)
        if target.exists() or target.is_symlink():
            if (
                target.is_file()
                and not target.is_symlink()
                and _sha256_file(target)[0] == entry["sha256"]
            ):
                same += 1
                continue
            conflicts.append(relative)
        else:
            plan.append((MEDIA_PREFIX + relative, target))
    if conflicts:
        raise BackupError(
            f"媒体目录 {root} 中已有 {len(conflicts)} 个同名但内容不同的文件（如 {conflicts[0]}），"
            "拒绝覆盖。请恢复到一个空的或不存在的媒体目录（DJANGO_MEDIA_ROOT）。"
        )
    return plan, same


def _extract_to(tar, member_name, target, mode=0o644):
    """Write a member to `target` (atomically); media files are served to the public (0644),
    a database is the owner's only (PRIVATE)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(member_name)
    handle, temporary = tempfile.mkstemp(prefix=".restore-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            shutil.copyfileobj(source, file, CHUNK)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _restore_postgresql(connection, tar, member_name):
    connection.close()
    with tempfile.TemporaryDirectory(prefix="county-site-restore-") as work:
        dump = Path(work) / "database.dump"
        _extract_to(tar, member_name, dump, mode=PRIVATE)
        # --no-owner/--no-privileges: the target server's roles need not be the source's.
        # --single-transaction: a failed restore leaves the database as empty as it was.
        command, env = _pg_command(
            "pg_restore",
            connection.settings_dict,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        )
        _run([*command, str(dump)], env, "pg_restore 恢复数据库")


def _restore_sqlite(connection, tar, member_name):
    name = Path(connection.settings_dict["NAME"])
    connection.close()
    name.parent.mkdir(parents=True, exist_ok=True)
    _extract_to(tar, member_name, name, mode=PRIVATE)
    # What the empty target left behind belongs to the file just replaced.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)


def _target_counts(connection):
    connection.close()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            cursor = target.cursor()
            return _count_rows(cursor, _sqlite_tables(cursor), _sqlite_quote)
        finally:
            target.close()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _count_rows(cursor, tables, connection.ops.quote_name)


def restore_backup(path, *, log=lambda message: None):
    """Restore the archive into the empty default database and MEDIA_ROOT; returns a summary."""
    # The decrypted copy lives in a private temporary folder (0700, in TMPDIR) and is deleted
    # when the restore ends, whatever happens.
    with tempfile.TemporaryDirectory(prefix="county-site-restore-") as work:
        plain = decrypt_archive(path, work)
        summary = _restore_plain(plain, Path(path).name, log)
    return summary


def _clear_sessions(connection):
    """Delete every login session the archive brought back (they are credentials: a cookie
    copied before the backup would log in again). Returns how many there were."""
    connection.close()
    with connection.cursor() as cursor:
        if "django_session" not in connection.introspection.table_names(cursor):
            return 0
        cursor.execute("DELETE FROM django_session")
        return cursor.rowcount


def _restore_plain(path, display_name, log):
    connection = connections["default"]
    tar, manifest = read_archive(path, display_name)
    with tar:
        database = manifest["database"]
        log(
            f"归档完整：{manifest['created_at']} 的备份，"
            f"{VENDOR_NAMES.get(database['vendor'])} 数据库 {len(database['tables'])} 张表，"
            f"媒体文件 {len(manifest['media']['files'])} 个，"
            "密钥正确，校验值全部相符。"
        )
        if database["vendor"] != connection.vendor:
            raise BackupError(
                "数据库类型不符：备份来自 "
                f"{VENDOR_NAMES.get(database['vendor'], database['vendor'])}，当前配置的是 "
                f"{VENDOR_NAMES.get(connection.vendor, connection.vendor)}，拒绝恢复。"
                "请让 DATABASE_URL 指向同一类型的空数据库。"
            )
        _check_target_empty(connection)
        plan, same = _media_plan(tar, manifest)

        log(f"正在恢复数据库 {connection.settings_dict['NAME']}……")
        if connection.vendor == "postgresql":
            _restore_postgresql(connection, tar, database["file"])
        else:
            _restore_sqlite(connection, tar, database["file"])
        if manifest["media"]["storage"] == "s3":
            log(
                f"备份时媒体文件在对象存储桶 {manifest['media']['bucket']} 中，不在归档里；"
                "请从对象存储的版本或副本恢复。"
            )
        else:
            log(f"正在写入媒体文件到 {settings.MEDIA_ROOT}（{len(plan)} 个）……")
            for member_name, target in plan:
                _extract_to(tar, member_name, target)

    counts = _target_counts(connection)
    wrong = sorted(
        table
        for table in set(counts) | set(database["tables"])
        if counts.get(table) != database["tables"].get(table)
    )
    if wrong:
        table = wrong[0]
        raise BackupError(
            f"恢复后核对失败：{len(wrong)} 张表的行数与清单不符（如 {table}：清单 "
            f"{database['tables'].get(table)} 行，数据库 {counts.get(table)} 行）。"
        )
    bad_files = []
    if manifest["media"]["storage"] != "s3":
        root = Path(settings.MEDIA_ROOT)
        for relative, entry in manifest["media"]["files"].items():
            target = root.joinpath(*_safe_relative(relative).parts)
            if not target.is_file() or _sha256_file(target) != (entry["sha256"], entry["size"]):
                bad_files.append(relative)
    if bad_files:
        raise BackupError(
            f"恢复后核对失败：{len(bad_files)} 个媒体文件与清单不符（如 {bad_files[0]}）。"
        )
    # Loading SQL sends no signals: empty the page cache of pages from before the restore.
    pagecache.bump()
    sessions = _clear_sessions(connection)
    log(f"已清除归档中的 {sessions} 个登录会话：所有用户须重新登录。")
    return {
        "sessions_cleared": sessions,
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files_written": len(plan),
        "files_same": same,
        "created_at": manifest["created_at"],
    }


def describe(manifest):
    """One line about an archive's content, for the commands' output."""
    database = manifest["database"]
    files = manifest["media"]["files"]
    size = sum(entry["size"] for entry in files.values())
    return (
        f"{VENDOR_NAMES.get(database['vendor'])} 数据库 {len(database['tables'])} 张表、"
        f"{sum(database['tables'].values())} 行；"
        f"媒体文件 {len(files)} 个（{size / 1048576:.1f} MB）"
    )
