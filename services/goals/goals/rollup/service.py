"""Roll-up on read: the figures are computed from the follow-ups in the database at each request,
so a corrected follow-up shows at once. Rules are versioned rows; the committee's verdict on a goal
stands beside the computed fulfilment and, for the goal above, replaces it (an override, shown).
"""

import uuid
from collections import Counter

from contracts.goals import Assessment
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.problems import ProblemError

from goals import access
from goals.follow_ups.rules import FollowUpPeriod, parse_period
from goals.rollup import repository, rules
from goals.rollup.schemas import (
    Distribution, Explanation, Fulfilment, GoalRef, InputOut, Override, RollUp, RuleVersion, RuleVersionCreate, Share, Verdict,
    VerdictPut,
)

DEFAULT_RULE = "equal-weights"
VERDICT_ROLES = ("committee",)


def period_of(text: str) -> FollowUpPeriod:
    period = parse_period(text)
    if period is None:
        raise ProblemError(422, f"{text} is not a period; periods are YYYY-T1, YYYY-T2, YYYY-VB.", kind="period-invalid")
    return period


def render_rule(row: Row) -> RuleVersion:
    return RuleVersion(
        code=row.code, version=row.version, name_sv=row.name_sv, description=row.description, scores=row.scores,
        fulfilled_from=float(row.fulfilled_from), partly_from=float(row.partly_from), min_coverage=float(row.min_coverage),
        weighting=row.weighting, created_at=row.created_at,
    )


def render_verdict(row: Row) -> Verdict:
    return Verdict(
        goal_id=row.goal_id, period=row.period, revision=row.revision, assessment=row.assessment, analysis=row.analysis,
        recorded_by=row.recorded_by, updated_at=row.updated_at,
    )


# --- rules ---

async def create_rule_version(session: AsyncSession, *, principal: Principal, data: RuleVersionCreate) -> RuleVersion:
    scores = data.scores
    if not scores.fulfilled >= scores.partly_fulfilled >= scores.not_fulfilled:
        raise ProblemError(422, "Scores must not rise as the verdict gets worse.", kind="scores-not-ordered")
    if data.partly_from > data.fulfilled_from:
        raise ProblemError(422, "partly_from must not exceed fulfilled_from.", kind="thresholds-not-ordered")
    values = data.model_dump(exclude={"code"})
    row = await repository.insert_rule_version(session, code=data.code, values={**values, "created_by": principal.subject})
    return render_rule(row)


async def rule_for(session: AsyncSession, *, code: str | None, version: int | None) -> RuleVersion:
    row = await repository.get_rule(session, code=code or DEFAULT_RULE, version=version)
    if row is None:
        named = f"{code or DEFAULT_RULE} version {version}" if version is not None else (code or DEFAULT_RULE)
        raise ProblemError(422, f"No roll-up rule {named}.", kind="rule-not-found")
    return render_rule(row)


# --- the committee's verdict ---

async def goal_for(session: AsyncSession, *, goal_id: uuid.UUID) -> Row:
    goal = await repository.get_goal(session, goal_id=goal_id)
    if goal is None:
        raise ProblemError(404, f"No goal {goal_id}.", kind="goal-not-found")
    return goal


def check_period_in_goal(goal: Row, period: FollowUpPeriod) -> None:
    if not goal.from_year <= period.year <= goal.to_year:
        raise ProblemError(
            422, f"The goal holds {goal.from_year}–{goal.to_year}; {period.text} is outside it.", kind="period-outside-goal",
        )


async def authorise_goal(session: AsyncSession, principal: Principal, *, goal: Row, period: FollowUpPeriod, roles) -> None:
    await access.require_unit_access(session, principal, unit_id=goal.unit_id, year=period.year, roles=roles)


async def put_verdict(
    session: AsyncSession, *, principal: Principal, goal: Row, period: FollowUpPeriod, current: Row | None, data: VerdictPut
) -> Verdict:
    if goal.status != "active":
        raise ProblemError(422, "The goal is withdrawn.", kind="goal-withdrawn")
    values = {"assessment": data.assessment.value, "analysis": data.analysis, "recorded_by": principal.subject}
    if current is None:
        await repository.insert_verdict(session, values={"goal_id": goal.id, "period": period.text, "revision": 1, **values})
    else:
        await repository.update_verdict(
            session, goal_id=goal.id, period=period.text, values={**values, "revision": current.revision + 1},
        )
    return render_verdict(await repository.get_verdict(session, goal_id=goal.id, period=period.text))


