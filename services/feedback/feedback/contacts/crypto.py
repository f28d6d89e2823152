"""Sealing contact details with Fernet (AES-128-CBC + HMAC-SHA256) from the ``cryptography`` package.

Keys come from settings, newest first. ``MultiFernet`` seals with the first and opens with any;
each row records the id of the key that sealed it (the first 8 bytes of the key's SHA-256, so
the id reveals nothing of the key), which lets the worker re-seal exactly the rows under an
older key after a rotation.
"""

import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class ContactCipher:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one contact key is needed")
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self.current_key_id = key_id(keys[0])

    def seal(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def open(self, ciphertext: bytes) -> bytes:
        try:
            return self._fernet.decrypt(ciphertext)
        except InvalidToken:
            raise ValueError("contact details sealed with a key that is no longer configured") from None

    def reseal(self, ciphertext: bytes) -> bytes:
        return self._fernet.rotate(ciphertext)


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]
