"""Agreement among examiners (bedömarsamstämmighet) as pure functions over (examiner, unit, value) triples.

Krippendorff's alpha at the interval level comes from the maintained ``krippendorff`` library:
the triples become its value counts (per unit, how many examiners gave each value), which is
the reliability data matrix summed over examiners. Only units scored by at least two examiners are
pairable; alpha is reported only when there are at least ``min_units`` pairable units and the
values vary at all (otherwise the expected disagreement is zero and alpha is undefined), so a
round with too little data says "not enough data" instead of showing a number that means nothing.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import krippendorff
import numpy as np

MIN_PAIRABLE_UNITS = 2  # alpha needs disagreement within and between units
MIN_OFFSET_SAMPLE = 5  # an examiner's offset from consensus needs at least this many scores

Triple = tuple[Hashable, Hashable, float]


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha (interval) over some triples, or why it could not be computed."""

    alpha: float | None
    examiners: int
    units: int
    pairable_units: int
    pairable_values: int
    status: str  # "ok" | "not_enough_data" | "no_variation"
    explanation: str


def interval_alpha(triples: Iterable[Triple], *, min_units: int = MIN_PAIRABLE_UNITS) -> Alpha:
    """Interval alpha of the triples (examiner, unit, value); the last value wins for a repeated pair."""
    cells: dict[tuple[Hashable, Hashable], float] = {}
    for examiner, unit, value in triples:
        cells[(examiner, unit)] = float(value)
    examiners = list(dict.fromkeys(e for e, _ in cells))
    units = list(dict.fromkeys(u for _, u in cells))
    per_unit: dict[Hashable, list[float]] = defaultdict(list)
    for (_, unit), value in cells.items():
        per_unit[unit].append(value)
    pairable = {unit: values for unit, values in per_unit.items() if len(values) >= 2}
    pairable_values = sum(len(values) for values in pairable.values())
    shape = {"examiners": len(examiners), "units": len(units), "pairable_units": len(pairable), "pairable_values": pairable_values}
    if len(pairable) < min_units:
        return Alpha(None, **shape, status="not_enough_data", explanation=(
            f"Alpha needs at least {min_units} applications scored by two or more examiners; there are {len(pairable)}."))
    if len({value for values in pairable.values() for value in values}) < 2:
        return Alpha(None, **shape, status="no_variation", explanation=(
            "Every pairable score is the same value: no disagreement is expected, so alpha is undefined."))
    # The library's value-counts form (units × values): the same alpha without an examiners × units matrix.
    domain = sorted({value for values in pairable.values() for value in values})
    position = {value: k for k, value in enumerate(domain)}
    counts = np.zeros((len(pairable), len(domain)))
    for row, values in enumerate(pairable.values()):
        for value in values:
            counts[row, position[value]] += 1
    value = float(krippendorff.alpha(value_counts=counts, value_domain=domain, level_of_measurement="interval"))
    return Alpha(round(value, 4) if math.isfinite(value) else None, **shape, status="ok",
                 explanation="Krippendorff's alpha, interval level (1 = full agreement, 0 = no better than chance).")


@dataclass(frozen=True)
class Spread:
    """How far apart a team's individual scores lie (for one application and area, or all areas)."""

    scores: int
    minimum: float | None
    maximum: float | None
    range: float | None
    standard_deviation: float | None  # population standard deviation of the team's scores


def spread(values: Iterable[float]) -> Spread:
    values = [float(v) for v in values]
    if not values:
        return Spread(0, None, None, None, None)
    mean = sum(values) / len(values)
    deviation = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))  # population standard deviation
    return Spread(len(values), min(values), max(values), max(values) - min(values), round(deviation, 3))


@dataclass(frozen=True)
class Offset:
    """An examiner's individual scores against the team's consensus (individual − consensus)."""

    scores: int
    mean_offset: float | None  # > 0: scores above the consensus (generous), < 0: below (strict)
    mean_absolute_offset: float | None
    status: str  # "ok" | "not_enough_data"


def offset(pairs: Iterable[tuple[float, float]], *, min_sample: int = MIN_OFFSET_SAMPLE) -> Offset:
    """The mean (absolute) offset of (individual, consensus) pairs, or "not enough data" below ``min_sample``."""
    differences = [float(individual) - float(consensus) for individual, consensus in pairs]
    if len(differences) < min_sample:
        return Offset(len(differences), None, None, "not_enough_data")
    return Offset(len(differences), round(statistics.fmean(differences), 3),
                  round(statistics.fmean(abs(d) for d in differences), 3), "ok")
