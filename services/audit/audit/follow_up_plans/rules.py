"""The follow-up plan's rules, without I/O: the risk score, its explanation, the proposed types and progress.

Score = Σ weight × value over the factors (``Factor``), rounded to two decimals; each factor's line
shows value, weight and points, so the ranking can be explained to the committee. A document
review is always proposed; visit, user survey, unannounced visit and night visit from their
thresholds upwards, the night visit only where the contract records night operations.
"""

from collections.abc import Iterable

from servicekit.problems import ProblemError

from audit.contracts.schemas import FollowUpType
from audit.follow_up_plans.schemas import Factor, ScorePart, Thresholds, TypeProgress, Weights

TYPE_ORDER = list(FollowUpType)


def check_weights(weights: Weights, thresholds: Thresholds) -> None:
    """422 unless some weight counts and the visit thresholds climb: visit ≤ unannounced ≤ night."""
    if not any(getattr(weights, factor.value) > 0 for factor in Factor):
        raise ProblemError(422, "At least one risk weight must be above 0.", kind="weights-all-zero")
    if not thresholds.visit <= thresholds.unannounced_visit <= thresholds.night_visit:
        raise ProblemError(
            422, "Thresholds must climb: visit ≤ unannounced_visit ≤ night_visit.", kind="thresholds-out-of-order",
        )


def score(values: dict[Factor, float | None], weights: Weights) -> tuple[float, list[ScorePart]]:
    """(score, explanation): each factor's value × weight, a value not recorded counting 0."""
    parts = []
    for factor in Factor:
        value, weight = values.get(factor), getattr(weights, factor.value)
        parts.append(ScorePart(factor=factor, value=value, weight=weight, points=round((value or 0) * weight, 2)))
    return round(sum(part.points for part in parts), 2), parts


def proposed_types(total: float, thresholds: Thresholds, *, night_operations: bool) -> list[FollowUpType]:
    types = [FollowUpType.document_review]
    if total >= thresholds.visit:
        types.append(FollowUpType.visit)
    if total >= thresholds.unannounced_visit:
        types.append(FollowUpType.unannounced_visit)
    if night_operations and total >= thresholds.night_visit:
        types.append(FollowUpType.night_visit)
    if total >= thresholds.user_survey:
        types.append(FollowUpType.user_survey)
    return sorted(types, key=TYPE_ORDER.index)


def progress(planned: Iterable[str], done: Iterable[tuple[str, object]]) -> list[TypeProgress]:
    """Per type planned or done: planned or not, and the follow-ups of that type done in the year."""
    planned = set(planned)
    by_type: dict[str, list] = {}
    for follow_up_type, follow_up_id in done:
        by_type.setdefault(follow_up_type, []).append(follow_up_id)
    types = sorted(planned | set(by_type), key=lambda t: TYPE_ORDER.index(FollowUpType(t)))
    return [TypeProgress(type=t, planned=t in planned, follow_up_ids=by_type.get(t, [])) for t in types]
