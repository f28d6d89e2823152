"""A service's app called in this process, with assertions signed by a key pair of our own.

Without a gateway in front, something must sign the internal assertion the app verifies. An
``AssertionSigner`` is an Ed25519 key pair standing in for the gateway's: the app is built with
its public key, and every request gets a freshly minted assertion (a long run outlives one).
``python -m <svc> demo`` uses ``open_service_app`` (an ephemeral key pair, the configured
database); the test harness uses the same client with a per-run key pair on its test transaction.
"""

import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

from servicekit.assertion import ASSERTION_HEADER, mint_assertion
from servicekit.service import ServiceDefinition


def import_object(import_string: str) -> Any:
    """``"package.module:name"`` → the object (app factories, demo loaders)."""
    module_name, _, attribute = import_string.partition(":")
    return getattr(import_module(module_name), attribute)


class AssertionSigner:
    """Signs internal assertions as the gateway would, with a key pair of its own."""

    def __init__(self, private_key: Ed25519PrivateKey | None = None) -> None:
        self.private_key = private_key or Ed25519PrivateKey.generate()

    def public_key_pem(self) -> str:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def headers(
        self, audience: str, *, roles: Iterable[str], org: Iterable[object], actor: str, scopes: Iterable[str], subject: str
    ) -> dict[str, str]:
        token = mint_assertion(
            self.private_key, audience=audience, subject=subject, actor_kind=actor,
            roles=list(roles), org_scope=[str(unit) for unit in org], key_scopes=list(scopes),
        )
        return {ASSERTION_HEADER: token}


class _AssertionAuth(httpx.Auth):
    """A fresh assertion per request (assertions live at most 60 seconds)."""

    def __init__(self, signer: AssertionSigner, audience: str, principal: dict[str, Any]) -> None:
        self.signer = signer
        self.audience = audience
        self.principal = principal

    def auth_flow(self, request: httpx.Request):
        request.headers.update(self.signer.headers(self.audience, **self.principal))
        yield request


@dataclass
class InProcessApi:
    """HTTP clients on ``app`` acting as any principal, as the gateway would assert it."""

    app: FastAPI
    audience: str  # the service's name
    signer: AssertionSigner

    def client(
        self, *, roles=("admin",), org=(), actor: str = "staff", scopes=(), subject: str = "tester"
    ) -> httpx.AsyncClient:
        principal = {"roles": roles, "org": org, "actor": actor, "scopes": scopes, "subject": subject}
        return self._client(_AssertionAuth(self.signer, self.audience, principal))

    def anonymous_client(self) -> httpx.AsyncClient:
        """No assertion at all: what a caller bypassing the gateway sends."""
        return self._client(None)

    def _client(self, auth: httpx.Auth | None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, raise_app_exceptions=False),
            base_url="http://service.internal", auth=auth, timeout=60,
        )


@asynccontextmanager
async def open_service_app(service: ServiceDefinition) -> AsyncIterator[InProcessApi]:
    """The service's app against its configured database and Redis, running its lifespan.

    The app factory reads its settings from the environment (as uvicorn's factory call does), so
    the ephemeral public key is handed to it there, in this process only.
    """
    signer = AssertionSigner()
    os.environ[service.name.upper() + "_ASSERTION_PUBLIC_KEY"] = signer.public_key_pem()
    app: FastAPI = import_object(service.app_factory)()
    async with app.router.lifespan_context(app):
        yield InProcessApi(app=app, audience=service.name, signer=signer)
