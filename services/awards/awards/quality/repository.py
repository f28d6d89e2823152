"""SQL of the quality figures: the round's submitted individual scores, consensus scores and teams."""

import uuid

from sqlalchemy import Row, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import applications, assessment_scores, assessments, consensus_scores, team_members


async def submitted_scores(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    """(application_id, examiner_id, area_number, score) of every submitted assessment in the round."""
    return list((await session.execute(
        select(assessments.c.application_id, assessments.c.examiner_id, assessment_scores.c.area_number, assessment_scores.c.score)
        .join(assessment_scores, assessment_scores.c.assessment_id == assessments.c.id)
        .where(assessments.c.round_id == round_id, assessments.c.status == "submitted")
    )).all())


async def consensus_scores(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    return list((await session.execute(
        select(consensus_scores.c.application_id, consensus_scores.c.area_number, consensus_scores.c.score)
        .join(applications, applications.c.id == consensus_scores.c.application_id)
        .where(applications.c.round_id == round_id)
    )).all())


async def teams(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    """Each application of the round with a team: its unit, team size and submitted assessments."""
    submitted = (
        select(func.count()).select_from(assessments)
        .where(assessments.c.application_id == applications.c.id, assessments.c.status == "submitted")
        .scalar_subquery()
    )
    return list((await session.execute(
        select(applications.c.id.label("application_id"), applications.c.unit_id,
               func.count(team_members.c.examiner_id).label("team_size"), submitted.label("submitted"))
        .join(team_members, and_(team_members.c.application_id == applications.c.id))
        .where(applications.c.round_id == round_id)
        .group_by(applications.c.id, applications.c.unit_id)
        .order_by(applications.c.id)
    )).all())
