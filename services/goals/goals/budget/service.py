"""Rules of budget figures: deviation is budget − outcome, an import is all or nothing.

A budget table (budget / utfall / avvikelse) comes from the city's finance system or a person's
spreadsheet with the deviation already filled in. The service never stores a deviation as given:
it is always computed. A stated deviation that disagrees is kept beside the figures and reported
in the response, line by line, so the sender can correct its source (seed 004's 2015 table is
such a case), but it does not make the file bad: budget and outcome are still the figures.
"""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import stockholm_today
from servicekit.pagination import PageParams, build_page

from goals import cursors
from goals.budget import repository
from goals.budget.repository import StoredLine, StoredYear
from goals.budget.schemas import (
    LINE_NAMES_SV, AmountUnit, BudgetImport, BudgetImportResult, BudgetLine, BudgetLineName, BudgetYear, DeviationReport,
    ImportedBudgetYear,
)
from goals.imports import EntryErrors, exists_during, unit_holding_code, unit_ids_by_code, unit_periods

# Next year's budget exists before the year starts (adopted in November); later years do not.
YEARS_AHEAD = 1


def deviation(line: StoredLine) -> Decimal | None:
    """Avvikelse = budget − utfall."""
    return None if line.outcome is None else line.budget - line.outcome


def discrepancies(lines: dict[str, StoredLine]) -> list[DeviationReport]:
    reports = []
    for name in BudgetLineName:
        line = lines.get(name.value)
        if line is None or line.stated_deviation is None:
            continue
        computed = deviation(line)
        if computed != line.stated_deviation:
            reports.append(
                DeviationReport(
                    line=name, stated=line.stated_deviation, computed=computed,
                    detail=f"{LINE_NAMES_SV[name]}: stated deviation {line.stated_deviation} is not budget − outcome "
                    f"({line.budget} − {line.outcome} = {computed}); {computed} is stored.",
                )
            )
    return reports


def render(year: StoredYear) -> BudgetYear:
    reports = discrepancies(year.lines)
    disagreeing = {report.line for report in reports}
    return BudgetYear(
        unit_id=year.unit_id, year=year.year, amount_unit=AmountUnit(year.amount_unit), revision=year.revision,
        lines=[
            BudgetLine(
                line=name, name_sv=LINE_NAMES_SV[name], budget=line.budget, outcome=line.outcome, deviation=deviation(line),
                stated_deviation=line.stated_deviation, deviation_disagrees=name in disagreeing,
            )
            for name in BudgetLineName
            if (line := year.lines.get(name.value)) is not None
        ],
        discrepancies=reports,
    )


async def import_budget(session: AsyncSession, *, data: BudgetImport, recorded_by: str) -> BudgetImportResult:
    """Apply a file of budget tables, all or nothing; unchanged tables stay as they are (no new revision)."""
    errors = EntryErrors()
    holders = await unit_ids_by_code(session, codes={item.unit_code.strip().upper() for item in data.items if item.unit_code})
    known = {holder[0] for found in holders.values() for holder in found}
    periods = await unit_periods(session, unit_ids=known | {item.unit_id for item in data.items if item.unit_id})
    last_year = stockholm_today().year + YEARS_AHEAD
    resolved: list[tuple[str, uuid.UUID, StoredYear]] = []
    seen: dict[tuple[uuid.UUID, int], int] = {}
    for index, item in enumerate(data.items):
        position = f"/items/{index}"
        start, end = date(item.year, 1, 1), date(item.year + 1, 1, 1)
        if item.unit_code is not None:
            code = item.unit_code.strip().upper()
            unit_id = unit_holding_code(holders.get(code, []), start, end)
            if code not in holders:
                errors.add(f"{position}/unit_code", "unknown-unit", f"No organisation unit has code {code}.")
                continue
        else:
            unit_id = item.unit_id
            if unit_id not in periods:
                errors.add(f"{position}/unit_id", "unknown-unit", f"No organisation unit {unit_id}.")
                continue
        if item.year > last_year:
            errors.add(f"{position}/year", "year-out-of-range", f"Budget figures go up to {last_year}; {item.year} is too far ahead.")
            continue
        if unit_id is None or not exists_during(periods[unit_id], start, end):
            errors.add(f"{position}/year", "unit-not-in-effect", f"The organisation unit does not exist in {item.year}.")
            continue
        if (unit_id, item.year) in seen:
            errors.add(position, "duplicate-entry", f"The file gives this unit's {item.year} table twice (also at /items/{seen[unit_id, item.year]}).")
            continue
        seen[unit_id, item.year] = index
        for name, line in item.lines.items():
            if line.outcome is None and line.deviation is not None:
                errors.add(f"{position}/lines/{name.value}/deviation", "deviation-without-outcome", "A deviation needs an outcome to deviate from.")
        resolved.append(
            (position, unit_id, StoredYear(
                unit_id=unit_id, year=item.year, revision=1, amount_unit=item.amount_unit.value,
                lines={name.value: StoredLine(line.budget, line.outcome, line.deviation) for name, line in item.lines.items()},
            ))
        )
    errors.raise_if_any("budget file")

    await repository.lock_imports(session)
    stored = {
        (year.unit_id, year.year): year
        for year in await repository.load_years(session, keys=[(unit_id, new.year) for _, unit_id, new in resolved], lock=True)
    }
    items, counts = [], {"created": 0, "changed": 0, "unchanged": 0}
    for position, unit_id, new in resolved:
        old = stored.get((unit_id, new.year))
        if old is None:
            result = "created"
            await repository.save_year(session, year=new, recorded_by=recorded_by, new=True)
        elif old.amount_unit == new.amount_unit and old.lines == new.lines:
            result = "unchanged"
        else:
            result = "changed"
            new.revision = old.revision + 1
            await repository.save_year(session, year=new, recorded_by=recorded_by, new=False)
        counts[result] += 1
        items.append(ImportedBudgetYear(position=position, unit_id=unit_id, year=new.year, result=result, discrepancies=discrepancies(new.lines)))
    return BudgetImportResult(entries=len(items), items=items, **counts)


async def get_year(session: AsyncSession, *, unit_id: uuid.UUID, year: int) -> BudgetYear | None:
    found = await repository.load_years(session, keys=[(unit_id, year)])
    return render(found[0]) if found else None


async def list_years(
    session: AsyncSession, *, where: list[ColumnElement[bool]], params: PageParams
) -> tuple[list[BudgetYear], str | None]:
    """Newest year first, then by unit id; the cursor is the last (year, unit) shown."""
    years_table = repository.YEARS
    clauses = list(where)
    after = cursors.position(params, year=cursors.whole, unit_id=uuid.UUID)
    if after is not None:
        year, unit_id = after
        clauses.append(
            (years_table.c.year < year) | ((years_table.c.year == year) & (years_table.c.unit_id > unit_id))
        )
    rows = await repository.load_years(
        session, where=and_(*clauses) if clauses else None, order_and_limit=([years_table.c.year.desc(), years_table.c.unit_id], params.limit + 1),
    )
    rows, next_cursor = build_page(rows, params, lambda row: {"year": row.year, "unit_id": str(row.unit_id)})
    return [render(row) for row in rows], next_cursor
