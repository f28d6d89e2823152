"""Rules of the statistics: computed once, here, for a committee and a period; suppression applied.

``compute`` runs the one aggregation (feedback.statistics.repository) over the committee's cases
of the period and works out, over every published sum at once (the levels of the organisation,
the breakdowns by kind, category, channel and status, the promises), which counts to suppress
(feedback.statistics.suppression.protect_ids). The committee's statistics, its reports and the
``feedback.unit-statistics.changed`` events all render from that one computation, so what goes
out by any road is suppressed alike.
"""

import hashlib
import math
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from contracts.feedback import CaseKind, KindCount, PromiseNotKept
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from feedback import access, organisation
from feedback.statistics import repository, suppression
from feedback.statistics.periods import Period
from feedback.statistics.schemas import (
    BreakdownRow,
    PromiseCounts,
    CommitteeStatistics,
    Figures,
    Ranking,
    RankedUnit,
    RankingMeasure,
    RepeatCounts,
    UnitFigures,
)

KINDS = [kind.value for kind in CaseKind]
# Counts that add up along the organisation and every breakdown.
ADDITIVE = ("cases", "not_kept", "repeats", "ratings", *(f"kind_{kind}" for kind in KINDS))
# The breakdowns and the counts each publishes (figures rows by category, kind and channel; counts by
# status). Their rows carry no split by kind: a cross-table of breakdowns would suppress most of it.
ROW_COUNTS = ("cases", "not_kept", "repeats", "ratings")
BREAKDOWNS = {"category": ROW_COUNTS, "kind": ROW_COUNTS, "channel": ROW_COUNTS, "status": ("cases",)}
COMMITTEE_KIND = "committee"


def unit_kind(unit_type: str) -> str:
    return COMMITTEE_KIND if unit_type in organisation.COMMITTEE_TYPES else unit_type


@dataclass
class Computed:
    """One committee's period, aggregated and protected."""

    committee_id: uuid.UUID
    period: Period
    min_cell: int
    computed_at: datetime
    tree: list[repository.TreeUnit]
    rows: dict[tuple, dict]  # (dimension, key) → aggregates; ("unit", committee_id) is the committee's total
    promises: dict[tuple, int]  # (unit_id, guarantee_id, promise_id) → confirmed broken
    hidden: set = field(default_factory=set)
    today: date | None = None
    _promises_by_unit: dict | None = field(default=None, repr=False, compare=False)

    def promises_of(self, unit_id) -> list[tuple]:
        """The unit's ((unit, guarantee, promise), broken) in the order of the keys' text, grouped once."""
        if self._promises_by_unit is None:
            grouped: dict = defaultdict(list)
            for item in sorted(self.promises.items(), key=lambda item: str(item[0])):
                grouped[item[0][0]].append(item)
            self._promises_by_unit = grouped
        return self._promises_by_unit.get(unit_id, [])

    def hidden_promises(self) -> set[str]:
        """The committee's own promise cells that are suppressed, as 'guarantee:promise'."""
        committee = ("unit", self.committee_id)
        return {measure.removeprefix("promise:") for key, measure in self.hidden if key == committee and measure.startswith("promise:")}

    def shown(self, row_key: tuple, measure: str) -> int | None:
        value = self.rows.get(row_key, {}).get(measure, 0)
        return None if item_of(row_key, measure, self.committee_id) in self.hidden else value


def item_of(row_key: tuple, measure: str, committee_id: uuid.UUID) -> tuple:
    """A count's identity: the breakdown by kind's cases are the committee's counts per kind."""
    if row_key[0] == "kind" and measure == "cases":
        return (("unit", committee_id), f"kind_{row_key[1]}")
    return (row_key, measure)


def _empty() -> dict:
    return defaultdict(int)


COUNTS = (
    "cases", "acknowledged", "acknowledged_in_time", "answered", "answered_in_time", "not_kept", "repeats", "repeats_flagged",
    "repeats_dismissed", "ratings", "rating_sum", "overdue",
)
DIMENSION_OF = {"category_code": "category", "channel": "channel", "status": "status", "kind": "kind"}
TIMINGS = {"ack_days": ("median_ack", "p90_ack"), "answer_days": ("median_answer", "p90_answer")}


