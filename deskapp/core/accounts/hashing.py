"""Password hashes: salted scrypt (PBKDF2 where OpenSSL lacks scrypt), never the password
itself; constant-time checks. One implementation for signer passwords (review) and sign-in
passwords (accounts), so both are as slow to guess."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Optional

from deskapp.core.errors import ValidationError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~16 MB, ~50 ms: slow to guess, quick to sign
PBKDF2_ITERATIONS = 600_000
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 6


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _has_scrypt() -> bool:
    return hasattr(hashlib, "scrypt")


def hash_password(password: str, *, method: Optional[str] = None, salt: Optional[bytes] = None) -> str:
    """``scrypt$n$r$p$salt$key`` or ``pbkdf2_sha256$iterations$salt$key`` (base64 parts).

    A fresh random salt unless one is given (only reproducible demo data gives one)."""
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    secret = password.encode("utf-8")
    method = method or ("scrypt" if _has_scrypt() else "pbkdf2_sha256")
    if method == "scrypt":
        key = hashlib.scrypt(secret, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES)
        return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"
    key = hashlib.pbkdf2_hmac("sha256", secret, salt, PBKDF2_ITERATIONS, KEY_BYTES)
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: Optional[str]) -> bool:
    """Constant-time comparison; False for no hash or a malformed one."""
    if not stored:
        return False
    try:
        parts = stored.split("$")
        secret = password.encode("utf-8")
        if parts[0] == "scrypt" and len(parts) == 6:
            n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
            salt, key = _unb64(parts[4]), _unb64(parts[5])
            got = hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, dklen=len(key),
                                 maxmem=256 * n * r * p + 1024 * 1024)
        elif parts[0] == "pbkdf2_sha256" and len(parts) == 4:
            salt, key = _unb64(parts[2]), _unb64(parts[3])
            got = hashlib.pbkdf2_hmac("sha256", secret, salt, int(parts[1]), len(key))
        else:
            return False
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, key)


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError({"password": f"密码至少需要 {MIN_LENGTH} 个字符。"})
    if len(password) > 128:
        raise ValidationError({"password": "密码不能超过128个字符。"})
    if password.strip() != password:
        raise ValidationError({"password": "密码首尾不能有空格。"})
