"""CPU accounting per component during a measurement: where the machine's two cores went.

Components are process trees (the gateway supervisor and its workers, a service API, ...), plus
every ``postgres`` and ``redis-server`` process on the machine (shared servers, so they include
anything else using them), the load generator (wrk: our reaped children; or this process for the
Python generators), and "other" = the machine's process time minus all of those; plus the kernel's interrupt time (mostly
loopback networking, part of the workload) and steal (time the hypervisor gave to other VMs). A
large "other" or "steal" means something outside the benchmark competed for the CPU and the
figures are noisy.
"""

import os
import resource
import time
from dataclasses import dataclass

import psutil

_SHARED = {"postgres": ("postgres",), "redis": ("redis-server",)}
_FOREIGN = "postgres (other databases)"  # folded into "other"


def _busy(times) -> float:
    return times.user + times.nice + times.system + getattr(times, "irq", 0.0) + getattr(times, "softirq", 0.0) + getattr(times, "steal", 0.0)


def _proc_cpu(proc: psutil.Process) -> tuple[float, float] | None:
    """(own CPU seconds, CPU seconds of its children that it has reaped)."""
    try:
        times = proc.cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    return times.user + times.system, getattr(times, "children_user", 0.0) + getattr(times, "children_system", 0.0)


@dataclass
class Snapshot:
    wall: float
    machine: object  # psutil.cpu_times()
    per_pid: dict[int, tuple[str, float, float]]  # pid -> (component, own CPU, reaped children's CPU)
    children: float
    self_cpu: float


class CpuMeter:
    def __init__(self, roots: dict[str, list[int]], databases: tuple[str, ...] = ()) -> None:
        """``roots``: component name -> pids whose whole process trees belong to it.

        ``databases``: this stack's database names. A PostgreSQL backend serving another database
        (someone else's tests on the shared server) counts as "other"; the server's own
        processes and backends that ended during the window count as "postgres".
        """
        self.roots = roots
        self.databases = tuple(databases)

    def _processes(self) -> dict[int, str]:
        owner: dict[int, str] = {}
        for name, pids in self.roots.items():
            for pid in pids:
                try:
                    root = psutil.Process(pid)
                    owner[pid] = name
                    for child in root.children(recursive=True):
                        owner[child.pid] = name
                except psutil.NoSuchProcess:
                    continue
        for proc in psutil.process_iter(["name", "cmdline"]):
            for name, names in _SHARED.items():
                if proc.info["name"] in names:
                    if name == "postgres" and self.databases and not self._ours(proc.info["cmdline"]):
                        name = _FOREIGN
                    owner.setdefault(proc.pid, name)
        return owner

    def _ours(self, cmdline: list[str] | None) -> bool:
        """A PostgreSQL server process, or a backend of one of our databases ("postgres: 15/main: user db host")."""
        title = " ".join(cmdline or ())
        if "(" not in title and "[local]" not in title:  # postmaster, checkpointer, walwriter ...
            return True
        return any(f" {db} " in f" {title} " for db in self.databases)

    def snapshot(self) -> Snapshot:
        per_pid: dict[int, tuple[str, float, float]] = {}
        for pid, name in self._processes().items():
            try:
                cpu = _proc_cpu(psutil.Process(pid))
            except psutil.NoSuchProcess:
                cpu = None
            if cpu is not None:
                per_pid[pid] = (name, *cpu)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        me = resource.getrusage(resource.RUSAGE_SELF)
        return Snapshot(
            wall=time.monotonic(), machine=psutil.cpu_times(), per_pid=per_pid,
            children=children.ru_utime + children.ru_stime, self_cpu=me.ru_utime + me.ru_stime,
        )

    def since(self, before: Snapshot) -> dict:
        """CPU seconds per component since ``before`` (and wall seconds, machine busy seconds)."""
        after = self.snapshot()
        used: dict[str, float] = {}
        for pid, (name, cpu, reaped) in after.per_pid.items():
            _, start, start_reaped = before.per_pid.get(pid, (name, 0.0, 0.0))
            used[name] = used.get(name, 0.0) + max(0.0, cpu - start)
            if name in _SHARED:
                # PostgreSQL backends that ended during the window (a connection pool's churn) are
                # only visible as the postmaster's reaped children; their CPU before the window
                # was in ``before`` and is taken off again below. (Those of other databases land
                # here too: they cannot be told apart once gone.)
                used[name] += max(0.0, reaped - start_reaped)
        for pid, (name, cpu, _reaped) in before.per_pid.items():
            if pid not in after.per_pid and name in (*_SHARED, _FOREIGN):
                server = "postgres" if name == _FOREIGN else name
                used[server] = max(0.0, used.get(server, 0.0) - cpu)
        # Reaped children (wrk) and this process (the Python generators, pollers).
        used["load generator"] = max(0.0, after.children - before.children) + max(0.0, after.self_cpu - before.self_cpu)
        a, b = after.machine, before.machine
        machine = _busy(a) - _busy(b)
        processes = (a.user + a.nice + a.system) - (b.user + b.nice + b.system)
        # Interrupt handling (mostly the loopback network's softirqs) belongs to no process but to
        # the workload; steal is time the hypervisor gave to other VMs: noise like "other".
        used["kernel irq"] = max(0.0, (getattr(a, "irq", 0.0) + getattr(a, "softirq", 0.0))
                                 - (getattr(b, "irq", 0.0) + getattr(b, "softirq", 0.0)))
        used["steal"] = max(0.0, getattr(a, "steal", 0.0) - getattr(b, "steal", 0.0))
        used.pop(_FOREIGN, None)  # someone else's database work: part of "other"
        accounted = sum(v for k, v in used.items() if k not in ("kernel irq", "steal"))
        used["other"] = max(0.0, processes - accounted)
        return {"wall_s": after.wall - before.wall, "machine_busy_s": machine, "cores": os.cpu_count(), "seconds": used}

    @staticmethod
    def per_request(used: dict, requests: int) -> dict:
        """µs of CPU per request per component, and each component's share of the machine."""
        wall = used["wall_s"] or 1.0
        cores = used["cores"] or 1
        return {
            "us_per_request": {name: round(sec / max(1, requests) * 1e6, 1) for name, sec in used["seconds"].items()},
            "cores_busy": {name: round(sec / wall, 2) for name, sec in used["seconds"].items()},
            "machine_busy_pct": round(100 * used["machine_busy_s"] / (wall * cores), 1),
        }


