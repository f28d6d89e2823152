"""Secrets given as a value or as a file (``*_FILE``), and fresh key files for a new installation.

A service reads a secret with ``read_secret(value, path)``: the value if set, else the file's
content. ``python -m servicekit.secrets DIR NAME...`` writes, for each NAME missing in DIR, a new
key readable only by its owner; an existing file is kept, so a restart never replaces a key that
sealed data. The key is 32 random bytes in urlsafe base64, which is what Fernet (contact details,
lex Sarah reporters) takes and a good HMAC key too. Compose's ``keys`` one-shot and ``make run``
create them; tests and benchmarks run on the development keys.
"""

import base64
import os
import secrets
import sys
from pathlib import Path


def read_secret(value: str, path: str) -> str:
    if value or not path:
        return value
    return Path(path).read_text(encoding="utf-8").strip()


def ensure_key_file(path: Path) -> bool:
    """Write a new key to ``path`` unless it exists; True when one was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        fh.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    return True


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m servicekit.secrets DIR NAME...", file=sys.stderr)
        return 2
    directory = Path(argv[0])
    for name in argv[1:]:
        written = ensure_key_file(directory / name)
        print(f"{'wrote' if written else 'kept'} {directory / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
