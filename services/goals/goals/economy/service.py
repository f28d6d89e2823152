"""Economy beside fulfilment per unit and year, and the analysis model across units and years.

Computed on read from the budget tables and the verksamhetsberättelse follow-ups; nothing stored.
"""

import math
import uuid
from datetime import date
from decimal import Decimal

from contracts.goals import Assessment
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from goals.economy import model, repository, rules
from goals.economy.schemas import (
    Analysis, CategoryProbabilities, Economy, EconomyYear, Estimate, FulfilmentFigures, UnitEconomy, WhatIf,
)
from goals.rollup import rules as rollup_rules
from goals.rollup import service as rollup_service

MAX_YEARS = 10
LIMITS = (
    "The model describes how fulfilment and cost go together across units and years; it is not a cause. Units "
    "differ in need, size, mix and ways of working, which the model does not see; a unit-year's fulfilment is the "
    "roll-up of its own commitments, which differ in ambition. An interval is the model's own uncertainty given "
    "its assumptions (proportional odds, a straight line in ln cost), not the whole uncertainty. Read 'what if' "
    "as what the data say about units that spent more or less, not as a promise."
)


def check_years(from_year: int, to_year: int) -> list[int]:
    if to_year < from_year:
        raise ProblemError(422, "to_year must not be before from_year.", kind="years-not-ordered")
    if to_year - from_year + 1 > MAX_YEARS:
        raise ProblemError(422, f"At most {MAX_YEARS} years at a time.", kind="too-many-years")
    if to_year > stockholm_today().year:
        raise ProblemError(422, f"The year {to_year} has not begun.", kind="year-out-of-range")
    return list(range(from_year, to_year + 1))


async def _rule(session: AsyncSession) -> rollup_rules.Rule:
    chosen = await rollup_service.rule_for(session, code=None, version=None)
    return rollup_rules.Rule(
        code=chosen.code, version=chosen.version, scores=chosen.scores.model_dump(), fulfilled_from=chosen.fulfilled_from,
        partly_from=chosen.partly_from, min_coverage=chosen.min_coverage, weighting=chosen.weighting,
    )


def fulfilment_of(rule: rollup_rules.Rule, counts: dict[str, int]) -> FulfilmentFigures:
    """The default roll-up rule over a unit-year's commitments, from their counts per verdict."""
    figures = rollup_rules.compute_counts(rule, {None if verdict == "not_reported" else verdict: n for verdict, n in counts.items()})
    return FulfilmentFigures(
        commitments=figures.total, fulfilled=figures.counts["fulfilled"], partly_fulfilled=figures.counts["partly_fulfilled"],
        not_fulfilled=figures.counts["not_fulfilled"], not_reported=figures.counts["not_reported"], coverage=figures.coverage,
        score=figures.score, assessment=figures.fulfilment,
    )


def _year_row(
    *, year: int, line: str, source: str, budget: Decimal | None, outcome: Decimal | None, fulfilment: FulfilmentFigures,
    tolerance: float,
) -> EconomyYear:
    return EconomyYear(
        year=year, line=line, budget_source=source, budget=budget, outcome=outcome,
        deviation=None if budget is None or outcome is None else budget - outcome,
        deviation_share=rules.deviation_share(budget, outcome), fulfilment=fulfilment,
        flags=rules.flags(budget, outcome, fulfilment.assessment, tolerance),
    )


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value


async def economy(
    session: AsyncSession, *, unit_id: uuid.UUID, years: list[int], line: str, tolerance: float
) -> Economy:
    rule = await _rule(session)
    trees = {year: await repository.units_below(session, unit_id=unit_id, day=date(year, 12, 31)) for year in years}
    unit_ids = list({row.unit_id for rows in trees.values() for row in rows})
    budgets = await repository.budget_figures(session, unit_ids=unit_ids, years=years, line=line)
    counts = await repository.fulfilment_counts(session, unit_ids=unit_ids, years=years)
    info = {row.unit_id: row for rows in trees.values() for row in rows}
    if unit_id not in info:
        raise ProblemError(422, f"Organisation unit {unit_id} is not in effect in {years[0]}–{years[-1]}.", kind="unit-not-in-effect")

    whole_years = []
    for year in years:
        below = [row.unit_id for row in trees[year]]
        own = budgets.get((unit_id, year))
        if own is not None:
            source, budget, outcome = "own", own.budget, own.outcome
        else:
            tables = [budgets[(u, year)] for u in below if (u, year) in budgets]
            source = "units_below" if tables else "none"
            budget = sum((t.budget for t in tables), Decimal(0)) if tables else None
            outcomes = [t.outcome for t in tables]
            outcome = sum(outcomes, Decimal(0)) if tables and all(o is not None for o in outcomes) else None
        total: dict[str, int] = {}
        for u in below:
            _add(total, counts.get((u, year), {}))
        whole_years.append(_year_row(
            year=year, line=line, source=source, budget=budget, outcome=outcome, fulfilment=fulfilment_of(rule, total),
            tolerance=tolerance,
        ))
    root = info[unit_id]
    units = []
    for other in sorted(info.values(), key=lambda row: row.code):
        if other.unit_id == unit_id:
            continue
        rows = [
            _year_row(
                year=year, line=line, source="own" if (other.unit_id, year) in budgets else "none",
                budget=budgets[(other.unit_id, year)].budget if (other.unit_id, year) in budgets else None,
                outcome=budgets[(other.unit_id, year)].outcome if (other.unit_id, year) in budgets else None,
                fulfilment=fulfilment_of(rule, counts.get((other.unit_id, year), {})), tolerance=tolerance,
            )
            for year in years if (other.unit_id, year) in budgets or (other.unit_id, year) in counts
        ]
        if rows:
            units.append(UnitEconomy(unit_id=other.unit_id, code=other.code, name=other.name, type=other.type, years=rows))
    return Economy(
        unit=UnitEconomy(unit_id=root.unit_id, code=root.code, name=root.name, type=root.type, years=whole_years),
        units=units, tolerance=tolerance, rules=rules.__doc__,
    )


