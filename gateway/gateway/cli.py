"""``python -m gateway migrate|api|keys|token|genkeys``.

Commands that hand out a secret (``keys create``, ``keys rotate``, ``token``) print it alone on
the last stdout line, so scripts can take it with ``tail -n 1``.
"""

import argparse
import asyncio
import sys
from datetime import timedelta

from gateway.config import GatewaySettings


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway", description="The platform's API gateway.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the key database to the latest schema")
    downgrade = commands.add_parser("downgrade", help="downgrade the key database")
    downgrade.add_argument("revision", nargs="?", default="base")
    commands.add_parser("api", help="serve on GATEWAY_HOST:GATEWAY_PORT with GATEWAY_WORKERS processes")

    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="issue a key (printed once, on the last line)")
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", required=True, type=_csv, help="e.g. goals:read,goals:write")
    create.add_argument("--actor", required=True, choices=["system", "portal"])
    create.add_argument("--org", type=_csv, default=[], help="organisation unit ids the key is limited to")
    create.add_argument("--rate-limit", type=int, default=None, metavar="PER_MINUTE",
                        help="this key's requests per minute (burst: a tenth of it); default: GATEWAY_RATE_LIMIT_PER_MINUTE")
    keys.add_parser("list", help="list keys (never their secrets)")
    revoke = keys.add_parser("revoke", help="revoke a key now")
    revoke.add_argument("key_id")
    rotate = keys.add_parser("rotate", help="issue a successor; the old key ends after --grace seconds")
    rotate.add_argument("key_id")
    rotate.add_argument("--grace", type=int, default=0, help="seconds the old key keeps working")

    token = commands.add_parser("token", help="mint a staff token with GATEWAY_TOKEN_SIGNING_KEY_FILE (dev)")
    token.add_argument("--sub", required=True)
    token.add_argument("--roles", required=True, type=_csv)
    token.add_argument("--org", type=_csv, default=[])
    token.add_argument("--ttl", type=int, default=3600, help="seconds")

    genkeys = commands.add_parser("genkeys", help="write a dev key set into DIR (keeps existing files)")
    genkeys.add_argument("directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "genkeys":
        from gateway.tokens import generate_dev_keys

        for path in generate_dev_keys(args.directory):
            print(f"wrote {path}")
        return 0

    settings = GatewaySettings()
    if args.command == "migrate":
        from gateway.migrate import upgrade

        upgrade(settings.database_url)
        print("gateway database migrated to head")
        return 0
    if args.command == "downgrade":
        from gateway.migrate import downgrade

        downgrade(settings.database_url, args.revision)
        return 0
    if args.command == "api":
        from gateway.runner import run

        return run(settings)
    if args.command == "token":
        return _token(settings, args)
    return asyncio.run(_keys(settings, args))


def _token(settings: GatewaySettings, args: argparse.Namespace) -> int:
    from gateway.tokens import ROLES, load_private_key, mint_staff_token

    if not settings.token_signing_key_file:
        raise ValueError("GATEWAY_TOKEN_SIGNING_KEY_FILE is not set")
    unknown = set(args.roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    token = mint_staff_token(
        load_private_key(settings.token_signing_key_file), subject=args.sub, roles=args.roles, org=args.org,
        issuer=settings.token_issuer, ttl_seconds=args.ttl, audience=settings.token_audience,
    )
    print(token)
    return 0


async def _keys(settings: GatewaySettings, args: argparse.Namespace) -> int:
    import asyncpg

    from gateway.keys import KeyRepository

    if not settings.database_url:
        raise ValueError("GATEWAY_DATABASE_URL is not set")
    connection = await asyncpg.connect(settings.database_url)
    try:
        repository = KeyRepository(connection)
        if args.keys_command == "create":
            key, presented = await repository.create(args.name, args.scopes, args.actor, args.org,
                                                     rate_limit_per_minute=args.rate_limit)
            limit = f" rate_limit={key.rate_limit_per_minute}/min" if key.rate_limit_per_minute else ""
            print(f"created key {key.key_id} ({key.name}) scopes={','.join(key.scopes)} actor={key.actor_kind}{limit}")
            print(presented)
            return 0
        if args.keys_command == "list":
            print("key_id\tname\tactor\tscopes\torg\trate_limit_per_minute\tcreated_at\trevoked_at")
            for key in await repository.list():
                print("\t".join([
                    key.key_id, key.name, key.actor_kind, ",".join(key.scopes), ",".join(key.org_scope) or "-",
                    str(key.rate_limit_per_minute or "-"), key.created_at.isoformat(),
                    key.revoked_at.isoformat() if key.revoked_at else "-",
                ]))
            return 0
        if args.keys_command == "revoke":
            key = await repository.revoke(args.key_id)
            if key is None:
                print(f"error: no key {args.key_id}", file=sys.stderr)
                return 1
            print(f"revoked key {key.key_id} at {key.revoked_at.isoformat()}")  # type: ignore[union-attr]
            return 0
        async with connection.transaction():
            rotated = await repository.rotate(args.key_id, timedelta(seconds=args.grace))
        if rotated is None:
            print(f"error: no key {args.key_id}", file=sys.stderr)
            return 1
        new, presented, old = rotated
        print(f"key {old.key_id} ends at {old.revoked_at.isoformat()}; successor {new.key_id}")  # type: ignore[union-attr]
        print(presented)
        return 0
    finally:
        await connection.close()