def machine_busy(window: float = 0.5) -> float:
    """Share of the machine's CPU busy over ``window`` seconds (0..1)."""
    before = psutil.cpu_times()
    time.sleep(window)
    after = psutil.cpu_times()
    busy = _busy(after) - _busy(before)
    total = busy + (after.idle - before.idle) + (getattr(after, "iowait", 0.0) - getattr(before, "iowait", 0.0))
    return busy / total if total > 0 else 0.0


class QuietGate:
    """Before each measurement, wait (within a total budget) until the machine is nearly idle.

    Other work on the machine (a test run, a build) takes CPU from the processes under test and
    makes the figures meaningless; with the platform idle, busy time is almost all someone else's.
    The same budget pays for re-running a measurement that turned out noisy (``afford``).
    """

    def __init__(self, budget_s: float, threshold: float = 0.15) -> None:
        self.budget = budget_s
        self.threshold = threshold
        self.spent = 0.0
        self.log: list[dict] = []

    @property
    def left(self) -> float:
        return max(0.0, self.budget - self.spent)

    def afford(self, seconds: float, label: str) -> bool:
        """Take ``seconds`` from the budget for a re-run, if they are left."""
        if seconds > self.left:
            return False
        self.spent += seconds
        self.log.append({"rerun": label, "seconds": round(seconds, 1)})
        return True

    def wait(self, label: str) -> float:
        started = time.monotonic()
        busy = machine_busy(0.3)
        while busy > self.threshold and (time.monotonic() - started) < self.left:
            busy = machine_busy(1.0)
        spent = time.monotonic() - started
        self.spent += max(0.0, spent - 0.3)  # the first short look is part of every run
        self.log.append({"before": label, "busy_pct": round(100 * busy, 1), "waited_s": round(spent, 1)})
        return busy
