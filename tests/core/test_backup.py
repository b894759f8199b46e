"""manage.py backup and restore (core/backup.py).

The round trip backs up the test database (committed rows: a transactional test, so pg_dump's
own connection sees them), restores the archive with `manage.py restore` in a subprocess whose
DATABASE_URL and DJANGO_MEDIA_ROOT point at a new empty database (SQLite: a new file;
PostgreSQL: CREATE DATABASE on the same server) and a new media folder, then compares every
table row by row and every media file's sha256: zero differences (but the login sessions, which
restore clears).

Archives are encrypted with BACKUP_KEY (core/backup_crypto.py; the test settings hold a fixed key):
the helpers below decrypt one to look inside, and re-encrypt a changed one with the same key to
test the checks behind the encryption (what someone holding the key could do).
"""

import hashlib
import importlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Revision, Site

from core import backup, backup_crypto, pagecache
from core.factories import ImageFactory
from deputies.factories import DeputyFactory
from deputies.models import Level
from documents.factories import DocumentFileFactory, NormativeDocumentFactory, ReviewFactory
from documents.models import NormativeDocument
from home.models import HomePage
from news.factories import NewsIndexPageFactory, NewsPageFactory
from search.models import IndexEntry
from stations.factories import (
    ActivityFactory,
    ActivityFileFactory,
    ActivityPhotoFactory,
    StationFactory,
)

PROJECT = Path(__file__).resolve().parents[2]
IS_POSTGRES = connection.vendor == "postgresql"
OTHER_VENDOR = "sqlite" if IS_POSTGRES else "postgresql"


# --- targets: a new empty database and media folder, used by a subprocess --------------------


def _server_connection():
    import psycopg

    params = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=params["USER"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        password=params["PASSWORD"] or None,
        autocommit=True,
    )


def _pg_connect(name):
    import psycopg

    params = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        user=params["USER"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        password=params["PASSWORD"] or None,
    )


class Target:
    """A new empty database (and its URL) plus a media folder that does not exist yet."""

    def __init__(self, folder):
        self.media = folder / "media"
        if IS_POSTGRES:
            self.name = f"restore_{uuid.uuid4().hex[:12]}"
            with _server_connection() as server:
                server.execute(f'CREATE DATABASE "{self.name}"')
            params = connection.settings_dict
            auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{params['HOST']}:{params['PORT']}/{self.name}"
        else:
            self.name = str(folder / "restored.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def restore(self, archive):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "website.settings.test",
            "DATABASE_URL": self.url,
            "DJANGO_MEDIA_ROOT": str(self.media),
        }
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "restore", str(archive)],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    def connect(self):
        if IS_POSTGRES:
            return _pg_connect(self.name)
        # Django's converters (registered globally by its SQLite backend), as on its connection.
        return sqlite3.connect(
            self.name, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
        )

    def drop(self):
        if IS_POSTGRES:
            with _server_connection() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def target(tmp_path):
    made = Target(tmp_path)
    yield made
    made.drop()


# --- comparing two databases ------------------------------------------------------------------


def _tables(cursor):
    if IS_POSTGRES:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    else:
        # sqlite_master: virtual FTS tables, their shadow tables and sqlite_sequence included.
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return sorted(row[0] for row in cursor.fetchall())


def _sorted_rows(cursor, table):
    cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (introspected names)
    columns = [column[0] for column in cursor.description]
    # Ordered by all columns (repr: mixes of None, numbers, text and bytes sort too).
    return columns, sorted(cursor.fetchall(), key=repr)


def _sequences(cursor):
    if not IS_POSTGRES:
        return []
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        " ORDER BY sequencename"
    )
    return cursor.fetchall()


def _snapshot(cursor):
    return {table: _sorted_rows(cursor, table) for table in _tables(cursor)}, _sequences(cursor)


def _media_hashes(root):
    """Every file's hash, but the page cache's generation stamp (process state that each side
    writes on its own; the archive leaves it out)."""
    root, stamp = Path(root), pagecache._stamp_file().name
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(stamp)
    }


# --- content ----------------------------------------------------------------------------------


