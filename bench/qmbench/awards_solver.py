"""The awards step: proposing examiner teams for a generated round of 200 applications × 300 examiners.

Runs in this process, without the platform: the service's own pipeline from the organisation
tree to the plan (conflicts from the tree on the round's dates, then the CP-SAT model with its
greedy start), on ``python -m awards generate``'s seeded round. Targets: ≤ 5 s, gap ≤ 5 %.
"""

import os
import statistics
import time

TARGET_SECONDS = 5.0
TARGET_GAP = 0.05


def measure(*, seed: int = 2015, applications: int = 200, examiners: int = 300, repeats: int = 3) -> dict:
    from awards.assignment.solver import Impossible, solve
    from awards.generate import generate_round, problem_of

    generated = generate_round(seed=seed, applications=applications, examiners=examiners)
    runs = []
    for _ in range(repeats):
        load = os.getloadavg()[0]
        started, cpu_started = time.monotonic(), time.process_time()
        problem, conflicts = problem_of(generated)
        conflicts_s = time.monotonic() - started
        plan = solve(problem)
        total, cpu = time.monotonic() - started, time.process_time() - cpu_started
        if isinstance(plan, Impossible):
            runs.append({"seconds": round(total, 3), "impossible": plan.constraint, "explanation": plan.explanation})
            continue
        runs.append({
            "seconds": round(total, 3), "cpu_s": round(cpu, 3), "conflicts_s": round(conflicts_s, 3), "solver_s": round(plan.wall_time_s, 3),
            "status": plan.status, "objective": plan.objective, "best_bound": plan.best_bound, "gap": round(plan.gap, 4),
            "terms": plan.terms, "conflicting_pairs": conflicts, "load_average_1m_before": round(load, 2),
        })
    seconds = [run["seconds"] for run in runs]
    gaps = [run["gap"] for run in runs if "gap" in run]
    worst_gap = max(gaps) if gaps else None
    return {
        "name": "awards: propose examiner teams (200 applications × 300 examiners, generated seed %d)" % seed,
        "target": {"seconds": TARGET_SECONDS, "gap": TARGET_GAP},
        "result": {
            "median_s": round(statistics.median(seconds), 3), "max_s": round(max(seconds), 3), "worst_gap": worst_gap,
            "median_cpu_s": round(statistics.median(run.get("cpu_s", 0.0) for run in runs), 3),
        },
        "met": max(seconds) <= TARGET_SECONDS and worst_gap is not None and worst_gap <= TARGET_GAP and len(gaps) == len(runs),
        "runs": runs,
    }


def markdown(row: dict) -> list[str]:
    result, target = row["result"], row["target"]
    gap = "–" if result["worst_gap"] is None else f"{100 * result['worst_gap']:.1f} %"
    return [
        "### Awards: examiner team proposal (CP-SAT)",
        "",
        "| round | median s | max s | CPU s (median) | target s | worst gap | target gap | met |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
        f"| {row['name']} | {result['median_s']:.2f} | {result['max_s']:.2f} | {result['median_cpu_s']:.2f} | {target['seconds']:g} | {gap} | "
        f"{100 * target['gap']:g} % | {'yes' if row['met'] else 'NO'} |",
        "",
    ]
