"""Minimum cell size (minsta cellstorlek): no published figure small enough to point at a resident.

A count between 1 and ``min_cell - 1`` is suppressed (shown as null); zero is shown, since it
points at no one. Where counts add up to a published total (a breakdown, a level of the
organisation), suppressing one is not enough — the total minus the shown ones would give it back —
so ``protect_ids`` suppresses further counts along every such sum (see its docstring).
"""

import heapq


def count(value: int, min_cell: int) -> int | None:
    return None if 0 < value < min_cell else value


class Sums:
    """Relations over numbered items, ``(total, [parts])``, with what ``protect_ids`` looks up in
    them: kept by a caller whose sums stay the same while their counts change."""

    def __init__(self, relations: list[tuple[int, list[int]]]) -> None:
        self.relations = relations
        self.members = [(total, *parts) for total, parts in relations]
        self.where: dict[int, list[int]] = {}
        for index, items in enumerate(self.members):
            for item in items:
                self.where.setdefault(item, []).append(index)


def protect_ids(values: list[int], sums: Sums, min_cell: int, name) -> set[int]:
    """The items to suppress so that no small count is given back by any published sum.

    Items are numbered 0, 1, …: ``values[i]`` is item i's count (a published count, or a remainder
    anyone can derive, such as the cases a department holds itself: its total minus its units');
    ``sums`` holds the relations ``(total, [parts])`` with ``values[total] == sum(values[p] for p in
    parts)`` — a breakdown (by kind, channel, category, promise) or a level of the organisation (a
    unit and the units under it plus its remainder). Counts from 1 to ``min_cell - 1`` are
    suppressed; then, until nothing changes, every relation with suppressed items has at least two
    of them holding at least ``min_cell`` cases together, or none: further parts are suppressed
    smallest first (the total only when no part is left), so subtraction along any relation,
    repeated across relations, never isolates a suppressed count. ``name(i)`` is the text an item's
    ties are broken by, so the result is the same whatever the numbering; numbers rather than the
    tuples holding UUIDs the callers name items by, since plain ints hash and compare in C.
    """
    hidden = {item for item, value in enumerate(values) if 0 < value < min_cell}
    # The passes over the relations as described, without looking again at a relation that cannot
    # act: one with no suppressed item, or one already protected (two suppressed holding at least
    # the minimum, or the total among them) — suppressing more never undoes that. A pass takes the
    # relations in their order; one that gains a suppressed item from a relation before it in the
    # same pass is taken in that pass, as a plain loop over all of them would.
    # A relation whose counts are all zero never acts (nothing in it can be suppressed: its parts
    # are never small, and its total only when a part was): left out (never queued), the others
    # keep their order.
    relations, members, where = sums.relations, sums.members, sums.where
    count = values.__getitem__
    active = [any(map(count, items)) for items in members]
    names: dict[int, str] = {}

    def order(item: int) -> tuple:
        text = names.get(item)
        if text is None:
            text = names[item] = name(item)
        return values[item], text

    settled: set[int] = set()
    pending = sorted({index for item in hidden for index in where.get(item, ()) if active[index]})
    changed = True
    while changed:
        changed = False
        queue, queued = list(pending), set(pending)
        heapq.heapify(queue)
        while queue:
            index = heapq.heappop(queue)
            if index in settled:
                continue
            total, parts = relations[index]
            concealed = [item for item in members[index] if item in hidden]
            given = None if total in hidden else sum(values[item] for item in concealed)
            if len(concealed) >= 2 and (given is None or given >= min_cell):
                settled.add(index)
                continue
            candidates = [p for p in parts if p not in hidden and values[p] > 0]
            if candidates:
                added = min(candidates, key=order)
            elif total not in hidden:
                added = total
            else:
                continue
            hidden.add(added)
            changed = True
            for other in where.get(added, ()):
                if other > index and active[other] and other not in queued and other not in settled:
                    heapq.heappush(queue, other)
                    queued.add(other)
        pending = sorted({index for item in hidden for index in where.get(item, ()) if active[index]} - settled)
    return hidden
