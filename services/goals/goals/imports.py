"""All-or-nothing imports: every bad entry is reported with its position, and nothing is applied.

Indicator values and budget figures arrive from other city systems as whole files. A file with
one bad entry is refused as a whole (422, one problem document listing each bad entry with its
position), so a sender never has to work out which half of a file was taken.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.problems import ProblemError

from goals.models import org_tables

VERSIONS = org_tables.versions


@dataclass
class EntryErrors:
    """Bad entries of one file; ``position`` is a JSON pointer (``/values/3``) or a CSV line (``line 4``)."""

    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, position: str, kind: str, detail: str) -> None:
        self.errors.append({"position": position, "kind": kind, "detail": detail})

    def raise_if_any(self, what: str) -> None:
        if self.errors:
            raise ProblemError(
                422, f"{len(self.errors)} bad entries in the {what}; nothing from it was applied.",
                kind="import-rejected", title="Import rejected", errors=self.errors,
            )


async def unit_periods(session: AsyncSession, *, unit_ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[date, date | None]]:
    """First day and end (exclusive, None: open) of each unit's existence."""
    if not unit_ids:
        return {}
    rows = await session.execute(
        select(
            VERSIONS.c.unit_id, func.min(VERSIONS.c.valid_from),
            # an open-ended version counts as date.max, read back as "no end"
            func.max(func.coalesce(VERSIONS.c.valid_to, date.max)),
        ).where(VERSIONS.c.unit_id.in_(unit_ids)).group_by(VERSIONS.c.unit_id)
    )
    return {unit_id: (first, None if last == date.max else last) for unit_id, first, last in rows}


def exists_during(period: tuple[date, date | None] | None, start: date, end: date) -> bool:
    """Whether a unit with existence ``period`` is in effect on some day of [start, end)."""
    if period is None:
        return False
    first, last = period
    return first < end and (last is None or last > start)


async def unit_ids_by_code(session: AsyncSession, *, codes: set[str]) -> dict[str, list[tuple[uuid.UUID, date, date | None]]]:
    """Units that have held each code, with the days they held it (a code is reused only after closure)."""
    if not codes:
        return {}
    rows = await session.execute(
        select(VERSIONS.c.code, VERSIONS.c.unit_id, VERSIONS.c.valid_from, VERSIONS.c.valid_to).where(VERSIONS.c.code.in_(codes))
    )
    found: dict[str, list[tuple[uuid.UUID, date, date | None]]] = {}
    for code, unit_id, valid_from, valid_to in rows:
        found.setdefault(code, []).append((unit_id, valid_from, valid_to))
    return found


def unit_holding_code(holders: list[tuple[uuid.UUID, date, date | None]], start: date, end: date) -> uuid.UUID | None:
    """The unit that held a code on some day of [start, end) (the latest such holder)."""
    candidates = [
        (valid_from, unit_id) for unit_id, valid_from, valid_to in holders
        if valid_from < end and (valid_to is None or valid_to > start)
    ]
    return max(candidates)[1] if candidates else None
