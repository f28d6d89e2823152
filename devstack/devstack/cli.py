"""``python -m devstack run | demo | token | key | status | check-compose``.

- ``run``: the whole platform on fixed ports (``make run``); on fresh databases it loads every
  service's first-start content (goals' first; ``QM_DEMO=0`` skips it), then prints the gateway
  and docs URLs, a fresh development API key with every scope, an admin token and a sample curl;
  Ctrl-C stops it.
- ``demo``: load every service's first-start content into the running dev stack (``make demo``;
  idempotent: what exists is skipped).
- ``token --roles R[,R] [--org IDS] [--sub S] [--ttl S]``: a staff JWT signed with the
  ``.devstack`` keys (generated if missing), for any roles and organisation scope.
- ``key [--scopes S,..] [--actor system|portal] [--name N]``: a new API key in the running dev
  stack's gateway database.
- ``status``: the running dev stack's addresses, as JSON.
- ``check-compose [FILE]``: validate docker-compose.yml without Docker's tools (``make lint``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from devstack import config, first_start
from devstack.stack import Stack, StackError, default_state_dir, read_state


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def cmd_run(args: argparse.Namespace) -> int:
    state_dir = Path(args.state_dir).resolve()
    running = read_state(state_dir)
    if running:
        print(f"a dev stack is already running (pid {running['pid']}) at {running['gateway_url']}", file=sys.stderr)
        return 1
    # SIGTERM/SIGHUP end the stack like Ctrl-C does, so nothing is left behind.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    stack = Stack.for_dev(state_dir, log_to_console=args.log_to_console)
    print(f"starting the platform (state in {state_dir}) ...", flush=True)
    try:
        stack.start()
        api_key = stack.create_api_key(config.ALL_SCOPES, actor="system", name=f"devstack-run-{os.getpid()}")
        token = stack.mint_token(["admin"], sub="dev-admin", ttl=config.DEV_TOKEN_TTL_SECONDS)
        _print_banner(stack, api_key, token)
        threading.Event().wait()  # until Ctrl-C / SIGTERM
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    except StackError as exc:
        print(f"\n{exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        # A second Ctrl-C or SIGTERM must not cut the clean-up short: `kill -TERM -<pgid>` of `make run`
        # (and make itself, which passes the signal on to its child) deliver it twice.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stack.stop()
        print("stopped.", flush=True)
    return 0


def _print_banner(stack: Stack, api_key: str, token: str) -> None:
    gw = stack.gateway_url
    services = "\n".join(f"  {name:<9} {stack.service_url(name)}  (direct; needs the gateway's assertion)" for name in config.SERVICES)
    print(
        f"""
The platform is up.

  gateway   {gw}
  docs      {gw}/docs
{services}
  logs      {stack.logs_dir}/<process>.log
  postgres  {stack.admin_url}   (databases: {', '.join(stack.databases.values())})
  redis     {stack.redis_url}   (stream prefix {stack.stream_prefix!r})

Development API key (all scopes: {','.join(config.ALL_SCOPES)}):
  {api_key}

