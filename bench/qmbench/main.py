"""``bench/run.py``: one run of the whole benchmark (see bench/README.md)."""

import argparse
import asyncio
import json
import logging
import os
import platform as py_platform
import signal
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from qmbench import report
from qmbench.cpu import CpuMeter, QuietGate
from qmbench.openloop import open_loop
from qmbench import wrk as wrk_module
from qmbench.wrk import WrkResult, combine, run_wrk, wrk_binary, wrk_version

log = logging.getLogger("bench")

BENCH_DIR = Path(__file__).resolve().parents[1]
REPO = BENCH_DIR.parent

# (name, service, path, gateway/direct throughput target)
ENDPOINTS = (
    ("small GET", "goals", "/goals/v1/unit-types", 0.60),
    ("list (PostgreSQL)", "goals", "/goals/v1/organisation-units?limit=50", 0.85),
)


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of wrk measurement per target (default 10)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleaved segments the duration is split into (direct, gateway, direct, gateway ...)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of wrk warm-up before each measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rate", type=float, default=500.0,
                        help="open-loop rate in req/s (capped at half the slower saturated throughput of the endpoint)")
    parser.add_argument("--open-loop-duration", type=float, default=6.0)
    parser.add_argument("--propagation-count", type=int, default=200)
    parser.add_argument("--propagation-rate", type=float, default=20.0, help="units created per second")
    parser.add_argument("--no-token", action="store_true", help="skip the staff-token (bearer) gateway run")
    parser.add_argument("--skip-open-loop", action="store_true")
    parser.add_argument("--skip-propagation", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.json")
    parser.add_argument("--wait-quiet", type=float, default=30.0,
                        help="total seconds the run may spend waiting for other load on the machine to end and "
                             "re-running measurements it disturbed")
    parser.add_argument("--keep-state", action="store_true", help="keep the stack's state dir (logs) for inspection")
    parser.add_argument("--only-awards", action="store_true",
                        help="run only the awards solver step (no platform) and update its row in --output")
    parser.add_argument("--skip-awards", action="store_true", help="skip the awards solver step")
    parser.add_argument("--only-goals-city", action="store_true",
                        help="run only the goals city step (its own private stack) and update its row in --output")
    parser.add_argument("--skip-goals-city", action="store_true", help="skip the goals city step")
    parser.add_argument("--goals-city-requests", type=int, default=30, help="timed requests per goals city scenario (≥ 30)")
    parser.add_argument("--skip-feedback", action="store_true", help="skip the feedback scenarios (city-scale year, intake, statistics)")
    parser.add_argument("--only-feedback", action="store_true",
                        help="run only the feedback scenarios (the platform, no GET/propagation/awards steps) and update "
                             "their row in --output, others kept")
    parser.add_argument("--feedback-cases", type=int, default=200_000, help="cases in the generated feedback year")
    parser.add_argument("--feedback-propagation-rate", type=float, default=200.0, help="cases per second (propagation to goals)")
    parser.add_argument("--feedback-propagation-duration", type=float, default=5.0, help="seconds of cases (propagation to goals)")
    parser.add_argument("--feedback-skip-intake", action="store_true",
                        help="skip the feedback intake measurement (wrk and open loop), e.g. to measure propagation alone")
    parser.add_argument("--feedback-propagation-also", type=float, default=None,
                        help="cases per second of the second (context) propagation run, instead of half the intake's throughput")
    parser.add_argument("--skip-awards-exam", action="store_true", help="skip the awards quality-report and search step")
    parser.add_argument("--only-awards-exam", action="store_true",
                        help="start the platform, run only the awards quality-report and search step, update its row in --output")
    parser.add_argument("--awards-exam-search-duration", type=float, default=10.0, help="seconds of open-loop search")
    args = parser.parse_args(argv)
    if args.rounds < 1 or not 1 <= args.duration / args.rounds <= 55 or not 1 <= args.warmup <= 55:
        parser.error("a segment (--duration / --rounds) and the warm-up must each be 1-55 s "
                     "(the direct calls' assertion, minted before each, lives 60 s)")
    # wrk takes whole seconds.
    args.segment = max(1, round(args.duration / args.rounds))
    args.duration = args.segment * args.rounds
    args.warmup = max(1, round(args.warmup))
    return args


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return py_platform.processor() or "?"


def _python_speed() -> float:
    """ns per iteration of a pure-Python loop: how fast this machine (VM) runs Python right now."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(300_000):
            total += i
        best = min(best, (time.process_time() - started) / 300_000 * 1e9)
    return round(best, 1)


def _meta(args: argparse.Namespace) -> dict:
    return {
        "python_loop_ns_per_iteration": _python_speed(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "cpu": _cpu_model(), "cores": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": py_platform.python_version(), "wrk": wrk_version(),
        "settings": {
            "duration_s": args.duration, "rounds": args.rounds, "warmup_s": args.warmup, "connections": args.connections, "threads": args.threads,
            "open_loop_rate_cap": args.rate, "open_loop_duration_s": args.open_loop_duration,
            "propagation_count": args.propagation_count, "propagation_rate": args.propagation_rate,
        },
    }


def _on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _step(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)


def _other_cores(cpu: dict | None) -> float:
    """Cores taken by anything outside the benchmark: other processes and the hypervisor (steal)."""
    cores = (cpu or {}).get("cores_busy") or {}
    return cores.get("other", 0.0) + cores.get("steal", 0.0)


def _disturbed(cpu: dict | None) -> str | None:
    """Why a measurement is not trustworthy, if it is not: other processes or hypervisor steal."""
    cores = (cpu or {}).get("cores_busy") or {}
    other, steal = cores.get("other", 0.0), cores.get("steal", 0.0)
    reasons = []
    if other > NOISE_CORES:
        reasons.append(f"other processes took {other:.2f} cores")
    if steal > STEAL_CORES:
        reasons.append(f"the hypervisor stole {steal:.2f} cores")
    return " and ".join(reasons) or None


def _measure_endpoint(name: str, targets: list, args: argparse.Namespace, meter, gate: QuietGate,
                      started: float, lua: str | None = None) -> dict[str, tuple[WrkResult, list[WrkResult], WrkResult]]:
    """Every target of one endpoint: a warm-up each, then ``--rounds`` interleaved segments (A B A B).

    Interleaving spreads each target's measurement over the same stretch of time, so a drift of
    the machine's speed (other VMs on the host) hits direct and gateway alike instead of whichever
    ran first. Headers are built right before each run (fresh assertions for the direct calls).
    A segment during which other processes took more than NOISE_CORES is measured again (after
    waiting for quiet) while the run's slack allows; the less disturbed attempt counts.
    Returns via -> (combined result, every attempt, warm-up).
    """
    warmups = {}
    for via, url, headers_fn in targets:
        warmups[via] = run_wrk(f"{name} / {via} warm-up", url, headers_fn(), duration=args.warmup,
                               connections=args.connections, threads=args.threads, lua=lua)
    segment = args.segment
    segments: dict[str, list[WrkResult]] = {via: [] for via, _, _ in targets}
    attempts: dict[str, list[WrkResult]] = {via: [] for via, _, _ in targets}
    repeated: dict[str, int] = {via: 0 for via, _, _ in targets}
    for round_ in range(args.rounds):
        for via, url, headers_fn in targets:
            label = f"{name} / {via} [{round_ + 1}/{args.rounds}]"

            def measure(label=label, url=url, headers_fn=headers_fn) -> WrkResult:
                gate.wait(label)
                return run_wrk(label, url, headers_fn(), duration=segment, connections=args.connections,
                               threads=args.threads, meter=meter, lua=lua)

            result = measure()
            attempts[via].append(result)
            if _disturbed(result.cpu) and gate.afford(segment + 0.5, label):
                _step(f"{label}: {_disturbed(result.cpu)}; measuring again", started)
                again = measure()
                attempts[via].append(again)
                result = min((result, again), key=lambda r: _other_cores(r.cpu))
                repeated[via] += 1
            segments[via].append(result)
    out = {}
    for via, _, _ in targets:
        result = combine(segments[via], name)
        result.repeated_segments = repeated[via]
        flag = "" if result.errors == 0 else f"  !! {result.non_2xx} non-2xx, socket errors {result.socket_errors}"
        _step(f"{name} / {via}: {result.rps:,.0f} req/s, p50 {result.p50:.2f} ms, p99 {result.p99:.2f} ms{flag}", started)
        out[via] = (result, attempts[via], warmups[via])
    return out


def _open_loop_measure(label: str, url: str, headers_fn, rate: float, args: argparse.Namespace, meter,
                       gate: QuietGate):
    def once():
        gate.wait(label)
        snapshot = meter.snapshot()
        result = _run(open_loop(label, url, headers_fn(), rate=rate, duration=args.open_loop_duration))
        result.cpu = CpuMeter.per_request(meter.since(snapshot), max(1, result.completed))
        return result

    attempts = [once()]
    if _disturbed(attempts[0].cpu) and gate.afford(args.open_loop_duration + 1.5, label):
        attempts.append(once())
    result = min(attempts, key=lambda r: _other_cores(r.cpu))
    result.attempts = len(attempts)
    return result


def _awards_only(args: argparse.Namespace) -> int:
    """Measure the awards step alone and put its row into the existing results (others' rows kept)."""
    from qmbench import awards_solver

    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    row = awards_solver.measure()
    row["meta"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "git_commit": _git("rev-parse", "--short", "HEAD"),
        "cpu": _cpu_model(), "cores": os.cpu_count(), "python": py_platform.python_version(),
    }
    results["awards_solver"] = row
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("\n".join(awards_solver.markdown(results["awards_solver"])))
    return 0 if results["awards_solver"]["met"] else 1


def _goals_city_only(args: argparse.Namespace) -> int:
    """Measure the goals city step alone (own stack) and put its row into the existing results."""
    from qmbench import goals_city

    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    row = goals_city.measure(requests=args.goals_city_requests)
    row["meta"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "git_commit": _git("rev-parse", "--short", "HEAD"),
        "cpu": _cpu_model(), "cores": os.cpu_count(), "python": py_platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    results["goals_city"] = row
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("\n".join(goals_city.markdown(row)))
def _awards_exam_only(args: argparse.Namespace) -> int:
    """Start the platform, measure the awards examination step alone, keep the other rows of the results."""
    from qmbench import awards_exam, platform

    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    stack = platform.start_stack(keep_state=args.keep_state)
    try:
        row = awards_exam.measure(stack, platform.Credentials(stack), search_duration=args.awards_exam_search_duration)
    finally:
        stack.stop()
    row["meta"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "git_commit": _git("rev-parse", "--short", "HEAD"),
        "cpu": _cpu_model(), "cores": os.cpu_count(), "python": py_platform.python_version(),
    }
    results["awards_exam"] = row
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("\n".join(awards_exam.markdown(row)))
    return 0 if row["met"] else 1


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if args.only_awards:
        return _awards_only(args)
    if args.only_goals_city:
        return _goals_city_only(args)
    if args.only_awards_exam:
        return _awards_exam_only(args)
    signal.signal(signal.SIGTERM, _on_sigterm)
    wrk_binary()  # fail before starting anything if wrk is missing

    from qmbench import platform

    started = time.monotonic()
    results: dict = {"meta": _meta(args), "throughput": [], "ratios": [], "open_loop": [], "propagation": None,
                     "warmup_errors": [], "problems": []}
    stack = None
    exit_code = 0
    try:
        _step("starting the platform (make run's worker counts, own ports/databases/stream prefix)", started)
        stack = platform.start_stack(keep_state=args.keep_state)
        results["meta"]["workers"] = dict(stack.workers)
        results["meta"]["platform_start_s"] = round(time.monotonic() - started, 1)
        creds = platform.Credentials(stack)
        _step(f"platform up at {stack.gateway_url}; loading the demo city through the gateway", started)
        load = _run(platform.load_city(stack, creds))
        catch_up = _run(platform.wait_for_read_models(stack))
        load["read_models_caught_up_after_s"] = round(catch_up, 1)
        results["data"] = load
        _step(f"loaded {load['units']} units in {load['seconds']}s ({load['source']}); read models caught up "
              f"{catch_up:.1f}s later", started)
        meter = platform.cpu_meter(stack)
        gate = QuietGate(args.wait_quiet)
        results["quiet_gate"] = gate.log

        by_key: dict[tuple[str, str], WrkResult] = {}
        for name, service, path, target in () if args.only_feedback else ENDPOINTS:
            direct_url = stack.service_url(service) + path
            gateway_url = stack.gateway_url + path
            runs = [
                ("direct", direct_url, lambda service=service: creds.direct_headers(service)),
                ("gateway (API key)", gateway_url, creds.key_headers),
            ]
            if not args.no_token and name == ENDPOINTS[0][0]:
                runs.append(("gateway (staff token)", gateway_url, creds.token_headers))
            for via, (result, attempts, warm) in _measure_endpoint(name, runs, args, meter, gate, started).items():
                results["throughput"].append({"endpoint": name, "path": path, "via": via, **result.as_dict()})
                if warm.errors:
                    results["warmup_errors"].append({"endpoint": name, "via": via, "non_2xx": warm.non_2xx,
                                                     "socket_errors": warm.socket_errors})
                for attempt in attempts:
                    if attempt.errors:
                        results["problems"].append(
                            f"{name} / {via}: {attempt.non_2xx} non-2xx, socket errors {attempt.socket_errors}")
                by_key[(name, via)] = result
            direct = by_key[(name, "direct")]
            for via in ("gateway (API key)", "gateway (staff token)"):
                gw = by_key.get((name, via))
                if gw is None:
                    continue
                ratio = gw.rps / direct.rps if direct.rps else 0.0
                results["ratios"].append({
                    "endpoint": name, "via": via, "direct_rps": direct.rps, "gateway_rps": gw.rps, "ratio": round(ratio, 3),
                    "target": target, "met": ratio >= target,
                    "p50_added_ms": round(gw.p50 - direct.p50, 3), "p99_added_ms": round(gw.p99 - direct.p99, 3),
                    **_cpu_view(direct, gw, f"{service}-api"),
                })

        if not args.skip_open_loop and not args.only_feedback:
            for name, service, path, _target in ENDPOINTS:
                direct, gw = by_key[(name, "direct")], by_key[(name, "gateway (API key)")]
                rate = max(10.0, min(args.rate, round(0.5 * min(direct.rps, gw.rps), -1)))
                for via, url, headers_fn in (
                    ("direct", stack.service_url(service) + path, lambda service=service: creds.direct_headers(service)),
                    ("gateway (API key)", stack.gateway_url + path, creds.key_headers),
                ):
                    result = _open_loop_measure(f"open loop {name} / {via}", url, headers_fn, rate, args, meter, gate)
                    entry = {"endpoint": name, "path": path, "via": via, **result.as_dict()}
                    results["open_loop"].append(entry)
                    if result.bad or result.completed < result.sent:
                        results["problems"].append(f"open loop {name} / {via}: {result.statuses} errors {result.errors} "
                                                   f"({result.completed}/{result.sent} completed)")
                    lat = result.latency_ms
                    _step(f"open loop {name} / {via} at {rate:.0f}/s: p50 {lat.get('p50', float('nan')):.2f} ms, "
                          f"p99 {lat.get('p99', float('nan')):.2f} ms", started)

        if not args.skip_propagation and not args.only_feedback:
            _step(f"propagation: creating {args.propagation_count} units at {args.propagation_rate:g}/s through the gateway",
                  started)
            from qmbench import propagation

            gate.wait("propagation")
            snapshot = meter.snapshot()
            prop = _run(propagation.measure(
                gateway_url=stack.gateway_url, key_headers=creds.key_headers(), parent_id=load["parent_id"],
                dsns={name: platform.dsn(stack, name) for name in ("goals", *platform.READ_MODELS)},
                read_models=platform.READ_MODELS,
                service_urls={name: stack.service_url(name) for name in platform.READ_MODELS},
                direct_headers=creds.direct_headers, count=args.propagation_count, rate=args.propagation_rate,
            ))
            prop["cpu"] = CpuMeter.per_request(meter.since(snapshot), max(1, prop["created"]))
            results["propagation"] = prop
            if prop["failure_count"] or prop["confirmed_via_api"]["not_200"]:
                results["problems"].append(f"propagation: {prop['failure_count']} failures, e.g. {prop['failures'][:3]}")
            allm = prop["visible_ms"]["all_three"]
            _step(f"propagation (all three read models): p50 {allm.get('p50')} ms, p95 {allm.get('p95')} ms, "
                  f"max {allm.get('max')} ms", started)
        if not args.skip_feedback:
            from qmbench import feedback_bench

            results["feedback"] = feedback_bench.measure(
                stack=stack, creds=creds, args=args, meter=meter, gate=gate, step=lambda message: _step(message, started),
                run=_run, measure_endpoint=lambda name, targets, args, meter, gate, lua: _measure_endpoint(
                    name, targets, args, meter, gate, started, lua=lua),
            )
            results["problems"].extend(results["feedback"]["problems"])
        if not args.skip_awards_exam and not args.only_feedback:
            from qmbench import awards_exam

            _step("awards: quality report of a generated 200-application round, search of 10,000 good examples", started)
            gate.wait("awards exam")
            results["awards_exam"] = awards_exam.measure(stack, creds, search_duration=args.awards_exam_search_duration)
            if not results["awards_exam"]["met"]:
                results["problems"].append(f"awards exam missed its targets: {results['awards_exam']['result']}")
    except KeyboardInterrupt:
        print("\ninterrupted; stopping the platform", file=sys.stderr)
        results["problems"].append("interrupted")
        exit_code = 130
    except Exception as exc:  # noqa: BLE001 - reported, then the platform is stopped
        traceback.print_exc()
        results["problems"].append(f"failed: {type(exc).__name__}: {exc}")
        if stack is not None:
            for proc_name, proc in stack.processes.items():
                if proc.popen is not None and not proc.alive():
                    print(f"--- {proc_name} exited {proc.returncode}:\n{proc.log_tail(30)}", file=sys.stderr)
        exit_code = 1
    finally:
        if stack is not None:
            stopping = time.monotonic()
            try:
                stack.stop()
            except KeyboardInterrupt:
                stack.stop()
            _step(f"platform stopped ({time.monotonic() - stopping:.1f}s)", started)
        wrk_module.cleanup()

    if not args.skip_awards and not args.only_feedback and exit_code == 0:
        from qmbench import awards_solver

        _step("awards: proposing examiner teams for a generated 200 × 300 round (no platform needed)", started)
        results["awards_solver"] = awards_solver.measure()
        if not results["awards_solver"]["met"]:
            results["problems"].append(f"awards solver missed its target: {results['awards_solver']['result']}")

    if not args.skip_goals_city and exit_code == 0:
        from qmbench import goals_city

        _step("goals: the generated city (own stack): roll-up, report, comparison index, Kolada import", started)
        try:
            results["goals_city"] = goals_city.measure(requests=args.goals_city_requests)
        except Exception as exc:  # noqa: BLE001 - reported as a problem of the run
            traceback.print_exc()
            results["problems"].append(f"goals city failed: {type(exc).__name__}: {exc}")
        else:
            if not results["goals_city"]["met"]:
                missed = [row["scenario"] for row in results["goals_city"]["rows"] if row.get("met") is False]
                results["problems"].append(f"goals city missed its targets: {', '.join(missed)}")

    results["meta"]["python_loop_ns_per_iteration_at_end"] = _python_speed()
    results["meta"]["runtime_s"] = round(time.monotonic() - started, 1)
    results["noise"] = _noise(results)
    results["valid"] = exit_code == 0 and not results["problems"]
    if args.only_feedback and args.output.exists():  # the other steps' rows from the last full run stay
        kept = json.loads(args.output.read_text())
        kept["feedback"] = results.get("feedback") | {"meta": results["meta"], "valid": results["valid"]}
        results_to_write = kept
    else:
        results_to_write = results
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results_to_write, indent=2, default=str) + "\n")
    print(report.markdown(results))
    if results.get("awards_exam"):
        from qmbench import awards_exam

        print("\n".join(awards_exam.markdown(results["awards_exam"])))
    print(f"\nresults: {args.output}", file=sys.stderr)
    if results["noise"]:
        print("\nNOISY MACHINE (figures unreliable; re-run when it is idle):\n  " + "\n  ".join(results["noise"]),
              file=sys.stderr)
    if results["problems"]:
        print("\n" + "!" * 78 + "\nINVALID RESULTS:\n  " + "\n  ".join(results["problems"]) + "\n" + "!" * 78, file=sys.stderr)
        return exit_code or 1
    return 0


NOISE_CORES = 0.2  # other processes in the VM
STEAL_CORES = 0.3  # time the hypervisor gave to other VMs (some is always there)


def _cpu_view(direct: WrkResult, gw: WrkResult, service_process: str) -> dict:
    """The same comparison from CPU accounting, which other load on the machine disturbs far less.

    ``gateway_us``: the edge's CPU per request; ``edge_share``: its part of all CPU the request
    cost (service + PostgreSQL + gateway). ``ratio_per_service_core``: throughput per core the
    service actually got, gateway vs direct; with one service worker as the bottleneck, that is
    what the ratio would be if nothing else competed for the CPU.
    """
    if not direct.cpu or not gw.cpu:
        return {}
    d_us, g_us = direct.cpu["us_per_request"], gw.cpu["us_per_request"]
    d_cores, g_cores = direct.cpu["cores_busy"], gw.cpu["cores_busy"]
    gateway_us = g_us.get("gateway", 0.0)
    request_us = g_us.get(service_process, 0.0) + g_us.get("postgres", 0.0) + gateway_us
    per_core_direct = direct.rps / d_cores[service_process] if d_cores.get(service_process) else 0.0
    per_core_gw = gw.rps / g_cores[service_process] if g_cores.get(service_process) else 0.0
    return {
        "service_us_direct": d_us.get(service_process), "service_us_gateway": g_us.get(service_process),
        "gateway_us": gateway_us, "edge_share": round(gateway_us / request_us, 3) if request_us else None,
        "service_cores_direct": d_cores.get(service_process), "service_cores_gateway": g_cores.get(service_process),
        "ratio_per_service_core": round(per_core_gw / per_core_direct, 3) if per_core_direct else None,
    }


def _noise(results: dict) -> list[str]:
    """Measurements disturbed by other processes or by the hypervisor (see _disturbed)."""
    noisy = []
    for kind in ("throughput", "open_loop"):
        for r in results.get(kind) or []:
            why = _disturbed(r.get("cpu"))
            if why:
                noisy.append(f"{r['endpoint']} / {r['via']}{' (open loop)' if kind == 'open_loop' else ''}: {why}")
    why = _disturbed((results.get("propagation") or {}).get("cpu"))
    if why:
        noisy.append(f"propagation: {why}")
    return noisy


def _run(coro):
    """Run ``coro`` on uvloop (what the platform's processes use), else asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)
