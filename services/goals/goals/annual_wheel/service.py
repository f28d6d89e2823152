"""Rules of the annual wheel (årshjul): each period's deadline, what is due, and the overdue job.

A period's deadline is the committee's own (``annual_wheel_deadlines``) or else the city-wide
default (``annual_wheel_defaults``); see ``rules`` for the windows. What is due for a follow-up
period is every adopted commitment of the committee's units still without its follow-up, and the
committee's report for the period while it is not submitted. The overdue job publishes each
missing item once (``goals.annual-wheel.item-overdue``) after the deadline has passed.
"""

import uuid
from datetime import date, datetime, timedelta

from contracts.goals import (
    ANNUAL_WHEEL_ITEM_OVERDUE, SCHEMA_VERSION, AnnualWheelItemOverdue, OverdueItemKind, ReportKind,
)
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree.queries import STOCKHOLM
from servicekit.problems import ProblemError

from goals import access
from goals.annual_wheel import repository, rules
from goals.annual_wheel.schemas import AnnualWheel, Deadline, DeadlinePut, Due, MissingFollowUp, ReportDue, WheelDefault

events = EventPublisher("goals")
WRITER_ROLES = ("committee",)
_MONTHS_SV = ("", "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
              "november", "december")


def report_kind(item: str) -> ReportKind:
    return ReportKind.annual_report if item == "VB" else ReportKind.tertial_report


async def _defaults(session: AsyncSession) -> dict[str, rules.Default]:
    return {row.item: rules.Default(**row._mapping) for row in await repository.defaults(session)}


async def list_defaults(session: AsyncSession) -> list[WheelDefault]:
    shown = []
    for item in (await _defaults(session)).values():
        window = f"{_MONTHS_SV[item.window_from_month]}–{_MONTHS_SV[item.window_to_month]}".capitalize()
        shown.append(WheelDefault(
            item=item.item, name_sv=item.name_sv, due=f"{item.due_month:02d}-{item.due_day:02d}",
            due_year_offset=item.due_year_offset, window=window,
        ))
    return shown


async def authorise_committee(
    session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, year: int, roles, to_year: int | None = None,
) -> None:
    """Role and scope on the committee in the year or span (403 / 422 unit-not-in-effect), then that it is a committee (nämnd)."""
    await access.require_unit_access(session, principal, unit_id=committee_id, year=year, roles=roles, to_year=to_year)
    if await repository.unit_type(session, unit_id=committee_id) not in repository.COMMITTEE_TYPES:
        raise ProblemError(422, f"{committee_id} is not a committee (nämnd).", kind="not-a-committee")


def _deadline(committee_id: uuid.UUID, period: rules.WheelPeriod, default: rules.Default, row: Row | None) -> Deadline:
    first, last = default.window(period.year)
    return Deadline(
        committee_id=committee_id, period=period.text, item=period.item, name_sv=default.name_sv,
        due_date=row.due_date if row else default.due(period.year), source="committee" if row else "default",
        window_from=first, window_to=last, revision=row.revision if row else 0,
    )


def wheel_periods(year: int) -> list[rules.WheelPeriod]:
    """The wheel turned in ``year``: its T1, T2 and VB, and the business plan for the next year (prepared in the autumn)."""
    return [
        rules.WheelPeriod(f"{year + 1}-VP", year + 1, "VP") if item == "VP" else rules.WheelPeriod(f"{year}-{item}", year, item)
        for item in rules.ITEMS
    ]