# --- the roll-up ---

class _Tree:
    """The goals, commitments, follow-ups and verdicts below some roots in one period, rolled up."""

    def __init__(
        self, rule: RuleVersion, goals: list[Row], commitments: list[Row], follow_ups: dict, verdicts: dict,
        counts: dict[uuid.UUID, dict[str | None, int]] | None = None,
    ) -> None:
        self.rule = rules.Rule(
            code=rule.code, version=rule.version, scores=rule.scores.model_dump(), fulfilled_from=rule.fulfilled_from,
            partly_from=rule.partly_from, min_coverage=rule.min_coverage, weighting=rule.weighting,
        )
        self.goals = {goal.id: goal for goal in goals}
        self.children: dict[uuid.UUID, list[Row]] = {}
        for goal in goals:
            if goal.parent_id in self.goals:
                self.children.setdefault(goal.parent_id, []).append(goal)
        self.commitments: dict[uuid.UUID, list[Row]] = {}
        for commitment in commitments:
            self.commitments.setdefault(commitment.committee_goal_id, []).append(commitment)
        self.follow_ups, self.verdicts = follow_ups, verdicts
        # Goals whose commitments are known only as counts per verdict (the city's roll-up reads
        # them in one aggregation): each counts as that many inputs with that verdict.
        self.counts = counts or {}
        self._figures: dict[uuid.UUID, tuple[rules.Figures, list[rules.Input]]] = {}
        self._below: dict[uuid.UUID, Counter] = {}

    def supporting_inputs(self, goal_id: uuid.UUID) -> list[rules.Input]:
        """The inputs of the commitments supporting one goal (rows; a counted goal's count as anonymous inputs)."""
        if goal_id in self.counts:
            inputs = []
            for assessment, count in self.counts[goal_id].items():
                verdict = Assessment(assessment) if assessment else None
                inputs += [rules.Input(kind="commitment", id=None, title="", unit_id=None, verdict=verdict, commitments_below=1)] * count
            return inputs
        return [self.commitment_input(c) for c in self.commitments.get(goal_id, [])]

    def counts_below(self, goal_id: uuid.UUID) -> Counter:
        """Every commitment at any depth below the goal, counted by its verdict (None: not yet reported)."""
        if goal_id not in self._below:
            if goal_id in self.counts:
                below = Counter(self.counts[goal_id])
            else:
                below = Counter(
                    follow_up.assessment if (follow_up := self.follow_ups.get(c.id)) else None for c in self.commitments.get(goal_id, [])
                )
            for child in self.children.get(goal_id, []):
                below.update(self.counts_below(child.id))
            self._below[goal_id] = below
        return self._below[goal_id]

    def commitment_input(self, commitment: Row) -> rules.Input:
        follow_up = self.follow_ups.get(commitment.id)
        override = None
        verdict = Assessment(follow_up.assessment) if follow_up else None
        if follow_up and follow_up.suggested_assessment and follow_up.suggested_assessment != follow_up.assessment:
            override = {"kind": "verdict-over-suggestion", "replaced": follow_up.suggested_assessment, "applied": verdict}
        return rules.Input(
            kind="commitment", id=commitment.id, title=commitment.title, unit_id=commitment.unit_id, verdict=verdict,
            commitments_below=1, source={"follow_up_id": follow_up.id if follow_up else None}, override=override,
        )

    def goal_input(self, goal: Row) -> rules.Input:
        figures, _ = self.figures(goal.id)
        verdict_row = self.verdicts.get(goal.id)
        verdict, override = figures.fulfilment, None
        if verdict_row is not None:
            verdict = Assessment(verdict_row.assessment)
            override = {"kind": "committee-verdict", "replaced": figures.fulfilment, "applied": verdict}
        return rules.Input(
            kind="goal", id=goal.id, title=goal.title, unit_id=goal.unit_id, verdict=verdict,
            commitments_below=sum(self.counts_below(goal.id).values()), source={"computed": figures}, override=override,
        )

    def inputs(self, goal_ids: list[uuid.UUID]) -> list[rules.Input]:
        children = [child for goal_id in goal_ids for child in self.children.get(goal_id, [])]
        return [self.goal_input(goal) for goal in children] + [
            item for goal_id in goal_ids for item in self.supporting_inputs(goal_id)
        ]

    def figures(self, goal_id: uuid.UUID) -> tuple[rules.Figures, list[rules.Input]]:
        if goal_id not in self._figures:
            if goal_id in self.counts and not self.children.get(goal_id):
                self._figures[goal_id] = (rules.compute_counts(self.rule, self.counts[goal_id]), [])
            else:
                inputs = self.inputs([goal_id])
                self._figures[goal_id] = (rules.compute(self.rule, inputs), inputs)
        return self._figures[goal_id]


