"""Running wrk (closed loop: a fixed number of connections, each sending as soon as it got an answer).

Besides its usual ``--latency`` report, wrk runs a tiny Lua ``done()`` hook that prints its
latency histogram as ~120 quantiles, so that several runs of the same target (segments,
interleaved with the other targets to cancel drift) can be merged into one distribution.
Defining only ``done`` keeps wrk on its fast path (no per-request Lua).
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field

from qmbench.cpu import CpuMeter

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([\d.]+)(us|ms|s|m|h)$")
QUANTILES = (
    *[float(q) for q in range(1, 100)],
    99.1, 99.2, 99.3, 99.4, 99.5, 99.6, 99.7, 99.8, 99.9, 99.95, 99.99,
)
_LUA = """
local points = {%s}
done = function(summary, latency, requests)
  local parts = {}
  for _, p in ipairs(points) do parts[#parts + 1] = string.format("%%g:%%d", p, latency:percentile(p)) end
  parts[#parts + 1] = string.format("100:%%d", latency.max)
  io.write("QMBENCH-QUANTILES " .. table.concat(parts, " ") .. "\\n")
end
""" % ", ".join(f"{q:g}" for q in QUANTILES)
REPORTED = (("p50", 50.0), ("p75", 75.0), ("p90", 90.0), ("p99", 99.0), ("p999", 99.9))


class WrkError(RuntimeError):
    pass


@dataclass
class WrkResult:
    label: str
    url: str
    duration_s: float  # as measured by wrk (all segments)
    connections: int
    threads: int
    requests: int = 0
    rps: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)  # p50 p75 p90 p99 p999 max
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=lambda: {"connect": 0, "read": 0, "write": 0, "timeout": 0})
    cpu: dict | None = None  # CPU µs per request per component (see cpu.py)
    segments: int = 1
    repeated_segments: int = 0  # segments measured again because other load disturbed them
    quantiles_ms: dict[float, float] = field(default_factory=dict, repr=False)
    cpu_used: dict | None = field(default=None, repr=False)  # raw CpuMeter.since() figures
    raw: str = field(default="", repr=False)

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())

    @property
    def p50(self) -> float:
        return self.latency_ms.get("p50", float("nan"))

    @property
    def p99(self) -> float:
        return self.latency_ms.get("p99", float("nan"))

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("raw", "quantiles_ms", "cpu_used"):
            data.pop(key)
        data["errors"] = self.errors
        return data


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkError("wrk is not installed (Debian: apt-get install -y wrk)")
    return path


def wrk_version() -> str:
    result = subprocess.run([wrk_binary(), "--version"], capture_output=True, text=True, check=False)
    text = (result.stdout or result.stderr or "?").splitlines()[0]
    match = re.search(r"wrk\s+(\S+)", text)
    return f"wrk {match.group(1)}" if match else text.strip()


def _ms(text: str) -> float:
    match = _DURATION.match(text.strip())
    if not match:
        raise WrkError(f"cannot parse wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse(output: str, result: WrkResult) -> WrkResult:
    """Fill ``result`` from wrk's report (with ``--latency`` and the quantile hook)."""
    result.raw = output
    match = re.search(r"^\s*(\d+) requests in ([\d.]+\w+)", output, re.M)
    if not match:
        raise WrkError(f"wrk printed no request count:\n{output}")
    result.requests = int(match.group(1))
    result.duration_s = _ms(match.group(2)) / 1000
    match = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not match:
        raise WrkError(f"wrk printed no Requests/sec:\n{output}")
    result.rps = float(match.group(1))
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result.non_2xx = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        result.socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups()), strict=True))
    match = re.search(r"^QMBENCH-QUANTILES (.*)$", output, re.M)
    if match:
        result.quantiles_ms = {float(q): int(us) / 1000 for q, us in (item.split(":") for item in match.group(1).split())}
        result.latency_ms = _reported(result.quantiles_ms)
    else:  # no hook output (an old wrk?): wrk's own --latency distribution
        for pct, value in re.findall(r"^\s*(50|75|90|99)%\s+(\S+)\s*$", output, re.M):
            result.latency_ms[f"p{pct}"] = _ms(value)
    if "p50" not in result.latency_ms or "p99" not in result.latency_ms:
        raise WrkError(f"wrk printed no latency distribution:\n{output}")
    return result


def _reported(quantiles: dict[float, float]) -> dict[str, float]:
    out = {name: round(quantiles[q], 3) for name, q in REPORTED if q in quantiles}
    out["max"] = round(quantiles.get(100.0, max(quantiles.values())), 3)
    return out


