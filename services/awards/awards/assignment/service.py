"""Proposing, editing and confirming the round's examiner teams.

The proposal comes from the solver (``assignment.solver``) over the round's eligible
applications and assignable examiners, with every blocking conflict forbidden. Each edit by the
award administrator is checked at once for conflicts, training, approval and capacity; team
size and experience are checked again at confirmation, when the whole plan must hold every
hard constraint. An edit after confirmation returns the plan to proposed.
"""

import uuid
from datetime import UTC, datetime
from importlib.metadata import version

from contracts.awards import RoundPhase
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.problems import ProblemError

from awards.applications import repository as applications
from awards.assignment import repository, solver
from awards.assignment.schemas import Edit, Plan, SolverReport, Team, TeamMember
from awards.conflicts import service as conflicts
from awards.examiners.service import Standing, standings
from awards.rounds import service as rounds

SOLVER_NAME = f"OR-Tools CP-SAT {version('ortools')}"


class RoundProblem:
    """The round's applications, examiners and conflicts, as the solver and the checks see them."""

    def __init__(self, eligible: list[Row], pool: list[Standing], conflict_map: dict) -> None:
        self.eligible = {row.id: row for row in eligible}
        self.pool = {s.row.examiner_id: s for s in pool}
        self.conflicts = conflict_map
        self.problem = solver.Problem(
            applications=[solver.Applicant(row.id, row.sector) for row in eligible],
            examiners=[
                solver.Candidate(s.row.examiner_id, s.row.capacity, s.experienced, frozenset(s.row.sectors))
                for s in pool if s.assignable
            ],
            forbidden={pair for pair, found in conflict_map.items() if conflicts.blocking(found)},
        )


async def load_problem(session: AsyncSession, *, round_row: Row) -> RoundProblem:
    eligible = [
        row for row in await applications.submitted(session, round_id=round_row.id)
        if row.eligibility is not None and row.eligibility["eligible"]
    ]
    pool = await standings(session, round_row=round_row)
    conflict_map = await conflicts.round_conflicts(
        session, round_row=round_row,
        examiner_units={s.row.examiner_id: s.row.unit_id for s in pool},
        applicant_units={row.id: row.unit_id for row in eligible},
    )
    return RoundProblem(eligible, pool, conflict_map)


def _require_eligibility_phase(round_row: Row) -> None:
    rounds.require_phase(round_row, RoundPhase.eligibility, action="Examiner teams are formed")


async def propose(session: AsyncSession, *, round_row: Row, proposed_by: str) -> Row:
    _require_eligibility_phase(round_row)
    unchecked = [a for a in await applications.submitted(session, round_id=round_row.id) if a.eligibility is None]
    if unchecked:
        raise ProblemError(409, f"{len(unchecked)} submitted applications are not checked for eligibility yet.", kind="eligibility-unchecked")
    loaded = await load_problem(session, round_row=round_row)
    if not loaded.eligible:
        raise ProblemError(409, "No application in the round is eligible; there is nobody to examine.", kind="no-eligible-applications")
    result = solver.solve(loaded.problem)
    if isinstance(result, solver.Impossible):
        raise ProblemError(
            422, f"No team plan exists: {result.explanation}", kind="no-feasible-plan",
            constraint=result.constraint, details=result.details,
        )
    report = SolverReport(
        solver=SOLVER_NAME, status=result.status, objective=result.objective, best_bound=result.best_bound,
        gap=round(result.gap, 6), wall_time_s=round(result.wall_time_s, 3), weights=solver.WEIGHTS, terms=result.terms,
        applications=len(loaded.problem.applications), examiners=len(loaded.problem.examiners),
        conflicting_pairs=len(loaded.problem.forbidden),
    )
    return await repository.replace_plan(
        session, round_id=round_row.id, solver=report.model_dump(mode="json"), proposed_by=proposed_by, teams=result.teams,
    )


async def current_plan(session: AsyncSession, *, round_id: uuid.UUID) -> Row | None:
    """The round's plan, locked, or None before the first proposal."""
    return await repository.get_plan(session, round_id=round_id, lock=True)


async def lock_plan(session: AsyncSession, *, round_id: uuid.UUID) -> Row:
    plan = await repository.get_plan(session, round_id=round_id, lock=True)
    if plan is None:
        raise ProblemError(404, f"Round {round_id} has no team proposal yet.", kind="plan-not-found")
    return plan