def _distribution(figures: rules.Figures) -> Distribution:
    def share(key: str) -> Share:
        count = figures.counts[key]
        return Share(count=count, share=count / figures.total if figures.total else None)

    return Distribution(
        fulfilled=share("fulfilled"), partly_fulfilled=share("partly_fulfilled"), not_fulfilled=share("not_fulfilled"),
        not_reported=share("not_reported"), total=figures.total, coverage=figures.coverage,
    )


def _fulfilment(figures: rules.Figures) -> Fulfilment:
    return Fulfilment(score=figures.score, assessment=figures.fulfilment, reason=figures.reason)


def _explanation(rule: RuleVersion, tree: _Tree, figures: rules.Figures, inputs: list[rules.Input]) -> Explanation:
    shown, overrides = [], []
    for item, weight in zip(inputs, figures.weights):
        computed = item.source.get("computed")
        shown.append(InputOut(
            kind=item.kind, id=item.id, title=item.title, unit_id=item.unit_id, verdict=item.verdict,
            score=tree.rule.scores[item.verdict.value] if item.verdict else None, weight=weight,
            follow_up_id=item.source.get("follow_up_id"), computed=_fulfilment(computed) if computed else None,
            commitments_below=item.commitments_below,
        ))
        if item.override:
            overrides.append(Override(source_kind=item.kind, source_id=item.id, **item.override))
    return Explanation(rule=rule, inputs=shown, overrides=overrides, formula=figures.formula)


async def _load(
    session: AsyncSession, *, rule: RuleVersion, root_ids: list[uuid.UUID], period: FollowUpPeriod,
    known: list[Row] | None = None,
) -> _Tree:
    """The tree below the roots. ``known``: commitments the caller has read already (a report: its
    committee's commitments of the year, with their version in force on the period's last day, in
    ``commitments_on``'s order): when no other commitment of the year names a goal of the tree, the
    tree's commitments are those of them whose version in force supports one, and are not read
    again. The follow-ups are read in one query for the tree's commitments and the known ones."""
    goals = await repository.goal_tree(session, root_ids=root_ids, year=period.year)
    goal_ids = [goal.id for goal in goals]
    known_ids = {c.id for c in known} if known is not None else set()
    if known is not None and not await repository.others_name(session, goal_ids=goal_ids, year=period.year, known_ids=known_ids):
        in_tree = set(goal_ids)
        commitments = [c for c in known if c.committee_goal_id in in_tree]
    else:
        commitments = await repository.commitments_on(session, goal_ids=goal_ids, year=period.year, last_day=period.last_day)
    follow_ups = await repository.follow_ups_for(session, commitment_ids={c.id for c in commitments} | known_ids, period=period.text)
    verdicts = await repository.verdicts_for(session, goal_ids=goal_ids, period=period.text)
    return _Tree(rule, goals, commitments, follow_ups, verdicts)


