"""The whole platform as local processes: the same topology ``docker-compose.yml`` runs.

    with Stack.for_tests() as stack:           # free ports, per-run databases and stream prefix
        httpx.get(stack.gateway_url + "/readyz")
        stack.kill_process("goals-worker")     # SIGKILL, as a crash would
        stack.start_process("goals-worker")

Start-up: resolve PostgreSQL and Redis (``servicekit.infra``), create the databases, generate the
gateway's keys (``python -m gateway genkeys``; in dev mode also feedback's and audit's sealing keys,
``SECRET_FILES``), run every migration, start the 4 service APIs,
the 4 workers and the gateway (each in its own process group, logging to ``state_dir/logs``),
then wait until every ``/readyz`` answers 200; in dev mode, then load the first-start content of
the services whose databases were fresh (``devstack.first_start``: goals' demo first, each demo
followed by a wait until its events reached every consumer, then the ``demo_finish`` hooks; ``QM_DEMO=0`` off). ``stop()`` (also on exit, Ctrl-C and failures)
sends SIGTERM to every process group, SIGKILL after a grace period, and stops the servers it
started; in test mode it also drops the run's databases and deletes the run's Redis keys.

Process names: ``gateway``, ``<svc>-api`` and ``<svc>-worker`` for svc in goals, feedback, audit,
awards.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from servicekit import infra
from servicekit.secrets import ensure_key_file

from devstack import config
from devstack import first_start
from devstack.jobs import run_logged, tail

log = logging.getLogger("devstack")

STATE_FILE = "stack.json"
# Keys `make run` writes once into the state dir (tests and benchmarks use the development keys),
# per component: the setting whose *_FILE names the file `<component>_<setting>`.
SECRET_FILES = {
    "feedback": ("contact_keys", "resident_token_key"),
    "audit": ("lex_sarah_reporter_keys",),
}


class StackError(RuntimeError):
    """The stack could not be started, or a command against it failed."""


def repo_root() -> Path:
    """The checkout this package lives in (editable install), else the current directory."""
    here = Path(__file__).resolve().parents[2]
    if (here / "constraints.txt").exists() and (here / "devstack").is_dir():
        return here
    return Path.cwd()


def default_state_dir() -> Path:
    return Path(os.environ.get("QM_STATE_DIR") or repo_root() / ".devstack").resolve()


def _http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local URLs only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, ValueError):
        return None


def _free_ports(count: int) -> list[int]:
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers do: a port whose old connections linger in TIME_WAIT is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class ManagedProcess:
    """One platform process in its own process group."""

    def __init__(
        self,
        name: str,
        component: str,
        kind: str,
        argv: list[str],
        env: Mapping[str, str],
        cwd: Path,
        log_path: Path | None,
        ready_url: str | None = None,
    ) -> None:
        self.name = name
        self.component = component
        self.kind = kind  # api | worker
        self.argv = argv
        self.env = dict(env)
        self.cwd = cwd
        self.log_path = log_path
        self.ready_url = ready_url
        self.popen: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    @property
    def returncode(self) -> int | None:
        return self.popen.poll() if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def start(self) -> None:
        if self.alive():
            raise StackError(f"{self.name} is already running (pid {self.pid})")
        stdout: Any = None
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._close_log()
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
            self._log.write(f"\n=== devstack: starting {self.name}: {' '.join(self.argv)}\n".encode())
            self._log.flush()
            stdout = self._log
        self.popen = subprocess.Popen(  # noqa: S603
            self.argv,
            env=self.env,
            cwd=str(self.cwd),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.STDOUT if stdout is not None else None,
            start_new_session=True,  # own process group: SIGTERM/SIGKILL reach uvicorn's workers too
            preexec_fn=infra.child_preexec(),  # dies with us even if we are SIGKILLed (main thread)
        )

    def send(self, sig: int) -> None:
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)

    def wait(self, timeout: float) -> bool:
        if self.popen is None:
            return True
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def group_alive(self) -> bool:
        """Whether anything is left in the process group (uvicorn's workers may outlive the master)."""
        if self.popen is None:
            return False
        try:
            os.killpg(self.popen.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def stop(self, grace: float = config.STOP_GRACE_SECONDS) -> int | None:
        """SIGTERM the process group, SIGKILL what is left after ``grace`` seconds."""
        if self.popen is not None:
            self.send(signal.SIGTERM)
            deadline = time.monotonic() + grace
            try:
                while time.monotonic() < deadline and (self.alive() or self.group_alive()):
                    self.wait(0.05)
            except KeyboardInterrupt:
                log.warning("interrupted while stopping %s; killing it", self.name)
            self.send(signal.SIGKILL)
            self.wait(10)
        self._close_log()
        return self.returncode

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (SIGKILL by default: a crash) and reap it."""
        self.send(sig)
        if sig == signal.SIGKILL:
            self.wait(10)
            self._close_log()

    def log_tail(self, lines: int = 40) -> str:
        if self._log is not None:
            with contextlib.suppress(OSError, ValueError):
                self._log.flush()
        return tail(self.log_path, lines)

    def _close_log(self) -> None:
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None

    def __repr__(self) -> str:
        state = "running" if self.alive() else f"exited {self.returncode}" if self.popen else "not started"
        return f"<ManagedProcess {self.name} pid={self.pid} {state}>"


class Stack:
    """The platform's processes plus the servers they need. A context manager; see the module doc."""

    def __init__(
        self,
        state_dir: Path | str | None = None,
        *,
        mode: str = "dev",
        run_id: str | None = None,
        postgres: infra.PostgresServer | None = None,
        redis: infra.RedisServer | None = None,
        ports: Mapping[str, int] | None = None,
        workers: Mapping[str, int] | None = None,
        stream_prefix: str | None = None,
        databases: Mapping[str, str] | None = None,
        drop_databases: bool | None = None,
        log_to_console: bool = False,
        log_level: str | None = None,
        extra_env: Mapping[str, Mapping[str, str]] | None = None,
        ready_timeout: float = config.READY_TIMEOUT_SECONDS,
        stop_grace: float = config.STOP_GRACE_SECONDS,
        keep_state: bool | None = None,
        python: str | None = None,
        demo: bool | None = None,
    ) -> None:
        if mode not in ("dev", "test"):
            raise ValueError("mode is 'dev' or 'test'")
        self.mode = mode
        testing = mode == "test"
        self.run_id = run_id or (secrets.token_hex(3) if testing else "dev")

        self._temp_state = state_dir is None and testing
        if state_dir is None:
            state_dir = tempfile.mkdtemp(prefix=f"qmt-{self.run_id}-") if testing else default_state_dir()
        self.state_dir = Path(state_dir).resolve()
        self.logs_dir = self.state_dir / "logs"
        self.keys_dir = self.state_dir / "keys"
        self.keep_state = (
            keep_state if keep_state is not None else infra._truthy(os.environ.get("QM_KEEP_STATE"))
        )

        self.stream_prefix = stream_prefix or (config.test_stream_prefix(self.run_id) if testing else config.DEV_STREAM_PREFIX)
        self.databases: dict[str, str] = dict(databases) if databases else {
            name: config.test_database(self.run_id, name) if testing else config.DEV_DATABASES[name]
            for name in config.COMPONENTS
        }
        if ports is not None:
            self.ports = dict(ports)
        elif testing:
            self.ports = dict(zip(config.COMPONENTS, _free_ports(len(config.COMPONENTS)), strict=True))
        else:
            self.ports = {name: config.dev_port(name) for name in config.COMPONENTS}
        if workers is not None:
            self.workers = {name: int(workers.get(name, 1)) for name in config.COMPONENTS}
        elif testing:
            self.workers = dict(config.TEST_WORKERS)
        else:
            self.workers = {name: config.dev_workers(name) for name in config.COMPONENTS}
        self.drop_databases_on_stop = testing if drop_databases is None else drop_databases
        self.log_to_console = log_to_console
        self.log_level = log_level or os.environ.get("QM_LOG_LEVEL") or ("WARNING" if testing else "INFO")
        self.extra_env = {k: dict(v) for k, v in (extra_env or {}).items()}
        self.ready_timeout = ready_timeout
        self.stop_grace = stop_grace
        self.python = python or sys.executable
        # First-start content: True every service's demo, False none, None those on fresh databases.
        # Dev mode follows QM_DEMO (see devstack.first_start); tests load none unless asked.
        if demo is None:
            demo = False if testing else first_start.mode_from_env(os.environ.get("QM_DEMO"))
        self.demo = demo

        self._given_postgres = postgres
        self._given_redis = redis
        self.postgres: infra.PostgresServer | None = postgres
        self.redis: infra.RedisServer | None = redis
        self.processes: dict[str, ManagedProcess] = {}
        self._started = False
        self._stopped = True  # nothing to stop until start() / resolve_servers()

    # ------------------------------------------------------------------ constructors
    @classmethod
    def for_dev(cls, state_dir: Path | str | None = None, **kwargs: Any) -> Stack:
        """``make run``: fixed ports, the dev databases (``qm_*``) and stream prefix ``qm:``."""
        return cls(state_dir, mode="dev", **kwargs)

    @classmethod
    def for_tests(cls, state_dir: Path | str | None = None, **kwargs: Any) -> Stack:
        """Tests: free ports, ``qmt_<run>_*`` databases and prefix ``qmt<run>:``, all removed on stop."""
        return cls(state_dir, mode="test", **kwargs)

    # ------------------------------------------------------------------ addresses and settings
    def url_of(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def gateway_url(self) -> str:
        return self.url_of("gateway")

    @property
    def docs_url(self) -> str:
        return self.gateway_url + "/docs"

    def service_url(self, name: str) -> str:
        if name not in config.SERVICES:
            raise KeyError(f"unknown service {name!r}; one of {', '.join(config.SERVICES)}")
        return self.url_of(name)

    @property
    def admin_url(self) -> str:
        self._require_servers()
        assert self.postgres is not None
        return self.postgres.admin_url

    @property
    def redis_url(self) -> str:
        self._require_servers()
        assert self.redis is not None
        return self.redis.url

    def database_url(self, name: str) -> str:
        self._require_servers()
        assert self.postgres is not None
        return self.postgres.url_for(self.databases[name])

    def env_for(self, name: str) -> dict[str, str]:
        """The platform settings of ``gateway`` or a service (only its own prefixed variables)."""
        if name not in config.COMPONENTS:
            raise KeyError(f"unknown component {name!r}; one of {', '.join(config.COMPONENTS)}")
        p = config.env_prefix(name)
        env = {
            p + "DATABASE_URL": self.database_url(name),
            p + "REDIS_URL": self.redis_url,
            p + "STREAM_PREFIX": self.stream_prefix,
            p + "HOST": "127.0.0.1",
            p + "PORT": str(self.ports[name]),
            p + "WORKERS": str(self.workers[name]),
            p + "LOG_LEVEL": os.environ.get(p + "LOG_LEVEL", self.log_level) if self.mode == "dev" else self.log_level,
        }
        if name == "gateway":
            env.update({
                p + "ASSERTION_PRIVATE_KEY_FILE": str(self.keys_dir / "assertion_private.pem"),
                p + "TOKEN_JWKS_FILE": str(self.keys_dir / "token_jwks.json"),
                p + "TOKEN_SIGNING_KEY_FILE": str(self.keys_dir / "token_signing.pem"),
            })
            for svc in config.SERVICES:
                env[p + "UPSTREAM_" + svc.upper()] = self.url_of(svc)
            if self.mode == "test":
                env[p + "RATE_LIMIT_PER_MINUTE"] = str(config.TEST_RATE_LIMIT_PER_MINUTE)
                # Every test's anonymous Open311 call comes from 127.0.0.1: one client address.
                env[p + "ANONYMOUS_RATE_LIMIT_PER_MINUTE"] = str(config.TEST_RATE_LIMIT_PER_MINUTE)
        else:
            env[p + "ASSERTION_PUBLIC_KEY_FILE"] = str(self.keys_dir / "assertion_public.pem")
        if self.mode == "dev":
            for setting in SECRET_FILES.get(name, ()):
                env[p + setting.upper() + "_FILE"] = str(self.keys_dir / f"{name}_{setting}")
        env.update(self.extra_env.get(name, {}))
        return env

    def _base_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.mode == "test":
            # Nothing from the developer's shell may point a test process elsewhere.
            for key in list(env):
                if any(key.startswith(config.env_prefix(name)) for name in config.COMPONENTS):
                    del env[key]
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONSAFEPATH"] = "1"  # never import the checkout's top-level folders as packages
        return env

    def process_env(self, name: str) -> dict[str, str]:
        env = self._base_env()
        env.update(self.env_for(name))
        return env

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _require_servers(self) -> None:
        if self.postgres is None or self.redis is None:
            raise StackError("the stack's servers are not resolved yet; call start() first")

    def resolve_servers(self) -> None:
        """Find or start PostgreSQL and Redis (``servicekit.infra``); ``start()`` calls it."""
        self._stopped = False
        atexit.register(self.stop)
        ephemeral = self.mode == "test"
        if self.postgres is None:
            self.postgres = infra.resolve_postgres(self.state_dir, ephemeral=ephemeral)
        if self.redis is None:
            self.redis = infra.resolve_redis(self.state_dir)

    def start(self) -> Stack:
        if self._started:
            return self
        self._started = True
        self._stopped = False
        atexit.register(self.stop)
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self.logs_dir.mkdir(parents=True, exist_ok=True)
            self.keys_dir.mkdir(parents=True, exist_ok=True)
            if self.mode == "dev":
                self.ensure_secret_files()
                busy = [f"{n}:{p}" for n, p in self.ports.items() if _port_in_use(p)]
                if busy:
                    raise StackError(
                        f"ports in use: {', '.join(busy)} (is `make run` already running? "
                        "override with GATEWAY_PORT, GOALS_PORT, ...)"
                    )
            t0 = time.monotonic()
            self.resolve_servers()
            log.info("PostgreSQL: %s; Redis: %s", self.postgres, self.redis)
            for name in config.COMPONENTS:
                infra.create_database(self.admin_url, self.databases[name])
            demo_services = self.demo_services()
            self._prepare()
            log.info("databases, keys and migrations ready in %.1fs", time.monotonic() - t0)
            self._build_processes()
            for proc in self.processes.values():
                proc.start()
            self.wait_ready(self.processes, timeout=self.ready_timeout)
            log.info("stack ready in %.1fs at %s", time.monotonic() - t0, self.gateway_url)
            if self.mode == "dev":
                self._write_state_file()
            if demo_services:
                self.load_demos(demo_services)
        except BaseException:
            self.stop()
            raise
        return self

    def ensure_secret_files(self) -> list[Path]:
        """The sealing keys of ``SECRET_FILES``, written once into the state dir (kept after that)."""
        paths = [self.keys_dir / f"{name}_{setting}" for name, settings in SECRET_FILES.items() for setting in settings]
        for path in paths:
            ensure_key_file(path)
        return paths

    def _prepare(self) -> None:
        """Generate the gateway's keys and run every migration, in parallel."""
        jobs: dict[str, tuple[list[str], dict[str, str]]] = {
            "genkeys": ([self.python, "-P", "-m", "gateway", "genkeys", str(self.keys_dir)], self.process_env("gateway")),
        }
        for name in config.COMPONENTS:
            jobs[f"{name}-migrate"] = ([self.python, "-P", "-m", name, "migrate"], self.process_env(name))

        def run(job: str) -> tuple[str, int, Path]:
            argv, env = jobs[job]
            log_path = self.logs_dir / f"{job}.log"
            return job, run_logged(argv, env, cwd=self.state_dir, log_path=log_path, timeout=300), log_path

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            results = list(pool.map(run, jobs))
        failed = [(job, code, path) for job, code, path in results if code != 0]
        if failed:
            details = "\n\n".join(f"--- {job} exited {code}; last lines of {path}:\n{tail(path)}" for job, code, path in failed)
            raise StackError(f"set-up failed: {', '.join(job for job, _, _ in failed)}\n{details}")

    def demo_services(self) -> list[str]:
        """The services whose first-start content this start loads; asked before the migrations run."""
        if self.demo is not None:
            return list(config.SERVICES) if self.demo else []
        return [name for name in config.SERVICES if not infra.pg_fetchval(
            self.database_url(name), "SELECT to_regclass('public.alembic_version') IS NOT NULL"
        )]

    def load_demos(self, services: Iterable[str] = config.SERVICES) -> None:
        """Run the services' demos against the running stack, goals first (see devstack.first_start).

        A failed demo is reported, not fatal: the platform runs without the content, and
        ``make demo`` (idempotent) loads it again.
        """
        try:
            first_start.load(services, env_for=self.process_env, python=self.python, logs_dir=self.logs_dir, cwd=self.state_dir)
        except first_start.DemoError as exc:
            log.error("first-start content not loaded: %s\nThe platform runs without it; `make demo` tries again.", exc)

    def _build_processes(self) -> None:
        def make(name: str, component: str, kind: str, argv: list[str]) -> ManagedProcess:
            return ManagedProcess(
                name=name, component=component, kind=kind, argv=argv, env=self.process_env(component),
                cwd=self.state_dir, log_path=None if self.log_to_console else self.logs_dir / f"{name}.log",
                ready_url=self.url_of(component) + "/readyz" if kind == "api" else None,
            )

        procs: list[ManagedProcess] = []
        for svc in config.SERVICES:
            procs.append(make(f"{svc}-api", svc, "api", [self.python, "-P", "-m", svc, "api"]))
            procs.append(make(f"{svc}-worker", svc, "worker", [self.python, "-P", "-m", svc, "worker"]))
        procs.append(make("gateway", "gateway", "api", [self.python, "-P", "-m", "gateway", "api"]))
        self.processes = {proc.name: proc for proc in procs}

    def wait_ready(self, names: Iterable[str] | str, timeout: float | None = None) -> None:
        """Wait until each named API answers 200 on /readyz and each named worker is still running."""
        names = [names] if isinstance(names, str) else list(names)
        procs = [self._proc(name) for name in names]
        pending = {proc.name for proc in procs if proc.ready_url}
        deadline = time.monotonic() + (timeout if timeout is not None else self.ready_timeout)
        while True:
            for proc in procs:
                if not proc.alive():
                    raise StackError(
                        f"{proc.name} exited with code {proc.returncode} while starting; "
                        f"last lines of {proc.log_path or 'its output'}:\n{proc.log_tail()}"
                    )
            for proc in procs:
                if proc.name in pending and _http_status(proc.ready_url or "", timeout=2) == 200:
                    pending.discard(proc.name)
            if not pending:
                break
            if time.monotonic() > deadline:
                details = "\n\n".join(
                    f"--- {n}: {self._proc(n).ready_url} not 200 (last status "
                    f"{_http_status(self._proc(n).ready_url or '')}); last lines of its log:\n{self._proc(n).log_tail()}"
                    for n in sorted(pending)
                )
                raise StackError(f"not ready after {timeout or self.ready_timeout:.0f}s: {', '.join(sorted(pending))}\n{details}")
            time.sleep(0.2)
        # Workers have no HTTP endpoint: give them a moment to fail on bad settings.
        workers = [proc for proc in procs if proc.kind == "worker"]
        if workers:
            time.sleep(0.5)
            for proc in workers:
                if not proc.alive():
                    raise StackError(
                        f"{proc.name} exited with code {proc.returncode}; last lines:\n{proc.log_tail()}"
                    )

    def stop(self) -> None:
        """Stop everything this stack started. Idempotent; safe from atexit and after failures."""
        if self._stopped:
            return
        self._stopped = True
        self._started = False
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        running = [proc for proc in self.processes.values() if proc.popen is not None]
        for proc in running:
            proc.send(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_grace
        try:
            while time.monotonic() < deadline and any(p.alive() or p.group_alive() for p in running):
                for proc in running:
                    proc.wait(0.02)
        except KeyboardInterrupt:
            log.warning("interrupted while stopping; killing the remaining processes")
        for proc in running:
            proc.stop(grace=0)
        if self.drop_databases_on_stop:
            self._cleanup_data()
        if self.redis is not None and self._given_redis is None:
            with contextlib.suppress(Exception):
                self.redis.stop()
        if self.postgres is not None and self._given_postgres is None:
            with contextlib.suppress(Exception):
                self.postgres.stop()
        if self.mode == "dev":
            with contextlib.suppress(OSError):
                state = json.loads((self.state_dir / STATE_FILE).read_text())
                if state.get("pid") == os.getpid():
                    (self.state_dir / STATE_FILE).unlink()
        if self._temp_state and not self.keep_state:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def _cleanup_data(self) -> None:
        if self.postgres is not None:
            for name in self.databases.values():
                try:
                    infra.drop_database(self.postgres.admin_url, name)
                except Exception as exc:  # noqa: BLE001
                    log.warning("could not drop database %s: %s", name, exc)
        if self.redis is not None and not self.redis.owned and self.stream_prefix:
            try:
                import redis as redis_lib

                client = redis_lib.Redis.from_url(self.redis.url, socket_timeout=5)
                try:
                    batch = []
                    for key in client.scan_iter(match=_glob_escape(self.stream_prefix) + "*", count=1000):
                        batch.append(key)
                        if len(batch) >= 500:
                            client.delete(*batch)
                            batch.clear()
                    if batch:
                        client.delete(*batch)
                finally:
                    client.close()
            except Exception as exc:  # noqa: BLE001
                log.warning("could not delete Redis keys %s*: %s", self.stream_prefix, exc)

    def _write_state_file(self) -> None:
        state = {
            "pid": os.getpid(),
            "gateway_url": self.gateway_url,
            "ports": self.ports,
            "databases": {name: self.database_url(name) for name in config.COMPONENTS},
            "admin_url": self.admin_url,
            "redis_url": self.redis_url,
            "stream_prefix": self.stream_prefix,
            "keys_dir": str(self.keys_dir),
        }
        (self.state_dir / STATE_FILE).write_text(json.dumps(state, indent=2))

    # ------------------------------------------------------------------ single processes
    @property
    def process_names(self) -> list[str]:
        return list(self.processes)

    def _proc(self, name: str) -> ManagedProcess:
        try:
            return self.processes[name]
        except KeyError:
            raise KeyError(f"unknown process {name!r}; one of {', '.join(self.processes)}") from None

    def process(self, name: str) -> ManagedProcess:
        return self._proc(name)

    def is_running(self, name: str) -> bool:
        return self._proc(name).alive()

    def start_process(self, name: str, *, wait: bool = True, timeout: float | None = None) -> ManagedProcess:
        """(Re)start one process; with ``wait`` until its /readyz is 200 (APIs) or it keeps running (workers)."""
        proc = self._proc(name)
        if proc.alive():
            raise StackError(f"{name} is already running")
        proc.start()
        if wait:
            self.wait_ready([name], timeout=timeout)
        return proc

    def stop_process(self, name: str, grace: float | None = None) -> int | None:
        """SIGTERM one process (its whole group), SIGKILL after ``grace``; returns its exit code."""
        return self._proc(name).stop(grace=self.stop_grace if grace is None else grace)

    def kill_process(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal one process group, SIGKILL by default (a crash: no clean-up runs)."""
        self._proc(name).kill(sig)

    def restart_process(self, name: str, *, kill: bool = False, wait: bool = True) -> ManagedProcess:
        if kill:
            self.kill_process(name)
        else:
            self.stop_process(name)
        return self.start_process(name, wait=wait)

    def log_tail(self, name: str, lines: int = 40) -> str:
        return self._proc(name).log_tail(lines)

    # ------------------------------------------------------------------ credentials
    def _gateway_cli(self, args: list[str], what: str) -> str:
        argv = [self.python, "-P", "-m", "gateway", *args]
        result = subprocess.run(  # noqa: S603
            argv, env=self.process_env("gateway"), cwd=str(self.state_dir), capture_output=True, text=True,
            timeout=120, check=False, stdin=subprocess.DEVNULL,
        )
        lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
        if result.returncode != 0 or not lines:
            raise StackError(
                f"{what} failed ({result.returncode}): {' '.join(argv)}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
            )
        return lines[-1]

    def create_api_key(
        self,
        scopes: Iterable[str] | str = config.ALL_SCOPES,
        actor: str = "system",
        name: str | None = None,
        org: Iterable[str] | str = (),
    ) -> str:
        """A new API key in the gateway's database (optionally limited to organisation units);
        returns the key itself."""
        scopes = [scopes] if isinstance(scopes, str) else list(scopes)
        org = [org] if isinstance(org, str) else [str(o) for o in org]
        name = name or f"{self.mode}-{actor}-{secrets.token_hex(4)}"
        args = ["keys", "create", "--name", name, "--scopes", ",".join(scopes), "--actor", actor]
        if org:
            args += ["--org", ",".join(org)]
        return self._gateway_cli(args, "creating an API key")

    def mint_token(
        self, roles: Iterable[str] | str, org: Iterable[str] | str = (), sub: str = "dev", ttl: int | None = None
    ) -> str:
        """A staff JWT signed with the stack's token key (the gateway accepts it)."""
        roles = [roles] if isinstance(roles, str) else list(roles)
        org = [org] if isinstance(org, str) else [str(o) for o in org]
        args = ["token", "--sub", sub, "--roles", ",".join(roles)]
        if org:
            args += ["--org", ",".join(org)]
        if ttl is not None:
            args += ["--ttl", str(int(ttl))]
        return self._gateway_cli(args, "minting a token")

    def __repr__(self) -> str:
        return f"<Stack {self.mode} run={self.run_id} gateway={self.gateway_url} state={self.state_dir}>"


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


def read_state(state_dir: Path | None = None) -> dict[str, Any] | None:
    """The running dev stack's addresses (written by ``python -m devstack run``), if it is running."""
    path = (state_dir or default_state_dir()) / STATE_FILE
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return state if infra._pid_alive(state.get("pid")) else None