def _median_and_p90(histogram: Counter | None) -> tuple[float | None, float | None]:
    """PostgreSQL's percentile_cont at 0.5 and 0.9 over the values a histogram counts: the value
    at position ``fraction · (n − 1)`` of the sorted values, interpolated between its neighbours
    (the values sorted once for both)."""
    if not histogram:
        return None, None
    n = sum(histogram.values())
    if n == 0:
        return None, None
    wanted = []
    for fraction in (0.5, 0.9):
        position = fraction * (n - 1)
        wanted.append((position, math.floor(position), math.ceil(position)))
    indices = sorted({index for _, below, above in wanted for index in (below, above)})
    found: dict[int, int] = {}
    seen, next_index = 0, 0
    for value in sorted(histogram):
        seen += histogram[value]
        while next_index < len(indices) and indices[next_index] < seen:
            found[indices[next_index]] = value
            next_index += 1
        if next_index == len(indices):
            break
    results = []
    for position, below, above in wanted:
        low, high = found[below], found[above]
        results.append(low + (high - low) * (position - below))
    return results[0], results[1]


def _descendants(tree: list[repository.TreeUnit]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Each unit of the tree with every unit at and below it."""
    children: dict = defaultdict(list)
    for unit in tree:
        if unit.parent_id is not None:
            children[unit.parent_id].append(unit.unit_id)
    result = {}
    for unit in tree:
        stack, found = [unit.unit_id], []
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(children.get(current, ()))
        result[unit.unit_id] = found
    return result


def tree_digest(tree: list[repository.TreeUnit]) -> str:
    text = "|".join(f"{u.unit_id},{u.parent_id},{u.type},{u.code},{u.name}" for u in tree)
    return hashlib.sha256(text.encode()).hexdigest()


TERTIALS = {"T1": (1,), "T2": (1, 2), "VB": (1, 2, 3)}


async def compute(
    session: AsyncSession, *, committee_id: uuid.UUID, period: Period, min_cell: int, today: date | None = None,
    tree: list[repository.TreeUnit] | None = None,
) -> Computed:
    year = await compute_year(session, committee_id=committee_id, year=period.year, min_cell=min_cell, today=today, tree=tree)
    return year[period.part]


@dataclass
class YearAggregate:
    """A committee's year of cases, aggregated per tertial (1: Jan–Apr, 2: May–Aug, 3: Sep–Dec):
    what the one SQL aggregation returns, or what the worker keeps up to date case by case
    (feedback.statistics.incremental)."""

    leaf: dict = field(default_factory=lambda: defaultdict(Counter))  # (tertial, unit a case is with) → counts
    counts: dict = field(default_factory=lambda: defaultdict(Counter))  # (tertial, (dimension, key)) → counts
    # (tertial, row key) → timing → working days → cases; row key ("leaf", unit) or (dimension, key)
    histograms: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counter)))
    promises: dict = field(default_factory=lambda: defaultdict(int))  # (tertial, unit, guarantee, promise) → confirmed broken


async def aggregate_year(session: AsyncSession, *, committee_id: uuid.UUID, year: int, today: date) -> YearAggregate:
    """The committee's year from the one aggregation over its cases."""
    start, end = Period(year, "VB").bounds()
    aggregate = YearAggregate()
    leaf, counts, histograms = aggregate.leaf, aggregate.counts, aggregate.histograms
    for row in await repository.figures(session, committee_id=committee_id, start=start, end=end, today=today):
        columns, t = repository.grouped_by(row.grouping_bits), row.tertial
        values = {name: getattr(row, name) for name in COUNTS}
        if columns == ("unit_id", "kind"):
            leaf[(t, row.unit_id)].update(values | {f"kind_{row.kind}": row.cases})
            counts[(t, ("kind", row.kind))].update(values)
        elif len(columns) == 1:
            counts[(t, (DIMENSION_OF[columns[0]], getattr(row, columns[0])))].update(values)
        else:
            first, timing = columns
            days = getattr(row, timing)
            if days is not None:
                key = ("leaf", row.unit_id) if first == "unit_id" else (DIMENSION_OF[first], getattr(row, first))
                histograms[(t, key)][timing][days] += row.cases
    for row in await repository.promises_not_kept(session, committee_id=committee_id, start=start, end=end):
        aggregate.promises[(row.tertial, row.unit_id, row.guarantee_id, row.promise_id)] += row.cases
    return aggregate


async def compute_year(
    session: AsyncSession, *, committee_id: uuid.UUID, year: int, min_cell: int, today: date | None = None,
    tree: list[repository.TreeUnit] | None = None,
) -> dict[str, Computed]:
    """T1, T2 and VB of a year from one pass over its cases, protected together: a later period
    less an earlier one (T2 − T1 is May–August) is a sum anyone can take, so it is one more
    relation the suppression respects."""
    today = today or stockholm_today()
    if tree is None:
        tree = await repository.committee_tree(session, committee_id=committee_id, on=today)
    aggregate = await aggregate_year(session, committee_id=committee_id, year=year, today=today)
    return year_from(aggregate, committee_id=committee_id, year=year, min_cell=min_cell, today=today, tree=tree)


def year_from(
    aggregate: YearAggregate, *, committee_id: uuid.UUID, year: int, min_cell: int, today: date,
    tree: list[repository.TreeUnit], earlier: dict | None = None, changed: set | None = None,
) -> dict[str, Computed]:
    """T1, T2 and VB of a year from its aggregate, rolled up the tree and protected together.

    ``earlier``: what a previous call with the same tree left there (the worker keeps it), and
    ``changed``: the tertials whose cases changed since; a period none of whose tertials changed
    takes its sums from there instead of adding them up again (its suppression is worked out
    anew with the others')."""
    leaf, counts, histograms = aggregate.leaf, aggregate.counts, aggregate.histograms
    below = _descendants(tree)
    children: dict = defaultdict(list)
    for unit in tree:
        if unit.parent_id is not None and unit.parent_id in below:
            children[unit.parent_id].append(unit.unit_id)
    below[committee_id] = sorted({unit_id for (_, unit_id) in leaf}, key=str)  # every case of it, also of units closed since
    computed_at = datetime.now(UTC)
    year_of: dict[str, Computed] = {}
    sums: dict = {}
    for part, tertials in TERTIALS.items():
        if earlier is not None and changed is not None and part in earlier and not changed & set(tertials):
            rows, promises, sums[part] = earlier[part]
            year_of[part] = Computed(committee_id, Period(year, part), min_cell, computed_at, tree, rows, promises, today=today)
            continue
        part_leaf: dict = defaultdict(Counter)
        part_counts: dict = defaultdict(Counter)
        part_histograms: dict = defaultdict(lambda: defaultdict(Counter))
        for (t, unit_id), values in leaf.items():
            if t in tertials:
                part_leaf[unit_id].update(values)
        for (t, key), values in counts.items():
            if t in tertials:
                part_counts[key].update(values)
        for (t, key), timings in histograms.items():
            if t in tertials:
                for timing, histogram in timings.items():
                    part_histograms[key][timing].update(histogram)
        # Each unit of the tree as its own cases and its children's sums, children first (the tree
        # lists parents first): the same sums as over every unit below it, each added once.
        rolled: dict = {}
        for unit in reversed(tree):
            total, timings = Counter(part_leaf.get(unit.unit_id, {})), defaultdict(Counter)
            for timing, histogram in part_histograms.get(("leaf", unit.unit_id), {}).items():
                timings[timing].update(histogram)
            for child in children.get(unit.unit_id, ()):
                child_total, child_timings = rolled[child]
                total.update(child_total)
                for timing, histogram in child_timings.items():
                    timings[timing].update(histogram)
            rolled[unit.unit_id] = total, timings
        for unit_id, units in below.items():
            if unit_id == committee_id:
                total, timings = Counter(), defaultdict(Counter)
                for member in units:
                    total.update(part_leaf.get(member, {}))
                    for timing, histogram in part_histograms.get(("leaf", member), {}).items():
                        timings[timing].update(histogram)
            else:
                total, timings = rolled[unit_id]
            part_counts[("unit", unit_id)] = total
            part_histograms[("unit", unit_id)] = timings
        rows: dict[tuple, dict] = {}
        for key, total in part_counts.items():
            row = dict(total)
            timings = part_histograms.get(key, {})
            for timing, (median, p90) in TIMINGS.items():
                row[median], row[p90] = _median_and_p90(timings.get(timing))
            row["rating_mean"] = row["rating_sum"] / row["ratings"] if row.get("ratings") else None
            rows[key] = row
        by_unit: dict = defaultdict(Counter)
        for (t, unit_id, g, p), cases in aggregate.promises.items():
            if t in tertials:
                by_unit[unit_id][(g, p)] += cases
        promises: dict[tuple, int] = {}
        for unit_id, units in below.items():
            summed = Counter()
            for member in units:
                summed.update(by_unit.get(member, {}))
            promises |= {(unit_id, g, p): count for (g, p), count in summed.items()}
        year_of[part] = Computed(committee_id, Period(year, part), min_cell, computed_at, tree, rows, promises, today=today)
        sums[part] = _relations(year_of[part])
        if earlier is not None:
            earlier[part] = (rows, promises, sums[part])
    _protect_year(year_of, min_cell, sums)
    return year_of


def _protect_year(year_of: dict[str, Computed], min_cell: int, sums: dict) -> None:
    """One protection over the three periods: each period's sums (``sums``: part → ``_relations``),
    and each later period as the earlier one plus what came in between (derivable, unpublished)."""
    year = _year_shape(tuple(sums[part][0] for part in year_of))
    values = [value for part in year_of for value in sums[part][1]]
    values += [0] * year.added
    # Where both are 0 the relation is all zeros, so protect_ids leaves it out (it could never act).
    values += [values[after] - values[before] for before, after, _ in year.between]
    hidden = suppression.protect_ids(values, year.sums, min_cell, lambda index: str(year.keys[index]))
    for computed in year_of.values():
        computed.hidden = set()
    for index in hidden:
        key = year.keys[index]
        if len(key) == 2:
            year_of[key[0]].hidden.add(key[1])


@dataclass(eq=False)
class _Shape:
    """A period's items and sums as ``_relations`` puts them down, numbered (``items[i]`` is item
    i), with where each item's count comes from: ``terms[i]``, [(sign, row, measure)] summed, a
    row being ``row_keys[row]`` of the rows, or ``~row`` for ``promise_keys[~row]`` of the promises.
    The same for every round with the same tree, promises and breakdown keys (``_shapes``)."""

    items: list = field(default_factory=list)
    ids: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    row_keys: list = field(default_factory=list)
    promise_keys: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)
    promise_rows: dict = field(default_factory=dict)

    def row(self, row_key: tuple, measure: str) -> tuple:
        index = self.rows.get(row_key)
        if index is None:
            index = self.rows[row_key] = len(self.row_keys)
            self.row_keys.append(row_key)
        return (1, index, measure)

    def promise(self, key: tuple) -> tuple:
        index = self.promise_rows.get(key)
        if index is None:
            index = self.promise_rows[key] = len(self.promise_keys)
            self.promise_keys.append(key)
        return (1, ~index, None)

    def put(self, item, terms: list, *, overwrite: bool) -> int:
        """As ``values[item] = …`` (overwrite) or ``values.setdefault(item, …)`` would."""
        index = self.ids.get(item)
        if index is None:
            index = self.ids[item] = len(self.items)
            self.items.append(item)
            self.terms.append(terms)
        elif overwrite:
            self.terms[index] = terms
        return index

    def values(self, rows: dict, promises: dict) -> list[int]:
        empty: dict = {}
        found = [rows.get(key) or empty for key in self.row_keys]
        promised = [promises.get(key, 0) for key in self.promise_keys]
        values = []
        for terms in self.terms:
            value = 0
            for sign, row, measure in terms:
                value += sign * (found[row].get(measure, 0) if row >= 0 else promised[~row])
            values.append(value)
        return values


