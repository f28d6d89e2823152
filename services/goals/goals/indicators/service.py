"""Rules of indicators: definitions, targets on goals and commitments, value versions, imports.

Values arrive in files (Kolada's JSON shape or CSV). A file is applied whole or not at all: every
bad entry (unknown indicator or unit, a period that is no period or lies ahead, a unit not in
effect in the period, a value that is not a number, a gender split the indicator does not have,
an entry given twice) is reported with its position. A value equal to the one in force changes
nothing, so re-importing a file is harmless; a different value becomes a new version, the
earlier one kept, the newest in force.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from contracts.goals import Comparison
from sqlalchemy import ColumnElement, Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today
from servicekit.pagination import Page, PageParams, build_page
from servicekit.problems import ProblemError

from goals import cursors
from goals.access import require_unit_access
from goals.imports import EntryErrors, exists_during, unit_holding_code, unit_ids_by_code, unit_periods
from goals.indicators import repository
from goals.indicators.parsing import RawEntry
from goals.indicators.schemas import (
    Indicator, IndicatorChange, IndicatorCreate, IndicatorValue, Polarity, Target, TargetChange, TargetCreate, ValueImportResult,
)
from goals.periods import in_range, parse_period

TARGET_WRITERS_GOAL = ("committee", "controller")  # a committee's goals; the city's are admin's (scope decides)
TARGET_WRITERS_COMMITMENT = ("unit_manager", "controller")
# Targets are set for the goal's years and may lie ahead; values only for periods that have begun.
GENDERS = ("T", "K", "M")


async def list_indicators(session: AsyncSession, *, where: list[ColumnElement[bool]], params: PageParams) -> Page[Indicator]:
    """In code order."""
    after = cursors.position(params, code=cursors.text)
    rows = await repository.list_indicators(session, where=where, after=after[0] if after else None, limit=params.limit + 1)
    rows, next_cursor = build_page(rows, params, lambda row: {"code": row.code})
    return Page(items=[render_indicator(row) for row in rows], next_cursor=next_cursor)


async def list_targets(session: AsyncSession, *, where: list[ColumnElement[bool]], params: PageParams) -> Page[Target]:
    """By period, then id."""
    after = cursors.position(params, period=cursors.text, id=uuid.UUID)
    rows = await repository.list_targets(session, where=where, after=after, limit=params.limit + 1)
    rows, next_cursor = build_page(rows, params, lambda row: {"period": row.period, "id": str(row.id)})
    return Page(items=[render_target(row) for row in rows], next_cursor=next_cursor)


async def list_values(session: AsyncSession, *, where: list[ColumnElement[bool]], params: PageParams) -> Page[IndicatorValue]:
    """By period, indicator, unit, gender and version (oldest first)."""
    after = cursors.position(
        params, period=cursors.text, indicator_id=uuid.UUID, unit_id=uuid.UUID, gender=cursors.text, version=cursors.whole,
    )
    rows = await repository.list_values(session, where=where, after=after, limit=params.limit + 1)
    rows, next_cursor = build_page(rows, params, lambda row: {
        "period": row.period, "indicator_id": str(row.indicator_id), "unit_id": str(row.unit_id), "gender": row.gender,
        "version": row.version,
    })
    return Page(items=[IndicatorValue.model_validate(row, from_attributes=True) for row in rows], next_cursor=next_cursor)


def render_indicator(row: Row) -> Indicator:
    return Indicator.model_validate(row, from_attributes=True)


def render_target(row: Row) -> Target:
    return Target.model_validate(row, from_attributes=True)


async def create_indicator(session: AsyncSession, *, data: IndicatorCreate) -> Indicator:
    row = await repository.insert_indicator(session, values={"id": uuid.uuid4(), "revision": 1, **data.model_dump(mode="json")})
    return render_indicator(row)


async def lock_indicator(session: AsyncSession, *, indicator_id: uuid.UUID) -> Row:
    row = await repository.get_indicator(session, indicator_id=indicator_id, lock=True)
    if row is None:
        raise ProblemError(404, f"No indicator {indicator_id}.", kind="indicator-not-found")
    return row


async def change_indicator(session: AsyncSession, *, row: Row, data: IndicatorChange) -> Indicator:
    values = data.model_dump(mode="json", include=data.model_fields_set)
    if values.get("by_gender") is False and row.by_gender and await repository.has_split_values(session, indicator_id=row.id):
        raise ProblemError(
            422, "The indicator has values for women and men; it cannot stop being split by gender.", kind="split-values-exist",
        )
    return render_indicator(await repository.update_indicator(session, indicator_id=row.id, values={**values, "revision": row.revision + 1}))


async def _owner(session: AsyncSession, *, goal_id: uuid.UUID | None, commitment_id: uuid.UUID | None) -> tuple[Row, tuple[str, ...]]:
    if goal_id is not None:
        owner = await repository.goal_owner(session, goal_id=goal_id)
        missing, roles = f"No goal {goal_id}.", TARGET_WRITERS_GOAL
    else:
        owner = await repository.commitment_owner(session, commitment_id=commitment_id)
        missing, roles = f"No commitment {commitment_id}.", TARGET_WRITERS_COMMITMENT
    if owner is None:
        raise ProblemError(422, missing, kind="target-owner-not-found")
    return owner, roles


async def create_target(session: AsyncSession, principal: Principal, *, data: TargetCreate) -> Target:
    owner, roles = await _owner(session, goal_id=data.goal_id, commitment_id=data.commitment_id)
    await require_unit_access(session, principal, unit_id=owner.unit_id, year=owner.from_year, roles=roles)
    indicator = await repository.get_indicator(session, indicator_id=data.indicator_id)
    if indicator is None:
        raise ProblemError(422, f"No indicator {data.indicator_id}.", kind="unknown-indicator")
    period = parse_period(data.period)
    if not owner.from_year <= period.year <= owner.to_year:
        span = str(owner.from_year) if owner.from_year == owner.to_year else f"{owner.from_year}–{owner.to_year}"
        raise ProblemError(422, f"The period {data.period} lies outside the years it is set for ({span}).", kind="period-out-of-range")
    if data.gender.value != "T" and not indicator.by_gender:
        raise ProblemError(422, "The indicator is not split by gender; targets are for T (totalt).", kind="not-split-by-gender")
    default = Comparison.at_least if indicator.polarity == Polarity.higher_is_better.value else Comparison.at_most
    row = await repository.insert_target(session, values={
        "id": uuid.uuid4(), "revision": 1, "indicator_id": indicator.id, "goal_id": data.goal_id, "commitment_id": data.commitment_id,
        "unit_id": owner.unit_id, "period": period.text, "gender": data.gender.value, "target_value": data.target_value,
        "comparison": (data.comparison or default).value, "created_by": principal.subject,
    })
    return render_target(row)


async def load_target(session: AsyncSession, principal: Principal, *, target_id: uuid.UUID, write: bool) -> Row:
    row = await repository.get_target(session, target_id=target_id, lock=write)
    if row is None:
        raise ProblemError(404, f"No indicator target {target_id}.", kind="target-not-found")
    owner, roles = await _owner(session, goal_id=row.goal_id, commitment_id=row.commitment_id)
    await require_unit_access(session, principal, unit_id=row.unit_id, year=owner.from_year, roles=roles if write else None)
    return row


async def change_target(session: AsyncSession, *, row: Row, data: TargetChange) -> Target:
    values = {name: getattr(data, name) for name in data.model_fields_set}
    if "comparison" in values:
        values["comparison"] = values["comparison"].value
    return render_target(await repository.update_target(session, target_id=row.id, values={**values, "revision": row.revision + 1}))


@dataclass
class _Checked:
    key: repository.ValueKey
    value: Decimal | None
    count: int | None
    status: str | None


def _number(raw: object, entry: RawEntry) -> Decimal | None | bool:
    """The value as a Decimal, None when missing, False when it is not a number."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int | float):
        text = str(raw)
    elif isinstance(raw, str) and entry.from_text:
        text = raw.replace(",", ".") if entry.decimal_comma else raw
    else:
        return False
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number if number.is_finite() else False


