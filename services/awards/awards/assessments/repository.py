"""SQL of individual assessments and their scores per area (also read by the examination's quality statistics)."""

import uuid

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import assessment_scores, assessments, assignment_plans, examiners, team_members


def _confirmed_team():
    return (
        select(team_members.c.round_id, team_members.c.application_id, team_members.c.examiner_id, examiners.c.subject_id)
        .join(examiners, examiners.c.id == team_members.c.examiner_id)
        .join(assignment_plans, assignment_plans.c.round_id == team_members.c.round_id)
        .where(assignment_plans.c.status == "confirmed")
    )


async def team_of(session: AsyncSession, *, application_id: uuid.UUID) -> list[Row]:
    """The application's confirmed team: (round_id, application_id, examiner_id, subject_id), by examiner id."""
    query = _confirmed_team().where(team_members.c.application_id == application_id).order_by(team_members.c.examiner_id)
    return list(await session.execute(query))


async def teams_of_round(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    """Every confirmed team member of the round: (round_id, application_id, examiner_id, subject_id)."""
    query = _confirmed_team().where(team_members.c.round_id == round_id).order_by(team_members.c.application_id, team_members.c.examiner_id)
    return list(await session.execute(query))


async def examined_applications(session: AsyncSession, *, round_id: uuid.UUID) -> list[uuid.UUID]:
    """Applications of the round with a confirmed examiner team (those the examination covers), by id."""
    query = (
        select(team_members.c.application_id).distinct()
        .join(assignment_plans, assignment_plans.c.round_id == team_members.c.round_id)
        .where(team_members.c.round_id == round_id, assignment_plans.c.status == "confirmed")
        .order_by(team_members.c.application_id)
    )
    return list(await session.scalars(query))


async def get_assessment(session: AsyncSession, *, application_id: uuid.UUID, examiner_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(assessments).where(assessments.c.application_id == application_id, assessments.c.examiner_id == examiner_id)
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def insert_assessment(session: AsyncSession, **values) -> Row:
    return (await session.execute(insert(assessments).values(**values).returning(assessments))).one()


async def update_assessment(session: AsyncSession, *, assessment_id: uuid.UUID, **values) -> Row:
    return (await session.execute(
        update(assessments).where(assessments.c.id == assessment_id).values(updated_at=func.now(), **values).returning(assessments)
    )).one()


async def replace_scores(session: AsyncSession, *, assessment_id: uuid.UUID, scores: list[dict]) -> None:
    """The assessment's scores become exactly ``scores`` (each: area_number, band, score, strengths, improvements)."""
    await session.execute(delete(assessment_scores).where(assessment_scores.c.assessment_id == assessment_id))
    if scores:
        await session.execute(insert(assessment_scores), [{"assessment_id": assessment_id, **score} for score in scores])


async def scores_of(session: AsyncSession, *, assessment_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Row]]:
    found: dict[uuid.UUID, list[Row]] = {a: [] for a in assessment_ids}
    if assessment_ids:
        rows = await session.execute(
            select(assessment_scores).where(assessment_scores.c.assessment_id.in_(assessment_ids))
            .order_by(assessment_scores.c.assessment_id, assessment_scores.c.area_number)
        )
        for row in rows:
            found[row.assessment_id].append(row)
    return found


async def assessments_of_application(session: AsyncSession, *, application_id: uuid.UUID) -> list[Row]:
    query = select(assessments).where(assessments.c.application_id == application_id).order_by(assessments.c.examiner_id)
    return list(await session.execute(query))


async def assessments_of_round(session: AsyncSession, *, round_id: uuid.UUID, application_id: uuid.UUID | None = None) -> list[Row]:
    query = select(assessments).where(assessments.c.round_id == round_id)
    if application_id is not None:
        query = query.where(assessments.c.application_id == application_id)
    return list(await session.execute(query.order_by(assessments.c.application_id, assessments.c.examiner_id)))


async def submitted_scores(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    """Every submitted individual score of the round: (application_id, examiner_id, area_number, band, score)."""
    query = (
        select(assessments.c.application_id, assessments.c.examiner_id, assessment_scores.c.area_number,
               assessment_scores.c.band, assessment_scores.c.score)
        .join(assessment_scores, assessment_scores.c.assessment_id == assessments.c.id)
        .where(assessments.c.round_id == round_id, assessments.c.status == "submitted")
        .order_by(assessments.c.application_id, assessment_scores.c.area_number, assessments.c.examiner_id)
    )
    return list(await session.execute(query))


async def unsubmitted_members(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    """Team members of the round whose assessment is missing or still a draft: (application_id, examiner_id)."""
    team = _confirmed_team().where(team_members.c.round_id == round_id).subquery()
    query = (
        select(team.c.application_id, team.c.examiner_id)
        .outerjoin(assessments, (assessments.c.application_id == team.c.application_id) & (assessments.c.examiner_id == team.c.examiner_id))
        .where((assessments.c.id.is_(None)) | (assessments.c.status != "submitted"))
        .order_by(team.c.application_id, team.c.examiner_id)
    )
    return list(await session.execute(query))
