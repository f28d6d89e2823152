"""Figures from other services' events for a committee's report.

This module holds the interface the reports call; the read models that fill it (feedback's unit
statistics, audit's lex Sarah summary, awards' results and good examples) are built separately.
Until then every section is empty: no figures, not zeros.
"""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession


async def figures_for_report(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> dict:
    """JSON-ready figures for the committee's report of ``period``: complaints, lex_sarah, awards, good_examples."""
    return {"complaints": None, "lex_sarah": None, "awards": [], "good_examples": []}