_shapes: dict = {}


def _relations(computed: Computed) -> tuple[_Shape, list[int]]:
    """Every count of a period that is published or derivable, and every sum relating them: the
    period's shape (``_shape``) and its items' counts."""
    promise_ids = sorted({(g, p) for (_, g, p) in computed.promises}, key=str)
    breakdown_keys = tuple(tuple(sorted(k for (d, k) in computed.rows if d == dimension)) for dimension in BREAKDOWNS)
    key = (computed.committee_id, tree_digest(computed.tree), tuple(promise_ids), breakdown_keys)
    shape = _shapes.get(key)
    if shape is None:
        if len(_shapes) >= 512:
            _shapes.clear()
        shape = _shapes[key] = _shape(computed, promise_ids, dict(zip(BREAKDOWNS, breakdown_keys)))
    return shape, shape.values(computed.rows, computed.promises)


def _shape(computed: Computed, promise_ids: list, breakdown_keys: dict) -> _Shape:
    committee = ("unit", computed.committee_id)
    shape = _Shape()
    row, promise = shape.row, shape.promise

    def put(item, terms: list) -> int:
        return shape.put(item, terms, overwrite=True)

    def value(row_key: tuple, measure: str) -> int:
        return shape.put(item_of(row_key, measure, computed.committee_id), [row(row_key, measure)], overwrite=False)

    def minus(term: tuple) -> tuple:
        return (-term[0], *term[1:])

    relations = shape.relations
    children: dict = defaultdict(list)
    for unit in computed.tree:
        if unit.parent_id is not None and unit.unit_id != computed.committee_id:
            children[unit.parent_id].append(unit.unit_id)
    unit_keys = [("unit", unit.unit_id) for unit in computed.tree]
    for parent, kids in children.items():
        rest = ("rest", parent)
        for measure in ADDITIVE:
            rest_id = put((rest, measure), [row(("unit", parent), measure), *(minus(row(("unit", kid), measure)) for kid in kids)])
            relations.append((value(("unit", parent), measure), [*(value(("unit", kid), measure) for kid in kids), rest_id]))
        for g, p in promise_ids:
            measure = f"promise:{g}:{p}"
            for key in (("unit", parent), *(("unit", kid) for kid in kids)):
                put((key, measure), [promise((key[1], g, p))])
            rest_id = put((rest, measure), [*shape.terms[shape.ids[(("unit", parent), measure)]], *(
                minus(term) for kid in kids for term in shape.terms[shape.ids[(("unit", kid), measure)]])])
            relations.append((shape.ids[(("unit", parent), measure)],
                              [*(shape.ids[(("unit", kid), measure)] for kid in kids), rest_id]))
    for key in unit_keys:
        for g, p in promise_ids:
            shape.put((key, f"promise:{g}:{p}"), [promise((key[1], g, p))], overwrite=False)
        if promise_ids:
            relations.append((value(key, "not_kept"), [shape.ids[(key, f"promise:{g}:{p}")] for g, p in promise_ids]))
    for dimension, measures in BREAKDOWNS.items():
        keys = breakdown_keys[dimension]
        for measure in measures:
            relations.append((value(committee, measure), [value((dimension, k), measure) for k in keys]))
    for key in unit_keys:
        relations.append((value(key, "cases"), [value(key, f"kind_{kind}") for kind in KINDS]))
    # The committee's own counts beside them: answered in time and late, the repeats' decisions.
    put((committee, "answered"), [row(committee, "answered")])
    late = put((committee, "answered_late"), [row(committee, "answered"), minus(row(committee, "answered_in_time"))])
    relations.append((value(committee, "answered"), [value(committee, "answered_in_time"), late]))
    dismissed = put((committee, "repeats_dismissed"), [row(committee, "repeats_dismissed")])
    undecided = put((committee, "repeats_undecided"), [
        row(committee, "repeats_flagged"), minus(row(committee, "repeats")), minus(row(committee, "repeats_dismissed"))])
    relations.append((value(committee, "repeats_flagged"), [value(committee, "repeats"), dismissed, undecided]))
    value(committee, "overdue")
    return shape


