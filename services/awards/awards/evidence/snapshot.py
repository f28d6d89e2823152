"""The evidence an application shows: the unit's adopted commitments with their latest follow-ups.

Read live from the read models while the application is a draft, frozen into it at submission.
Commitments of the round's year and the year before count (an application in spring reports
last year's results and this year's plan, as seed 004 does), if they were ever adopted.
Complaint figures come from feedback's unit statistics (``feedback.unit-statistics.changed``) of
the same two years, as feedback published them (suppressed cells stay null); ``null`` when
feedback has published none for the unit.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import evidence_commitments, evidence_follow_ups, evidence_unit_statistics

ADOPTED_STATUSES = ("adopted", "followed_up", "closed")
PERIOD_RANK = {"T1": 1, "T2": 2, "VB": 3}
FEEDBACK_NONE = "Feedback has published no unit statistics for the unit in these years."


def _period_key(period: str) -> tuple[int, int]:
    year, _, part = period.partition("-")
    return int(year), PERIOD_RANK.get(part, 0)


async def snapshot(session: AsyncSession, *, unit_id: uuid.UUID, year: int) -> dict:
    rows = list(await session.execute(
        select(evidence_commitments.c.state).where(
            evidence_commitments.c.unit_id == unit_id,
            evidence_commitments.c.year.in_((year - 1, year)),
            evidence_commitments.c.status.in_(ADOPTED_STATUSES),
        )
    ))
    states = [row.state for row in rows]
    follow_ups: dict[str, list[dict]] = {}
    if states:
        for row in await session.execute(
            select(evidence_follow_ups.c.state).where(evidence_follow_ups.c.commitment_id.in_([s["id"] for s in states]))
        ):
            follow_ups.setdefault(row.state["commitment_id"], []).append(row.state)
    commitments = []
    for state in sorted(states, key=lambda s: (s["year"], s["versions"][-1]["title"])):
        latest_version = state["versions"][-1]
        reported = sorted(follow_ups.get(state["id"], []), key=lambda f: (_period_key(f["period"]), f["reported_on"]))
        latest = reported[-1] if reported else None
        expected = latest_version.get("expected_result") or {}
        commitments.append({
            "commitment_id": state["id"],
            "year": state["year"],
            "status": state["status"],
            "title": latest_version["title"],
            "expected_result": expected.get("description"),
            "revision": state["revision"],
            "latest_follow_up": None if latest is None else {
                "follow_up_id": latest["id"], "period": latest["period"], "assessment": latest["assessment"],
                "result": latest.get("result"), "analysis": latest.get("analysis"), "next_steps": latest.get("next_steps"),
                "reported_on": latest["reported_on"],
            },
        })
    complaints = await complaint_statistics(session, unit_id=unit_id, years=(year - 1, year))
    return {
        "as_of": datetime.now(UTC).isoformat(),
        "years": [year - 1, year],
        "commitments": commitments,
        "complaint_statistics": complaints,
        "sources": {"goals": "included", "feedback": "included" if complaints else FEEDBACK_NONE},
    }


async def complaint_statistics(session: AsyncSession, *, unit_id: uuid.UUID, years: tuple[int, int]) -> dict | None:
    """The unit's figures per period of the years (T1, T2, VB), oldest first, as published."""
    wanted = [f"{y}-{part}" for y in years for part in PERIOD_RANK]
    rows = list(await session.scalars(
        select(evidence_unit_statistics.c.statistics).where(
            evidence_unit_statistics.c.unit_id == unit_id, evidence_unit_statistics.c.period.in_(wanted),
        )
    ))
    if not rows:
        return None
    return {"unit_id": str(unit_id), "periods": sorted(rows, key=lambda s: _period_key(s["period"]))}
