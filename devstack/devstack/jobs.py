"""One-shot commands of the stack (key generation, migrations, demos), each logging to its own file."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path


def tail(path: Path | None, lines: int = 40) -> str:
    if path is None or not path.exists():
        return "(no log)"
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 64 * 1024))
        text = fh.read().decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def run_logged(argv: list[str], env: Mapping[str, str], *, cwd: Path, log_path: Path, timeout: float) -> int:
    """Run ``argv`` to completion with its output appended to ``log_path``; -1 when it timed out."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as fh:
        fh.write(f"\n=== devstack: {' '.join(argv)}\n".encode())
        fh.flush()
        try:
            result = subprocess.run(  # noqa: S603
                argv, env=dict(env), cwd=str(cwd), stdin=subprocess.DEVNULL, stdout=fh,
                stderr=subprocess.STDOUT, timeout=timeout, check=False, start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            return -1
    return result.returncode
