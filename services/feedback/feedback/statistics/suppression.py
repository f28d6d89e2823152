"""Minimum cell size (minsta cellstorlek): no published figure small enough to point at a resident.

A count between 1 and ``min_cell - 1`` is suppressed (shown as null); zero is shown, since it
points at no one. Within a breakdown whose cells add up to a published total (by kind, by status,
by channel), suppressing one cell is not enough — the total minus the shown cells would give it
back — so further cells are suppressed, smallest first, until at least two are and together they
hold at least ``min_cell`` cases: the total then tells only their sum, which several splits fit.
"""

from collections.abc import Mapping


def count(value: int, min_cell: int) -> int | None:
    return None if 0 < value < min_cell else value


def breakdown(cells: Mapping[str, int], min_cell: int) -> dict[str, int | None]:
    hidden = {key for key, value in cells.items() if 0 < value < min_cell}
    shown = sorted((value, key) for key, value in cells.items() if key not in hidden and value > 0)
    while hidden and (len(hidden) < 2 or sum(cells[key] for key in hidden) < min_cell) and shown:
        hidden.add(shown.pop(0)[1])
    return {key: None if key in hidden else value for key, value in cells.items()}
