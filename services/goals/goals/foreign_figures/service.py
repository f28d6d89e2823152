"""Other services' figures as goals shows them: beside a unit's commitments and guarantees, per
committee, and in the committee's tertial and annual reports (``figures_for_report``).

Complaint figures are feedback's, computed once there with small cells suppressed: goals shows the
figures of the unit it is about and never adds cells up. Readable in the unit's scope. The lex
Sarah summary is the committee's annual-report figures: readable in the committee's scope. Award
results (the jury's decision is public record) and good examples are readable by every reader,
since spreading good examples between committees is the point.
"""

import uuid

from contracts.awards import RoundAward
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import get_unit_state
from servicekit.pagination import MAX_LIMIT, PageParams, decode_cursor
from servicekit.problems import ProblemError

from goals import access
from goals.commitments import service as commitments
from goals.foreign_figures import repository
from goals.foreign_figures.schemas import AwardResult, QualityOverview
from goals.guarantees import service as guarantees
from goals.guarantees.service import COMMITTEE_TYPES
from goals.guarantees.repository import GUARANTEES
from goals.models import org_tables

# The order units are listed in below a committee: the levels of the tree, top down.
KIND_ORDER = {"committee": 0, "administration": 1, "department": 2, "unit": 3, "contractor": 4}


def year_of(period: str) -> int:
    return int(period[:4])


def is_annual(period: str) -> bool:
    """Verksamhetsberättelsen (VB) or a bare year: the periods the lex Sarah summary belongs to."""
    return period.upper().endswith("-VB") or len(period) == 4


async def require_committee(session: AsyncSession, *, committee_id: uuid.UUID) -> None:
    state = await get_unit_state(session, org_tables, unit_id=committee_id)
    if state is None:
        raise ProblemError(404, f"No organisation unit {committee_id}.", kind="unit-not-found")
    if state.versions[0].type not in COMMITTEE_TYPES:
        raise ProblemError(422, f"{committee_id} is not a committee (nämnd).", kind="not-a-committee")


# --- complaint figures (klagomålsstatistik) ---

async def complaint_figures(
    session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID, period: str,
) -> list[dict]:
    """The unit's figures for the period as feedback published them ([] before any arrived)."""
    await access.require_unit_access(session, principal, unit_id=unit_id, year=year_of(period), roles=None)
    statistics = await repository.unit_statistics(session, unit_id=unit_id, period=period)
    return [] if statistics is None else [statistics]


async def quality_overview(session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID, year: int) -> QualityOverview:
    """The unit's commitments and guarantees of the year, its complaint figures of the year beside them."""
    await access.require_unit_access(session, principal, unit_id=unit_id, year=year, roles=None)
    listed, cursor = [], None
    while True:
        page, cursor = await commitments.list_commitments(
            session, principal=principal, params=PageParams(limit=MAX_LIMIT, cursor=decode_cursor(cursor)), unit_id=unit_id,
            within=None, year=year, status=None, business_plan_id=None,
        )
        listed += page
        if cursor is None:
            break
    states, _ = await guarantees.list_latest(
        session, where=[GUARANTEES.c.unit_id == unit_id, GUARANTEES.c.year == year], params=PageParams(limit=MAX_LIMIT, cursor=None),
    )
    return QualityOverview(
        unit_id=unit_id, year=year, complaint_figures=await repository.unit_statistics_of_year(session, unit_id=unit_id, year=year),
        commitments=listed, quality_guarantees=states,
    )


# --- per committee ---

async def lex_sarah_summary(session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, year: int) -> dict | None:
    await require_committee(session, committee_id=committee_id)
    await access.require_unit_access(session, principal, unit_id=committee_id, year=year, roles=None)
    return await repository.lex_sarah_summary(session, committee_id=committee_id, year=year)


async def award_results(session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, year: int | None) -> list[AwardResult]:
    access.require_reader(principal)
    await require_committee(session, committee_id=committee_id)
    return await _awards_under(session, committee_id=committee_id, year=year)


async def good_examples(session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID) -> list[dict]:
    access.require_reader(principal)
    await require_committee(session, committee_id=committee_id)
    return await repository.good_examples(session, committee_id=committee_id)


async def _awards_under(session: AsyncSession, *, committee_id: uuid.UUID, year: int | None) -> list[AwardResult]:
    units = await repository.units_under(session, committee_id=committee_id)
    results = []
    for decision in await repository.decisions_of_year(session, year=year):
        for award in decision["awards"]:
            parsed = RoundAward.model_validate(award)
            if parsed.unit_id in units or parsed.committee_id == committee_id:
                results.append(AwardResult(
                    **parsed.model_dump(), round_id=decision["round"]["id"], year=decision["round"]["year"],
                    decided_on=decision["decided_on"],
                ))
    return results


# --- the report interface (G-reports: the committee's tertial and annual reports) ---

async def figures_for_report(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> dict:
    """Other services' figures for a committee's report of ``period`` ('2015-T1', '2015-T2', '2015-VB'), JSON-ready.

    - ``complaints``: ``{"committee": the committee's own UnitStatistics for the period or None,
      "units": the statistics of the units below it, top level first}`` (feedback's figures as published),
      or None when feedback has published no figures for the period under the committee (no figures, not zeros);
    - ``lex_sarah``: the LexSarahYearlySummary of the period's year, only for VB (or a bare year), else None;
    - ``awards``: the RoundAward dicts of the year's decided rounds for units under the committee,
      each with ``round_id``, ``year`` and ``decided_on``;
    - ``good_examples``: GoodExample dicts of units under the committee, not withdrawn, published
      for the period's year or earlier, newest first.

    No access check: the caller (the report's endpoint) has authorised the committee.
    """
    year = year_of(period)
    own = await repository.unit_statistics(session, unit_id=committee_id, period=period)
    below = await repository.statistics_below(session, committee_id=committee_id, period=period)
    below.sort(key=lambda figures: (KIND_ORDER.get(figures["unit_kind"], len(KIND_ORDER)), figures["unit_id"]))
    summary = await repository.lex_sarah_summary(session, committee_id=committee_id, year=year) if is_annual(period) else None
    awards = await _awards_under(session, committee_id=committee_id, year=year)
    return {
        "complaints": None if own is None and not below else {"committee": own, "units": below},
        "lex_sarah": summary,
        "awards": [award.model_dump(mode="json") for award in awards],
        "good_examples": await repository.good_examples(session, committee_id=committee_id, up_to_year=year),
    }
