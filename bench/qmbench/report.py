"""The results as Markdown (pasteable into bench/README.md or a PR)."""

CPU_COLUMNS = ("gateway", "goals-api", "postgres", "load generator", "kernel irq", "other", "steal")


def _f(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    try:
        if value != value:  # NaN
            return "–"
    except TypeError:
        return str(value)
    return f"{value:,.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def markdown(results: dict) -> str:
    meta = results.get("meta", {})
    s = meta.get("settings", {})
    out: list[str] = []
    out.append(f"## Benchmark {meta.get('started_at', '')} (commit {meta.get('git_commit', '?')}"
               f"{', dirty tree' if meta.get('git_dirty') else ''})")
    out.append("")
    out.append(f"{meta.get('cores')} cores ({meta.get('cpu')}), load average at start {meta.get('load_average_at_start')}; "
               f"pure-Python loop {meta.get('python_loop_ns_per_iteration')} → {meta.get('python_loop_ns_per_iteration_at_end')} "
               "ns/iteration (start → end); "
               f"workers {meta.get('workers')}; {meta.get('wrk')}; total run {meta.get('runtime_s')} s"
               + (f" (platform start {meta.get('platform_start_s')} s)" if meta.get("platform_start_s") else "") + ".")
    data = results.get("data")
    if data:
        out.append(f"Data: {data['units']} organisation units loaded through the gateway in {data['seconds']} s "
                   f"({data['source']}).")
    out.append("")

    throughput = results.get("throughput") or []
    if throughput:
        out.append(f"### Closed loop (wrk: {s.get('connections')} connections, {s.get('threads')} threads; per target "
                   f"{_f(s.get('warmup_s'), 0)} s warm-up, then {_f(s.get('duration_s'), 0)} s in {s.get('rounds', 1)} "
                   "segments interleaved with the other targets)")
        out.append("")
        rows = []
        for r in throughput:
            sock = sum(r["socket_errors"].values())
            via = r["via"] + (" ²" if r.get("repeated_segments") else "")
            rows.append([r["endpoint"], via, _f(r["rps"], 0), _f(r["latency_ms"].get("p50")),
                         _f(r["latency_ms"].get("p99")), str(r["non_2xx"]), str(sock)])
        out += _table(["endpoint", "via", "req/s", "p50 ms", "p99 ms", "non-2xx", "socket errors"], rows)
        if any(r.get("repeated_segments") for r in throughput):
            out.append("")
            out.append("² a segment was measured twice because other processes disturbed it; the less disturbed attempt counts.")
        out.append("")
    ratios = results.get("ratios") or []
    if ratios:
        rows = [[r["endpoint"], r["via"], _f(r["direct_rps"], 0), _f(r["gateway_rps"], 0), f"{100 * r['ratio']:.0f} %",
                 f"≥ {100 * r['target']:.0f} %", "yes" if r["met"] else "**no**", _f(r["p50_added_ms"])]
                for r in ratios]
        out += _table(["endpoint", "gateway via", "direct req/s", "gateway req/s", "gateway/direct", "target", "met",
                       "p50 added ms"], rows)
        out.append("")
    if ratios and any(r.get("gateway_us") is not None for r in ratios):
        out.append("The same from CPU accounting (less sensitive to other load on the machine): the service's and the "
                   "gateway's CPU per request, the gateway's share of the request's CPU (service + PostgreSQL + gateway), "
                   "the cores the single service worker got, and the ratio of throughput per service core:")
        out.append("")
        rows = [[r["endpoint"], r["via"], _f(r.get("service_us_direct"), 0), _f(r.get("service_us_gateway"), 0),
                 _f(r.get("gateway_us"), 0), f"{100 * r['edge_share']:.0f} %" if r.get("edge_share") is not None else "–",
                 f"{_f(r.get('service_cores_direct'))} / {_f(r.get('service_cores_gateway'))}",
                 f"{100 * r['ratio_per_service_core']:.0f} %" if r.get("ratio_per_service_core") else "–"]
                for r in ratios]
        out += _table(["endpoint", "gateway via", "service µs direct", "service µs via gateway", "gateway µs",
                       "gateway share", "service cores direct / gateway", "ratio per service core"], rows)
        out.append("")
    if throughput and any(r.get("cpu") for r in throughput):
        out.append("CPU per request (µs, all processes of each component; `kernel irq` = interrupt handling, mostly "
                   "loopback networking; `other` = any other process on the machine; `steal` = taken by the hypervisor):")
        out.append("")
        rows = []
        for r in throughput:
            cpu = r.get("cpu") or {}
            us = cpu.get("us_per_request", {})
            rows.append([r["endpoint"], r["via"], *(_f(us.get(c), 0) for c in CPU_COLUMNS),
                         _f(cpu.get("machine_busy_pct"), 0) + " %"])
        out += _table(["endpoint", "via", *CPU_COLUMNS, "machine busy"], rows)
        out.append("")

    open_loop = results.get("open_loop") or []
    if open_loop:
        out.append(f"### Open loop (fixed rate, {_f(s.get('open_loop_duration_s'), 0)} s after 1 s warm-up; "
                   "latency from each request's scheduled time)")
        out.append("")
        rows = []
        for r in open_loop:
            lat, lag = r["latency_ms"], r["send_lag_ms"]
            rows.append([r["endpoint"], r["via"], _f(r["rate"], 0), _f(r["achieved_rps"], 0), _f(lat.get("p50")),
                         _f(lat.get("p99")), _f(lat.get("p999")), _f(lat.get("max")), str(r["bad"]), _f(lag.get("p99"))])
        out += _table(["endpoint", "via", "rate/s", "achieved/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors",
                       "generator lag p99 ms"], rows)
        out.append("")

    prop = results.get("propagation")
    if prop:
        out.append(f"### Event propagation ({prop['created']} units created through the gateway at "
                   f"{_f(prop['rate_per_s'], 0)}/s; from the 201 to readable, polled every {_f(prop['poll_interval_ms'], 0)} ms)")
        out.append("")
        rows = [[name, _f(v.get("p50"), 1), _f(v.get("p95"), 1), _f(v.get("p99"), 1), _f(v.get("max"), 1), str(v.get("n", 0))]
                for name, v in prop["visible_ms"].items()]
        p = prop["post_latency_ms"]
        rows.append(["(the POST itself)", _f(p.get("p50"), 1), _f(p.get("p95"), 1), _f(p.get("p99"), 1), _f(p.get("max"), 1),
                     str(p.get("n", 0))])
        out += _table(["readable in", "p50 ms", "p95 ms", "p99 ms", "max ms", "n"], rows)
        out.append("")
        out.append("Breakdown on the servers' clocks (PostgreSQL `now()` = transaction start):")
        out.append("")
        rows = [[name.replace("_", " "), _f(v.get("p50"), 1), _f(v.get("p95"), 1), _f(v.get("max"), 1)]
                for name, v in prop["breakdown_ms"].items()]
        out += _table(["step", "p50 ms", "p95 ms", "max ms"], rows)
        out.append("")
        c = prop["confirmed_via_api"]
        out.append(f"Confirmed through the read models' APIs: {c['reads'] - c['not_200']}/{c['reads']} reads answered 200.")
        out.append("")

    if results.get("awards_solver"):
        from qmbench.awards_solver import markdown as awards_markdown

        out += awards_markdown(results["awards_solver"])
    if results.get("goals_city"):
        from qmbench.goals_city import markdown as goals_city_markdown

        out += goals_city_markdown(results["goals_city"])
    if results.get("feedback"):
        from qmbench.feedback_bench import markdown as feedback_markdown

        out += feedback_markdown(results["feedback"])
    if results.get("warmup_errors"):
        out.append(f"Warm-up errors (not counted): {results['warmup_errors']}")
        out.append("")
    if results.get("noise"):
        out.append("**NOISY MACHINE** (other processes competed for the CPU; figures unreliable): "
                   + "; ".join(results["noise"]))
        out.append("")
    if results.get("problems"):
        out.append("**INVALID RESULTS:** " + "; ".join(results["problems"]))
    else:
        out.append("All measured requests answered 2xx; no socket errors.")
    return "\n".join(out)
