"""The written rules of the annual wheel (årshjul, seed 004 §6.3).

Items of year Y: tertialrapport 1 (``Y-T1``, April–May), tertialrapport 2 (``Y-T2``,
August–September), the verksamhetsberättelse (``Y-VB``, December of Y – January of Y + 1) and the
business plan for Y (``Y-VP``, October–December of Y − 1). The city-wide defaults are rows
(``annual_wheel_defaults``, seeded by migration 0006); a committee may set its own deadline for a
period. A deadline must lie inside the item's window and, for a follow-up period, on or after the
period's last day (30 April, 31 August, 31 December): nothing is due before it has happened.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from servicekit.problems import ProblemError

WHEEL_PATTERN = r"^\d{4}-(T1|T2|VB|VP)$"
DUE_PATTERN = r"^\d{4}-(T1|T2|VB)$"
FIRST_YEAR = 1990  # as for indicator periods: earlier years are typing errors
YEARS_AHEAD = 2
_WHEEL = re.compile(WHEEL_PATTERN)
PERIOD_LAST_DAY = {"T1": (4, 30), "T2": (8, 31), "VB": (12, 31)}
ITEMS = ("T1", "T2", "VP", "VB")  # a year's wheel in the order of its deadlines (VP: next year's plan)


@dataclass(frozen=True)
class WheelPeriod:
    text: str
    year: int
    item: str  # T1 | T2 | VB | VP


@dataclass(frozen=True)
class Default:
    item: str
    name_sv: str
    due_month: int
    due_day: int
    due_year_offset: int
    window_from_month: int
    window_from_year_offset: int
    window_to_month: int
    window_to_year_offset: int

    def due(self, year: int) -> date:
        return date(year + self.due_year_offset, self.due_month, self.due_day)

    def window(self, year: int) -> tuple[date, date]:
        first = date(year + self.window_from_year_offset, self.window_from_month, 1)
        to_year = year + self.window_to_year_offset
        last = date(to_year, self.window_to_month, calendar.monthrange(to_year, self.window_to_month)[1])
        return first, last


def parse(text: str, *, today: date) -> WheelPeriod:
    """A period of the wheel; 422 ``period-invalid`` for anything else, ``period-out-of-range`` for odd years."""
    if not _WHEEL.match(text):
        raise ProblemError(
            422, f"{text} is not a period of the annual wheel; periods are YYYY-T1, YYYY-T2, YYYY-VB, YYYY-VP.",
            kind="period-invalid",
        )
    year = int(text[:4])
    if not FIRST_YEAR <= year <= today.year + YEARS_AHEAD:
        raise ProblemError(
            422, f"{text} lies outside {FIRST_YEAR}–{today.year + YEARS_AHEAD}.", kind="period-out-of-range",
        )
    return WheelPeriod(text, year, text[5:])


def last_day(period: WheelPeriod) -> date | None:
    """The follow-up period's last day; None for a business plan."""
    if period.item not in PERIOD_LAST_DAY:
        return None
    month, day = PERIOD_LAST_DAY[period.item]
    return date(period.year, month, day)


def check_deadline(default: Default, period: WheelPeriod, due_date: date) -> None:
    first, last = default.window(period.year)
    if not first <= due_date <= last:
        raise ProblemError(
            422, f"The deadline of {period.text} ({default.name_sv}) must lie in {first}–{last}; {due_date} does not.",
            kind="deadline-outside-window", window_from=first.isoformat(), window_to=last.isoformat(),
        )
    ended = last_day(period)
    if ended is not None and due_date < ended:
        raise ProblemError(
            422, f"{period.text} ends on {ended}; its deadline cannot come before that.", kind="deadline-before-period-end",
            period_last_day=ended.isoformat(),
        )
