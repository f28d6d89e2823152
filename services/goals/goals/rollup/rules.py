"""The written rule of the roll-up (sammanvägning): from the verdicts below to a computed fulfilment.

Inputs of a goal are the commitments (åtaganden) that support it in the period (the version in
force on the period's last day names it) and the goals one level below it. A commitment's verdict
is its follow-up's assessment for the period; a goal's is its committee's verdict when one exists
(an override, shown as such), else its own computed fulfilment. An input without either is "not
yet reported".

- distribution: count and share of fulfilled / partly / not fulfilled / not yet reported over all
  inputs; coverage is the share reported.
- score: Σ weight × score(verdict) / Σ weight over the reported inputs, with the rule version's
  scores per verdict (default 1 / 0.5 / 0) and weights (``equal``: every input 1; ``commitments``:
  a commitment 1, a goal as many as the commitments below it).
- computed fulfilment: fulfilled from ``fulfilled_from``, partly from ``partly_from``, else not;
  none when nothing lies below or coverage is under ``min_coverage``.
"""

from dataclasses import dataclass, field

from contracts.goals import Assessment

VERDICTS = (Assessment.fulfilled, Assessment.partly_fulfilled, Assessment.not_fulfilled)


@dataclass(frozen=True)
class Rule:
    code: str
    version: int
    scores: dict[str, float]
    fulfilled_from: float
    partly_from: float
    min_coverage: float
    weighting: str  # equal | commitments


@dataclass(frozen=True)
class Input:
    kind: str  # commitment | goal
    id: object
    title: str
    unit_id: object
    verdict: Assessment | None  # the verdict applied; None: not yet reported
    commitments_below: int  # 1 for a commitment
    source: dict = field(default_factory=dict)  # follow-up id, or the goal's computed figure
    override: dict | None = None


@dataclass(frozen=True)
class Figures:
    counts: dict[str, int]
    total: int
    coverage: float | None
    score: float | None
    fulfilment: Assessment | None
    reason: str | None
    weights: list[float]
    formula: str


def weight(rule: Rule, item: Input) -> float:
    return 1.0 if rule.weighting == "equal" or item.kind == "commitment" else float(item.commitments_below)


def classify(rule: Rule, score: float) -> Assessment:
    if score >= rule.fulfilled_from:
        return Assessment.fulfilled
    if score >= rule.partly_from:
        return Assessment.partly_fulfilled
    return Assessment.not_fulfilled


def compute(rule: Rule, inputs: list[Input]) -> Figures:
    counts = {verdict.value: 0 for verdict in VERDICTS} | {"not_reported": 0}
    for item in inputs:
        counts[item.verdict.value if item.verdict else "not_reported"] += 1
    total = len(inputs)
    weights = [weight(rule, item) for item in inputs]
    if total == 0:
        return Figures(counts, 0, None, None, None, "nothing-below", weights, "Nothing lies below in this period.")
    reported = [(w, item) for w, item in zip(weights, inputs) if item.verdict is not None]
    coverage = len(reported) / total
    if not reported or coverage < rule.min_coverage:
        return Figures(
            counts, total, coverage, None, None, "coverage-below-minimum", weights,
            f"{len(reported)} of {total} reported: coverage {coverage:.2f} < {rule.min_coverage:g}, no fulfilment computed.",
        )
    weighed = sum(w for w, _ in reported)
    if weighed == 0:
        return Figures(counts, total, coverage, None, None, "no-weight", weights, "The reported inputs weigh nothing.")
    score = sum(w * rule.scores[item.verdict.value] for w, item in reported) / weighed
    fulfilment = classify(rule, score)
    terms = " + ".join(f"{w:g}×{rule.scores[item.verdict.value]:g}" for w, item in reported)
    formula = (
        f"({terms}) / {weighed:g} = {score:.4g}; fulfilled from {rule.fulfilled_from:g}, partly from {rule.partly_from:g}"
        f" → {fulfilment.value}"
    )
    return Figures(counts, total, coverage, score, fulfilment, None, weights, formula)


def compute_counts(rule: Rule, counts: dict[str | None, int]) -> Figures:
    """``compute`` for commitments known only as counts per verdict (None: not yet reported).

    Every commitment weighs 1 under both weightings, so this is ``compute`` over that many
    commitment inputs, with the sum written per verdict instead of per input.
    """
    tally = {verdict.value: 0 for verdict in VERDICTS} | {"not_reported": 0}
    for verdict, count in counts.items():
        tally[verdict or "not_reported"] += count
    total = sum(tally.values())
    weights = [1.0] * total
    if total == 0:
        return Figures(tally, 0, None, None, None, "nothing-below", weights, "Nothing lies below in this period.")
    reported = total - tally["not_reported"]
    coverage = reported / total
    if not reported or coverage < rule.min_coverage:
        return Figures(
            tally, total, coverage, None, None, "coverage-below-minimum", weights,
            f"{reported} of {total} reported: coverage {coverage:.2f} < {rule.min_coverage:g}, no fulfilment computed.",
        )
    score = sum(tally[verdict.value] * rule.scores[verdict.value] for verdict in VERDICTS) / reported
    fulfilment = classify(rule, score)
    terms = " + ".join(f"{tally[v.value]}×{rule.scores[v.value]:g}" for v in VERDICTS if tally[v.value])
    formula = (
        f"({terms}) / {reported} = {score:.4g}; fulfilled from {rule.fulfilled_from:g}, partly from {rule.partly_from:g}"
        f" → {fulfilment.value}"
    )
    return Figures(tally, total, coverage, score, fulfilment, None, weights, formula)
