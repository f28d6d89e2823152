"""Periods of indicator values and targets, written as ARCHITECTURE.md fixes them.

``2015`` (the year), ``2015-T1`` (tertialrapport 1, January–April), ``2015-T2`` (tertialrapport 2,
January–August), ``2015-VB`` (verksamhetsberättelse, the whole year), ``2015-03`` (a month).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date

PERIOD_PATTERN = r"^\d{4}(-(T1|T2|VB|0[1-9]|1[0-2]))?$"
PERIOD_DESCRIPTION = "Period: '2015' (år), '2015-T1' / '2015-T2' (tertial), '2015-VB' (verksamhetsberättelse) or '2015-03' (månad)."
_PERIOD = re.compile(PERIOD_PATTERN)
# Kolada's and the city's own series start long after this; earlier years are typing errors.
FIRST_YEAR = 1990
_TERTIAL_END_MONTH = {"T1": 5, "T2": 9}


@dataclass(frozen=True)
class Period:
    text: str
    year: int
    start: date
    end: date  # exclusive


@lru_cache(maxsize=4096)  # an import file names few periods many times
def parse_period(text: str) -> Period | None:
    """The period's days, or None when ``text`` is not a period."""
    text = text.strip().upper()
    if not _PERIOD.match(text):
        return None
    year = int(text[:4])
    suffix = text[5:]
    start = date(year, 1, 1)
    if suffix in _TERTIAL_END_MONTH:
        return Period(text, year, start, date(year, _TERTIAL_END_MONTH[suffix], 1))
    if suffix in ("", "VB"):
        return Period(text, year, start, date(year + 1, 1, 1))
    month = int(suffix)
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(text, year, date(year, month, 1), end)


def in_range(period: Period, *, today: date, years_ahead: int = 0) -> bool:
    """From FIRST_YEAR up to ``years_ahead`` years after today's (0: the period has begun by today)."""
    if period.year < FIRST_YEAR:
        return False
    return period.start <= today if years_ahead == 0 else period.year <= today.year + years_ahead
