"""The scoring grid: six bands on 0–100 in 5-point steps; an examiner picks the band first, then the place in it.

The bands follow the Baldrige/EFQM habit of scoring on 0–100 in steps of five, grouped so that a
band's name says how mature the approach is (0–5 nothing to show … 90–100 a model for others).
"""

from dataclasses import dataclass

from servicekit.problems import ProblemError

STEP = 5


@dataclass(frozen=True)
class Band:
    key: str
    low: int
    high: int
    label_sv: str

    def scores(self) -> list[int]:
        return list(range(self.low, self.high + 1, STEP))


BANDS: tuple[Band, ...] = (
    Band("0-5", 0, 5, "inget eller enstaka belägg"),
    Band("10-25", 10, 25, "början till ett systematiskt arbetssätt"),
    Band("30-45", 30, 45, "ett systematiskt arbetssätt i delar av verksamheten"),
    Band("50-65", 50, 65, "ett systematiskt arbetssätt i större delen av verksamheten, med resultat"),
    Band("70-85", 70, 85, "ett väl integrerat arbetssätt med goda resultat och förbättringar"),
    Band("90-100", 90, 100, "ett förebildligt arbetssätt med utmärkta resultat, ett gott exempel för andra"),
)
BY_KEY = {band.key: band for band in BANDS}


def band_of(score: int) -> Band | None:
    return next((band for band in BANDS if band.low <= score <= band.high), None)


def check_score(*, band: str, score: int, area_number: int) -> Band:
    """The band, when ``score`` lies on the 5-point grid inside it; a 422 problem otherwise."""
    chosen = BY_KEY.get(band)
    if chosen is None:
        raise ProblemError(
            422, f"Area {area_number}: {band!r} is not a band; the bands are {', '.join(BY_KEY)}.",
            kind="unknown-band", area_number=area_number, bands=list(BY_KEY),
        )
    if score % STEP or not 0 <= score <= 100:
        raise ProblemError(
            422, f"Area {area_number}: {score} is off the grid; scores run 0–100 in steps of {STEP}.",
            kind="score-off-grid", area_number=area_number, score=score,
        )
    if not chosen.low <= score <= chosen.high:
        raise ProblemError(
            422, f"Area {area_number}: {score} lies outside the band {chosen.key} ({', '.join(map(str, chosen.scores()))}).",
            kind="score-outside-band", area_number=area_number, score=score, band=chosen.key,
        )
    return chosen
