"""Event payload schemas (pydantic only, no logic)."""
