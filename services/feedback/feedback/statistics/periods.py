"""Follow-up periods (uppföljningsperioder): ``2015-T1`` January–April (tertialrapport 1),
``2015-T2`` January–August (tertialrapport 2), ``2015-VB`` the year (verksamhetsberättelse).

A case belongs to a period by its day of receipt in Europe/Stockholm. The periods of a year are
cumulative, so a case received in March counts in T1, T2 and VB of its year.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from servicekit.problems import ProblemError

from feedback.deadlines.calendar import STOCKHOLM

PARTS = ("T1", "T2", "VB")
LAST_MONTH = {"T1": 4, "T2": 8, "VB": 12}
PATTERN = re.compile(r"^(?P<year>20\d\d)-(?P<part>T1|T2|VB)$")
PERIOD_DESCRIPTION = "Uppföljningsperiod: '2015-T1' (januari–april), '2015-T2' (januari–augusti) or '2015-VB' (året)."


@dataclass(frozen=True)
class Period:
    year: int
    part: str

    @property
    def name(self) -> str:
        return f"{self.year}-{self.part}"

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end_day(self) -> date:
        """The first day after the period."""
        month = LAST_MONTH[self.part] + 1
        return date(self.year + 1, 1, 1) if month == 13 else date(self.year, month, 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as instants: midnight in Stockholm."""
        return (datetime.combine(self.first_day, time(), STOCKHOLM), datetime.combine(self.end_day, time(), STOCKHOLM))


def parse(text: str, *, field: str = "period") -> Period:
    found = PATTERN.match(text or "")
    if found is None:
        raise ProblemError(422, f"{text!r} is not a follow-up period like 2015-T1, 2015-T2 or 2015-VB.", kind="invalid-period", field=field)
    return Period(int(found["year"]), found["part"])


def containing(day: date) -> list[Period]:
    """The periods a case received on ``day`` counts in."""
    return [Period(day.year, part) for part in PARTS if day.month <= LAST_MONTH[part]]
