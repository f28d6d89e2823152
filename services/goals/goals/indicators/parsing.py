"""Indicator value files (Kolada's JSON shape and CSV) read into one list of raw entries.

Nothing is judged here beyond the file's shape: each entry keeps what the file said and its
position, and the service decides what is bad, so both formats report errors the same way.
"""

import csv
import io
from dataclasses import dataclass
from typing import Any

from servicekit.problems import ProblemError

from goals.indicators.schemas import KoladaImport

MAX_CSV_ROWS = 50_000
UNIT_COLUMNS = ("unit_code", "ou", "municipality")
INDICATOR_COLUMNS = ("indicator", "kpi")


@dataclass
class RawEntry:
    position: str  # JSON pointer or 'line N'
    indicator_code: str | None  # our code
    kpi: str | None  # Kolada KPI id
    unit_kind: str  # unit_code | ou | municipality
    unit_ref: str
    period: str
    gender: Any
    value: Any
    count: Any
    status: Any
    from_text: bool = False  # CSV cells are text: numbers are parsed from them
    decimal_comma: bool = False


def from_kolada(data: KoladaImport) -> list[RawEntry]:
    entries = []
    for index, entry in enumerate(data.values):
        kind, ref = ("ou", entry.ou) if entry.ou is not None else ("municipality", entry.municipality)
        for inner, value in enumerate(entry.values):
            entries.append(RawEntry(
                position=f"/values/{index}/values/{inner}", indicator_code=None, kpi=entry.kpi.strip().upper(),
                unit_kind=kind, unit_ref=(ref or "").strip(), period=str(entry.period), gender=value.gender,
                value=value.value, count=value.count, status=value.status,
            ))
    return entries


def from_csv(body: bytes) -> list[RawEntry]:
    """Columns: indicator (our code) or kpi (Kolada id); unit_code, ou or municipality; period; value; gender, count, status optional.

    Comma- or semicolon-separated (a semicolon file may use decimal commas, as Swedish spreadsheets do).
    """
    try:
        content = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProblemError(422, "The CSV file is not UTF-8.", kind="csv-not-utf8") from None
    first_line = content.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(content), delimiter=delimiter)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [name for name in ("period", "value") if name not in header]
    if not any(name in header for name in INDICATOR_COLUMNS):
        missing.append("indicator or kpi")
    if not any(name in header for name in UNIT_COLUMNS):
        missing.append("unit_code, ou or municipality")
    if missing:
        raise ProblemError(422, f"The CSV header lacks: {', '.join(missing)}.", kind="csv-header", missing=missing)
    entries = []
    for row in reader:
        line = reader.line_num
        if len(entries) >= MAX_CSV_ROWS:
            raise ProblemError(422, f"A CSV file holds at most {MAX_CSV_ROWS} rows.", kind="csv-too-large")
        cells = {key: (value or "").strip() for key, value in row.items() if key is not None}
        if not any(cells.values()):
            continue  # blank line
        unit_kind = next((name for name in UNIT_COLUMNS if cells.get(name)), "unit_code")
        entries.append(RawEntry(
            position=f"line {line}",
            indicator_code=cells.get("indicator", "").upper() or None,
            kpi=cells.get("kpi", "").upper() or None,
            unit_kind=unit_kind, unit_ref=cells.get(unit_kind, ""),
            period=cells.get("period", ""), gender=cells.get("gender") or "T",
            value=cells.get("value", ""), count=cells.get("count") or None, status=cells.get("status") or None,
            from_text=True, decimal_comma=delimiter == ";",
        ))
    return entries
