"""The reporter's identity, sealed with Fernet (``cryptography``) under keys from settings.

Keys come from ``AUDIT_LEX_SARAH_REPORTER_KEYS`` or the file ``AUDIT_LEX_SARAH_REPORTER_KEYS_FILE`` names (urlsafe base64 of 32 bytes, comma-separated,
newest first): the first seals, every key opens, so keys can be rotated. Each row records the
id of the key that sealed it (the first 16 hex digits of the key's SHA-256, revealing nothing).
"""

import hashlib
import logging
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic_settings import BaseSettings

from servicekit.problems import ProblemError
from servicekit.secrets import read_secret
from servicekit.settings import service_config

log = logging.getLogger("audit.lex_sarah")
# Only when no key is configured (development and tests on one machine); a warning is logged.
DEVELOPMENT_KEY = "bGV4LXNhcmFoLWRldi1rZXktbm90LWZvci1wcm9kISE="


class LexSarahSettings(BaseSettings):
    model_config = service_config("AUDIT_LEX_SARAH_")
    reporter_keys: str = ""
    reporter_keys_file: str = ""


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class ReporterCipher:
    def __init__(self, keys: list[str]) -> None:
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self.current_key_id = key_id(keys[0])

    def seal(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def open(self, sealed: bytes) -> str:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken:
            raise ProblemError(
                409, "The reporter's identity was sealed with a key that is no longer configured.", kind="reporter-key-missing",
            ) from None


@cache
def cipher() -> ReporterCipher:
    settings = LexSarahSettings()
    keys = [key.strip() for key in read_secret(settings.reporter_keys, settings.reporter_keys_file).split(",") if key.strip()]
    if not keys:
        log.warning("AUDIT_LEX_SARAH_REPORTER_KEYS is not set; reporters are sealed with the development key")
        keys = [DEVELOPMENT_KEY]
    return ReporterCipher(keys)
