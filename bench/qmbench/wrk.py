"""Running wrk (closed loop: a fixed number of connections, each sending as soon as it got an answer)."""

import re
import shutil
import signal
import subprocess
from dataclasses import asdict, dataclass, field

from qmbench.cpu import CpuMeter

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([\d.]+)(us|ms|s|m|h)$")


class WrkError(RuntimeError):
    pass


@dataclass
class WrkResult:
    label: str
    url: str
    duration_s: float
    connections: int
    threads: int
    requests: int = 0
    rps: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)  # p50 p75 p90 p99, mean, stdev, max
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=lambda: {"connect": 0, "read": 0, "write": 0, "timeout": 0})
    cpu: dict | None = None  # CPU µs per request per component (see cpu.py)
    attempts: int = 1  # 2 when a noisy measurement was repeated
    raw: str = ""

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
        data.pop("raw")
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
    """Fill ``result`` from wrk's ``--latency`` report."""
    result.raw = output
    match = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", output, re.M)
    if match:
        result.latency_ms["mean"] = _ms(match.group(1))
        result.latency_ms["stdev"] = _ms(match.group(2))
        result.latency_ms["max"] = _ms(match.group(3))
    for pct, value in re.findall(r"^\s*(50|75|90|99)%\s+(\S+)\s*$", output, re.M):
        result.latency_ms[f"p{pct}"] = _ms(value)
    match = re.search(r"^\s*(\d+) requests in ([\d.]+)(\w+)", output, re.M)
    if not match:
        raise WrkError(f"wrk printed no request count:\n{output}")
    result.requests = int(match.group(1))
    match = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not match:
        raise WrkError(f"wrk printed no Requests/sec:\n{output}")
    result.rps = float(match.group(1))
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result.non_2xx = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        result.socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups()), strict=True))
    if "p50" not in result.latency_ms or "p99" not in result.latency_ms:
        raise WrkError(f"wrk printed no latency distribution:\n{output}")
    return result


def run_wrk(label: str, url: str, headers: dict[str, str], *, duration: float, connections: int, threads: int,
            meter: CpuMeter | None = None, timeout_s: float = 5.0) -> WrkResult:
    argv = [wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", f"--timeout={timeout_s:g}s", "--latency"]
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
        result.cpu = CpuMeter.per_request(cpu_used, result.requests)
    return result