@dataclass(eq=False)
class _YearShape:
    """The three periods' shapes numbered together for ``suppression.protect_ids``: ``keys[i]`` is
    item i as (part, item) or ("between", later, item); the periods' items first, then those a
    later period less an earlier one needs and the period lacks (count 0), then ``between``:
    (earlier's item, later's item, the difference's item) in the order their relations are added."""

    keys: list
    sums: suppression.Sums  # the periods' relations, then each later period's as the earlier one's and the difference
    added: int
    between: list


_year_shapes: dict = {}


def _year_shape(shapes: tuple) -> _YearShape:
    found = _year_shapes.get(shapes)
    if found is not None:
        return found
    if len(_year_shapes) >= 512:
        _year_shapes.clear()
    parts = list(TERTIALS)
    keys: list = []
    relations: list = []
    ids: dict = {}
    for part, shape in zip(parts, shapes, strict=True):
        base = len(keys)
        ids[part] = {item: base + index for item, index in shape.ids.items()}
        keys += [(part, item) for item in shape.items]
        relations += [(base + total, [base + p for p in members]) for total, members in shape.relations]
    added: dict = {part: [] for part in parts}
    pending: list = []  # (earlier, later, item) in the order the old dict of values held them

    def item_id(part: str, item) -> int:
        index = ids[part].get(item)
        if index is None:
            index = ids[part][item] = len(keys)
            keys.append((part, item))
            added[part].append(item)
        return index

    for earlier, later in (("T1", "T2"), ("T2", "VB")):
        # In the order the values were put down (a set's order of tuples of strings changes with the
        # process's hash seed, and the order the relations are worked through decides which further
        # cells are suppressed, so the worker and a request must take them alike); T2's items added
        # in the first round came after VB's.
        first, second = shapes[parts.index(earlier)], shapes[parts.index(later)]
        for item in dict.fromkeys([*first.items, *second.items, *added[earlier], *added[later]]):
            pending.append((item_id(earlier, item), item_id(later, item), later, item))
    count = len(keys)
    between = []
    for before, after, later, item in pending:
        keys.append(("between", later, item))
        between.append((before, after, len(keys) - 1))
        relations.append((after, [before, len(keys) - 1]))
    found = _year_shapes[shapes] = _YearShape(
        keys, suppression.Sums(relations), count - sum(len(shape.items) for shape in shapes), between)
    return found


