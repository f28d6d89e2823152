"""Feedback at city scale (issue 8's benchmarks), on the running platform of ``make bench``.

1. **Data**: ``python -m feedback generate``'s seeded year (200,000 cases over every committee)
   written into the platform's feedback database (under the demo city, which goals loaded), in
   this process, timed.
2. **Case intake**: ``POST /feedback/v1/cases`` through the gateway with an API key (validation,
   routing and deadlines, insert, history, repeat check, outbox row, idempotency record: a fresh
   Idempotency-Key per request) against a baseline: a bare FastAPI endpoint
   (``qmbench.feedback_baseline``) inserting the same row with SQLAlchemy in one transaction,
   served with the feedback API's worker count and called directly. wrk with 32 connections,
   interleaved segments as for the GETs (a Lua ``request`` function builds each POST: the
   cases go round the demo city's units). Target: ≥ 70 % of the baseline's throughput. Then an
   open loop at half the baseline's throughput, through the gateway: p99 ≤ 100 ms.
3. **One committee's statistics** over the generated year (the committee with the most cases),
   ``GET /feedback/v1/committees/{id}/statistics?period=<year>-VB`` through the gateway with a
   staff token, one request at a time: p99 ≤ 200 ms.
4. **Event propagation**: a case committed → goals' figure for its unit updated, at a steady
   200 cases/s: p99 ≤ 100 ms, nothing lost. Needs feedback's ``feedback.unit-statistics.changed``
   producer and goals' consumer of it; without them the row says "not available".
"""

import asyncio
import json
import math
import os
import secrets
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import aiohttp
import asyncpg

from qmbench.cpu import CpuMeter
from qmbench.openloop import open_loop, summarise

INTAKE_RATIO_TARGET = 0.70
INTAKE_P99_TARGET_MS = 100.0
STATISTICS_P99_TARGET_MS = 200.0
PROPAGATION_P99_TARGET_MS = 100.0
PROPAGATION_RATE = 200.0
GENERATE_TARGET_S = 60.0
INTAKE_PATH = "/feedback/v1/cases"
INTAKE_UNITS = 400  # the demo city's units the intake goes round (each with every category)
TEXTS = (
    "Lekplatsen vid skolan har varit trasig i flera veckor",
    "Ingen har svarat på mitt mejl om hemtjänsten",
    "Förslag om fler bänkar längs promenadvägen vid sjön",
    "Maten på förskolan var kall två dagar i rad",
    "Gatlyset är släckt på hela gatan sedan i måndags",
    "Tack för snabb och vänlig hjälp på medborgarkontoret",
    "När öppnar simhallen igen efter renoveringen",
    "Klotter på väggen vid tunnelbanans entré mot torget",
)
_LUA = """
local units = {%(units)s}
local texts = {%(texts)s}
local counter = 0
local prefix = "x"
setup_threads = 0
function setup(thread)
  setup_threads = setup_threads + 1
  thread:set("thread_number", setup_threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0))
  prefix = string.format("%%x-%%d-%%x", os.time(), thread_number or 0, math.random(0, 1073741823))
end
request = function()
  counter = counter + 1
  local unit = units[(counter %% #units) + 1]
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = prefix .. "-" .. counter
  local body = string.format(
    '{"kind":"complaint","channel":"portal","category_code":"%%s","privacy":"anonymous","unit_id":"%%s","committee_id":"%%s","description":"%%s (%%s-%%d)"}',
    unit[3], unit[1], unit[2], texts[(counter %% #texts) + 1], prefix, counter)
  return wrk.format("POST", nil, headers, body)
end
"""


def _body(unit: tuple[str, str, str], text: str, tag: str) -> bytes:
    return json.dumps({
        "kind": "complaint", "channel": "portal", "category_code": unit[2], "privacy": "anonymous", "unit_id": unit[0],
        "committee_id": unit[1], "description": f"{text} ({tag})",
    }).encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------------------- data