Development admin token (roles admin, valid {config.DEV_TOKEN_TTL_SECONDS // 86400} days):
  {token}

Try:
  curl -s {gw}/readyz
  curl -s -H "Authorization: Bearer {token}" {gw}/goals/v1/organisation-units
  curl -s -H "X-API-Key: {api_key}" {gw}/goals/v1/organisation-units

More tokens: make token ROLES=unit_manager ORG=<unit-id>;  more keys: .venv/bin/python -P -m devstack key --scopes feedback:submit
Ctrl-C stops everything.
""",
        flush=True,
    )


def _gateway(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-P", "-m", "gateway", *args], env={**os.environ, "PYTHONSAFEPATH": "1", **env},
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )


def _last_line(result: subprocess.CompletedProcess[str], what: str) -> str:
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or not lines:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{what} failed (exit {result.returncode})")
    return lines[-1]


def cmd_token(args: argparse.Namespace) -> int:
    keys_dir = Path(args.state_dir).resolve() / "keys"
    keys_dir.mkdir(parents=True, exist_ok=True)
    if not (keys_dir / "token_signing.pem").exists():
        result = _gateway(["genkeys", str(keys_dir)], {})
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            return 1
    env = {
        "GATEWAY_TOKEN_SIGNING_KEY_FILE": str(keys_dir / "token_signing.pem"),
        "GATEWAY_TOKEN_JWKS_FILE": str(keys_dir / "token_jwks.json"),
        "GATEWAY_ASSERTION_PRIVATE_KEY_FILE": str(keys_dir / "assertion_private.pem"),
    }
    running = read_state(Path(args.state_dir).resolve())
    if running:
        env["GATEWAY_DATABASE_URL"] = running["databases"]["gateway"]
        env["GATEWAY_REDIS_URL"] = running["redis_url"]
    cli = ["token", "--sub", args.sub, "--roles", ",".join(_csv(args.roles))]
    if args.org and _csv(args.org):
        cli += ["--org", ",".join(_csv(args.org))]
    if args.ttl:
        cli += ["--ttl", str(args.ttl)]
    print(_last_line(_gateway(cli, env), "minting a token"))
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    state_dir = Path(args.state_dir).resolve()
    running = read_state(state_dir)
    if running:
        database_url = running["databases"]["gateway"]
        redis_url = running["redis_url"]
    elif os.environ.get("GATEWAY_DATABASE_URL"):
        database_url = os.environ["GATEWAY_DATABASE_URL"]
        redis_url = os.environ.get("GATEWAY_REDIS_URL", "")
    else:
        print(
            f"no dev stack is running (no live {state_dir / 'stack.json'}); start one with `make run`, "
            "or set GATEWAY_DATABASE_URL",
            file=sys.stderr,
        )
        return 1
    env = {"GATEWAY_DATABASE_URL": database_url}
    if redis_url:
        env["GATEWAY_REDIS_URL"] = redis_url
    scopes = _csv(args.scopes) if args.scopes else list(config.ALL_SCOPES)
    name = args.name or f"devstack-key-{os.getpid()}"
    cli = ["keys", "create", "--name", name, "--scopes", ",".join(scopes), "--actor", args.actor]
    if args.org and _csv(args.org):
        cli += ["--org", ",".join(_csv(args.org))]
    print(_last_line(_gateway(cli, env), "creating an API key"))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    running = read_state(Path(args.state_dir).resolve())
    if not running:
        print("no dev stack is running; start one with `make run`", file=sys.stderr)
        return 1

    def env_for(name: str) -> dict[str, str]:
        p = config.env_prefix(name)
        return {
            **os.environ, "PYTHONSAFEPATH": "1", p + "DATABASE_URL": running["databases"][name],
            p + "REDIS_URL": running["redis_url"], p + "STREAM_PREFIX": running["stream_prefix"],
        }

    logs_dir = Path(args.state_dir).resolve() / "logs"
    try:
        first_start.load(config.SERVICES, env_for=env_for, python=sys.executable, logs_dir=logs_dir, cwd=logs_dir.parent)
    except first_start.DemoError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("first-start content loaded and delivered to every consumer")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    running = read_state(Path(args.state_dir).resolve())
    if not running:
        print("no dev stack is running", file=sys.stderr)
        return 1
    print(json.dumps(running, indent=2))
    return 0


def cmd_check_compose(args: argparse.Namespace) -> int:
    from devstack import compose_check

    path = Path(args.file).resolve()
    by_docker_compose = compose_check.docker_compose_problems(path)
    found = compose_check.problems(path.read_text()) + (by_docker_compose or [])
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        return 1
    checked = "the Compose Specification's schema" + (" and docker-compose" if by_docker_compose is not None else "")
    print(f"{path.name} ok ({checked})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", default=str(default_state_dir()),
                        help="where keys, logs and an embedded PostgreSQL live (default: .devstack; env QM_STATE_DIR)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the whole platform until Ctrl-C")
    run.add_argument("--log-to-console", action="store_true", help="let the processes log to this terminal")
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="load every service's first-start content into the running dev stack")
    demo.set_defaults(func=cmd_demo)

    token = sub.add_parser("token", help="mint a staff JWT with the .devstack keys")
    token.add_argument("--roles", required=True, help="comma-separated role ids, e.g. admin or unit_manager")
    token.add_argument("--org", default="", help="comma-separated organisation unit ids (the scope)")
    token.add_argument("--sub", default="dev", help="subject (default dev)")
    token.add_argument("--ttl", type=int, default=None, help="lifetime in seconds")
    token.set_defaults(func=cmd_token)

    key = sub.add_parser("key", help="create an API key in the running dev stack's gateway database")
    key.add_argument("--scopes", default="", help="comma-separated scopes (default: all)")
    key.add_argument("--actor", default="system", choices=("system", "portal"))
    key.add_argument("--name", default=None)
    key.add_argument("--org", default="", help="comma-separated organisation unit ids the key is limited to")
    key.set_defaults(func=cmd_key)

    status = sub.add_parser("status", help="print the running dev stack's addresses")
    status.set_defaults(func=cmd_status)

    check_compose = sub.add_parser("check-compose", help="validate a compose file without Docker's tools")
    check_compose.add_argument("file", nargs="?", default="docker-compose.yml")
    check_compose.set_defaults(func=cmd_check_compose)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO if args.command in ("run", "demo") else logging.WARNING,
        format="%(asctime)s devstack %(levelname)s %(message)s",
    )
    return int(args.func(args) or 0)