def _share(part: int, whole: int, min_cell: int) -> float | None:
    return round(part / whole, 3) if whole >= min_cell else None


def _timing(value, population: int, min_cell: int) -> float | None:
    return round(float(value), 2) if value is not None and population >= min_cell else None


def figures_of(computed: Computed, row_key: tuple, *, with_kinds: bool = True, with_promises: bool = False) -> dict:
    row, n = computed.rows.get(row_key, _empty()), computed.min_cell
    kinds = [KindCount(kind=kind, cases=computed.shown(row_key, f"kind_{kind}")) for kind in KINDS] if with_kinds else []
    promises = []
    if with_promises:
        unit_id = row_key[1]
        promises = [
            PromiseNotKept(guarantee_id=g, promise_id=p, cases=None if (row_key, f"promise:{g}:{p}") in computed.hidden else count)
            for (_, g, p), count in computed.promises_of(unit_id)
        ]
    shown_ratings = computed.shown(row_key, "ratings")
    return {
        "cases": computed.shown(row_key, "cases"), "by_kind": kinds,
        "median_working_days_to_acknowledgement": _timing(row.get("median_ack"), row.get("acknowledged", 0), n),
        "p90_working_days_to_acknowledgement": _timing(row.get("p90_ack"), row.get("acknowledged", 0), n),
        "median_working_days_to_answer": _timing(row.get("median_answer"), row.get("answered", 0), n),
        "p90_working_days_to_answer": _timing(row.get("p90_answer"), row.get("answered", 0), n),
        "share_acknowledged_within_deadline": _share(row.get("acknowledged_in_time", 0), row.get("acknowledged", 0), n),
        "share_answered_within_deadline": _share(row.get("answered_in_time", 0), row.get("answered", 0), n),
        "guarantees_not_kept": computed.shown(row_key, "not_kept"), "promises_not_kept": promises,
        "repeats": computed.shown(row_key, "repeats"),
        "satisfaction_ratings": shown_ratings,
        # Only beside a count that is shown: a mean next to a suppressed count, with the parent's and
        # the siblings' means and counts, would give the hidden count back.
        "satisfaction_mean": (
            round(row["rating_mean"], 2) if shown_ratings is not None and shown_ratings >= n and row.get("rating_mean") is not None
            else None
        ),
    }


