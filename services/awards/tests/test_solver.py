"""The team solver on a generated city-sized round, and rounds made impossible in three different ways."""

import uuid
from collections import Counter

import pytest

from awards.assignment.solver import Applicant, Candidate, Impossible, Plan, Problem, solve
from awards.generate import generate_round, problem_of


@pytest.fixture(scope="module")
def generated():
    return generate_round(seed=11, applications=60, examiners=90)


def test_the_plan_for_a_generated_round_keeps_every_hard_constraint(generated):
    problem, conflicts = problem_of(generated)
    assert conflicts > 0, "a realistic round has conflicts"

    plan = solve(problem, time_limit_s=20)

    assert isinstance(plan, Plan), plan
    examiners = {e.id: e for e in problem.examiners}
    load = Counter()
    for application in problem.applications:
        team = plan.teams[application.id]
        assert 3 <= len(team) <= 4
        assert len(set(team)) == len(team)
        assert any(examiners[member].experienced for member in team)
        for member in team:
            assert (application.id, member) not in problem.forbidden
            load[member] += 1
    for member, count in load.items():
        assert count <= examiners[member].capacity
    assert 0 <= plan.gap <= 0.05 and plan.best_bound <= plan.objective


def test_conflicts_come_from_the_tree_as_generated(generated):
    """Independent of the code: an examiner sitting in an applicant's own administration is forbidden."""
    problem, _ = problem_of(generated)
    parents = {unit_id: state.versions[0].parent_id for unit_id, state in generated.units.items()}
    types = {unit_id: state.versions[0].type for unit_id, state in generated.units.items()}

    def administration(unit_id):
        while unit_id is not None and types[unit_id] != "administration":
            unit_id = parents[unit_id]
        return unit_id

    same = [
        (application.id, examiner.id)
        for application in generated.applications for examiner in generated.examiners
        if administration(application.unit_id) == administration(examiner.unit_id)
    ]
    assert same and all(pair in problem.forbidden for pair in same)


def _pool(count: int, *, experienced: int, capacity: int = 2) -> list[Candidate]:
    return [Candidate(uuid.uuid4(), capacity, n < experienced, frozenset()) for n in range(count)]


def _applications(count: int) -> list[Applicant]:
    return [Applicant(uuid.uuid4(), None) for _ in range(count)]


def test_too_few_places_is_explained_by_capacity():
    # 4 applications need 12 places; 5 examiners × 2 offer 10.
    result = solve(Problem(_applications(4), _pool(5, experienced=5), set()))

    assert isinstance(result, Impossible) and result.constraint == "capacity"
    assert result.details == {"places_needed": 12, "places_offered": 10}


def test_an_application_everyone_is_conflicted_with_is_explained_by_conflicts():
    applications, pool = _applications(2), _pool(8, experienced=8)
    forbidden = {(applications[0].id, examiner.id) for examiner in pool[:6]}  # only 2 left for the first

    result = solve(Problem(applications, pool, forbidden))

    assert isinstance(result, Impossible) and result.constraint == "conflicts"
    assert result.details["application_id"] == str(applications[0].id)
    assert result.details["examiners_without_conflict"] == 2


def test_too_few_experienced_examiners_is_explained_by_experience():
    # 3 teams need 3 experienced places; one experienced examiner with capacity 2 offers 2.
    result = solve(Problem(_applications(3), _pool(8, experienced=1), set()))

    assert isinstance(result, Impossible) and result.constraint == "experience"
    assert result.details == {"teams": 3, "experienced_places": 2}


def test_a_subtle_shortage_is_found_by_relaxing_one_constraint_at_a_time():
    """Each necessary condition holds, yet the one experienced examiner free for both teams has one place.

    Relaxations are tried capacity first: with capacities dropped the veteran sits in both teams.
    """
    applications = _applications(2)
    veteran, other = Candidate(uuid.uuid4(), 1, True, frozenset()), Candidate(uuid.uuid4(), 1, True, frozenset())
    new = [Candidate(uuid.uuid4(), 2, False, frozenset()) for _ in range(4)]
    # `other` is conflicted with both applications, so `veteran` is their only experienced examiner.
    forbidden = {(applications[0].id, other.id), (applications[1].id, other.id)}
    result = solve(Problem(applications, [veteran, other, *new], forbidden))

    assert isinstance(result, Impossible) and result.constraint == "capacity"
    assert result.details == {"relaxed": "capacity"}