def _count(raw: object, entry: RawEntry) -> int | None | bool:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and entry.from_text and raw.isdigit():
        return int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    return False


async def import_values(
    session: AsyncSession, *, entries: list[RawEntry], body: bytes, source: str, recorded_by: str
) -> ValueImportResult:
    await repository.lock_value_imports(session)
    sha = hashlib.sha256(body).hexdigest()
    by_code, by_kpi = await repository.indicators_by(
        session, codes={e.indicator_code for e in entries if e.indicator_code}, kpis={e.kpi for e in entries if e.kpi and not e.indicator_code},
    )
    municipalities, ous = await repository.units_by_external_ids(
        session, municipalities={e.unit_ref for e in entries if e.unit_kind == "municipality"},
        ous={e.unit_ref.upper() for e in entries if e.unit_kind == "ou"},
    )
    holders = await unit_ids_by_code(session, codes={e.unit_ref.upper() for e in entries if e.unit_kind == "unit_code"})
    known_units = set(municipalities.values()) | set(ous.values()) | {h[0] for found in holders.values() for h in found}
    periods = await unit_periods(session, unit_ids=known_units)
    today = stockholm_today()
    errors = EntryErrors()
    checked: list[_Checked] = []
    seen: dict[repository.ValueKey, str] = {}
    skipped = 0
    for entry in entries:
        at = entry.position
        indicator = by_code.get(entry.indicator_code) if entry.indicator_code else by_kpi.get(entry.kpi or "")
        if indicator is None:
            errors.add(at, "unknown-indicator", f"No indicator {'with code ' + entry.indicator_code if entry.indicator_code else 'for Kolada KPI ' + str(entry.kpi)}.")
            continue
        period = parse_period(entry.period)
        if period is None:
            errors.add(at, "period-invalid", f"{entry.period!r} is not a period (2015, 2015-T1, 2015-T2, 2015-VB, 2015-03).")
            continue
        if not in_range(period, today=today):
            errors.add(at, "period-out-of-range", f"Period {period.text} has not begun or lies before {1990}; values are for periods that have begun.")
            continue
        unit_id = _unit(entry, municipalities, ous, holders, period.start, period.end)
        if unit_id is None:
            errors.add(at, "unknown-unit", f"No organisation unit has {entry.unit_kind} {entry.unit_ref!r}.")
            continue
        if not exists_during(periods.get(unit_id), period.start, period.end):
            errors.add(at, "unit-not-in-effect", f"The organisation unit is not in effect in {period.text}.")
            continue
        gender = entry.gender.strip().upper() if isinstance(entry.gender, str) else entry.gender
        if gender not in GENDERS:
            errors.add(at, "gender-invalid", f"Gender must be T, K or M, not {entry.gender!r}.")
            continue
        if gender != "T" and not indicator.by_gender:
            errors.add(at, "not-split-by-gender", f"Indicator {indicator.code} is not split by gender; give T only.")
            continue
        value, count = _number(entry.value, entry), _count(entry.count, entry)
        if value is False:
            errors.add(at, "value-not-a-number", f"The value {entry.value!r} is not a number.")
            continue
        if count is False:
            errors.add(at, "count-invalid", f"The count {entry.count!r} is not a whole number ≥ 0.")
            continue
        if entry.status is not None and not isinstance(entry.status, str):
            errors.add(at, "status-invalid", "The status must be text.")
            continue
        key = (indicator.id, unit_id, period.text, gender)
        if key in seen:
            errors.add(at, "duplicate-entry", f"The file gives this value twice (also at {seen[key]}).")
            continue
        seen[key] = at
        if value is None:
            skipped += 1
            continue
        checked.append(_Checked(key, value, count, (entry.status or "").strip()[:50] or None))
    errors.raise_if_any("file")

    # The same file again: every value in force it gave was written by it (a row carries the
    # SHA-256 of the file that wrote it, and a file gives each key once), so nothing can differ.
    if checked and await repository.count_current_from_file(session, sha=sha) == len(checked):
        return ValueImportResult(file_sha256=sha, entries=len(checked) + skipped, created=0, changed=0, unchanged=len(checked), skipped=skipped)
    current = {}
    if checked and await repository.any_current(
        session, indicator_ids={c.key[0] for c in checked}, periods={c.key[2] for c in checked},
    ):
        current = await repository.current_values(session, keys=[c.key for c in checked])
    created = changed = 0
    new_rows, superseded = [], []
    for item in checked:
        old = current.get(item.key)
        if old is not None and repository.same_value(old, item.value, item.count, item.status):
            continue
        if old is None:
            created += 1
        else:
            changed += 1
            superseded.append(item.key)
        indicator_id, unit_id, period_text, gender = item.key
        new_rows.append({
            "indicator_id": indicator_id, "unit_id": unit_id, "period": period_text, "gender": gender,
            "version": 1 if old is None else old.version + 1, "value": item.value, "count": item.count, "status": item.status,
            "current": True, "source": source, "file_sha256": sha, "recorded_by": recorded_by,
        })
    await repository.supersede(session, keys=superseded)
    await repository.insert_values(session, rows=new_rows)
    return ValueImportResult(
        file_sha256=sha, entries=len(checked) + skipped, created=created, changed=changed,
        unchanged=len(checked) - created - changed, skipped=skipped,
    )


def _unit(entry: RawEntry, municipalities, ous, holders, start: date, end: date) -> uuid.UUID | None:
    if entry.unit_kind == "municipality":
        return municipalities.get(entry.unit_ref)
    if entry.unit_kind == "ou":
        return ous.get(entry.unit_ref.upper())
    return unit_holding_code(holders.get(entry.unit_ref.upper(), []), start, end) or (
        # a code held only outside the period names a unit that was not in effect then
        holders[entry.unit_ref.upper()][0][0] if entry.unit_ref.upper() in holders else None
    )
