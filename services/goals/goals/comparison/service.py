"""The comparison index across committees, computed on read from the period's figures.

What enters: the committees (stadsdelsnämnder, facknämnder, bolagsstyrelser) in effect on the
period's last day whose report for the period is submitted (``only_submitted_reports``), each
with its figures for the subject's components (see ``rules``). Nothing is stored; a corrected
value shows at the next read.
"""

import uuid
from datetime import timedelta

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from goals.comparison import repository, rules
from goals.comparison.schemas import CommitteeIndex, ComparisonIndex, Component, ComponentFigure, Subject, Volume
from goals.follow_ups.rules import parse_period as parse_follow_up_period
from goals.periods import Period, in_range, parse_period
from goals.rollup import service as rollup_service

FOLLOW_UPS = "follow-ups"
MAX_WEIGHT = 1.0

METHOD_DESCRIPTION = """\
Jämförelseindex: for one goal (its indicators and the follow-ups of the commitments supporting it
or a goal below it) or one indicator, and one period, across the committees in effect on the
period's last day. Each committee's figure for an indicator is its own value in force (gender T)
when it has one, else the mean of its units' values, weighted by antal (count) when every value
has one. The follow-up component is the mean score of the period's follow-ups (uppfyllt 1,
delvis 0.5, ej 0) of the commitments reported. Each component is normalised across the
committees that have a figure: minmax (x − min) / (max − min), 0.5 for all when equal; or zscore
(x − mean) / sd, 0 for all when sd is 0. Lower-is-better indicators are flipped. The index is the
weighted mean (weights 0–1, default 1) of a committee's normalised scores; coverage is the share
of the weights its figures cover; a committee is ranked only at or above the minimum coverage.
Only committees whose report for the period is submitted (inlämnad; the current snapshot, a
correction counting once) enter: the tertial report for T1/T2, the verksamhetsberättelse for VB,
and the year's verksamhetsberättelse for a year or a month. The others are listed with
submitted false, reason report-not-submitted and no figures, index or rank; their unsubmitted
figures neither show nor move the normalisation of the others. Kolada's value for the committee
(when its own value came from Kolada) and for the whole municipality are shown beside.
What the index does not say: it is relative, so a top rank means better than the other
committees, not good; minmax lets one extreme committee compress the others; committees serve
different populations and the index does not adjust for need, size or mix; a committee's
figure averages units of very different size unless counts are given; a missing figure is not a
zero, it lowers coverage; differences between neighbouring ranks are often smaller than the
measurement's own uncertainty. Read the components, not only the index.
"""


def parse_weights(text: str | None) -> dict[str, float]:
    """``CODE:0.5,follow-ups:0`` → {code: weight}; 422 when a weight is not a number in 0–1."""
    if not text:
        return {}
    weights: dict[str, float] = {}
    for part in text.split(","):
        key, sep, raw = part.strip().rpartition(":")
        try:
            weight = float(raw)
        except ValueError:
            weight = None
        if not sep or not key or weight is None or not 0 <= weight <= MAX_WEIGHT:
            raise ProblemError(
                422, f"Weight {part.strip()!r} is not CODE:w with w a number in 0–{MAX_WEIGHT:g}.", kind="weight-out-of-range",
            )
        weights[key.strip().upper() if key.strip() != FOLLOW_UPS else FOLLOW_UPS] = weight
    return weights


def check_period(text: str) -> Period:
    period = parse_period(text)
    if period is None:
        raise ProblemError(422, f"{text!r} is not a period (2015, 2015-T1, 2015-T2, 2015-VB, 2015-03).", kind="period-invalid")
    if not in_range(period, today=stockholm_today()):
        raise ProblemError(422, f"The period {period.text} has not begun (or lies before 1990).", kind="period-out-of-range")
    return period


def report_period_of(period: Period) -> str:
    """The report whose submission lets a committee's figures for ``period`` enter the index.

    A tertial report (T1, T2) and the verksamhetsberättelse (VB) are their own periods; a year
    (2015) or a month (2015-03) has no report of its own and enters with the year's
    verksamhetsberättelse (2015-VB), the report that covers it once the year is closed.
    """
    return period.text if period.text[5:] in ("T1", "T2", "VB") else f"{period.year}-VB"