def unit_figures(computed: Computed) -> list[UnitFigures]:
    return [
        UnitFigures(
            unit_id=unit.unit_id, code=unit.code, name=unit.name, unit_kind=unit_kind(unit.type), parent_id=unit.parent_id,
            **figures_of(computed, ("unit", unit.unit_id), with_promises=True),
        )
        for unit in computed.tree
    ]


def _breakdown(computed: Computed, dimension: str) -> list[BreakdownRow]:
    keys = sorted(key for (d, key) in computed.rows if d == dimension)
    return [BreakdownRow(key=key, **figures_of(computed, (dimension, key), with_kinds=False)) for key in keys]


def _counts(computed: Computed, dimension: str) -> dict[str, int | None]:
    return {key: computed.shown((dimension, key), "cases") for (d, key) in computed.rows if d == dimension}


async def require_committee_in_scope(session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID):
    committee = await organisation.require_committee(session, committee_id=committee_id, on=stockholm_today())
    access.require_committee_reader(principal, committee_lineage=committee.lineage)
    return committee


async def committee_statistics(
    session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, period: Period, min_cell: int,
) -> CommitteeStatistics:
    await require_committee_in_scope(session, principal=principal, committee_id=committee_id)
    return await current(session, committee_id=committee_id, period=period, min_cell=min_cell)