async def generate_year(dsn: str, *, cases: int, seed: int, year: int) -> dict:
    """The generator's year into the platform's feedback database, as ``python -m feedback generate`` does."""
    from feedback.config import DEVELOPMENT_CONTACT_KEY, DEVELOPMENT_TOKEN_KEY
    from feedback.contacts.crypto import ContactCipher
    from feedback.generate import DUMMY_CONTACT, existing_city, generate_year as generate, insert_year, summary

    started = time.monotonic()
    connection = await asyncpg.connect(dsn)
    try:
        city = await existing_city(connection)
        generated = generate(seed=seed, cases=cases, year=year, city_id=city, token_key=DEVELOPMENT_TOKEN_KEY.encode())
        generated_s = time.monotonic() - started
        cipher = ContactCipher([DEVELOPMENT_CONTACT_KEY])
        counts = await insert_year(connection, generated, sealed_contact=cipher.seal(json.dumps(DUMMY_CONTACT).encode()),
                                   key_id=cipher.current_key_id)
        busiest = await connection.fetchrow(
            "SELECT committee_id, count(*) AS n FROM cases WHERE committee_id = ANY($1::uuid[]) GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            [unit.id for unit in generated.committees],
        )
    finally:
        await connection.close()
    total = time.monotonic() - started
    info = summary(generated)
    return {
        "cases": info["cases"], "committees": info["committees"], "organisation_units": info["organisation_units"],
        "under_existing_city": city is not None, "generate_s": round(generated_s, 1), "total_s": round(total, 1),
        "rows": counts, "busiest_committee": {"id": str(busiest["committee_id"]), "cases": busiest["n"]},
        "year": year, "seed": seed, "target_s": GENERATE_TARGET_S, "met": total <= GENERATE_TARGET_S,
    }


