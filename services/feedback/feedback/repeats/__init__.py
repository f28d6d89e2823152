"""Upprepade klagomål: a new case like a recent open case of the same unit and category is flagged
as a possible repeat; the unit's handler confirms it (a duplicate of that case) or dismisses it."""
