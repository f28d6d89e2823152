"""Access policy rows of other services' figures in goals (goals/foreign_figures), for goals' access test.

Complaint figures (suppression applied by feedback) and the quality overview are read in the
unit's scope, the lex Sarah summary in the committee's; award results and good examples by every
staff role and goals key (every committee reads them). Portals and nobody read none of them.
``prepare(session, ...)`` puts one event of each kind through goals' consumers, so the allowed
calls answer 200 with figures rather than 404 or empty lists.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from contracts.awards import GoodExample, GoodExamplePublished, Placement, Prize, RoundAward, RoundDecided, RoundPhase, RoundState
from contracts.feedback import UnitStatistics, UnitStatisticsChanged
from contracts.lex_sarah import LexSarahYearlySummary

from servicekit.events.envelope import Envelope

from goals.foreign_figures import consumers

P = "_goals_v1_"
KEYS = {"system:read", "system:write"}
NOW = datetime(2016, 1, 10, tzinfo=UTC)


def _both(*roles: str) -> set[str]:
    return {f"{role}:{where}" for role in roles for where in ("in", "out")}


def policy(roles: Iterable[str]) -> dict[str, set[str]]:
    roles = tuple(roles)
    readers = _both(*roles) | KEYS
    scoped = {f"{role}:in" for role in roles} | _both("admin", "city_controller") | KEYS
    return {
        f"get_complaint_figures{P}organisation_units__unit_id__complaint_figures_get": scoped,
        f"get_quality_overview{P}organisation_units__unit_id__quality_overview_get": scoped,
        f"get_lex_sarah_summary{P}committees__committee_id__lex_sarah_summary_get": scoped,
        f"list_award_results{P}committees__committee_id__award_results_get": readers,
        f"list_good_examples{P}committees__committee_id__good_examples_get": readers,
    }


def _envelope(type_: str, payload) -> Envelope:
    return Envelope(source="/test", type=type_, subject="access", data=payload.model_dump(mode="json"))


async def prepare(session, *, unit_id: uuid.UUID, committee_id: uuid.UUID) -> None:
    """The unit's 2015-VB complaint figures, the committee's 2015 lex Sarah summary, a decided round and a good example."""
    await consumers.apply_unit_statistics(session, _envelope("feedback.unit-statistics.changed", UnitStatisticsChanged(
        statistics=UnitStatistics(
            unit_id=unit_id, unit_kind="unit", committee_id=committee_id, period="2015-VB", revision=1, minimum_cell=5,
            cases=12, by_kind=[], median_working_days_to_acknowledgement=None, p90_working_days_to_acknowledgement=None,
            median_working_days_to_answer=None, p90_working_days_to_answer=None, share_acknowledged_within_deadline=None,
            share_answered_within_deadline=None, guarantees_not_kept=None, promises_not_kept=[], repeats=None,
            satisfaction_ratings=None, satisfaction_mean=None, computed_at=NOW,
        ),
    )))
    await consumers.apply_lex_sarah_summary(session, _envelope("audit.lex-sarah.yearly-summary", LexSarahYearlySummary(
        committee_id=committee_id, year=2015, revision=1, reports=19, serious=0, share_serious=0.0, ivo_notifications=0,
        closed=19, routines_changed=15, by_area=[], by_provider=[], time_to_step=[], computed_at=NOW,
    )))
    state = RoundState(id=uuid.uuid4(), revision=1, prize=Prize.quality_award, year=2015, phase=RoundPhase.jury_decision,
                       deadlines={}, rubric_version=1)
    await consumers.apply_round_decided(session, _envelope("awards.round.decided", RoundDecided(
        round=state, applications=1, decided_on=date(2015, 11, 20), decided_at=NOW, awards=[RoundAward(
            application_id=uuid.uuid4(), unit_id=unit_id, committee_id=committee_id, prize=Prize.quality_award,
            placement=Placement.winner, rationale="Motivering.",
        )],
    )))
    await consumers.apply_good_example(session, _envelope("awards.good-example.published", GoodExamplePublished(
        example=GoodExample(
            id=uuid.uuid4(), revision=1, round_id=state.id, year=2015, unit_id=unit_id, committee_id=committee_id,
            title="Årshjul", summary="Ett årshjul för uppföljningen.", areas=[], lenses=[], published_at=NOW,
        ),
    )))


def calls() -> dict[str, dict]:
    return {
        f"get_complaint_figures{P}organisation_units__unit_id__complaint_figures_get": {"params": {"period": "2015-VB"}},
        f"get_quality_overview{P}organisation_units__unit_id__quality_overview_get": {"params": {"year": 2015}},
        f"get_lex_sarah_summary{P}committees__committee_id__lex_sarah_summary_get": {"params": {"year": 2015}},
        f"list_award_results{P}committees__committee_id__award_results_get": {"params": {"year": 2015}},
    }


def expected_ok(statuses: Mapping[str, Mapping[str, int]]) -> bool:
    """The allowed calls answered 200 (with figures), not a rule's 4xx."""
    return all(statuses[op]["controller:in"] == 200 for op in policy(()))