async def intake_units(dsn: str, limit: int = INTAKE_UNITS) -> list[tuple[str, str, str]]:
    """(unit, committee, category) round the demo city's units (not the generated ones) in feedback's
    read model and the active categories: so each unit and category gets few open cases, as in a
    city, and intake's repeat check compares with what it would compare with there."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT unit_id, type, parent_id, code FROM org_unit_versions WHERE valid_to IS NULL")
        categories = [row["code"] for row in await connection.fetch("SELECT code FROM categories WHERE active ORDER BY code")]
    finally:
        await connection.close()
    parent = {row["unit_id"]: row["parent_id"] for row in rows}
    kind = {row["unit_id"]: row["type"] for row in rows}
    committees = {"district_committee", "specialist_committee", "company_board"}
    found = []
    for row in sorted(rows, key=lambda r: r["code"]):
        if row["type"] != "unit" or row["code"].startswith("G-"):
            continue
        ancestor = row["unit_id"]
        while ancestor is not None and kind.get(ancestor) not in committees:
            ancestor = parent.get(ancestor)
        if ancestor is not None:
            found.append((str(row["unit_id"]), str(ancestor)))
    found = found[:limit]
    return [(unit, committee, categories[(i * 7 + j) % len(categories)]) for j in range(len(categories))
            for i, (unit, committee) in enumerate(found)] if categories else []


# ----------------------------------------------------------------------------------------- intake

class Baseline:
    """The bare FastAPI endpoint in its own uvicorn, the feedback API's worker count."""

    def __init__(self, database_url: str, workers: int, log_path: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = os.environ | {"BASELINE_DATABASE_URL": database_url, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", "qmbench.feedback_baseline:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
             "--no-access-log", "--log-level", "warning"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    async def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the intake baseline exited {self.proc.returncode}")
                try:
                    async with session.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError("the intake baseline did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def _lua(units: list[tuple[str, str, str]]) -> str:
    return _LUA % {
        "units": ", ".join(f'{{"{unit}", "{committee}", "{category}"}}' for unit, committee, category in units),
        "texts": ", ".join(json.dumps(text, ensure_ascii=False) for text in TEXTS),
    }


def _post_body(units: list[tuple[str, str, str]], tag: str):
    def body(i: int) -> tuple[bytes, dict[str, str]]:
        return (_body(units[i % len(units)], TEXTS[i % len(TEXTS)], f"{tag}-{i}"),
                {"content-type": "application/json", "idempotency-key": f"{tag}-{i}"})
    return body


# ------------------------------------------------------------------------------------- statistics

async def statistics_latency(url: str, headers: dict[str, str], *, requests: int = 60, warmup: int = 3,
                             budget_s: float = 30.0) -> dict:
    """One request at a time; every answer must be 200 and carry the year's cases."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    body: dict = {}
    started = time.monotonic()
    async with aiohttp.ClientSession(headers=headers) as session:
        for i in range(warmup + requests):
            if i >= warmup and time.monotonic() - started > budget_s:
                break
            sent = time.perf_counter()
            async with session.get(url) as response:
                payload = await response.read()
                elapsed = time.perf_counter() - sent
                status = response.status
            if i >= warmup:
                latencies.append(elapsed)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status == 200 and not body:
                body = json.loads(payload)
    return {"requests": len(latencies), "statuses": statuses, "latency_ms": summarise(latencies), "first_body": body}


# ------------------------------------------------------------------------------------ propagation

async def wait_published(feedback_dsn: str, goals_dsn: str, *, timeout: float = 300.0) -> dict:
    """Until feedback's worker has taken every statistics mark and published, and goals holds every
    unit statistics feedback published at its latest revision (so no recomputation runs during a
    measurement, and figures read from goals afterwards are feedback's). Counting goals' rows was
    not enough: a unit already there whose newer revision was still on the stream passed, and the
    propagation then started from a stale count."""
    started = time.monotonic()
    feedback, goals = await asyncpg.connect(feedback_dsn), await asyncpg.connect(goals_dsn)
    try:
        if not await feedback.fetchval("SELECT to_regclass('statistics_dirty') IS NOT NULL"):
            return {"available": False, "seconds": 0.0}
        has_goals_table = await goals.fetchval("SELECT to_regclass('foreign_unit_statistics') IS NOT NULL")
        while True:
            marks = await feedback.fetchval("SELECT count(*) FROM statistics_dirty")
            unpublished = await feedback.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            published, revisions = await feedback.fetchrow("SELECT count(*), coalesce(sum(revision), 0) FROM unit_statistics")
            in_goals, in_goals_revisions = (await goals.fetchrow(
                "SELECT count(*), coalesce(sum(revision), 0) FROM foreign_unit_statistics") if has_goals_table else (None, None))
            done = marks == 0 and unpublished == 0 and (in_goals is None or (in_goals >= published and in_goals_revisions >= revisions))
            if done or time.monotonic() - started > timeout:
                return {"available": True, "seconds": round(time.monotonic() - started, 1), "drained": done,
                        "unit_statistics": published, "in_goals": in_goals, "marks_left": marks, "unpublished": unpublished}
            await asyncio.sleep(0.2)
    finally:
        await feedback.close()
        await goals.close()


async def propagation(gateway_url: str, headers: dict[str, str], goals_dsn: str, *, rate: float, duration: float,
                      feedback_dsn: str | None = None, min_cell: int = 5, max_units: int = 50, settle_s: float = 10.0,
                      poll_s: float = 0.002) -> dict:
    """Cases posted at ``rate`` round units whose figures goals already shows (at least the minimum
    cell, so one more case changes them); each is seen when goals' count for its unit reaches it.

    Afterwards (``feedback_dsn`` given, once everything is published and consumed) goals' figures
    must be feedback's own, unit by unit (count and revision), and each unit's count the one
    expected unless feedback suppresses it now: the complementary suppression may move to a unit
    whose sibling's count changed, which hides its count (correctly) without anything lost."""
    from feedback.deadlines.calendar import STOCKHOLM

    period = f"{datetime.now(STOCKHOLM).year}-VB"
    goals = await asyncpg.connect(goals_dsn)
    try:
        # Units without units below them: a unit's figures count its subtree's cases too, so a case
        # posted to a child among these would move its parent's count as well.
        rows = await goals.fetch(
            "SELECT s.unit_id, s.committee_id, (s.statistics->>'cases')::int AS cases FROM foreign_unit_statistics s "
            "WHERE s.period = $1 AND s.unit_kind = 'unit' AND (s.statistics->>'cases')::int >= $2 "
            "AND NOT EXISTS (SELECT 1 FROM org_unit_versions v WHERE v.parent_id = s.unit_id) ORDER BY s.unit_id LIMIT $3",
            period, min_cell, max_units,
        )
        if len(rows) < 5:
            return {"available": False, "reason": f"fewer than 5 units with visible figures in goals for {period}"}
        units = [(str(row["unit_id"]), str(row["committee_id"]), "ovrigt") for row in rows]
        counts = {str(row["unit_id"]): row["cases"] for row in rows}
        total = int(rate * duration)
        expected = [counts[units[i % len(units)][0]] + i // len(units) + 1 for i in range(total)]
        sent_at: dict[int, float] = {}
        committed_at: dict[int, float] = {}
        seen_at: dict[int, float] = {}
        statuses: dict[str, int] = {}
        now = time.perf_counter
        tag = secrets.token_hex(4)
        done_sending = asyncio.Event()

        async def poll() -> None:
            ids = [unit[0] for unit in units]
            while True:
                pending = [i for i in sent_at if i not in seen_at]
                if not pending and done_sending.is_set():
                    return
                if pending:
                    found = {str(r["unit_id"]): r["cases"] for r in await goals.fetch(
                        "SELECT unit_id, (statistics->>'cases')::int AS cases FROM foreign_unit_statistics "
                        "WHERE period = $1 AND unit_id = ANY($2::uuid[])", period, ids)}
                    moment = now()
                    for i in pending:
                        if (found.get(units[i % len(units)][0]) or 0) >= expected[i]:
                            seen_at[i] = moment
                await asyncio.sleep(poll_s)

        async def post(session: aiohttp.ClientSession, i: int) -> None:
            unit = units[i % len(units)]
            sent_at[i] = now()
            try:
                async with session.post(gateway_url + INTAKE_PATH, data=_body(unit, TEXTS[i % len(TEXTS)], f"pr-{tag}-{i}"),
                                        headers={"content-type": "application/json", "idempotency-key": f"pr-{tag}-{i}"}) as response:
                    await response.read()
                    statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
                    if response.status == 201:
                        committed_at[i] = now()
            except Exception as exc:  # noqa: BLE001 - counted as a failure
                statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1

        poller = asyncio.create_task(poll())
        connector = aiohttp.TCPConnector(limit=64)
        async with aiohttp.ClientSession(connector=connector, headers=headers, timeout=aiohttp.ClientTimeout(total=10)) as session:
            start = now() + 0.05
            tasks = set()
            for i in range(total):
                delay = start + i / rate - now()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.create_task(post(session, i))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.wait(tasks, timeout=15)
        done_sending.set()
        try:
            await asyncio.wait_for(poller, timeout=settle_s)
        except TimeoutError:
            pass
        settled = await wait_published(feedback_dsn, goals_dsn, timeout=60) if feedback_dsn else None
        final = {str(r["unit_id"]): (r["cases"], r["revision"]) for r in await goals.fetch(
            "SELECT unit_id, (statistics->>'cases')::int AS cases, revision FROM foreign_unit_statistics WHERE period = $1 "
            "AND unit_id = ANY($2::uuid[])", period, [unit[0] for unit in units])}
        own = None
        if feedback_dsn:
            feedback = await asyncpg.connect(feedback_dsn)
            try:
                own = {str(r["unit_id"]): (r["cases"], r["revision"]) for r in await feedback.fetch(
                    "SELECT unit_id, (figures->>'cases')::int AS cases, revision FROM unit_statistics WHERE period = $1 "
                    "AND unit_id = ANY($2::uuid[])", period, [unit[0] for unit in units])}
            finally:
                await feedback.close()
    finally:
        await goals.close()
    committed = sorted(committed_at)
    latencies = [max(0.0, seen_at[i] - committed_at[i]) for i in committed if i in seen_at]
    from_send = [seen_at[i] - sent_at[i] for i in committed if i in seen_at]
    lost = [i for i in committed if i not in seen_at]
    wanted = {unit: counts[unit] + sum(1 for i in committed if units[i % len(units)][0] == unit) for unit in counts}
    return {
        "available": True, "period": period, "rate": rate, "duration_s": duration, "units": len(units), "sent": total,
        "committed": len(committed), "statuses": statuses, "lost": len(lost),
        "seen_before_201": sum(1 for i in committed if i in seen_at and seen_at[i] < committed_at[i]),
        "latency_ms": summarise(latencies), "from_send_ms": summarise(from_send),
        "goals_counts_equal_expected": all(final.get(unit, (None,))[0] in (count, None) for unit, count in wanted.items()),
        "suppressed_at_end": sum(1 for unit in wanted if final.get(unit, (None,))[0] is None),
        "goals_equal_feedback": None if own is None else (settled or {}).get("drained", False) and final == own,
        "mismatched": [{"unit": unit, "goals": final.get(unit), "feedback": (own or {}).get(unit), "expected": count}
                       for unit, count in wanted.items()
                       if final.get(unit, (None,))[0] not in (count, None) or (own is not None and final.get(unit) != own.get(unit))][:5],
    }


# ------------------------------------------------------------------------------------------ whole

def measure(*, stack, creds, args, meter, gate, step, measure_endpoint, run) -> dict:
    """Every feedback scenario; returns the rows for results["feedback"] (with "problems")."""
    from qmbench import platform

    out: dict = {"problems": [], "rows": []}
    dsn = platform.dsn(stack, "feedback")
    step(f"feedback: generating {args.feedback_cases:,} cases into the platform's feedback database")
    data = run(generate_year(dsn, cases=args.feedback_cases, seed=2015, year=2015))
    out["data"] = data
    step(f"feedback: {data['cases']:,} cases, {data['organisation_units']} units written in {data['total_s']} s "
         f"(generation {data['generate_s']} s)")
    out["rows"].append({
        "scenario": "generate a year (python -m feedback generate)", "baseline": None,
        "result": f"{data['cases']:,} cases in {data['total_s']:.1f} s", "target": f"< {GENERATE_TARGET_S:g} s", "met": data["met"],
    })

    out["published_year"] = _drain(stack, step, run, out, "the generated year's unit statistics")
    if out["published_year"].get("available"):
        out["rows"].append({
            "scenario": "the worker publishes the generated year's unit statistics (every level, T1/T2/VB) and goals has them",
            "baseline": None, "result": f"{out['published_year']['unit_statistics']:,} in {out['published_year']['seconds']} s",
            "target": "–", "met": None,
        })
    units = run(intake_units(dsn))
    if not units:
        out["problems"].append("feedback: no demo-city units in feedback's read model for the intake")
        return out
    workers = stack.workers.get("feedback", 1)
    baseline = Baseline(stack.database_url("feedback"), workers, Path(getattr(stack, "state_dir", "/tmp")) / "feedback-baseline.log")
    try:
        if getattr(args, "feedback_skip_intake", False):
            raise _SkipIntake
        run(baseline.wait_ready())
        # The baseline's uvicorn is a component of its own in the CPU accounting (not "other").
        intake_meter = CpuMeter(meter.roots | {"intake-baseline": [baseline.proc.pid]}, databases=meter.databases)
        out["intake"] = _intake(stack, creds, args, intake_meter, gate, step, measure_endpoint, run, baseline, units, out)
    except _SkipIntake:  # the propagation needs units whose figures goals shows: a few cases for each
        step("feedback: intake skipped; posting 6 cases to each of 50 units instead")
        run(_seed_units(stack.gateway_url, creds.key_headers(), units))
    finally:
        baseline.stop()

    _drain(stack, step, run, out, "after the intake")
    out["statistics"] = _statistics(stack, creds, data, step, run, out)
    out["propagation"] = _propagation(stack, creds, args, gate, step, run, out, rate=args.feedback_propagation_rate, meter=meter)
    # The same at a rate intake sustains here (half its measured throughput): the pipeline's own latency.
    sustained = (out.get("intake") or {}).get("closed_loop", {}).get("gateway (API key)", {}).get("rps")
    if getattr(args, "feedback_propagation_also", None):  # a second rate asked for by name
        sustained = 2 * args.feedback_propagation_also
    if sustained and out["propagation"].get("available") and 0.5 * sustained < args.feedback_propagation_rate:
        out["propagation_sustainable"] = _propagation(stack, creds, args, gate, step, run, out,
                                                      rate=max(1.0, round(0.5 * sustained)), required=False, meter=meter)
    return out


def _drain(stack, step, run, out, label: str) -> dict:
    from qmbench import platform

    drained = run(wait_published(platform.dsn(stack, "feedback"), platform.dsn(stack, "goals")))
    if drained.get("available"):
        step(f"feedback: {label}: worker and goals caught up after {drained['seconds']} s "
             f"({drained['unit_statistics']} unit statistics, {drained['in_goals']} in goals)")
        if not drained["drained"]:
            out["problems"].append(f"feedback: the statistics did not drain ({label}): {drained}")
    return drained


async def _seed_units(gateway_url: str, headers: dict[str, str], units, *, per_unit: int = 6, count: int = 50) -> None:
    chosen = list({unit[0]: unit for unit in units}.values())[:count]
    gate = asyncio.Semaphore(8)
    tag = secrets.token_hex(4)

    async def one(session, unit, i: int) -> None:
        async with gate, session.post(gateway_url + INTAKE_PATH, data=_body(unit, TEXTS[i % len(TEXTS)], f"seed-{tag}-{i}"),
                                      headers={"content-type": "application/json", "idempotency-key": f"seed-{tag}-{i}"}) as response:
            await response.read()

    async with aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=60)) as session:
        await asyncio.gather(*(one(session, unit, n * per_unit + k) for n, unit in enumerate(chosen) for k in range(per_unit)))


class _SkipIntake(Exception):
    """--feedback-skip-intake: no intake measurement (to measure propagation alone)."""


def _propagation(stack, creds, args, gate, step, run, out, *, rate: float, required: bool = True, meter=None) -> dict:
    """``required``: the issue's row (its rate); otherwise an extra row for context, without a target."""
    from qmbench import platform

    scenario = f"event propagation: case committed → goals' figure updated ({rate:g} cases/s)"
    if not required:
        scenario += ", at half the intake's measured throughput (context)"
    target = f"p99 ≤ {PROPAGATION_P99_TARGET_MS:g} ms, 0 lost" if required else "–"
    drained = _drain(stack, step, run, out, "before propagation")
    if not drained.get("available") or drained.get("in_goals") is None:
        result = {"available": False, "reason": "feedback's unit-statistics producer or goals' consumer of it is missing"}
    else:
        gate.wait("feedback propagation")
        step(f"feedback: propagation at {rate:g} cases/s for {args.feedback_propagation_duration:g} s")
        snapshot = meter.snapshot() if meter is not None else None
        result = run(propagation(stack.gateway_url, creds.key_headers(), platform.dsn(stack, "goals"),
                                 rate=rate, duration=args.feedback_propagation_duration, feedback_dsn=platform.dsn(stack, "feedback")))
        if snapshot is not None and result.get("available"):
            # Per committed case, over the whole window (the posts and everything they set off).
            result["cpu"] = CpuMeter.per_request(meter.since(snapshot), max(1, result.get("committed") or 1))
            step("feedback: propagation CPU µs per case: " + ", ".join(
                f"{name} {us:g}" for name, us in sorted(result["cpu"]["us_per_request"].items(), key=lambda item: -item[1])))
    if not result.get("available"):
        out["rows"].append({"scenario": scenario, "baseline": None, "result": "not available: " + result["reason"],
                            "target": target, "met": None})
        return result
    p99 = result["latency_ms"].get("p99", math.nan)
    bad = sum(count for status, count in result["statuses"].items() if status != "201")
    if bad or not result["goals_counts_equal_expected"] or result.get("goals_equal_feedback") is False:
        out["problems"].append(f"feedback propagation at {rate:g}/s: statuses {result['statuses']}, goals' counts as "
                               f"expected: {result['goals_counts_equal_expected']}, goals' figures feedback's: "
                               f"{result.get('goals_equal_feedback')}, mismatched: {result.get('mismatched')}")
    out["rows"].append({
        "scenario": scenario, "baseline": None,
        "result": f"p50 {result['latency_ms'].get('p50', math.nan):.1f} ms, p99 {p99:.1f} ms, lost {result['lost']} "
                  f"of {result['committed']}",
        "target": target, "met": (p99 <= PROPAGATION_P99_TARGET_MS and result["lost"] == 0 and not bad) if required else None,
    })
    step(f"feedback: propagation p99 {p99:.1f} ms, lost {result['lost']}")
    return result


def _intake(stack, creds, args, meter, gate, step, measure_endpoint, run, baseline: Baseline, units, out) -> dict:
    gateway_url = stack.gateway_url + INTAKE_PATH
    targets = [
        ("baseline (bare FastAPI, direct)", baseline.url + "/cases", lambda: {}),
        ("gateway (API key)", gateway_url, creds.key_headers),
    ]
    measured = measure_endpoint("case intake", targets, args, meter, gate, lua=_lua(units))
    base, gateway = measured["baseline (bare FastAPI, direct)"][0], measured["gateway (API key)"][0]
    for via, (result, attempts, warm) in measured.items():
        for attempt in (*attempts, warm):
            if attempt.errors:
                out["problems"].append(f"case intake / {via}: {attempt.non_2xx} non-2xx, socket errors {attempt.socket_errors}")
    ratio = gateway.rps / base.rps if base.rps else 0.0
    rate = max(10.0, round(0.5 * base.rps, -1))
    tag = secrets.token_hex(4)
    step(f"feedback: intake open loop through the gateway at {rate:.0f}/s (half the baseline's {base.rps:,.0f}/s)")
    gate.wait("open loop case intake")
    loops = {}
    for via, url, headers in (("gateway (API key)", gateway_url, creds.key_headers()), ("baseline (bare FastAPI, direct)", baseline.url + "/cases", {})):
        result = run(open_loop(f"open loop case intake / {via}", url, headers, rate=rate, duration=args.open_loop_duration,
                               body=_post_body(units, f"ol-{tag}-{len(loops)}")))
        loops[via] = result.as_dict()
        if result.bad or result.completed < result.sent:
            out["problems"].append(f"open loop case intake / {via}: {result.statuses} errors {result.errors} "
                                   f"({result.completed}/{result.sent} completed)")
    p99 = loops["gateway (API key)"]["latency_ms"].get("p99", math.nan)
    out["rows"].append({
        "scenario": f"case intake, wrk {args.connections} connections: gateway / baseline throughput",
        "baseline": f"{base.rps:,.0f} req/s", "result": f"{gateway.rps:,.0f} req/s = {100 * ratio:.0f} %",
        "target": f"≥ {100 * INTAKE_RATIO_TARGET:.0f} %", "met": ratio >= INTAKE_RATIO_TARGET,
    })
    base_p99 = loops["baseline (bare FastAPI, direct)"]["latency_ms"].get("p99", math.nan)
    out["rows"].append({
        "scenario": f"case intake, open loop at {rate:.0f}/s: p99 through the gateway",
        "baseline": f"p99 {base_p99:.1f} ms", "result": f"p99 {p99:.1f} ms", "target": f"≤ {INTAKE_P99_TARGET_MS:g} ms",
        "met": p99 <= INTAKE_P99_TARGET_MS,
    })
    step(f"feedback: intake {gateway.rps:,.0f} vs baseline {base.rps:,.0f} req/s ({100 * ratio:.0f} %); "
         f"open loop p99 {p99:.1f} ms")
    return {
        "closed_loop": {via: result.as_dict() for via, (result, _, _) in measured.items()}, "ratio": round(ratio, 3),
        "open_loop_rate": rate, "open_loop": loops, "units": len(units),
    }


def _statistics(stack, creds, data, step, run, out) -> dict:
    committee = data["busiest_committee"]
    period = f"{data['year']}-VB"
    url = f"{stack.gateway_url}/feedback/v1/committees/{committee['id']}/statistics?period={period}"
    step(f"feedback: statistics of the busiest committee ({committee['cases']:,} cases in {data['year']}), one request at a time")
    result = run(statistics_latency(url, creds.token_headers()))
    body = result.pop("first_body")
    received = body.get("received", body.get("cases"))
    result |= {"committee_id": committee["id"], "committee_cases": committee["cases"], "period": period,
               "received_in_answer": received}
    bad = sum(count for status, count in result["statuses"].items() if status != "200")
    if bad or received != committee["cases"]:
        out["problems"].append(f"feedback statistics: statuses {result['statuses']}, cases in the answer {received} "
                               f"(expected {committee['cases']})")
    p99 = result["latency_ms"].get("p99", math.nan)
    out["rows"].append({
        "scenario": f"one committee's statistics over the year ({committee['cases']:,} of {data['cases']:,} cases), sequential",
        "baseline": None, "result": f"p50 {result['latency_ms'].get('p50', math.nan):.1f} ms, p99 {p99:.1f} ms "
                                    f"({result['requests']} requests)",
        "target": f"p99 ≤ {STATISTICS_P99_TARGET_MS:g} ms", "met": p99 <= STATISTICS_P99_TARGET_MS and not bad,
    })
    step(f"feedback: statistics p99 {p99:.1f} ms")
    return result


def markdown(feedback: dict) -> list[str]:
    lines = ["### Feedback at city scale (issue 8)", ""]
    data = feedback.get("data")
    if data:
        lines += [f"Data: `python -m feedback generate` (seed {data['seed']}, year {data['year']}): {data['cases']:,} cases, "
                  f"{data['committees']} committees, {data['organisation_units']} organisation units, written in "
                  f"{data['total_s']} s (generation {data['generate_s']} s).", ""]
    lines += ["| scenario | baseline | result | target | met |", "|---|---:|---:|---:|:---:|"]
    for row in feedback.get("rows", []):
        met = "–" if row["met"] is None else ("yes" if row["met"] else "NO")
        lines.append(f"| {row['scenario']} | {row['baseline'] or '–'} | {row['result']} | {row['target']} | {met} |")
    return lines + [""]


