"""Swedish working days, Europe/Stockholm.

A working day is Monday–Friday that is neither a public holiday (allmän helgdag) nor one of the
eves that Swedish workplaces keep closed like Sundays (midsommarafton, julafton, nyårsafton).
The calendar comes from the maintained ``holidays`` package: its Swedish ``public`` and
``de_facto`` categories are exactly those days.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@lru_cache(maxsize=64)
def _closed_days(year: int) -> frozenset[date]:
    calendar = holidays.Sweden(years=year, categories=("public", "de_facto"), include_sundays=False)
    return frozenset(calendar)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _closed_days(day.year)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (counting starts the working day after it).

    Zero days is the day itself when it is a working day, else the next working day.
    """
    day = start
    if days == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def stockholm_date(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()