def _home():
    """The home page. A transactional test that ran earlier in the session (the browser tests)
    flushed the migrations' content, so the tree's roots are made again when missing."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    # The five levels of people's congress, seeded by a data migration (the factories need them).
    seeded = importlib.import_module("deputies.migrations.0002_levels_and_staff_groups")
    for code, name, order in seeded.LEVELS:
        Level.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title="首页", slug="home-backup"))
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return home


def _make_content():
    home = _home()
    index = NewsIndexPageFactory(parent=home)
    for number in range(3):
        page = NewsPageFactory(parent=index)
        page.save_revision().publish()
        page.title = f"{page.title}（修订{number}）"
        page.save_revision()  # a draft revision on top of the live one
    deputies = DeputyFactory.create_batch(3)
    station = StationFactory()
    activity = ActivityFactory(station=station, deputies=deputies)
    ActivityPhotoFactory(activity=activity)
    ActivityFileFactory(activity=activity)
    document = NormativeDocumentFactory()
    DocumentFileFactory(document=document)
    ReviewFactory(document=document)
    image = ImageFactory()
    image.get_rendition("fill-120x80")
    image.get_rendition("width-300")
    call_command("update_index", stdout=StringIO(), stderr=StringIO())


def _backup(output, **options):
    out = StringIO()
    call_command("backup", output=str(output), stdout=out, **options)
    return out.getvalue()


def _key():
    return backup_crypto.parse_key(settings.BACKUP_KEY)


def _decrypted(archive, folder):
    """The plain tar inside an encrypted archive, written into `folder`."""
    plain = Path(folder) / f"plain-{uuid.uuid4().hex[:8]}.tar"
    with open(plain, "wb") as destination:
        backup_crypto.decrypt(archive, destination, _key())
    return plain


def _encrypted(plain, destination):
    """`plain` (a tar) encrypted with BACKUP_KEY into `destination`."""
    with open(destination, "wb") as file:
        writer = backup_crypto.EncryptingWriter(file, _key())
        writer.write(Path(plain).read_bytes())
        writer.finish()
    return destination


def _manifest(archive, folder):
    with tarfile.open(_decrypted(archive, folder)) as tar:
        return json.loads(tar.extractfile(backup.MANIFEST).read())


def _mode(path):
    return stat.S_IMODE(Path(path).stat().st_mode)


def _only_archive(folder):
    archives = [path for path in Path(folder).iterdir() if backup.ARCHIVE_PATTERN.match(path.name)]
    assert len(archives) == 1, archives
    return archives[0]


# --- the round trip ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_row_and_file(tmp_path, target):
    _make_content()
    assert Revision.objects.count() >= 6
    assert IndexEntry.objects.exists()
    assert NormativeDocument.objects.filter(files__isnull=False).exists()
    assert get_image_model().objects.filter(renditions__isnull=False).exists()

    pagecache.bump()  # writes the stamp file into MEDIA_ROOT (no Redis): not archived
    assert pagecache._stamp_file().is_file()
    session = SessionStore()
    session["probe"] = "logged in before the backup"
    session.create()
    output = _backup(tmp_path / "backups")
    archive = _only_archive(tmp_path / "backups")
    assert "备份完成" in output
    assert archive.name.endswith(".tar.enc")
    assert _mode(archive) == 0o600
    assert backup_crypto.is_encrypted(archive)
    assert b"manifest.json" not in archive.read_bytes()  # not even the members' names

    if IS_POSTGRES:
        # A plain psycopg connection on both sides: Django's own leaves jsonb as text.
        with _pg_connect(connection.settings_dict["NAME"]) as source_connection:
            source = _snapshot(source_connection.cursor())
    else:
        with connection.cursor() as cursor:
            source = _snapshot(cursor)
    source_media = _media_hashes(settings.MEDIA_ROOT)
    assert any(name.startswith("images/") for name in source_media)  # the renditions
    assert any(name.startswith("documents/") for name in source_media)

    result = target.restore(archive)
    assert result.returncode == 0, result.stderr
    assert "恢复完成" in result.stdout
    assert "已清除归档中的 1 个登录会话" in result.stdout
    if not IS_POSTGRES:
        assert _mode(target.name) == 0o600

    restored_connection = target.connect()
    try:
        restored = _snapshot(restored_connection.cursor())
    finally:
        restored_connection.close()
    source_tables, source_sequences = source
    restored_tables, restored_sequences = restored
    # The sessions are in the archive (the row counts are checked) and cleared after the restore.
    assert len(source_tables.pop("django_session")[1]) == 1
    assert restored_tables.pop("django_session")[1] == []
    assert sorted(restored_tables) == sorted(source_tables)
    differences = [
        table for table in source_tables if source_tables[table] != restored_tables[table]
    ]
    assert differences == []
    assert restored_sequences == source_sequences
    assert _media_hashes(target.media) == source_media

    manifest = _manifest(archive, tmp_path)
    assert manifest["database"]["tables"]["django_session"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["tables"]["wagtailcore_revision"] == Revision.objects.count()
    assert ["wagtailcore", "0001_initial"] in manifest["database"]["migrations"]
    assert set(manifest["media"]["files"]) == set(source_media)
    assert not any(name.startswith(".page-cache") for name in manifest["media"]["files"])


# --- refusals ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory, django_db_setup, django_db_blocker):
    """One archive of the test database, written by `backup --keep 2` into a folder that already
    holds three older archives of ours and a file of someone else's."""
    folder = tmp_path_factory.mktemp("backups")
    old = ["county-site-20250101-020000.tar", "county-site-20250102-020000.tar.gz.enc"]
    old.append("county-site-20250103-020000.tar.enc")
    for name in [*old, "notes-20250101.tar"]:
        (folder / name).write_bytes(b"old")
    # At least one media file to archive, whatever ran before in this session.
    media_file = Path(settings.MEDIA_ROOT) / "original_images" / "backup-fixture.png"
    media_file.parent.mkdir(parents=True, exist_ok=True)
    media_file.write_bytes(b"\x89PNG fixture")
    with django_db_blocker.unblock():
        _backup(folder, keep=2)
    remaining = sorted(path.name for path in folder.iterdir())
    new = [name for name in remaining if name not in old and name != "notes-20250101.tar"]
    assert remaining == sorted(["county-site-20250103-020000.tar.enc", "notes-20250101.tar", *new])
    return folder / new[0]


