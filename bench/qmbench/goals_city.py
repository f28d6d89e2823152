"""The goals step: reads and an import on ``python -m goals generate``'s city, through the gateway.

Starts its own private stack (fresh, migrated databases; no demo), writes the generated city
(30 committees, 3,000 units, 30,000 commitments with T1/T2/VB follow-ups, 200 indicators with
~338,000 values) into its goals database with the generator's COPY, then times, one request at a
time after a warm-up, at least ``requests`` requests per scenario (p50 / p99):

- the whole city's roll-up for 2015-VB, computed live (target p99 ≤ 500 ms);
- one committee's annual report, live JSON and XLSX (≤ 200 ms / ≤ 2 s), when goals has that endpoint;
- the comparison index of all committees for one KF:s mål and 2015-VB (≤ 300 ms), after every
  committee's 2015-VB report is submitted through the gateway (the index is built from submitted
  reports only; the submissions are set-up, not timed, and counted in the row);
- importing 100,000 indicator values in Kolada's shape (33,334 entries × T/K/M; ≤ 10 s), and the
  same file again (nothing changes; ≤ 5 s): timed once each, since each changes the database.
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PERIOD = "2015-VB"
REPORT_PATH = "/goals/v1/committees/{committee_id}/reports/live"
SUBMIT_PATH = "/goals/v1/committees/{committee_id}/reports"
IMPORT_VALUES = 100_000
TARGETS = {
    "city roll-up (live)": ("p99_ms", 500.0),
    "committee annual report (live JSON)": ("p99_ms", 200.0),
    "committee annual report (live XLSX)": ("p99_ms", 2000.0),
    "comparison index, all committees, one goal": ("p99_ms", 300.0),
    "Kolada import, 100,000 values": ("seconds", 10.0),
    "Kolada import, same file again": ("seconds", 5.0),
}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[rank]


async def _timed(client: httpx.AsyncClient, name: str, path: str, *, params: dict, requests: int, warmup: int) -> dict:
    status = None
    for _ in range(warmup):
        status = (await client.get(path, params=params)).status_code
    durations, sizes, bad = [], [], 0
    for _ in range(requests):
        started = time.perf_counter()
        response = await client.get(path, params=params)
        durations.append((time.perf_counter() - started) * 1000)
        sizes.append(len(response.content))
        if response.status_code != 200:
            bad += 1
            status = response.status_code
    kind, target = TARGETS[name]
    p99 = _percentile(durations, 0.99)
    return {
        "scenario": name, "path": path, "params": params, "requests": requests, "warmup": warmup,
        "p50_ms": round(statistics.median(durations), 1), "p99_ms": round(p99, 1), "max_ms": round(max(durations), 1),
        "bytes": int(statistics.median(sizes)), "non_200": bad, "last_bad_status": status if bad else None,
        "target": {kind: target}, "met": bad == 0 and p99 <= target,
    }


def _kolada_file(summary: dict, count: int) -> bytes:
    """``count`` values for 2016-VB (a period the city has none for), three genders per entry."""
    entries, values = [], 0
    for kpi in summary["kolada_split_kpis"]:
        for ou in summary["kolada_ou_ids"]:
            if values >= count:
                break
            genders = [{"gender": g, "count": 10, "status": None, "value": round(40 + (values * 7 + k) % 500 / 10, 1)}
                       for k, g in enumerate(("T", "K", "M"))][: count - values]
            entries.append({"kpi": kpi, "ou": ou, "period": "2016-VB", "values": genders})
            values += len(genders)
    return json.dumps({"count": len(entries), "values": entries}).encode()


async def _import(client: httpx.AsyncClient, name: str, body: bytes) -> dict:
    started = time.perf_counter()
    response = await client.post("/goals/v1/indicator-values/imports/kolada", content=body, headers={"content-type": "application/json"}, timeout=120)
    seconds = time.perf_counter() - started
    kind, target = TARGETS[name]
    result = response.json() if response.status_code == 200 else {"status": response.status_code, "body": response.text[:300]}
    return {
        "scenario": name, "path": "/goals/v1/indicator-values/imports/kolada", "seconds": round(seconds, 2), "bytes": len(body),
        "result": result, "target": {kind: target}, "met": response.status_code == 200 and seconds <= target,
    }


async def _submit_reports(gateway: str, headers: dict, committee_ids: list[str]) -> dict:
    """Submit (freeze) each committee's PERIOD report as a staff admin: what lets it enter the index."""
    started, failed = time.perf_counter(), []
    async with httpx.AsyncClient(base_url=gateway, headers=headers, timeout=120) as client:
        for committee in committee_ids:
            response = await client.post(SUBMIT_PATH.format(committee_id=committee), json={"period": PERIOD})
            if response.status_code != 201:
                failed.append({"committee_id": committee, "status": response.status_code, "body": response.text[:300]})
    if failed:
        raise RuntimeError(f"submitting the {PERIOD} reports failed: {failed[:3]}")
    return {"reports_submitted": len(committee_ids), "submit_s": round(time.perf_counter() - started, 1)}


