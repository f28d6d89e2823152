"""SQL of indicators: definitions, targets, value versions and units' external ids."""

import uuid
from decimal import Decimal

from sqlalchemy import ColumnElement, Row, exists, func, insert, or_, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.problems import ProblemError

from goals.models import commitments, goals, indicator_targets, indicator_values, indicators, unit_external_ids

INDICATORS, TARGETS, VALUES, EXTERNAL = indicators, indicator_targets, indicator_values, unit_external_ids
# Serialises value imports, so two files touching the same value cannot both add version 2.
VALUE_IMPORT_LOCK_KEY = 0x51_4D_49_4E_44_56  # "QMINDV"



async def insert_indicator(session: AsyncSession, *, values: dict) -> Row:
    try:
        async with session.begin_nested():
            return (await session.execute(insert(INDICATORS).values(**values).returning(INDICATORS))).one()
    except IntegrityError as exc:
        constraint = getattr(exc.orig.__cause__, "constraint_name", "")
        field = "kolada_kpi_id" if "kolada" in (constraint or "") else "code"
        raise ProblemError(422, f"Another indicator has this {field}.", kind="indicator-exists", field=field) from None


async def get_indicator(session: AsyncSession, *, indicator_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(INDICATORS).where(INDICATORS.c.id == indicator_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def update_indicator(session: AsyncSession, *, indicator_id: uuid.UUID, values: dict) -> Row:
    return (await session.execute(
        update(INDICATORS).where(INDICATORS.c.id == indicator_id).values(**values, updated_at=func.now()).returning(INDICATORS)
    )).one()


async def list_indicators(session: AsyncSession, *, where: list[ColumnElement[bool]], after: str | None, limit: int) -> list[Row]:
    clauses = [*where, INDICATORS.c.code > after] if after else where
    return list(await session.execute(select(INDICATORS).where(*clauses).order_by(INDICATORS.c.code).limit(limit)))


async def has_split_values(session: AsyncSession, *, indicator_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(VALUES.c.indicator_id == indicator_id, VALUES.c.gender != "T"))))


async def indicators_by(session: AsyncSession, *, codes: set[str], kpis: set[str]) -> tuple[dict[str, Row], dict[str, Row]]:
    """Indicators by code and by Kolada KPI id."""
    if not codes and not kpis:
        return {}, {}
    rows = list(await session.execute(
        select(INDICATORS).where(or_(INDICATORS.c.code.in_(codes), INDICATORS.c.kolada_kpi_id.in_(kpis)))
    ))
    return {row.code: row for row in rows}, {row.kolada_kpi_id: row for row in rows if row.kolada_kpi_id}


async def goal_owner(session: AsyncSession, *, goal_id: uuid.UUID) -> Row | None:
    """The goal's unit and years (from_year, to_year)."""
    return (await session.execute(select(goals.c.unit_id, goals.c.from_year, goals.c.to_year).where(goals.c.id == goal_id))).first()


async def commitment_owner(session: AsyncSession, *, commitment_id: uuid.UUID) -> Row | None:
    return (await session.execute(
        select(commitments.c.unit_id, commitments.c.year.label("from_year"), commitments.c.year.label("to_year"))
        .where(commitments.c.id == commitment_id)
    )).first()


async def insert_target(session: AsyncSession, *, values: dict) -> Row:
    try:
        async with session.begin_nested():
            return (await session.execute(insert(TARGETS).values(**values).returning(TARGETS))).one()
    except IntegrityError:
        raise ProblemError(
            422, "This goal or commitment already has a target for the indicator, period and gender; change that one.",
            kind="target-exists",
        ) from None


