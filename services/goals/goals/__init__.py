"""Service goals."""
