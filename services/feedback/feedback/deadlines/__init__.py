"""Deadlines in Swedish working days (arbetsdagar) and the overdue job that escalates."""