async def get_target(session: AsyncSession, *, target_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(TARGETS).where(TARGETS.c.id == target_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def update_target(session: AsyncSession, *, target_id: uuid.UUID, values: dict) -> Row:
    return (await session.execute(
        update(TARGETS).where(TARGETS.c.id == target_id).values(**values, updated_at=func.now()).returning(TARGETS)
    )).one()


async def list_targets(session: AsyncSession, *, where: list[ColumnElement[bool]], after: tuple[str, uuid.UUID] | None, limit: int) -> list[Row]:
    clauses = list(where)
    if after is not None:
        clauses.append(tuple_(TARGETS.c.period, TARGETS.c.id) > tuple_(*after))
    return list(await session.execute(select(TARGETS).where(*clauses).order_by(TARGETS.c.period, TARGETS.c.id).limit(limit)))


async def lock_value_imports(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": VALUE_IMPORT_LOCK_KEY})


ValueKey = tuple[uuid.UUID, uuid.UUID, str, str]  # indicator, unit, period, gender


# Keys travel as four parallel arrays joined with unnest: one statement for a whole file instead
# of a row-value IN list per thousand keys (which PostgreSQL plans slowly and the driver binds
# parameter by parameter).
_KEYS = (
    "unnest(CAST(:indicator_ids AS uuid[]), CAST(:unit_ids AS uuid[]), CAST(:periods AS text[]), CAST(:genders AS text[]))"
    " AS k(indicator_id, unit_id, period, gender)"
)
_ON_KEY = "v.indicator_id = k.indicator_id AND v.unit_id = k.unit_id AND v.period = k.period AND v.gender = k.gender"


def _key_arrays(keys: list[ValueKey]) -> dict[str, list]:
    return {
        "indicator_ids": [key[0] for key in keys], "unit_ids": [key[1] for key in keys],
        "periods": [key[2] for key in keys], "genders": [key[3] for key in keys],
    }


async def current_values(session: AsyncSession, *, keys: list[ValueKey]) -> dict[ValueKey, Row]:
    if not keys:
        return {}
    rows = await session.execute(
        text(
            "SELECT v.indicator_id, v.unit_id, v.period, v.gender, v.version, v.value, v.count, v.status"
            f" FROM {_KEYS} JOIN indicator_values AS v ON {_ON_KEY} AND v.current"
        ),
        _key_arrays(keys),
    )
    return {(row.indicator_id, row.unit_id, row.period, row.gender): row for row in rows}


async def any_current(session: AsyncSession, *, indicator_ids: set[uuid.UUID], periods: set[str]) -> bool:
    """Whether any value is in force for one of the indicators in one of the periods (a file of new
    periods then needs no look-up of its keys)."""
    return bool(await session.scalar(select(exists().where(
        VALUES.c.current, VALUES.c.indicator_id.in_(indicator_ids), VALUES.c.period.in_(periods),
    ))))


async def count_current_from_file(session: AsyncSession, *, sha: str) -> int:
    """Values in force that a file with this SHA-256 wrote."""
    return await session.scalar(select(func.count()).select_from(VALUES).where(VALUES.c.current, VALUES.c.file_sha256 == sha))


async def supersede(session: AsyncSession, *, keys: list[ValueKey]) -> None:
    if keys:
        await session.execute(
            text(f"UPDATE indicator_values AS v SET current = false FROM {_KEYS} WHERE v.current AND {_ON_KEY}"), _key_arrays(keys),
        )


_INSERTED = (
    ("indicator_id", "uuid"), ("unit_id", "uuid"), ("period", "text"), ("gender", "text"), ("version", "integer"),
    ("value", "numeric"), ("count", "integer"), ("status", "text"), ("current", "boolean"), ("source", "text"),
    ("file_sha256", "text"), ("recorded_by", "text"),
)


async def insert_values(session: AsyncSession, *, rows: list[dict]) -> None:
    """One INSERT … SELECT FROM unnest(arrays) for the whole file (recorded_at: the default, now())."""
    if not rows:
        return
    # In key order, so the B-tree indexes (all keyed on the indicator first) are filled page by page.
    rows = sorted(rows, key=lambda row: (row["indicator_id"], row["unit_id"], row["period"], row["gender"]))
    columns = ", ".join(name for name, _ in _INSERTED)
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in _INSERTED)
    await session.execute(
        text(f"INSERT INTO indicator_values ({columns}) SELECT * FROM unnest({arrays})"),
        {name: [row[name] for row in rows] for name, _ in _INSERTED},
    )


async def list_values(
    session: AsyncSession, *, where: list[ColumnElement[bool]], after: tuple | None, limit: int
) -> list[Row]:
    order = (VALUES.c.period, VALUES.c.indicator_id, VALUES.c.unit_id, VALUES.c.gender, VALUES.c.version)
    clauses = list(where)
    if after is not None:
        clauses.append(tuple_(*order) > tuple_(*after))
    return list(await session.execute(select(VALUES).where(*clauses).order_by(*order).limit(limit)))


async def get_external_ids(session: AsyncSession, *, unit_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(EXTERNAL).where(EXTERNAL.c.unit_id == unit_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def save_external_ids(session: AsyncSession, *, unit_id: uuid.UUID, revision: int, values: dict) -> None:
    try:
        async with session.begin_nested():
            if revision == 1:
                await session.execute(insert(EXTERNAL).values(unit_id=unit_id, revision=revision, **values))
            else:
                await session.execute(
                    update(EXTERNAL).where(EXTERNAL.c.unit_id == unit_id).values(revision=revision, updated_at=func.now(), **values)
                )
    except IntegrityError as exc:
        constraint = getattr(exc.orig.__cause__, "constraint_name", "") or ""
        field = "kolada_ou_id" if "ou_id" in constraint else "kolada_municipality_id"
        raise ProblemError(422, f"Another organisation unit already has this {field}.", kind="external-id-in-use", field=field) from None


async def units_by_external_ids(session: AsyncSession, *, municipalities: set[str], ous: set[str]) -> tuple[dict[str, uuid.UUID], dict[str, uuid.UUID]]:
    if not municipalities and not ous:
        return {}, {}
    rows = list(await session.execute(
        select(EXTERNAL).where(or_(EXTERNAL.c.kolada_municipality_id.in_(municipalities), EXTERNAL.c.kolada_ou_id.in_(ous)))
    ))
    return (
        {row.kolada_municipality_id: row.unit_id for row in rows if row.kolada_municipality_id},
        {row.kolada_ou_id: row.unit_id for row in rows if row.kolada_ou_id},
    )


def same_value(row: Row, value: Decimal, count: int | None, status: str | None) -> bool:
    return row.value == value and row.count == count and row.status == status