async def add_member(session: AsyncSession, *, round_row: Row, plan: Row, application_id: uuid.UUID, examiner_id: uuid.UUID, by: str) -> Row:
    _require_eligibility_phase(round_row)
    loaded = await load_problem(session, round_row=round_row)
    if application_id not in loaded.eligible:
        raise ProblemError(422, f"Application {application_id} is not an eligible application of this round.", kind="application-not-eligible")
    standing = loaded.pool.get(examiner_id)
    if standing is None:
        raise ProblemError(422, f"Examiner {examiner_id} is not enrolled in this round.", kind="examiner-not-enrolled")
    if not standing.assignable:
        raise ProblemError(
            422, "The examiner cannot be assigned: " + " ".join(standing.reasons), kind="examiner-not-assignable",
            reasons=standing.reasons,
        )
    found = conflicts.blocking(loaded.conflicts.get((application_id, examiner_id), []))
    if found:
        raise ProblemError(
            422, "Conflict of interest: " + " ".join(c.explanation for c in found), kind="conflict-of-interest",
            conflicts=[c.model_dump(mode="json") for c in found],
        )
    teams = await repository.teams(session, round_id=round_row.id)
    if examiner_id in teams.get(application_id, []):
        raise ProblemError(409, "The examiner is already in that team.", kind="already-member")
    if len(teams.get(application_id, [])) >= solver.TEAM_MAX:
        raise ProblemError(422, f"The team already has {solver.TEAM_MAX} examiners, the most a team has.", kind="team-full")
    load = sum(examiner_id in members for members in teams.values())
    if load >= standing.row.capacity:
        raise ProblemError(
            422, f"The examiner already has {load} applications; their capacity in the round is {standing.row.capacity}.",
            kind="over-capacity", capacity=standing.row.capacity,
        )
    await repository.add_member(session, round_id=round_row.id, application_id=application_id, examiner_id=examiner_id)
    return await _record_edit(session, plan=plan, action="add", application_id=application_id, examiner_id=examiner_id, by=by)


async def remove_member(session: AsyncSession, *, round_row: Row, plan: Row, application_id: uuid.UUID, examiner_id: uuid.UUID, by: str) -> Row:
    _require_eligibility_phase(round_row)
    if not await repository.remove_member(session, application_id=application_id, examiner_id=examiner_id):
        raise ProblemError(404, "The examiner is not in that team.", kind="not-a-member")
    return await _record_edit(session, plan=plan, action="remove", application_id=application_id, examiner_id=examiner_id, by=by)


async def _record_edit(session: AsyncSession, *, plan: Row, action: str, application_id: uuid.UUID, examiner_id: uuid.UUID, by: str) -> Row:
    edit = Edit(action=action, application_id=application_id, examiner_id=examiner_id, at=datetime.now(UTC), by=by)
    return await repository.update_plan(
        session, round_id=plan.round_id, revision=plan.revision + 1, status="proposed", confirmed_at=None, confirmed_by=None,
        edits=[*plan.edits, edit.model_dump(mode="json")],
    )


async def confirm(session: AsyncSession, *, round_row: Row, plan: Row, by: str) -> Row:
    _require_eligibility_phase(round_row)
    if plan.status == "confirmed":
        raise ProblemError(409, "The plan is already confirmed.", kind="plan-confirmed")
    loaded = await load_problem(session, round_row=round_row)
    teams = await repository.teams(session, round_id=round_row.id)
    broken = solver.check_plan(loaded.problem, teams)
    strays = [str(a) for a in teams if a not in loaded.eligible]
    if strays:
        broken.append(f"Teams exist for applications that are no longer eligible: {', '.join(strays)}.")
    if broken:
        raise ProblemError(422, "The plan breaks hard constraints: " + " ".join(broken), kind="plan-breaks-constraints", problems=broken)
    return await repository.update_plan(
        session, round_id=round_row.id, revision=plan.revision + 1, status="confirmed", confirmed_at=datetime.now(UTC), confirmed_by=by,
    )


async def render(session: AsyncSession, *, round_row: Row, plan: Row) -> Plan:
    loaded = await load_problem(session, round_row=round_row)
    teams = await repository.teams(session, round_id=round_row.id)
    rendered = []
    for application_id, members in teams.items():
        application = loaded.eligible.get(application_id) or await applications.get_application(session, application_id=application_id)
        rendered.append(Team(
            application_id=application_id, unit_id=application.unit_id, sector=application.sector,
            members=[
                TeamMember(
                    examiner_id=member, subject_id=loaded.pool[member].row.subject_id, unit_id=loaded.pool[member].row.unit_id,
                    experienced=loaded.pool[member].experienced, sector_match=application.sector in loaded.pool[member].row.sectors,
                )
                for member in members if member in loaded.pool
            ],
        ))
    return Plan(
        round_id=plan.round_id, status=plan.status, revision=plan.revision, solver=SolverReport.model_validate(plan.solver),
        teams=rendered, edits=[Edit.model_validate(e) for e in plan.edits], proposed_by=plan.proposed_by,
        created_at=plan.created_at, confirmed_at=plan.confirmed_at, confirmed_by=plan.confirmed_by,
    )
