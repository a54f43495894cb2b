"""Provides PIN hashing (scrypt, salted, slow on purpose); the rules a new PIN must meet are
in pin_rules.

A PIN is never stored, logged or shown: only `scrypt$n$r$p$salt$hash` is kept. The cost is
stored with each hash, so it can be raised later without locking anyone out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCRYPT_COST = 2**16
"""About 0.2 s per try on a 2-core counter PC: unnoticed at sign-in, slow for a guesser."""
SCRYPT_BLOCK = 8
SCRYPT_PARALLEL = 1


def hash_pin(pin: str) -> str:
    """The stored form of `pin`, with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(pin, salt, SCRYPT_COST, SCRYPT_BLOCK, SCRYPT_PARALLEL)
    return f"scrypt${SCRYPT_COST}${SCRYPT_BLOCK}${SCRYPT_PARALLEL}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether `pin` is the one `stored` was made from (constant-time comparison)."""
    try:
        scheme, cost, block, parallel, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(pin, bytes.fromhex(salt), int(cost), int(block), int(parallel))
    except ValueError:
        return False
    return hmac.compare_digest(actual, bytes.fromhex(digest))


def decoy_hash() -> str:
    """A stored form no PIN matches, at today's cost: checked against when a name has no
    PIN, so that an unknown name takes as long to refuse as a wrong PIN."""
    return f"scrypt${SCRYPT_COST}${SCRYPT_BLOCK}${SCRYPT_PARALLEL}${'00' * 16}${'00' * 32}"


def _scrypt(pin: str, salt: bytes, cost: int, block: int, parallel: int) -> bytes:
    memory = 128 * cost * block * parallel + 1024 * 1024
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=cost, r=block, p=parallel, maxmem=memory, dklen=32
    )
