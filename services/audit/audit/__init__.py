"""Service audit."""