def merge_quantiles(parts: list[tuple[int, dict[float, float]]]) -> dict[float, float]:
    """Quantiles of the union of several runs, each given as (requests, its quantiles).

    Each quantile point stands for the requests between it and the point below; the points of
    all runs, weighted by their run's request count, are pooled and read off again.
    """
    pooled: list[tuple[float, float]] = []
    for requests, quantiles in parts:
        previous = 0.0
        for q in sorted(quantiles):
            pooled.append((quantiles[q], requests * (q - previous) / 100))
            previous = q
    pooled.sort()
    total = sum(weight for _, weight in pooled) or 1.0
    merged: dict[float, float] = {}
    cumulative, index = 0.0, 0
    for q in (*QUANTILES, 100.0):
        target = total * q / 100
        while index < len(pooled) - 1 and cumulative + pooled[index][1] < target - 1e-9:
            cumulative += pooled[index][1]
            index += 1
        merged[q] = pooled[index][0] if pooled else float("nan")
    merged[100.0] = max(value for value, _ in pooled) if pooled else float("nan")
    return merged


def combine(segments: list["WrkResult"], label: str) -> "WrkResult":
    """One result from several segments of the same target."""
    first = segments[0]
    result = WrkResult(label=label, url=first.url, duration_s=round(sum(s.duration_s for s in segments), 3),
                       connections=first.connections, threads=first.threads, segments=len(segments))
    result.requests = sum(s.requests for s in segments)
    result.rps = round(result.requests / result.duration_s, 1) if result.duration_s else 0.0
    result.non_2xx = sum(s.non_2xx for s in segments)
    result.socket_errors = {k: sum(s.socket_errors.get(k, 0) for s in segments) for k in first.socket_errors}
    if all(s.quantiles_ms for s in segments):
        result.quantiles_ms = merge_quantiles([(s.requests, s.quantiles_ms) for s in segments])
        result.latency_ms = _reported(result.quantiles_ms)
    else:  # request-weighted means of the segments' percentiles (approximate)
        keys = set.intersection(*(set(s.latency_ms) for s in segments))
        result.latency_ms = {k: round(sum(s.latency_ms[k] * s.requests for s in segments) / max(1, result.requests), 3)
                             for k in keys}
    used = [s.cpu_used for s in segments if s.cpu_used]
    if len(used) == len(segments):
        total = {"wall_s": sum(u["wall_s"] for u in used), "machine_busy_s": sum(u["machine_busy_s"] for u in used),
                 "cores": used[0]["cores"], "seconds": {}}
        for u in used:
            for name, sec in u["seconds"].items():
                total["seconds"][name] = total["seconds"].get(name, 0.0) + sec
        result.cpu_used = total
        result.cpu = CpuMeter.per_request(total, result.requests)
    return result


_script_path: str | None = None


def _script() -> str:
    global _script_path
    if _script_path is None or not os.path.exists(_script_path):
        handle, _script_path = tempfile.mkstemp(prefix="qmbench-", suffix=".lua")
        with os.fdopen(handle, "w") as fh:
            fh.write(_LUA)
    return _script_path


def _script_with(lua: str) -> str:
    """A script of the caller's Lua (e.g. a ``request`` function building POSTs) plus the quantile hook."""
    handle, path = tempfile.mkstemp(prefix="qmbench-", suffix=".lua")
    with os.fdopen(handle, "w") as fh:
        fh.write(lua + "\n" + _LUA)
    return path


def run_wrk(label: str, url: str, headers: dict[str, str], *, duration: float, connections: int, threads: int,
            meter: CpuMeter | None = None, timeout_s: float = 5.0, lua: str | None = None) -> WrkResult:
    """``lua``: extra script (a ``request`` function) for requests other than a plain GET; it leaves
    wrk's fast path, so the generator costs more CPU per request (its share is in the CPU table)."""
    script = _script_with(lua) if lua else _script()
    try:
        return _run_wrk(label, url, headers, duration=duration, connections=connections, threads=threads, meter=meter,
                        timeout_s=timeout_s, script=script)
    finally:
        if lua:
            os.unlink(script)


def _run_wrk(label: str, url: str, headers: dict[str, str], *, duration: float, connections: int, threads: int,
             meter: CpuMeter | None, timeout_s: float, script: str) -> WrkResult:
    argv = [wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", f"--timeout={timeout_s:g}s",
            "--latency", "-s", script]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    result = WrkResult(label=label, url=url, duration_s=duration, connections=connections, threads=threads)
    snapshot = meter.snapshot() if meter else None
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        out, err = proc.communicate(timeout=duration + 60)
    except BaseException:
        # Ctrl-C, SIGTERM or a hang: never leave wrk running.
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        raise
    cpu_used = meter.since(snapshot) if meter and snapshot is not None else None
    if proc.returncode != 0:
        raise WrkError(f"wrk exited {proc.returncode}: {' '.join(argv[:6])} ...\n{out}\n{err}")
    parse(out, result)
    if cpu_used is not None:
        result.cpu_used = cpu_used
        result.cpu = CpuMeter.per_request(cpu_used, result.requests)
    return result


def cleanup() -> None:
    if _script_path is not None:
        try:
            os.unlink(_script_path)
        except OSError:
            pass