def _restore(path):
    call_command("restore", str(path), stdout=StringIO())


def _rewrite(source, destination, change):
    """Copy the archive member by member, passing each (name, bytes) through change(), and
    encrypt the result with the same key."""
    plain = destination.with_suffix(".plain")
    with (
        tarfile.open(_decrypted(source, destination.parent)) as old,
        tarfile.open(plain, "w") as new,
    ):
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return _encrypted(plain, destination)


def _media_folder_state():
    return _media_hashes(settings.MEDIA_ROOT)


def _flip(source, destination, offset):
    shutil.copyfile(source, destination)
    with open(destination, "r+b") as file:
        file.seek(offset)
        byte = file.read(1)
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0xFF]))
    return destination


@pytest.mark.django_db
def test_damaged_or_tampered_archive_is_refused_before_anything(archive, tmp_path):
    media_before = _media_folder_state()
    size = archive.stat().st_size
    # A flipped byte anywhere: in the header, in the dump (the first chunks), in the manifest
    # (the end of the last chunk, where tar writes it), in the last tag. The target (the test
    # database) is not empty either: the archive is checked first.
    offsets = (12, backup_crypto.HEADER.size + 600, size - 1100, size - 1)
    for number, offset in enumerate(offsets):
        damaged = _flip(archive, tmp_path / f"county-site-20260101-00000{number}.tar.enc", offset)
        with pytest.raises(CommandError, match=r"已被篡改或损坏.*没有做任何改动，拒绝恢复"):
            _restore(damaged)
    # A changed salt or key check cannot be told from another key.
    damaged = _flip(archive, tmp_path / "county-site-20260101-000009.tar.enc", 40)
    with pytest.raises(CommandError, match=r"备份密钥与此归档不符.*归档头已被改动"):
        _restore(damaged)
    assert _media_folder_state() == media_before

    # Cut inside a chunk, and exactly after a chunk (the last-chunk flag is then missing).
    truncated = tmp_path / "county-site-20260101-000000.tar.enc"
    block = backup_crypto.CHUNK_SIZE + backup_crypto.TAG_SIZE
    for length in (size - 100, backup_crypto.HEADER.size + block, backup_crypto.HEADER.size):
        if length >= size:
            continue
        truncated.write_bytes(archive.read_bytes()[:length])
        with pytest.raises(CommandError, match="已被篡改或损坏"):
            _restore(truncated)


