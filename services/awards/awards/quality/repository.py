"""SQL of the quality figures: the round's submitted scores and consensus, one row per assessment or application.

Scores come aggregated per assessment (and consensus per application) as arrays, so a round of
200 applications is ~700 rows instead of ~5,000, which is what the round report's speed rests on.
"""

import uuid
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import applications, assessment_scores, assessments, consensus_scores


async def units_of_round(session: AsyncSession, *, round_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
    """Application id → its unit id, for every application of the round."""
    rows = await session.execute(select(applications.c.id, applications.c.unit_id).where(applications.c.round_id == round_id))
    return {row.id: row.unit_id for row in rows}


async def submitted_scores(session: AsyncSession, *, round_id: uuid.UUID) -> list[SimpleNamespace]:
    """Every submitted individual score of the round: (application_id, examiner_id, area_number, score)."""
    rows = await session.execute(
        select(assessments.c.application_id, assessments.c.examiner_id, func.array_agg(assessment_scores.c.area_number),
               func.array_agg(assessment_scores.c.score))
        .join(assessment_scores, assessment_scores.c.assessment_id == assessments.c.id)
        .where(assessments.c.round_id == round_id, assessments.c.status == "submitted")
        .group_by(assessments.c.id)
    )
    return [SimpleNamespace(application_id=application, examiner_id=examiner, area_number=area, score=score)
            for application, examiner, areas, scores in rows for area, score in zip(areas, scores, strict=True)]


async def consensus_of_round(session: AsyncSession, *, round_id: uuid.UUID) -> list[SimpleNamespace]:
    """Every consensus score of the round's applications: (application_id, area_number, score)."""
    rows = await session.execute(
        select(consensus_scores.c.application_id, func.array_agg(consensus_scores.c.area_number),
               func.array_agg(consensus_scores.c.score))
        .join(applications, applications.c.id == consensus_scores.c.application_id)
        .where(applications.c.round_id == round_id)
        .group_by(consensus_scores.c.application_id)
    )
    return [SimpleNamespace(application_id=application, area_number=area, score=score)
            for application, areas, scores in rows for area, score in zip(areas, scores, strict=True)]
