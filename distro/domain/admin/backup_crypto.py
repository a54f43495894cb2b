"""Provides passphrase encryption of backup files, read and written one chunk at a time.

A backup is the whole registry: names, phones and claim references of people seeking
protection. Once a copy leaves the counter PC (a USB stick, a shared drive) the PC's disk
encryption no longer covers it, so it travels sealed. The key is scrypt of the passphrase with
a random salt, slow on purpose so that guessing passphrases against a stolen file is costly.
Each chunk is sealed with AES-256-GCM, with the file header, the chunk's index and a "last
chunk" flag as associated data: a chunk changed, moved, dropped or cut off is refused instead
of being restored wrong. Chunks keep memory flat on an old laptop, whatever the registry's size.
Sealed and opened files are written whole and private, or not at all (see private_files).
"""

from __future__ import annotations

import hashlib
import secrets
import struct
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from distro.domain.core.errors import DomainError
from distro.domain.core.private_files import private_file

MAGIC = b"DISTROBK1"
CHUNK_SIZE = 1024 * 1024
MIN_PASSPHRASE_LENGTH = 12
SCRYPT_COST_LOG2 = 15
"""n = 2**15, r = 8: about 0.1 s and 32 MiB per try, so a guesser pays that for every guess."""
SCRYPT_BLOCK = 8
SCRYPT_PARALLEL = 1

_TAG_SIZE = 16
_FIELDS = struct.Struct(">BBBI16s4s")
"""After the magic: scrypt's log2(n), r and p, the chunk size, the salt, the nonce prefix."""
_MAX_CHUNK_SIZE = 64 * 1024 * 1024
_DAMAGED = "the passphrase is wrong or the file was damaged"


@dataclass(frozen=True)
class _Header:
    """What decrypting needs besides the passphrase; it is sealed into every chunk's tag."""

    cost_log2: int
    block: int
    parallel: int
    chunk_size: int
    salt: bytes
    nonce_prefix: bytes

    def to_bytes(self) -> bytes:
        fields = (self.cost_log2, self.block, self.parallel, self.chunk_size)
        return MAGIC + _FIELDS.pack(*fields, self.salt, self.nonce_prefix)

    def is_plausible(self) -> bool:
        """Whether the costs are ones distro writes; a forged header could otherwise ask for
        gigabytes of memory before the passphrase is even checked."""
        return (
            14 <= self.cost_log2 <= 20
            and 1 <= self.block <= 16
            and 1 <= self.parallel <= 4
            and 1 <= self.chunk_size <= _MAX_CHUNK_SIZE
        )

    def key(self, passphrase: str) -> bytes:
        # NFC, so the same passphrase typed on another keyboard or system gives the same key.
        secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
        n = 2**self.cost_log2
        memory = 128 * self.block * (n + self.parallel) + 1024 * 1024
        return hashlib.scrypt(
            secret, salt=self.salt, n=n, r=self.block, p=self.parallel, maxmem=memory, dklen=32
        )

    def nonce(self, index: int) -> bytes:
        return self.nonce_prefix + index.to_bytes(8, "big")


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to stand up to guessing, in words the admin can act on."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise DomainError(
            f"A backup passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters; "
            "a few unrelated words are easy to remember and hard to guess."
        )


def encrypt_stream(
    plain: BinaryIO, target: Path, passphrase: str, *, chunk_size: int = CHUNK_SIZE
) -> None:
    """Seal what `plain` holds into a new private file `target`, one chunk at a time; nothing
    is left at `target` if this fails (see private_files)."""
    check_passphrase(passphrase)
    header = _Header(
        SCRYPT_COST_LOG2,
        SCRYPT_BLOCK,
        SCRYPT_PARALLEL,
        chunk_size,
        secrets.token_bytes(16),
        secrets.token_bytes(4),
    )
    cipher = AESGCM(header.key(passphrase))
    preamble = header.to_bytes()
    with private_file(target, replace=False) as output:
        output.write(preamble)
        for index, chunk, last in _chunks(plain, chunk_size):
            aad = _associated_data(preamble, index, last)
            output.write(cipher.encrypt(header.nonce(index), chunk, aad))


def decrypt_file(source: Path, target: Path, passphrase: str) -> None:
    """Open a file made by `encrypt_stream` into a new private file `target`; on a wrong
    passphrase or any damage, DomainError, and no plaintext is left behind."""
    with source.open("rb") as sealed, private_file(target, replace=False) as output:
        for chunk in unsealed(sealed, passphrase, source.name):
            output.write(chunk)


def unsealed(sealed: BinaryIO, passphrase: str, name: str) -> Iterator[bytes]:
    """The plain bytes of a sealed file (called `name` in messages), chunk by chunk; raises
    DomainError at the first chunk that does not open, so read them all before trusting any."""
    header = _read_header(sealed, name)
    cipher = AESGCM(header.key(passphrase))
    preamble = header.to_bytes()
    for index, chunk, last in _chunks(sealed, header.chunk_size + _TAG_SIZE):
        aad = _associated_data(preamble, index, last)
        try:
            yield cipher.decrypt(header.nonce(index), chunk, aad)
        except InvalidTag:
            raise DomainError(f"Cannot open {name}: {_DAMAGED}.") from None


def _read_header(source: BinaryIO, name: str) -> _Header:
    if source.read(len(MAGIC)) != MAGIC:
        raise DomainError(f"{name} is not an encrypted distro backup.")
    fields = source.read(_FIELDS.size)
    if len(fields) != _FIELDS.size:
        raise DomainError(f"Cannot open {name}: {_DAMAGED}.")
    header = _Header(*_FIELDS.unpack(fields))
    if not header.is_plausible():
        raise DomainError(f"Cannot open {name}: {_DAMAGED}.")
    return header


def _associated_data(preamble: bytes, index: int, last: bool) -> bytes:
    return preamble + struct.pack(">Q?", index, last)


def _chunks(source: BinaryIO, size: int) -> Iterator[tuple[int, bytes, bool]]:
    """Each chunk with its index and whether it is the last. Reading one ahead tells the last
    apart even when it is full; an empty file is one empty last chunk, so it too has a tag."""
    index, current = 0, source.read(size)
    while following := source.read(size):
        yield index, current, False
        index, current = index + 1, following
    yield index, current, True
