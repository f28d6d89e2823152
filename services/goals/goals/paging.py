"""Reading back the positions goals' lists put into their opaque cursors."""

from collections.abc import Callable
from typing import Any

from servicekit.pagination import PageParams
from servicekit.problems import ProblemError


def cursor_position(params: PageParams, **fields: Callable[[Any], Any]) -> tuple | None:
    """The previous page's last position, each field converted (``year=int``); 400 when the cursor is not ours."""
    if params.cursor is None:
        return None
    try:
        return tuple(convert(params.cursor[name]) for name, convert in fields.items())
    except (KeyError, TypeError, ValueError):
        raise ProblemError(400, "The cursor is not one this list issued.", kind="invalid-cursor") from None