def _estimate(interval: model.Interval) -> Estimate:
    return Estimate(estimate=interval.estimate, low=interval.low, high=interval.high)


def _categories(found: dict[str, model.Interval]) -> CategoryProbabilities:
    return CategoryProbabilities(**{name: _estimate(interval) for name, interval in found.items()})


_ORDER = {Assessment.not_fulfilled: 0, Assessment.partly_fulfilled: 1, Assessment.fulfilled: 2}


async def analysis(
    session: AsyncSession, *, years: list[int], within: uuid.UUID | None, line: str, per: str,
    volume_indicator_id: uuid.UUID | None, change_percent: float,
) -> Analysis:
    if per == "user":
        if volume_indicator_id is None:
            raise ProblemError(422, "Cost per user needs volume_indicator_id (an indicator measuring volume).", kind="volume-indicator-required")
        indicator = await repository.get_indicator(session, indicator_id=volume_indicator_id)
        if indicator is None or not indicator.measures_volume:
            raise ProblemError(
                422, f"Indicator {volume_indicator_id} does not exist or does not measure volume (measures_volume).",
                kind="not-a-volume-indicator",
            )
    rule = await _rule(session)
    unit_ids = None
    if within is not None:
        trees = [await repository.units_below(session, unit_id=within, day=date(year, 12, 31)) for year in years]
        unit_ids = list({row.unit_id for rows in trees for row in rows})
    budgets = await repository.budget_figures(session, unit_ids=unit_ids, years=years, line=line)
    counts = await repository.fulfilment_counts(session, unit_ids=unit_ids, years=years)
    volumes = await repository.volume_values(session, indicator_id=volume_indicator_id, years=years) if per == "user" else {}
    excluded = {"no-outcome-or-not-positive": 0, "no-fulfilment": 0, "no-volume": 0}
    categories, xs = [], []
    for key in sorted(set(budgets) | set(counts), key=lambda k: (k[1], str(k[0]))):
        table = budgets.get(key)
        if table is None or table.outcome is None or table.outcome <= 0:
            excluded["no-outcome-or-not-positive"] += 1
            continue
        assessment = fulfilment_of(rule, counts.get(key, {})).assessment
        if assessment is None:
            excluded["no-fulfilment"] += 1
            continue
        cost = float(table.outcome)
        if per == "user":
            volume = volumes.get(key)
            if not volume or volume <= 0:
                excluded["no-volume"] += 1
                continue
            cost /= volume
        categories.append(_ORDER[assessment])
        xs.append(math.log(cost))
    fitted = model.fit(categories, xs, change_percent=change_percent)
    predictor = f"ln({line} outcome" + (" per user of the volume indicator)" if per == "user" else " per unit)")
    what_if = None
    if fitted.enough:
        what_if = WhatIf(
            change_percent=change_percent,
            reference=f"the median unit-year (ln cost {fitted.centre:.3f}, i.e. {math.exp(fitted.centre):.4g} on the {line} line)",
            baseline=_categories(fitted.baseline), changed=_categories(fitted.changed), difference=_categories(fitted.difference),
            odds_ratio=_estimate(fitted.odds_ratio),
            interval_method=f"parametric bootstrap: {model.DRAWS} draws from the estimate's normal distribution, seed {model.SEED}; 2.5th–97.5th percentiles",
        )
    return Analysis(
        model="ordinal logit (proportional odds), statsmodels OrderedModel, distr='logit'", predictor=predictor, years=years,
        within=within, n=fitted.n, excluded=excluded, counts=fitted.counts, enough_data=fitted.enough, statement=fitted.statement,
        not_enough_data_rule=model.NOT_ENOUGH_RULE, coefficient=_estimate(fitted.beta) if fitted.beta else None,
        std_error=fitted.std_error, p_value=fitted.p_value, thresholds=fitted.thresholds, median_ln_cost=fitted.centre,
        what_if=what_if, limits=LIMITS,
    )