async def current(session: AsyncSession, *, committee_id: uuid.UUID, period: Period, min_cell: int) -> CommitteeStatistics:
    """The committee's statistics as of now: as the worker stored them while nothing has changed
    since (feedback.models.committee_statistics), else computed here."""
    today = stockholm_today()
    tree = await repository.committee_tree(session, committee_id=committee_id, on=today)
    stored = await repository.stored_statistics(session, committee_id=committee_id, period=period.name)
    if (
        stored is not None and stored.min_cell == min_cell and stored.computed_on == today
        and stored.tree_digest == tree_digest(tree)
        and not await repository.marked(session, committee_id=committee_id, first_day=period.first_day, end_day=period.end_day)
    ):
        statistics = CommitteeStatistics.model_validate(stored.document)
        statistics.promises = await promise_details(
            session, committee_id=committee_id, period=period, min_cell=min_cell, hidden=set(stored.hidden_promises))
        return statistics
    computed = await compute(session, committee_id=committee_id, period=period, min_cell=min_cell, today=today, tree=tree)
    return render(computed, promises=await promise_details(
        session, committee_id=committee_id, period=period, min_cell=min_cell, hidden=computed.hidden_promises()))


async def store(session: AsyncSession, computed: Computed, *, last: dict | None = None) -> None:
    """Keeps what the worker computed for the requests until the next change. ``last``: period →
    what this worker stored last (kept by the caller, feedback.statistics.incremental): the same
    figures again are not written again."""
    values = {
        "committee_id": computed.committee_id, "period": computed.period.name, "min_cell": computed.min_cell,
        "computed_on": computed.today, "tree_digest": tree_digest(computed.tree),
        "document": render(computed, promises=[]).model_dump(mode="json"),
        "hidden_promises": sorted(computed.hidden_promises()), "computed_at": computed.computed_at,
    }
    same = {key: value for key, value in values.items() if key != "computed_at"}
    same["document"] = {key: value for key, value in values["document"].items() if key != "computed_at"}
    if last is not None:
        if last.get(computed.period.name) == same:
            return
        last[computed.period.name] = same
    await repository.store_statistics(session, values=values)