async def only_submitted_reports(session: AsyncSession, *, committees: list[Row], period: Period) -> set[uuid.UUID]:
    """THE "submitted reports only" filter of the index: the committees whose figures may enter.

    The index is built from submitted reports only (issue 6): the ids of ``committees`` with a
    current (not superseded) report snapshot for the report period of ``period``
    (``report_period_of``). A correction supersedes its predecessor and still counts once.
    """
    return await repository.committees_with_current_report(
        session, committee_ids=[committee.unit_id for committee in committees], period=report_period_of(period),
    )


async def comparison_index(
    session: AsyncSession, *, period_text: str, goal_id: uuid.UUID | None, indicator_id: uuid.UUID | None, method: str,
    min_coverage: float, weights_text: str | None,
) -> ComparisonIndex:
    if (goal_id is None) == (indicator_id is None):
        raise ProblemError(422, "Give exactly one of goal_id and indicator_id.", kind="subject-required")
    weights = parse_weights(weights_text)
    period = check_period(period_text)
    day = period.end - timedelta(days=1)
    follow_up_period = None
    if goal_id is not None:
        goal = await repository.get_goal(session, goal_id=goal_id)
        if goal is None:
            raise ProblemError(404, f"No goal {goal_id}.", kind="goal-not-found")
        if not goal.from_year <= period.year <= goal.to_year:
            raise ProblemError(
                422, f"The goal holds {goal.from_year}–{goal.to_year}; {period.text} is outside it.", kind="period-outside-goal",
            )
        subject = Subject(kind="goal", id=goal.id, title=goal.title)
        subtree = await repository.goal_subtree_ids(session, goal_id=goal.id, year=period.year)
        follow_up_period = parse_follow_up_period(period.text)  # only tertials and VB have follow-ups
    else:
        indicator = await repository.get_indicator(session, indicator_id=indicator_id)
        if indicator is None:
            raise ProblemError(404, f"No indicator {indicator_id}.", kind="indicator-not-found")
        subject = Subject(kind="indicator", id=indicator.id, title=indicator.title)
        indicator_ids = [indicator.id]
    committees = await repository.committees_on(session, day=day)
    entering = await only_submitted_reports(session, committees=committees, period=period)
    entering_ids = [c.unit_id for c in committees if c.unit_id in entering]
    follow_up_rows = []
    if goal_id is not None:
        # The goal's indicators and, for a tertial or VB, its follow-up figures per committee: one
        # statement over one set of supporting commitments.
        scores = None
        if follow_up_period is not None:
            scores = (await rollup_service.rule_for(session, code=None, version=None)).scores.model_dump()
        goal_indicators, follow_up_rows = await repository.goal_components(
            session, goal_ids=subtree, year=period.year, last_day=day, period=period.text, committee_ids=entering_ids,
            scores=scores,
        )
        indicator_ids = list(goal_indicators)
    indicator_rows = await repository.get_indicators(session, indicator_ids=indicator_ids)
    known = {row.code for row in indicator_rows} | ({FOLLOW_UPS} if follow_up_period else set())
    unknown = sorted(set(weights) - known)
    if unknown:
        raise ProblemError(
            422, f"Weights name components the index does not have: {', '.join(unknown)}.", kind="weight-unknown-component",
            components=sorted(known),
        )

    figures = await repository.indicator_figures(
        session, committee_ids=entering_ids, indicator_ids=[row.id for row in indicator_rows], period=period.text, day=day,
    )
    kolada_city = await repository.kolada_city_values(session, indicator_ids=[row.id for row in indicator_rows], period=period.text)

    # raw figures per component key: {committee_id: (raw, ComponentFigure fields)}
    raw: dict[str, dict[uuid.UUID, dict]] = {row.code: {} for row in indicator_rows}
    code_of = {row.id: row.code for row in indicator_rows}
    for row in figures:
        item = _indicator_figure(row)
        if item is not None:
            raw[code_of[row.indicator_id]][row.committee_id] = item
    components = [
        (row.code, "indicator", row.id, row.title, row.polarity, weights.get(row.code, 1.0)) for row in indicator_rows
    ]
    if follow_up_period is not None:
        raw[FOLLOW_UPS] = {}
        for row in follow_up_rows:
            if row.reported:
                raw[FOLLOW_UPS][row.committee_id] = {
                    "raw": float(row.score_sum) / row.reported, "basis": "follow_ups", "units": 0, "reported": row.reported,
                    "commitments": row.commitments,
                }
        components.append((FOLLOW_UPS, "follow_ups", None, "Uppföljningar av åtagandena", "higher_is_better", weights.get(FOLLOW_UPS, 1.0)))

    component_out, scores = [], {}
    for key, kind, ind_id, title, polarity, weight in components:
        normalised, found = rules.normalise(
            {committee: item["raw"] for committee, item in raw[key].items()}, method=method,
            lower_is_better=polarity == "lower_is_better",
        )
        scores[key] = normalised
        city = kolada_city.get(ind_id) if ind_id else None
        component_out.append(Component(
            key=key, kind=kind, indicator_id=ind_id, title=title, polarity=polarity, weight=weight,
            committees_with_figure=found.count, minimum=found.minimum, maximum=found.maximum, mean=found.mean, sd=found.sd,
            kolada_city_value=float(city.value) if city else None,
        ))
    weight_of = {key: weight for key, _, _, _, _, weight in components}

    indexes, coverages = {}, {}
    for committee in committees:
        mine = {key: scores[key][committee.unit_id] for key in scores if committee.unit_id in scores[key]}
        indexes[committee.unit_id], coverages[committee.unit_id] = rules.combine(mine, weight_of)
    eligible = {c.unit_id for c in committees if c.unit_id in entering and coverages[c.unit_id] >= min_coverage}
    ranked = rules.ranks(indexes, eligible)

    out = []
    for committee in committees:
        cid = committee.unit_id
        figures_of = [
            ComponentFigure(key=key, normalised=scores[key][cid], **raw[key][cid])
            for key, *_ in components if cid in raw[key]
        ]
        if cid not in entering:
            reason = "report-not-submitted"
        elif indexes[cid] is None:
            reason = "no-figures"
        elif cid not in ranked:
            reason = "coverage-below-minimum"
        else:
            reason = None
        counts = [f.count_sum for f in figures_of if f.count_sum is not None]
        out.append(CommitteeIndex(
            committee_id=cid, code=committee.code, name=committee.name, type=committee.type, submitted=cid in entering,
            index=indexes[cid],
            coverage=coverages[cid], rank=ranked.get(cid), reason=reason,
            volume=Volume(
                values=sum(f.units or 1 for f in figures_of if f.basis != "follow_ups"),
                units=max((f.units for f in figures_of), default=0),
                count_sum=sum(counts) if counts else None,
                follow_ups=sum(f.reported or 0 for f in figures_of),
            ),
            components=figures_of,
        ))
    out.sort(key=lambda c: (c.rank is None, c.rank or 0, c.code))
    return ComparisonIndex(
        period=period.text, subject=subject, method=method, min_coverage=min_coverage, components=component_out,
        committees=out, method_description=METHOD_DESCRIPTION,
    )


def _indicator_figure(row: Row) -> dict | None:
    if row.own_value is not None:
        return {
            "raw": float(row.own_value), "basis": "own_value", "units": 1, "count_sum": None,
            "kolada_value": float(row.own_value) if row.own_source == "kolada" else None,
        }
    if not row.units:
        return None
    value, weighted = rules.weighted_mean(
        float(row.mean) if row.mean is not None else None, float(row.weighted_sum) if row.weighted_sum is not None else None,
        int(row.count_sum) if row.count_sum is not None else None, bool(row.all_counted),
    )
    return {
        "raw": value, "basis": "units_weighted_by_count" if weighted else "units_mean", "units": row.units,
        "count_sum": int(row.count_sum) if row.count_sum is not None else None,
    }
