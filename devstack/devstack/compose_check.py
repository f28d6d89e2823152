"""docker-compose.yml checked without Docker's tools: ``python -m devstack check-compose [FILE]``.

A fresh machine has no ``docker-compose``, so the file is validated against the Compose
Specification's JSON schema as ``check-jsonschema`` ships it (its vendored SchemaStore copy of
the compose-spec schema, Draft 2020-12), with ``jsonschema``. The schema cannot see across
the file, so the references ``docker-compose config`` also resolves are checked here too: every
``depends_on`` names a service, every named volume is declared, every ``${...}`` is well formed.
Where the binary exists, ``docker-compose config -q`` runs as well (``make lint``, the tests).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

# $$ (a literal $), $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME+alt} ...
_VARIABLE = re.compile(r"\$(?:\$|[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\})")


@cache
def compose_schema() -> dict[str, Any]:
    return json.loads((files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json").read_text())


def problems(text: str) -> list[str]:
    """Everything wrong with a compose file's text; empty when it is valid."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [f"not YAML: {exc}"]
    if not isinstance(document, dict):
        return ["not a mapping of top-level keys"]
    found = [
        f"{'.'.join(str(part) for part in error.absolute_path) or '(top level)'}: {error.message}"
        for error in sorted(Draft202012Validator(compose_schema()).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]
    return found + _reference_problems(document) + _interpolation_problems(document, ())


def _reference_problems(document: dict) -> list[str]:
    services = document.get("services") or {}
    declared_volumes = set(document.get("volumes") or {})
    found = []
    for name, spec in services.items():
        if not isinstance(spec, dict):
            continue
        depends = spec.get("depends_on") or []
        for target in depends if isinstance(depends, list) else depends.keys():
            if target not in services:
                found.append(f"services.{name}.depends_on: no service {target!r}")
        for volume in spec.get("volumes") or []:
            source = volume.get("source") if isinstance(volume, dict) else str(volume).split(":")[0]
            named = source and not source.startswith((".", "/", "~", "$"))
            if named and source not in declared_volumes:
                found.append(f"services.{name}.volumes: named volume {source!r} is not declared under volumes")
    return found


def _interpolation_problems(node: Any, path: tuple[str, ...]) -> list[str]:
    if isinstance(node, dict):
        return [problem for key, value in node.items() for problem in _interpolation_problems(value, (*path, str(key)))]
    if isinstance(node, list):
        return [problem for i, value in enumerate(node) for problem in _interpolation_problems(value, (*path, str(i)))]
    if isinstance(node, str) and "$" in node and _VARIABLE.sub("", node).count("$"):
        return [f"{'.'.join(path)}: invalid interpolation in {node!r}"]
    return []


def docker_compose_problems(path: Path) -> list[str] | None:
    """``docker-compose config -q``'s complaints, or None when the binary is not installed."""
    exe = shutil.which("docker-compose")
    if exe is None:
        return None
    result = subprocess.run(  # noqa: S603
        [exe, "-f", str(path), "config", "-q"], cwd=path.parent, capture_output=True, text=True, timeout=120,
        env={**os.environ, "COMPOSE_PROJECT_NAME": "qm"},
    )
    return [] if result.returncode == 0 else [f"docker-compose config -q: {result.stdout}{result.stderr}".strip()]

