"""Provides PIN hashing (scrypt, salted, slow on purpose) and the rules a new PIN must meet.

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
MIN_PIN_LENGTH = 6
DEMO_MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 128


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


def _scrypt(pin: str, salt: bytes, cost: int, block: int, parallel: int) -> bytes:
    memory = 128 * cost * block * parallel + 1024 * 1024
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=cost, r=block, p=parallel, maxmem=memory, dklen=32
    )


def pin_problem(pin: str, *, demo: bool = False) -> str | None:
    """Why `pin` may not be used, in words for the person choosing it, or None if it may."""
    shortest = DEMO_MIN_PIN_LENGTH if demo else MIN_PIN_LENGTH
    if len(pin) < shortest:
        return f"use at least {shortest} characters (a longer passphrase is safer)"
    if len(pin) > MAX_PIN_LENGTH:
        return f"use at most {MAX_PIN_LENGTH} characters"
    if not pin.isprintable():
        return "use letters, digits and punctuation only"
    if not demo and _too_easy(pin):
        return "that PIN is too easy to guess (a repeated or counted run); choose another"
    return None


def _too_easy(pin: str) -> bool:
    """All one character, or a run like 123456 / 654321 / abcdef."""
    steps = {ord(b) - ord(a) for a, b in zip(pin, pin[1:], strict=False)}
    return steps <= {0} or steps == {1} or steps == {-1}
