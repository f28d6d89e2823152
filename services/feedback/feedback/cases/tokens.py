"""The resident's secret token (för att följa sitt ärende).

Derived as HMAC-SHA256(key, case id), so a replayed create can hand out the same token again
without it ever being stored; only its SHA-256 is kept to find the case. 256 bits of HMAC output
need no slow hash: nothing short enough to guess goes into it.
"""

import base64
import hashlib
import hmac
import uuid

TOKEN_HEADER = "Case-Token"


def derive_token(key: bytes, case_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, case_id.bytes, hashlib.sha256).digest()).decode().rstrip("=")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
