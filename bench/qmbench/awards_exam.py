"""The awards examination step: the round's agreement statistics and report, and full-text search of the bank.

Runs against the platform the benchmark started (its own databases): a generated round of 200
applications (3–4 examiners each, eight areas, ``awards.generate_examination``) and a bank of
10,000 published good examples are inserted into awards' database (and ANALYZEd, as a table in
use would be), then read through the gateway with a staff token, as the award office and the
committees read them:

- ``GET /awards/v1/rounds/{id}/quality-report``: Krippendorff's alpha per area and for all areas,
  consensus movement, spread per application, offsets per examiner. Target: ≤ 1 s (the slowest
  of the timed runs, after one warm-up).
- ``GET /awards/v1/good-examples?q=…``: Swedish full-text search (GIN, ranked), a mix of queries
  sent open loop at a fixed 50 searches/s with a committee's token. Target: p99 ≤ 50 ms.
"""

import asyncio
import statistics
import time
import urllib.parse

import asyncpg
import httpx

REPORT_TARGET_S = 1.0
SEARCH_RATE = 50.0
SEARCH_P99_TARGET_MS = 50.0
QUERIES = (
    "årshjul", "mötesstruktur", "enhetsmöte frukost", "tertialrapport", "resultatdialog", "brukarundersökningen",
    "kunddialog", "medarbetarsamtal", "handlingsplaner", "internkontroll", "riskanalys", "värdegrund",
    "kompetensutveckling", "arbetsmiljökalendern", "skyddsrond", "verksamhetsplanen", "åtaganden", "kvalitetsgarantin",
    "synpunktshantering", "avvikelserapportering", "\"följer upp\" årshjul", "lärande -mentorskap", "förskolan backup",
    "hemtjänsten introduktion", "boendet OR biblioteket", "förbättringsgrupp", "planeringsdag", "sprider enhetsmöte",
)


async def _load(stack, *, applications: int, examples: int, seed: int) -> str:
    from awards.generate import generate_round
    from awards.generate_examination import example_rows, examination_rows, load
    from servicekit.db import create_engine

    generated = generate_round(seed=seed, applications=applications, examiners=max(60, applications * 3 // 2))
    rows = examination_rows(generated, seed=seed)
    round_id = rows["rounds"][0]["id"]
    engine = create_engine(stack.database_url("awards"), pool_size=1)
    try:
        async with engine.begin() as connection:
            await load(connection, rows, example_rows(generated, round_id, count=examples, seed=seed))
    finally:
        await engine.dispose()
    # Statistics as a table in use has them (autovacuum would take up to a minute to gather them).
    from qmbench.platform import dsn

    connection = await asyncpg.connect(dsn(stack, "awards"))
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return str(round_id)


async def _report_runs(gateway_url: str, headers: dict, round_id: str, repeats: int) -> tuple[list[float], dict]:
    async with httpx.AsyncClient(base_url=gateway_url, headers=headers, timeout=60) as client:
        url = f"/awards/v1/rounds/{round_id}/quality-report"
        warm = await client.get(url)
        warm.raise_for_status()
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = await client.get(url)
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
        return seconds, response.json()


def measure(stack, creds, *, applications: int = 200, examples: int = 10_000, repeats: int = 5,
            search_duration: float = 10.0, seed: int = 2015) -> dict:
    """Load the generated data into ``stack``'s awards database and time both reads through its gateway."""
    from qmbench.cpu import CpuMeter
    from qmbench.openloop import open_loop
    from qmbench.platform import cpu_meter

    started = time.monotonic()
    round_id = asyncio.run(_load(stack, applications=applications, examples=examples, seed=seed))
    load_s = time.monotonic() - started
    seconds, report = asyncio.run(_report_runs(stack.gateway_url, creds.token_headers(), round_id, repeats))
    base = f"{stack.gateway_url}/awards/v1/good-examples?limit=20&q="
    urls = [base + urllib.parse.quote(query) for query in QUERIES]
    # A committee searches (every staff role reads the bank; it sees the published examples).
    committee = {"authorization": f"Bearer {stack.mint_token(['committee'], sub='bench-committee', ttl=3600)}"}
    meter = cpu_meter(stack)
    before = meter.snapshot()
    search = asyncio.run(open_loop("awards good-example search", urls[0], committee, rate=SEARCH_RATE,
                                   duration=search_duration, urls=urls))
    cpu = CpuMeter.per_request(meter.since(before), max(1, search.completed))
    p99 = search.latency_ms.get("p99", float("nan"))
    areas = [item for item in report["agreement"] if item["area_number"] is not None]
    report_met = max(seconds) <= REPORT_TARGET_S
    search_met = search.bad == 0 and search.completed == search.sent and p99 <= SEARCH_P99_TARGET_MS
    return {
        "name": f"awards: quality report ({applications} applications, 3–4 examiners, 8 areas) and search of "
                f"{examples:,} good examples at {SEARCH_RATE:g}/s",
        "target": {"report_seconds": REPORT_TARGET_S, "search_rate": SEARCH_RATE, "search_p99_ms": SEARCH_P99_TARGET_MS},
        "result": {
            "report_median_s": round(statistics.median(seconds), 3), "report_max_s": round(max(seconds), 3),
            "report_applications": report["applications"], "report_scores": sum(a["agreement"]["pairable_values"] for a in areas),
            "alpha_all_areas": next(item["agreement"]["alpha"] for item in report["agreement"] if item["area_number"] is None),
            "search_p50_ms": search.latency_ms.get("p50"), "search_p99_ms": p99, "search_max_ms": search.latency_ms.get("max"),
            "search_sent": search.sent, "search_completed": search.completed, "search_bad": search.bad,
            "search_achieved_rps": search.achieved_rps, "queries": len(QUERIES), "load_s": round(load_s, 1),
        },
        # CPU per search of each component (µs): the API process, PostgreSQL, the gateway, ... (qmbench.cpu).
        "search_cpu": cpu,
        "met": report_met and search_met,
        "met_report": report_met, "met_search": search_met,
    }


def markdown(row: dict) -> list[str]:
    result, target = row["result"], row["target"]
    lines = [
        "### Awards: examination quality report and good-examples search",
        "",
        "| what | result | target | met |",
        "|---|---:|---:|:---:|",
        f"| quality report, {result['report_applications']} applications (median / max s) | {result['report_median_s']:.3f} / "
        f"{result['report_max_s']:.3f} | ≤ {target['report_seconds']:g} | {'yes' if row['met_report'] else 'NO'} |",
        f"| search at {target['search_rate']:g}/s (p50 / p99 ms) | {result['search_p50_ms']} / {result['search_p99_ms']} | "
        f"p99 ≤ {target['search_p99_ms']:g} | {'yes' if row['met_search'] else 'NO'} |",
        "",
    ]
    us = (row.get("search_cpu") or {}).get("us_per_request", {})
    if us:
        lines.append("CPU per search (ms): " + ", ".join(f"{name} {value / 1000:.2f}" for name, value in sorted(
            us.items(), key=lambda item: -item[1]) if value >= 50))
        lines.append("")
    return lines
