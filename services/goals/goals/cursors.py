"""Reading a list's position back from its opaque cursor (servicekit.pagination encodes it)."""

from collections.abc import Callable
from typing import Any

from servicekit.pagination import PageParams
from servicekit.problems import ProblemError


def position(params: PageParams, **fields: Callable[[Any], Any]) -> tuple | None:
    """The cursor's fields in order, each converted (e.g. ``year=int, id=uuid.UUID``); None on a first page.

    A cursor of another list, or one tampered with, is 400 ``invalid-cursor``, never a 500.
    """
    if params.cursor is None:
        return None
    try:
        return tuple(convert(params.cursor[name]) for name, convert in fields.items())
    except (KeyError, TypeError, ValueError):
        raise ProblemError(400, "The cursor is not one this list issued.", kind="invalid-cursor") from None


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def whole(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not an integer")
    return value
