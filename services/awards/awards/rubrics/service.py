"""Rubric rules: versioned per round; no edit once an application has arrived."""

import uuid

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.problems import ProblemError

from awards.applications import repository as applications
from awards.rubrics import repository
from awards.rubrics.schemas import Rubric, RubricIn, question_numbers


def render(row: Row) -> Rubric:
    return Rubric(
        round_id=row.round_id, version=row.version, created_at=row.created_at, areas=row.areas,
        question_count=len(question_numbers(row.areas)),
    )


async def get_rubric(session: AsyncSession, *, round_id: uuid.UUID, version: int | None = None) -> Row:
    row = await repository.get_version(session, round_id=round_id, version=version)
    if row is None:
        raise ProblemError(404, f"Round {round_id} has no rubric version {version}.", kind="rubric-not-found")
    return row


async def add_version(session: AsyncSession, *, round_id: uuid.UUID, rubric: RubricIn, recorded_by: str) -> Row:
    """A new rubric version; the round row must be locked by the caller (one writer per round)."""
    arrived = await applications.count_for_round(session, round_id=round_id)
    if arrived:
        raise ProblemError(
            409, f"{arrived} applications have arrived in this round; its rubric can no longer change "
            "(they answer the questions as they were).",
            kind="rubric-locked", applications=arrived,
        )
    version = await repository.latest_version(session, round_id=round_id) + 1
    areas = rubric.model_dump(mode="json")["areas"]
    return await repository.insert_version(session, round_id=round_id, version=version, areas=areas, created_by=recorded_by)
