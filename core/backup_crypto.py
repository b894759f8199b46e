"""Encryption of backup archives (core/backup.py) with the key in BACKUP_KEY, which is kept
outside the archive (docs/operations.md, "Backups").

The archive holds password hashes, TOTP seeds, recovery codes, sessions and citizens' and voters'
contact data, so it is encrypted and authenticated as a whole: the manifest and every member are
inside the authenticated stream, and an archive changed by anyone without the key is refused
before a single byte of it is used.

Construction (cryptography's AES-256-GCM; nothing home-made below the level of a nonce layout):

    header  = MAGIC (8 bytes) | version (1) | chunk size (4, big-endian) | salt (16)
              | nonce prefix (7) | key check (16)
    chunk i = AES-256-GCM(key, nonce = prefix | i (4, big-endian) | last (1), plaintext chunk,
              associated data = header)

* The archive key is HKDF-SHA256(BACKUP_KEY, salt, "…archive key"), fresh for every archive (a
  random 16-byte salt), so no (key, nonce) pair is ever used twice, whatever the nonce prefix.
* This is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár, "Online
  Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015), the one that
  age and Tink's streaming AEAD use: each 1 MiB chunk is authenticated on its own, so a file of
  any size is encrypted and decrypted with constant memory; its position is in the nonce
  (reordering, dropping or duplicating a chunk fails its tag), and so is the flag of the last
  chunk (an archive cut at a chunk boundary fails too). The header is the associated data of
  every chunk, so changing the salt, the chunk size or the prefix fails every chunk.
* The key check, HKDF(BACKUP_KEY, salt, "…key check"), tells a wrong key (an operator's
  mistake, named as such) from a damaged or tampered archive; it is a KDF output and reveals
  nothing of the key.
* Restore decrypts the whole stream into a private temporary file first and uses nothing of it
  until every chunk's tag has been checked (no unauthenticated plaintext is ever acted on).
"""

import base64
import binascii
import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CSBACKUP"
VERSION = 1
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
SALT_SIZE = 16
PREFIX_SIZE = 7
CHECK_SIZE = 16
HEADER = struct.Struct(f">8sBI{SALT_SIZE}s{PREFIX_SIZE}s{CHECK_SIZE}s")
MAX_CHUNKS = 2**32


class ArchiveKeyError(Exception):
    """The key is missing or malformed, or does not open this archive; the message says why."""


class ArchiveTampered(Exception):
    """The archive is not what was encrypted with this key (changed, cut or damaged)."""


def generate_key():
    """A new BACKUP_KEY: 32 random bytes, URL-safe base64 (44 characters)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def parse_key(text):
    """The 32 key bytes of a BACKUP_KEY value, or ArchiveKeyError with a Chinese message."""
    if not text:
        raise ArchiveKeyError(
            "没有设置备份密钥 BACKUP_KEY：备份归档含有密码散列、登录会话和群众的联系方式，"
            "必须加密。请用 manage.py backup --generate-key 生成密钥，保存在服务器之外"
            "（见 docs/operations.md），再在环境中设置 BACKUP_KEY。"
        )
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        key = b""
    if len(key) != 32:
        raise ArchiveKeyError(
            "备份密钥 BACKUP_KEY 格式不正确：应为 manage.py backup --generate-key 生成的"
            " 44 个字符（32 字节的 URL 安全 Base64）。"
        )
    return key


def _derive(master, salt, purpose):
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=salt,
        info=b"county-site-backup v1 " + purpose,
    ).derive(master)


def _nonce(prefix, index, last):
    if index >= MAX_CHUNKS:
        raise ArchiveTampered("归档过大（分块数超出上限）。")
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class EncryptingWriter:
    """A write-only file object (for tarfile/gzip) that writes the encrypted archive to `file`.
    `finish()` writes the last chunk; without it the archive does not decrypt."""

    def __init__(self, file, master):
        self.file = file
        salt = os.urandom(SALT_SIZE)
        self.prefix = os.urandom(PREFIX_SIZE)
        check = _derive(master, salt, b"key check")[:CHECK_SIZE]
        self.header = HEADER.pack(MAGIC, VERSION, CHUNK_SIZE, salt, self.prefix, check)
        self.aead = AESGCM(_derive(master, salt, b"archive key"))
        self.buffer = bytearray()
        self.index = 0
        self.position = 0
        file.write(self.header)

    def write(self, data):
        self.buffer += data
        self.position += len(data)
        # A chunk is written only once more data follows it, so the last one is known as last.
        while len(self.buffer) > CHUNK_SIZE:
            self._chunk(bytes(self.buffer[:CHUNK_SIZE]), last=False)
            del self.buffer[:CHUNK_SIZE]
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def _chunk(self, data, last):
        nonce = _nonce(self.prefix, self.index, last)
        self.file.write(self.aead.encrypt(nonce, data, self.header))
        self.index += 1

    def finish(self):
        self._chunk(bytes(self.buffer), last=True)
        self.buffer.clear()


def is_encrypted(path):
    with open(path, "rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def decrypt(source_path, destination, master):
    """Decrypt the archive at source_path into the binary file `destination`, checking every
    chunk. ArchiveKeyError for a wrong key, ArchiveTampered for anything else that is not as it
    was encrypted; `destination` then holds a prefix that must not be used."""
    with open(source_path, "rb") as source:
        header = source.read(HEADER.size)
        if len(header) < HEADER.size:
            raise ArchiveTampered("归档头不完整。")
        magic, version, chunk_size, salt, prefix, check = HEADER.unpack(header)
        if magic != MAGIC or version != VERSION:
            raise ArchiveTampered("不是本程序加密的备份归档（文件头不符）。")
        if not 0 < chunk_size <= 64 * CHUNK_SIZE:
            raise ArchiveTampered("归档头中的分块大小不合理。")
        if not hmac.compare_digest(_derive(master, salt, b"key check")[:CHECK_SIZE], check):
            raise ArchiveKeyError(
                "备份密钥与此归档不符：BACKUP_KEY 不是创建这份备份时所用的密钥"
                "（或归档头已被改动），拒绝恢复。"
            )
        aead = AESGCM(_derive(master, salt, b"archive key"))
        block = chunk_size + TAG_SIZE
        index = 0
        current = source.read(block)
        while True:
            following = source.read(block)
            last = not following
            try:
                destination.write(aead.decrypt(_nonce(prefix, index, last), current, header))
            except InvalidTag:
                raise ArchiveTampered(f"第 {index + 1} 个数据块的认证码不符。") from None
            if last:
                return
            index += 1
            current = following