async def promise_details(
    session: AsyncSession, *, committee_id: uuid.UUID, period: Period, min_cell: int, hidden: set[str],
) -> list[PromiseCounts]:
    """Named, confirmed broken and kept per promise; broken as protected with the unit figures."""
    start, end = period.bounds()
    details = []
    for counts in await repository.promise_counts(session, committee_id=committee_id, start=start, end=end):
        suppressed = f"{counts['guarantee_id']}:{counts['promise_id']}" in hidden or 0 < counts["broken"] < min_cell
        details.append(PromiseCounts(**counts | {
            "named": suppression.count(counts["named"], min_cell), "kept": suppression.count(counts["kept"], min_cell),
            "broken": None if suppressed else counts["broken"]}))
    return details


def render(computed: Computed, *, promises: list) -> CommitteeStatistics:
    committee = ("unit", computed.committee_id)
    total = computed.rows.get(committee, _empty())
    n = computed.min_cell
    return CommitteeStatistics(
        committee_id=computed.committee_id, period=computed.period.name, year=computed.period.year, min_cell_size=n,
        computed_at=computed.computed_at, figures=Figures(**figures_of(computed, committee, with_promises=True)),
        units=unit_figures(computed), by_category=_breakdown(computed, "category"),
        by_kind_figures=_breakdown(computed, "kind"), by_channel_figures=_breakdown(computed, "channel"),
        received=computed.shown(committee, "cases"), by_kind=_counts(computed, "kind"), by_status=_counts(computed, "status"),
        by_channel=_counts(computed, "channel"), overdue=computed.shown(committee, "overdue"),
        answered=computed.shown(committee, "answered"), answered_in_time=computed.shown(committee, "answered_in_time"),
        average_rating=round(total["rating_mean"], 2) if total.get("ratings", 0) >= n and total.get("rating_mean") is not None else None,
        repeats=RepeatCounts(
            flagged=computed.shown(committee, "repeats_flagged"), confirmed=computed.shown(committee, "repeats"),
            dismissed=computed.shown(committee, "repeats_dismissed"),
            undecided=None if (committee, "repeats_undecided") in computed.hidden else (
                total.get("repeats_flagged", 0) - total.get("repeats", 0) - total.get("repeats_dismissed", 0)),
        ),
        guarantees_not_kept=computed.shown(committee, "not_kept"), promises=promises,
    )


RANK_HIGHER_IS_BETTER = {
    RankingMeasure.share_answered_within_deadline: True, RankingMeasure.share_acknowledged_within_deadline: True,
    RankingMeasure.median_working_days_to_answer: False, RankingMeasure.satisfaction_mean: True,
}


async def ranking(
    session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, period: Period, measure: RankingMeasure,
    min_cell: int, configured_min_volume: int, min_volume: int | None,
) -> Ranking:
    """Rangordning av enheter: only units with at least the minimum volume of cases are ranked."""
    if min_volume is not None and min_volume < configured_min_volume:
        raise ProblemError(
            422, f"Units are ranked only with at least {configured_min_volume} cases in the period.",
            kind="ranking-below-minimum-volume", field="min_volume", minimum=configured_min_volume,
        )
    volume = max(min_volume or configured_min_volume, min_cell)
    await require_committee_in_scope(session, principal=principal, committee_id=committee_id)
    statistics = await current(session, committee_id=committee_id, period=period, min_cell=min_cell)
    candidates = [
        unit for unit in statistics.units
        if unit.unit_kind != COMMITTEE_KIND and unit.cases is not None and unit.cases >= volume
    ]
    higher = RANK_HIGHER_IS_BETTER[measure]

    def order(unit: UnitFigures):
        value = getattr(unit, measure.value)
        return (value is None, -(value or 0) if higher else (value or 0), unit.code)

    ranked = sorted(candidates, key=order)
    return Ranking(
        committee_id=committee_id, period=period.name, measure=measure, min_volume=volume,
        units=[
            RankedUnit(rank=position, unit_id=unit.unit_id, code=unit.code, name=unit.name, unit_kind=unit.unit_kind,
                       cases=unit.cases, value=getattr(unit, measure.value))
            for position, unit in enumerate(ranked, start=1)
        ],
    )