@pytest.mark.django_db
def test_member_changed_by_someone_with_the_key_fails_the_manifest(archive, tmp_path):
    # Behind the encryption the manifest's sha256 still checks every member.
    dump = backup.DATABASE_MEMBERS[connection.vendor]

    def flip_in_dump(name, data):
        if name != dump:
            return data
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    changed = _rewrite(archive, tmp_path / archive.name, flip_in_dump)
    with pytest.raises(CommandError, match=r"归档已损坏.*database"):
        _restore(changed)


@pytest.mark.django_db
def test_wrong_key_is_refused(archive):
    other_key = override_settings(BACKUP_KEY=backup_crypto.generate_key())
    with other_key, pytest.raises(CommandError, match="备份密钥与此归档不符"):
        _restore(archive)
    with (
        override_settings(BACKUP_KEY="not a key"),
        pytest.raises(CommandError, match="BACKUP_KEY 格式不正确"),
    ):
        _restore(archive)


@pytest.mark.django_db
def test_unencrypted_archive_is_refused(archive, tmp_path):
    plain = _decrypted(archive, tmp_path)
    renamed = plain.rename(tmp_path / "county-site-20260101-000000.tar")
    with pytest.raises(CommandError, match="不是加密的备份归档"):
        _restore(renamed)


def test_backup_needs_a_key(tmp_path):
    with (
        override_settings(BACKUP_KEY=""),
        pytest.raises(CommandError, match="没有设置备份密钥 BACKUP_KEY"),
    ):
        _backup(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_generate_key():
    out = StringIO()
    call_command("backup", generate_key=True, stdout=out)
    key = out.getvalue().strip()
    assert len(backup_crypto.parse_key(key)) == 32
    assert key != backup_crypto.generate_key()


@pytest.mark.django_db
def test_non_empty_target_is_refused(archive):
    with pytest.raises(CommandError, match=r"目标数据库 .* 不是空的.*张表"):
        _restore(archive)
    assert Site.objects.filter(is_default_site=True).exists()


@pytest.mark.django_db
def test_vendor_mismatch_is_refused(archive, tmp_path):
    def other_vendor(name, data):
        if name != backup.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = OTHER_VENDOR
        return json.dumps(manifest).encode()

    changed = _rewrite(archive, tmp_path / archive.name, other_vendor)
    with pytest.raises(CommandError, match="数据库类型不符"):
        _restore(changed)


@pytest.mark.django_db
def test_archive_with_unlisted_member_is_refused(archive, tmp_path):
    plain = _decrypted(archive, tmp_path)
    with tarfile.open(plain, "a") as tar:
        info = tarfile.TarInfo("media/../../etc/cron.d/x")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    changed = _encrypted(plain, tmp_path / archive.name)
    with pytest.raises(CommandError, match="清单之外"):
        _restore(changed)


@pytest.mark.django_db
def test_different_media_file_is_not_overwritten(archive, target, tmp_path):
    manifest = _manifest(archive, tmp_path)
    name = sorted(manifest["media"]["files"])[0]
    existing = target.media / name
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"another file")

    result = target.restore(archive)

    assert result.returncode != 0
    assert "拒绝覆盖" in result.stderr
    assert existing.read_bytes() == b"another file"
    restored = target.connect()
    try:
        assert _tables(restored.cursor()) == []  # the database was not touched either
    finally:
        restored.close()


# Transactional: SQLite's backup API cannot copy a database with a transaction open on it.
@pytest.mark.django_db(transaction=True)
def test_media_in_object_storage_backs_up_the_database_only(tmp_path):
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "county-media"},
        },
    }
    with override_settings(STORAGES=storages):
        output = _backup(tmp_path)
    assert "对象存储桶 county-media" in output
    with tarfile.open(_decrypted(_only_archive(tmp_path), tmp_path)) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(backup.MANIFEST).read())
    assert not [name for name in names if name.startswith(backup.MEDIA_PREFIX)]
    assert manifest["media"] == {
        "storage": "s3",
        "bucket": "county-media",
        "files": {},
        "skipped": [],
    }


def test_keep_must_be_positive(tmp_path):
    with pytest.raises(CommandError, match="--keep 至少为 1"):
        _backup(tmp_path, keep=0)