async def _scenarios(gateway: str, headers: dict, summary: dict, *, requests: int, warmup: int, staff_headers: dict) -> list[dict]:
    rows = []
    async with httpx.AsyncClient(base_url=gateway, headers=headers, timeout=60) as client:
        paths = (await client.get("/goals/v1/openapi.json")).json().get("paths", {})
        rows.append(await _timed(client, "city roll-up (live)", "/goals/v1/rollup", params={"period": PERIOD},
                                 requests=requests, warmup=warmup))
        committee = summary["committee_ids"][0]
        if REPORT_PATH in paths:
            path = REPORT_PATH.format(committee_id=committee)
            rows.append(await _timed(client, "committee annual report (live JSON)", path, params={"period": PERIOD},
                                     requests=requests, warmup=warmup))
            rows.append(await _timed(client, "committee annual report (live XLSX)", path, params={"period": PERIOD, "format": "xlsx"},
                                     requests=requests, warmup=warmup))
        else:
            for name in ("committee annual report (live JSON)", "committee annual report (live XLSX)"):
                kind, target = TARGETS[name]
                rows.append({"scenario": name, "path": REPORT_PATH, "not_available": True, "target": {kind: target}, "met": None,
                             "note": "goals has no live report endpoint in this build"})
        submitted = await _submit_reports(gateway, staff_headers, summary["committee_ids"])
        index_params = {"period": PERIOD, "goal_id": summary["area_goal_ids"][0]}
        row = await _timed(client, "comparison index, all committees, one goal", "/goals/v1/comparison-index",
                           params=index_params, requests=requests, warmup=warmup)
        listed = (await client.get("/goals/v1/comparison-index", params=index_params)).json()["committees"]
        row |= submitted | {
            "committees_submitted": sum(1 for c in listed if c["submitted"]),
            "committees_ranked": sum(1 for c in listed if c["rank"] is not None),
        }
        rows.append(row)
        body = _kolada_file(summary, IMPORT_VALUES)
        rows.append(await _import(client, "Kolada import, 100,000 values", body))
        rows.append(await _import(client, "Kolada import, same file again", body))
    return rows


def measure(*, requests: int = 30, warmup: int = 5, seed: int = 2015, stack=None) -> dict:
    """Start a private stack (unless given one with an empty goals database), generate, measure, stop."""
    from qmbench import platform

    own = stack is None
    started = time.monotonic()
    if own:
        stack = platform.start_stack()
    try:
        with tempfile.TemporaryDirectory() as folder:
            summary_file = Path(folder) / "summary.json"
            generated = time.monotonic()
            subprocess.run(
                [sys.executable, "-m", "goals", "generate", "--seed", str(seed), "--summary", str(summary_file)],
                env={**os.environ, **stack.process_env("goals")}, check=True, stdout=subprocess.DEVNULL,
            )
            generate_s = time.monotonic() - generated
            summary = json.loads(summary_file.read_text())
        creds = platform.Credentials(stack)
        rows = _run(_scenarios(
            stack.gateway_url, creds.key_headers(), summary, requests=requests, warmup=warmup, staff_headers=creds.token_headers(),
        ))
    finally:
        if own:
            stack.stop()
    data = {key: summary[key] for key in ("seed", "committees", "units", "commitments", "follow_ups", "indicator_values", "indicators")}
    measured = [row for row in rows if row.get("met") is not None]
    return {
        "name": f"goals: the generated city (seed {seed}) through the gateway, one request at a time",
        "data": {**data, "generate_and_copy_s": round(generate_s, 1)}, "rows": rows,
        "met": all(row["met"] for row in measured), "seconds": round(time.monotonic() - started, 1),
    }


def _run(coro):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def markdown(result: dict) -> list[str]:
    data = result["data"]
    out = [
        "### Goals: the generated city",
        "",
        f"{data['committees']} committees, {data['units']:,} units, {data['commitments']:,} commitments, "
        f"{data['follow_ups']:,} follow-ups, {data['indicators']} indicators with {data['indicator_values']:,} values "
        f"(seed {data['seed']}; generated and copied in {data['generate_and_copy_s']} s).",
        "",
        "| scenario | n | p50 | p99 | target | met |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for row in result["rows"]:
        kind, target = next(iter(row["target"].items()))
        goal = f"p99 ≤ {target:g} ms" if kind == "p99_ms" else f"≤ {target:g} s"
        if row.get("not_available"):
            out.append(f"| {row['scenario']} | – | – | – | {goal} | not available |")
        elif "seconds" in row:
            out.append(f"| {row['scenario']} | 1 | {row['seconds']:.2f} s | – | {goal} | {'yes' if row['met'] else 'NO'} |")
        else:
            out.append(f"| {row['scenario']} | {row['requests']} | {row['p50_ms']:.1f} ms | {row['p99_ms']:.1f} ms | {goal} | "
                       f"{'yes' if row['met'] else 'NO'} |")
    return out + [""]
