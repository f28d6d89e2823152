"""Service feedback."""