async def annual_wheel(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> AnnualWheel:
    defaults = await _defaults(session)
    periods = wheel_periods(year)
    own = await repository.deadlines(session, committee_id=committee_id, periods=[p.text for p in periods])
    return AnnualWheel(
        committee_id=committee_id, year=year,
        deadlines=[_deadline(committee_id, p, defaults[p.item], own.get(p.text)) for p in periods],
    )


async def deadline_for(session: AsyncSession, *, committee_id: uuid.UUID, period: rules.WheelPeriod) -> Deadline:
    defaults = await _defaults(session)
    row = await repository.get_deadline(session, committee_id=committee_id, period=period.text)
    return _deadline(committee_id, period, defaults[period.item], row)


async def current_deadline(session: AsyncSession, *, committee_id: uuid.UUID, period: rules.WheelPeriod) -> Row | None:
    return await repository.get_deadline(session, committee_id=committee_id, period=period.text, lock=True)


async def put_deadline(
    session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, period: rules.WheelPeriod, current: Row | None,
    data: DeadlinePut,
) -> Deadline:
    defaults = await _defaults(session)
    default = defaults[period.item]
    rules.check_deadline(default, period, data.due_date)
    values = {"due_date": data.due_date, "recorded_by": principal.subject}
    if current is None:
        await repository.insert_deadline(
            session, values={"committee_id": committee_id, "period": period.text, "revision": 1, **values},
        )
    else:
        await repository.update_deadline(
            session, committee_id=committee_id, period=period.text, values={**values, "revision": current.revision + 1},
        )
    row = await repository.get_deadline(session, committee_id=committee_id, period=period.text)
    return _deadline(committee_id, period, default, row)


async def follow_up_deadline(session: AsyncSession, *, unit_id: uuid.UUID, period: str, default: date) -> date:
    """A unit's follow-up deadline for ``period`` in its committee's wheel (its own, else the city's default);
    ``default`` for a unit under no committee."""
    parsed = rules.WheelPeriod(period, int(period[:4]), period[5:])
    lineage = await access.unit_lineage(session, unit_id=unit_id, year=parsed.year)
    committees = await repository.committees_among(session, unit_ids=lineage)
    if not committees:
        return default
    return (await deadline_for(session, committee_id=committees[0], period=parsed)).due_date


def parse_due_period(text: str, *, today: date) -> rules.WheelPeriod:
    period = rules.parse(text, today=today)
    if period.item == "VP":
        raise ProblemError(
            422, "What is due is listed for follow-up periods (YYYY-T1, YYYY-T2, YYYY-VB).", kind="period-invalid",
        )
    return period


async def due(session: AsyncSession, *, committee_id: uuid.UUID, period: rules.WheelPeriod, today: date) -> Due:
    deadline = await deadline_for(session, committee_id=committee_id, period=period)
    missing = await repository.missing_follow_ups(
        session, committee_id=committee_id, year=period.year, period=period.text, last_day=rules.last_day(period),
    )
    submitted = await repository.report_submitted(session, committee_id=committee_id, period=period.text)
    reports = [] if submitted else [ReportDue(kind=report_kind(period.item).value, period=period.text)]
    return Due(
        committee_id=committee_id, period=period.text, deadline=deadline.due_date, deadline_source=deadline.source,
        as_of=today, overdue=today > deadline.due_date and bool(missing or reports),
        missing_follow_ups=[MissingFollowUp(commitment_id=row.id, unit_id=row.unit_id, title=row.title) for row in missing],
        reports_not_submitted=reports,
    )


# --- the overdue job ---

def candidate_periods(today: date) -> list[rules.WheelPeriod]:
    """Follow-up periods whose deadline can have passed lately: this year's and last year's (VB ends in January)."""
    return [
        rules.WheelPeriod(f"{year}-{item}", year, item)
        for year in (today.year - 1, today.year) for item in ("T1", "T2", "VB")
    ]


async def publish_overdue(session: AsyncSession, *, committee_id: uuid.UUID, now: datetime, lookback_days: int) -> int:
    """Publish the committee's items overdue on ``now``'s day (Europe/Stockholm) and not published before.

    An item is overdue from the day after its deadline; deadlines further back than ``lookback_days``
    are left alone, so a first start on old data does not publish years of history.
    """
    today = now.astimezone(STOCKHOLM).date()
    oldest = today - timedelta(days=lookback_days)
    made = 0
    for period in candidate_periods(today):
        deadline = (await deadline_for(session, committee_id=committee_id, period=period)).due_date
        if not oldest <= deadline < today:
            continue
        if await access.last_day_in_years(session, unit_id=committee_id, from_year=period.year, to_year=period.year) is None:
            continue  # the committee did not exist in that year
        found = await due(session, committee_id=committee_id, period=period, today=today)
        items = [(OverdueItemKind.follow_up, m.commitment_id, m.unit_id, m.commitment_id) for m in found.missing_follow_ups]
        items += [(OverdueItemKind.report, committee_id, committee_id, None) for _ in found.reports_not_submitted]
        for kind, item_id, unit_id, commitment_id in items:
            if not await repository.record_overdue(
                session, committee_id=committee_id, period=period.text, kind=kind.value, item_id=item_id, deadline=deadline, at=now,
            ):
                continue
            made += 1
            await events.record(
                session, type=ANNUAL_WHEEL_ITEM_OVERDUE, subject=str(item_id), schema_version=SCHEMA_VERSION,
                data=AnnualWheelItemOverdue(
                    committee_id=committee_id, period=period.text, kind=kind, unit_id=unit_id, commitment_id=commitment_id,
                    deadline=deadline,
                ),
            )
    return made

