"""The analysis model: how cost relates to goal fulfilment, as an ordinal logit (statsmodels' OrderedModel).

Fulfilment (ej uppfyllt < delvis uppfyllt < uppfyllt) is ordinal: its categories are ordered but
the distances between them are unknown, so a proportional-odds (ordinal logit) model is used
rather than a linear one on scores 0 / 0.5 / 1. One observation is a unit and a year: its
fulfilment category (computed by the roll-up rule from its verksamhetsberättelse follow-ups) and
x = ln(cost), the cost per unit (the unit's outcome on the chosen budget line) or per user (that
divided by the unit's value of a volume indicator). x is centred on its median, so thresholds
describe the median unit.

P(category ≤ j | x) = F(θⱼ − β·x), F the logistic distribution. β > 0: more cost goes with
higher fulfilment. A change of resources by p % moves x by ln(1 + p/100).

Not enough data (no estimate is given, a plain statement is): fewer than ``MIN_OBSERVATIONS``
observations, a category with no observation, a cost without spread, or a fit that does not
converge or whose covariance is not finite.

Uncertainty: β's Wald interval (95 %) from the observed information, with n; "what if" answers
are the predicted probabilities of each category for the median observation at the changed cost,
with 95 % intervals from a parametric bootstrap (``DRAWS`` parameter vectors drawn from the
estimate's asymptotic normal distribution with a fixed seed, so the same data give the same
answer). The model describes an association in the data across units and years, not a cause:
units differ in more than cost.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np

MIN_OBSERVATIONS = 30
DRAWS = 2000
SEED = 20150101
LEVEL = 0.95
CATEGORIES = ("not_fulfilled", "partly_fulfilled", "fulfilled")
NOT_ENOUGH_RULE = (
    f"No estimate when there are fewer than {MIN_OBSERVATIONS} observations (unit-years), when a category "
    "(ej / delvis / uppfyllt) has no observation, when the cost does not vary, or when the fit does not converge."
)


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class Fit:
    n: int
    counts: dict[str, int]
    enough: bool
    statement: str
    beta: Interval | None = None
    std_error: float | None = None
    p_value: float | None = None
    thresholds: list[float] | None = None
    centre: float | None = None  # median of x (ln cost)
    baseline: dict[str, Interval] | None = None
    changed: dict[str, Interval] | None = None
    difference: dict[str, Interval] | None = None
    odds_ratio: Interval | None = None  # for the change asked


def _not_enough(n: int, counts: dict[str, int], why: str) -> Fit:
    return Fit(n=n, counts=counts, enough=False, statement=f"Not enough data for an estimate: {why}. {NOT_ENOUGH_RULE}")


def fit(categories: list[int], x: list[float], *, change_percent: float, seed: int = SEED, draws: int = DRAWS) -> Fit:
    """Fit the ordinal logit of ``categories`` (0 not, 1 partly, 2 fulfilled) on ``x`` (ln cost)."""
    y = np.asarray(categories, dtype=int)
    xs = np.asarray(x, dtype=float)
    n = len(y)
    counts = {name: int((y == index).sum()) for index, name in enumerate(CATEGORIES)}
    if n < MIN_OBSERVATIONS:
        return _not_enough(n, counts, f"{n} observations, fewer than {MIN_OBSERVATIONS}")
    empty = [name for name, count in counts.items() if count == 0]
    if empty:
        return _not_enough(n, counts, f"no observation is {', '.join(empty)}")
    if float(np.ptp(xs)) == 0:
        return _not_enough(n, counts, "the cost is the same for every observation")

    from statsmodels.miscmodels.ordinal_model import OrderedModel

    centre = float(np.median(xs))
    exog = (xs - centre).reshape(-1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = OrderedModel(y, exog, distr="logit")
        result = model.fit(method="bfgs", disp=False, maxiter=500)
    params = np.asarray(result.params, dtype=float)
    cov = np.asarray(result.cov_params(), dtype=float)
    converged = bool(result.mle_retvals.get("converged", False))
    if not converged or not np.all(np.isfinite(cov)) or not np.all(np.isfinite(params)) or cov[0, 0] <= 0:
        return _not_enough(n, counts, "the fit did not converge")
    z = _normal_quantile(0.5 + LEVEL / 2)
    se = math.sqrt(cov[0, 0])
    beta = float(params[0])
    p_value = math.erfc(abs(beta / se) / math.sqrt(2))
    shift = math.log(1 + change_percent / 100)

    rng = np.random.default_rng(seed)
    sampled = rng.multivariate_normal(params, cov, size=draws, method="cholesky" if _positive_definite(cov) else "eigh")
    base_draws, new_draws = probabilities(sampled, 0.0), probabilities(sampled, shift)
    base_point, new_point = probabilities(params[None, :], 0.0)[0], probabilities(params[None, :], shift)[0]
    tails = (100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2)

    def intervals(point, drawn) -> dict[str, Interval]:
        low, high = np.percentile(drawn, tails, axis=0)
        return {name: Interval(float(point[i]), float(low[i]), float(high[i])) for i, name in enumerate(CATEGORIES)}

    ratio = [math.exp(b * shift) for b in (beta, beta - z * se, beta + z * se)]
    return Fit(
        n=n, counts=counts, enough=True,
        statement=(
            f"Across {n} unit-years, a 1 % higher cost goes with a change of the log-odds of a higher fulfilment by "
            f"{beta / 100:.4f} (β = {beta:.3f} per unit of ln cost, 95 % interval {beta - z * se:.3f} to {beta + z * se:.3f}). "
            "An association across units and years, not a cause."
        ),
        beta=Interval(beta, beta - z * se, beta + z * se), std_error=se, p_value=p_value,
        thresholds=model.transform_threshold_params(params).tolist()[1:-1], centre=centre,
        baseline=intervals(base_point, base_draws), changed=intervals(new_point, new_draws),
        difference=intervals(new_point - base_point, new_draws - base_draws),
        odds_ratio=Interval(ratio[0], min(ratio[1:]), max(ratio[1:])),
    )


def probabilities(params: np.ndarray, x: float) -> np.ndarray:
    """Category probabilities at centred ``x`` for each row of ``params`` (β, θ₀, ln(θ₁ − θ₀)), as OrderedModel parameterises them."""
    from scipy.special import expit

    beta, first = params[:, 0], params[:, 1]
    second = first + np.exp(params[:, 2])
    below_partly, below_fulfilled = expit(first - beta * x), expit(second - beta * x)
    return np.column_stack([below_partly, below_fulfilled - below_partly, 1 - below_fulfilled])


def _positive_definite(matrix: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return True


def _normal_quantile(p: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(p))