async def _load_counted(session: AsyncSession, *, rule: RuleVersion, root_ids: list[uuid.UUID], period: FollowUpPeriod) -> _Tree:
    """As ``_load``, but the commitments below the roots' own are read as counts per verdict in one
    aggregation (the explanation lists the roots' direct inputs only, so no row is needed for them):
    the whole city's tens of thousands of commitments are never fetched one by one."""
    goals = await repository.goal_tree(session, root_ids=root_ids, year=period.year)
    below_roots = [goal.id for goal in goals if goal.id not in set(root_ids)]
    counts = await repository.commitment_counts(
        session, goal_ids=below_roots, year=period.year, last_day=period.last_day, period=period.text,
    )
    commitments = await repository.commitments_on(session, goal_ids=list(root_ids), year=period.year, last_day=period.last_day)
    follow_ups = await repository.follow_ups_for(session, commitment_ids=[c.id for c in commitments], period=period.text)
    verdicts = await repository.verdicts_for(session, goal_ids=[goal.id for goal in goals], period=period.text)
    return _Tree(rule, goals, commitments, follow_ups, verdicts, counts={goal_id: counts.get(goal_id, {}) for goal_id in below_roots})


def _roll_up(
    *, tree: _Tree, rule: RuleVersion, root_ids: list[uuid.UUID], inputs: list[rules.Input], goal: Row | None,
    unit_id: uuid.UUID, period: FollowUpPeriod,
) -> RollUp:
    figures = rules.compute(tree.rule, inputs)
    below = Counter()
    for root in root_ids:
        below.update(tree.counts_below(root))
    commitment_figures = rules.compute_counts(tree.rule, below)
    verdict = tree.verdicts.get(goal.id) if goal is not None else None
    return RollUp(
        scope="goal" if goal is not None else "city",
        goal=GoalRef(id=goal.id, level=goal.level_code, title=goal.title, unit_id=goal.unit_id) if goal is not None else None,
        unit_id=unit_id, period=period.text, distribution=_distribution(figures), commitments=_distribution(commitment_figures),
        fulfilment=_fulfilment(figures), committee_verdict=render_verdict(verdict) if verdict else None,
        explanation=_explanation(rule, tree, figures, inputs),
    )


async def goal_roll_up(session: AsyncSession, *, goal: Row, period: FollowUpPeriod, rule: RuleVersion) -> RollUp:
    tree = await _load(session, rule=rule, root_ids=[goal.id], period=period)
    return _roll_up(
        tree=tree, rule=rule, root_ids=[goal.id], inputs=tree.inputs([goal.id]), goal=goal, unit_id=goal.unit_id, period=period,
    )


async def city_unit(session: AsyncSession) -> uuid.UUID:
    city = await repository.city_unit_id(session)
    if city is None:
        raise ProblemError(404, "The organisation tree has no city yet.", kind="city-not-found")
    return city


async def city_roll_up(session: AsyncSession, *, city_id: uuid.UUID, period: FollowUpPeriod, rule: RuleVersion) -> RollUp:
    """The city's roll-up is over the goals just below the top goals (the inriktningsmål under the vision)."""
    roots = await repository.root_goal_ids(session, year=period.year)
    tree = await _load_counted(session, rule=rule, root_ids=roots, period=period)
    return _roll_up(tree=tree, rule=rule, root_ids=roots, inputs=tree.inputs(roots), goal=None, unit_id=city_id, period=period)


async def goal_roll_ups(
    session: AsyncSession, *, goals: list[Row], period: FollowUpPeriod, rule: RuleVersion, known: list[Row] | None = None,
) -> tuple[list[RollUp], dict[uuid.UUID, Row]]:
    """Several goals rolled up from one load of their trees (a committee's report), and the
    period's follow-ups read for it, by commitment id: those of the trees' commitments and of
    ``known`` (see ``_load``), read in the same query, so the report needs no second read."""
    if not goals:
        ids = [c.id for c in known or ()]
        return [], await repository.follow_ups_for(session, commitment_ids=ids, period=period.text)
    tree = await _load(session, rule=rule, root_ids=[goal.id for goal in goals], period=period, known=known)
    roll_ups = [
        _roll_up(tree=tree, rule=rule, root_ids=[goal.id], inputs=tree.inputs([goal.id]), goal=goal, unit_id=goal.unit_id,
                 period=period)
        for goal in goals
    ]
    return roll_ups, tree.follow_ups
