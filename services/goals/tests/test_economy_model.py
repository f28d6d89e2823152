"""The analysis model on synthetic data with a known relation, and its "not enough data" rule.

The data are generated here from a known ordinal logit: latent y* = β·x + logistic noise, cut at
θ₀ and θ₁, so the model must find β within its own 95 % interval and the "what if" probabilities
must hold the true ones (computed by hand from the known β and θ) within theirs.
"""

import math

import numpy as np

from goals.economy import model

BETA, THETA = 1.2, (-0.5, 1.0)


def _synthetic(n: int, seed: int = 7) -> tuple[list[int], list[float]]:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    latent = BETA * x + rng.logistic(0.0, 1.0, n)
    y = np.where(latent <= THETA[0], 0, np.where(latent <= THETA[1], 1, 2))
    # x is ln cost: any positive cost works; the model centres on the median.
    return y.tolist(), x.tolist()


def _logistic(t: float) -> float:
    return 1 / (1 + math.exp(-t))


def test_the_model_recovers_a_known_coefficient_within_its_interval():
    y, x = _synthetic(3000)

    fit = model.fit(y, x, change_percent=10)

    assert fit.enough and fit.n == 3000
    assert fit.beta.low < BETA < fit.beta.high
    assert fit.beta.high - fit.beta.low < 0.3  # n = 3000 pins it down
    assert fit.beta.low > 0  # the relation is found, not only "not excluded"
    # The true probabilities at the changed cost, by hand: x moves by ln 1.1 from the median x.
    centre = float(np.median(x))
    moved = centre + math.log(1.1)
    true_not = _logistic(THETA[0] - BETA * moved)
    true_fulfilled = 1 - _logistic(THETA[1] - BETA * moved)
    assert fit.changed["not_fulfilled"].low < true_not < fit.changed["not_fulfilled"].high
    assert fit.changed["fulfilled"].low < true_fulfilled < fit.changed["fulfilled"].high
    # More resources: fulfilled more likely, and the difference's interval lies above zero.
    assert fit.difference["fulfilled"].low > 0 and fit.difference["not_fulfilled"].high < 0
    # Probabilities of the three categories add up to one.
    assert math.isclose(sum(p.estimate for p in fit.changed.values()), 1.0)
    # Odds ratio for +10 %: exp(β ln 1.1), inside its interval.
    assert fit.odds_ratio.low < math.exp(BETA * math.log(1.1)) < fit.odds_ratio.high


def test_the_same_data_give_the_same_intervals():
    y, x = _synthetic(500, seed=3)

    first, second = model.fit(y, x, change_percent=-20), model.fit(y, x, change_percent=-20)

    assert first.changed == second.changed and first.beta == second.beta


def test_our_probabilities_are_statsmodels_own():
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    y, x = _synthetic(400, seed=11)
    exog = (np.asarray(x) - np.median(x)).reshape(-1, 1)
    fitted = OrderedModel(np.asarray(y), exog, distr="logit").fit(method="bfgs", disp=False)
    params = np.asarray(fitted.params)

    ours = model.probabilities(params[None, :], 0.3)[0]
    theirs = fitted.model.predict(params, exog=np.array([[0.3]]))[0]

    assert np.allclose(ours, theirs)


def test_thin_data_say_not_enough_data():
    y, x = _synthetic(29)

    fit = model.fit(y, x, change_percent=10)

    assert not fit.enough and fit.beta is None and fit.changed is None
    assert fit.statement.startswith("Not enough data") and "29 observations" in fit.statement


def test_an_empty_category_says_not_enough_data():
    y, x = _synthetic(200)
    y = [min(value, 1) for value in y]  # nobody fulfilled

    fit = model.fit(y, x, change_percent=10)

    assert not fit.enough and "no observation is fulfilled" in fit.statement
    assert fit.counts["fulfilled"] == 0


def test_a_cost_without_spread_says_not_enough_data():
    y, _ = _synthetic(100)

    fit = model.fit(y, [2.0] * 100, change_percent=10)

    assert not fit.enough and "the same for every observation" in fit.statement
