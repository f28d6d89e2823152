"""Service awards."""
