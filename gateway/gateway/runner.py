"""Processes: one worker in-process, or a supervisor with N workers on one port (SO_REUSEPORT).

With SO_REUSEPORT each worker has its own listening socket and the kernel spreads connections
evenly; a shared accept socket would let whichever worker wakes first take whole bursts of
connections. Because SO_REUSEPORT would also let a second gateway silently join a port that one
already serves, the supervisor first checks the port with a plain bind.

SIGTERM/SIGINT: workers stop accepting, finish in-flight requests (``shutdown_grace_seconds``)
and exit; the supervisor forwards the signal and waits for them. A worker that dies on its own is
restarted; one that keeps dying at start-up ends the supervisor with an error.
"""

import asyncio
import gc
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from multiprocessing.connection import wait

import uvloop
from servicekit.logging import configure_logging

from gateway.app import Gateway
from gateway.config import GatewaySettings
from gateway.metrics import METRICS_DIR_ENV

log = logging.getLogger("gateway.runner")

GC_THRESHOLD = 20_000
FAST_FAILURE_SECONDS = 3.0
MAX_FAST_FAILURES = 3


def run(settings: GatewaySettings | None = None) -> int:
    """Serve until SIGTERM/SIGINT; the process exit code."""
    settings = settings or GatewaySettings()
    configure_logging("gateway", settings.log_level)
    if settings.workers <= 1:
        uvloop.run(_serve(settings, reuse_port=False))
        return 0
    return _supervise(settings)


async def _serve(settings: GatewaySettings, reuse_port: bool) -> None:
    gateway = Gateway(settings)
    await gateway.start(reuse_port=reuse_port)
    # Everything allocated so far lives as long as the process: keep it out of the collector's
    # scans, and collect young objects less often (per-request garbage is freed by refcounting;
    # the default threshold of 700 made the cyclic collector a few per cent of proxy CPU).
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping")
    await gateway.stop()


def _worker(settings: GatewaySettings) -> None:
    # Forked with the supervisor's handlers; until the loop installs its own, signals end us.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    configure_logging("gateway", settings.log_level)
    uvloop.run(_serve(settings, reuse_port=True))


def _check_port_free(host: str, port: int) -> None:
    if port == 0:
        raise ValueError("several workers need a fixed GATEWAY_PORT")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise OSError(exc.errno, f"{host}:{port} is already in use") from None


def _supervise(settings: GatewaySettings) -> int:
    _check_port_free(settings.host, settings.port)
    metrics_dir = tempfile.mkdtemp(prefix="qm-gateway-metrics-")
    os.environ[METRICS_DIR_ENV] = metrics_dir
    # fork: the supervisor has no event loop or threads yet, and workers start in milliseconds.
    context = multiprocessing.get_context("fork")
    stopping = False

    def on_signal(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def spawn() -> tuple[multiprocessing.Process, float]:
        process = context.Process(target=_worker, args=(settings,), name="gateway-worker", daemon=False)
        process.start()
        return process, time.monotonic()

    workers = [spawn() for _ in range(settings.workers)]
    log.info("supervising workers", extra={"workers": settings.workers, "port": settings.port})
    fast_failures = 0
    exit_code = 0
    try:
        while not stopping:
            wait([process.sentinel for process, _ in workers], timeout=0.5)
            for index, (process, started) in enumerate(workers):
                if process.is_alive() or stopping:
                    continue
                log.error("worker exited; restarting", extra={"pid": process.pid, "exitcode": process.exitcode})
                fast_failures = fast_failures + 1 if time.monotonic() - started < FAST_FAILURE_SECONDS else 0
                if fast_failures >= MAX_FAST_FAILURES:
                    log.error("workers keep failing at start-up; giving up")
                    stopping, exit_code = True, 1
                    break
                workers[index] = spawn()
    finally:
        for process, _ in workers:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + settings.shutdown_grace_seconds + 5
        for process, _ in workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        shutil.rmtree(metrics_dir, ignore_errors=True)
    return exit_code
