"""The roll-up rule over counted commitments (the city's roll-up and economy use it) equals the rule over inputs.

Two fulfilled, one partly, one not yet reported, equal-weights v1: coverage 3/4 = 0.75 ≥ 0.5;
score (2×1 + 1×0.5) / 3 = 0.8333 ≥ 0.75 → fulfilled.
"""

from contracts.goals import Assessment

from goals.rollup import rules

RULE = rules.Rule(
    code="equal-weights", version=1, scores={"fulfilled": 1, "partly_fulfilled": 0.5, "not_fulfilled": 0},
    fulfilled_from=0.75, partly_from=0.4, min_coverage=0.5, weighting="commitments",
)


def _input(verdict):
    return rules.Input(kind="commitment", id=None, title="", unit_id=None, verdict=verdict, commitments_below=1)


def test_counts_give_the_same_figures_as_the_inputs_they_count():
    counted = rules.compute_counts(RULE, {"fulfilled": 2, "partly_fulfilled": 1, None: 1})
    listed = rules.compute(RULE, [_input(Assessment.fulfilled)] * 2 + [_input(Assessment.partly_fulfilled), _input(None)])

    assert counted.coverage == 0.75 and abs(counted.score - 2.5 / 3) < 1e-12
    assert counted.fulfilment == Assessment.fulfilled
    assert (counted.counts, counted.total, counted.coverage, counted.score, counted.fulfilment, counted.reason) == (
        listed.counts, listed.total, listed.coverage, listed.score, listed.fulfilment, listed.reason,
    )
    assert counted.formula.startswith("(2×1 + 1×0.5) / 3 = 0.8333")


def test_counts_under_the_minimum_coverage_compute_nothing():
    counted = rules.compute_counts(RULE, {"not_fulfilled": 1, None: 2})

    assert (counted.coverage, counted.score, counted.fulfilment, counted.reason) == (1 / 3, None, None, "coverage-below-minimum")
    assert rules.compute_counts(RULE, {}).reason == "nothing-below"
