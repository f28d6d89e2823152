"""The written method of the comparison index (jämförelseindex), pure functions on figures.

For one subject (a goal, or one indicator) and one period, each committee (stadsdelsnämnd,
facknämnd, bolagsstyrelse) gets one figure per component:

- an indicator component: the committee's own value in force for the period (gender T) when it
  has one; else the mean of the values of the units below it on the period's last day, weighted
  by each value's ``count`` (antal) when every one of them has a count, unweighted otherwise;
- the follow-up component (a goal only): the mean score of the follow-ups of the period of the
  commitments supporting the goal or a goal below it (uppfyllt 1, delvis 0.5, ej 0: the default
  roll-up rule's scores), over the commitments reported.

Normalisation, per component across the committees that have a figure:

- ``minmax``: (x − min) / (max − min), so 0 is the lowest and 1 the highest committee; when every
  figure is the same, each gets 0.5;
- ``zscore``: (x − mean) / sd (population standard deviation); when sd is 0, each gets 0;
- lower-is-better indicators are flipped (1 − s for minmax, −z for zscore) so that higher is always better.

Index = Σ wₖ·sₖ / Σ wₖ over the components the committee has a figure for; coverage =
Σ wₖ (components with a figure) / Σ wₖ (all components). A committee is ranked only when its
coverage reaches the minimum coverage; ties share a rank (1, 2, 2, 4).
"""

import math
from dataclasses import dataclass

METHODS = ("minmax", "zscore")


@dataclass(frozen=True)
class Stats:
    count: int
    minimum: float | None
    maximum: float | None
    mean: float | None
    sd: float | None


def stats(values: list[float]) -> Stats:
    if not values:
        return Stats(0, None, None, None, None)
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return Stats(len(values), min(values), max(values), mean, sd)


def normalise(figures: dict, *, method: str, lower_is_better: bool) -> tuple[dict, Stats]:
    """Each key's normalised score (higher is better) and the component's statistics."""
    found = stats(list(figures.values()))
    scores = {}
    for key, x in figures.items():
        if method == "minmax":
            spread = found.maximum - found.minimum
            score = 0.5 if spread == 0 else (x - found.minimum) / spread
            scores[key] = 1 - score if lower_is_better else score
        else:
            score = 0.0 if found.sd == 0 else (x - found.mean) / found.sd
            scores[key] = -score if lower_is_better and score != 0 else score
    return scores, found


def combine(scores: dict[str, float], weights: dict[str, float]) -> tuple[float | None, float]:
    """(index, coverage) of one committee from its components' scores (only those it has)."""
    total = sum(weights.values())
    covered = sum(weights[key] for key in scores)
    if total == 0:
        return None, 0.0
    coverage = covered / total
    if covered == 0:
        return None, coverage
    return sum(weights[key] * score for key, score in scores.items()) / covered, coverage


def ranks(indexes: dict, eligible: set) -> dict:
    """Competition ranks (1, 2, 2, 4) of the eligible keys by index, highest first."""
    ordered = sorted((value, key) for key, value in indexes.items() if key in eligible and value is not None)
    ordered.reverse()
    result, previous, rank = {}, None, 0
    for position, (value, key) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        result[key] = rank
    return result


def weighted_mean(mean: float | None, weighted_sum: float | None, count_sum: int | None, all_counted: bool) -> tuple[float | None, bool]:
    """The units' figure: count-weighted when every value has a count, else the plain mean; (value, weighted)."""
    if all_counted and count_sum:
        return weighted_sum / count_sum, True
    return mean, False
